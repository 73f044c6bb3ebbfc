"""Hostile text through the sentence checks: every call returns without raising, and the checks read a
bounded prefix (a sentence, not a page), which is what keeps pathological input from costing quadratic time.
Speed itself is not asserted here (the benchmarks measure speed)."""

from copydesk.models import Article
from copydesk.neutral import headline_problems, loaded_words, neutralize
from copydesk.neutral.edit import personal_or_accusing
from copydesk.write import article_sentences
from copydesk.verify.disagree import conflicts
from copydesk.verify.facts import MAX_CHARS, facts, quotations
from copydesk.verify.quotes import check_quotes, speaker_words

HOSTILE = {
    "one long word": "A" * 50_000,
    "endless name": "The " + "Big " * 5_000 + "Cat.",
    "quote marks": '"' * 10_000,
    "numbers": "1," * 10_000,
    "quotations": " ".join(['Mr. Smith said "x y z w"'] * 2_000),
    "controls": "\u202e\u0000\ud7ff" * 1_000,
    "months and quotes": "In May “ Sept. I " * 3_000,
}


def test_hostile_text_passes_every_check_without_raising():
    for name, text in HOSTILE.items():
        facts(text)
        conflicts(text[:5_000], text[:4_000])
        assert isinstance(check_quotes(text[:5_000], [text]).ok, bool), name
        out, _ = neutralize(text)
        assert isinstance(out, str) and isinstance(headline_problems(text[:300]), list), name
        assert isinstance(personal_or_accusing(text[:5_000]), bool), name
        art = Article(
            id=1,
            url="https://x.test/1",
            canonical_url="https://x.test/1",
            outlet_id="x",
            title="t",
            text=text,
            summary="",
            published=None,
            first_seen=None,
        )
        assert isinstance(article_sentences(art), list), name


def test_checks_read_a_bounded_prefix():
    for text in HOSTILE.values():
        assert facts(text) == facts(text[:MAX_CHARS])
        assert quotations(text) == quotations(text[:MAX_CHARS])
        assert speaker_words(text) == speaker_words(text[:MAX_CHARS])
    assert loaded_words("shocking " * 1_000) == ()  # longer than a sentence: not edited
    assert neutralize("A" * 50_000) == ("A" * 50_000, ())
