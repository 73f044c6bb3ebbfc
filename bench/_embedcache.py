"""Embeddings cached on disk for the benchmarks: one .npy per text, keyed by the sha1 of the text and the
model name, so re-runs and sweeps embed nothing twice."""

from __future__ import annotations

import hashlib
from pathlib import Path

import numpy as np

from copydesk.embed import Embedder


def embed_cached(emb: Embedder, texts: list[str], cache: Path | None) -> np.ndarray:
    """Embeddings of `texts`, read from and written to `cache` (one .npy per text) when a cache is given."""
    if cache is None:
        return emb.embed(texts)
    d = cache / emb.name.replace("/", "_")
    keys = [hashlib.sha1(t.encode()).hexdigest() for t in texts]
    paths = [d / k[:2] / f"{k}.npy" for k in keys]
    out = np.zeros((len(texts), emb.dim), np.float32)
    todo = [i for i, p in enumerate(paths) if not p.exists()]
    for i in sorted(set(range(len(texts))) - set(todo)):
        out[i] = np.load(paths[i])
    if todo:
        out[todo] = emb.embed([texts[i] for i in todo])
        for i in todo:
            paths[i].parent.mkdir(parents=True, exist_ok=True)
            np.save(paths[i], out[i])
    return out
