"""Hostile text through the sentence checks: every call returns, quickly, without raising. The texts are
pathological shapes (no real sentence is 50,000 characters); time is asserted loosely, as a ratio to a plain
sentence checked in the same test, so that a quadratic blow-up fails and a slow machine does not."""

import time

from copydesk.neutral import headline_problems, neutralize
from copydesk.verify.disagree import conflicts
from copydesk.verify.facts import facts
from copydesk.verify.quotes import check_quotes

HOSTILE = {
    "one long word": "A" * 50_000,
    "endless name": "The " + "Big " * 5_000 + "Cat.",
    "quote marks": '"' * 10_000,
    "numbers": "1," * 10_000,
    "quotations": " ".join(['Mr. Smith said "x y z w"'] * 2_000),
    "controls": "\u202e\u0000\ud7ff" * 1_000,
}


def _all(text: str) -> None:
    facts(text)
    conflicts(text[:5_000], text[:4_000])
    check_quotes(text[:5_000], [text])
    neutralize(text)
    headline_problems(text[:300])


def test_hostile_text_is_handled_in_bounded_time():
    plain = "At least 12 people were killed in Kabul on Tuesday, officials said."
    t0 = time.perf_counter()
    for _ in range(20):
        _all(plain)
    unit = (time.perf_counter() - t0) / 20
    for name, text in HOSTILE.items():
        t = time.perf_counter()
        _all(text)
        took = time.perf_counter() - t
        # a plain sentence takes ~1 ms; every hostile text is checked within a few hundred sentences' time
        assert took < max(1500 * unit, 2.0), (name, took)
    assert neutralize("A" * 50_000) == ("A" * 50_000, ())
