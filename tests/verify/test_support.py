import numpy as np

from copydesk.verify.support import SUPPORTED, Evidence, check


def _unit(v):
    v = np.asarray(v, dtype=np.float32)
    return v / np.linalg.norm(v)


SOURCES = [
    "At least 12 people were killed in a blast in Kabul on Tuesday, officials said.",
    "The explosion hit a market in the city centre.",
]
VECS = np.stack([_unit([1, 0, 0]), _unit([0, 1, 0])])
EV = Evidence.of(SOURCES, VECS)


def test_a_source_sentence_is_supported_by_itself():
    r = check(SOURCES[0], VECS[0], EV)
    assert r.supported and r.score >= SUPPORTED and r.evidence[0] == 0 and r.problems == ()


def test_a_changed_number_or_a_new_name_costs_support_and_says_why():
    same = check(SOURCES[0], VECS[0], EV).score
    r = check("At least 19 people were killed in a blast in Kandahar on Tuesday, officials said.", VECS[0], EV)
    assert r.score < same
    assert any("19" in p and "no source" in p for p in r.problems) and any("Kandahar" in p for p in r.problems)


def test_unrelated_words_fail_even_when_the_embedding_is_close():
    r = check("The minister resigned over a corruption scandal involving railway contracts.", VECS[0], EV)
    assert not r.supported


def test_no_sources_means_unsupported():
    r = check("Anything at all.", VECS[0], Evidence.of([], np.zeros((0, 3), np.float32)))
    assert not r.supported and r.problems
