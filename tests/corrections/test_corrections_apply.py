"""Sentences by index, corrections applied to a story (and re-applied after a rewrite), the pipeline's flags, and
the report fields' sanitising: pure functions."""

from __future__ import annotations

from dataclasses import replace

import pytest

from copydesk.corrections.apply import (
    CorrectionError,
    Standing,
    apply_correction,
    apply_standing,
    index_of,
    text_sentences,
)
from copydesk.corrections.clean import MAX_WRONG, clean_report, clean_text
from copydesk.corrections.flags import contradicted
from copydesk.models import Claim, Disagreement, Support, WrittenSentence
from corrections_support import story


def _ws(text: str) -> WrittenSentence:
    return WrittenSentence(text, (Support(2, "courier", text, 1.0),))


def test_indexes_follow_the_page_and_a_correction_replaces_or_removes_one_sentence():
    s = story()
    texts = [x.text for x in text_sentences(s)]
    assert texts[0] == s.headline.text and texts[1] == s.lede.text and len(texts) == 5
    fixed = apply_correction(s, 2, _ws("The mayor said the work would cost 52 billion forints."))
    assert [x.text for x in text_sentences(fixed)][2].endswith("52 billion forints.")
    assert text_sentences(fixed)[3:] == text_sentences(s)[3:]
    gone = apply_correction(s, 4, None)
    assert [x.text for x in text_sentences(gone)] == texts[:4]
    assert apply_correction(s, 0, _ws("New headline")).headline.text == "New headline"
    for bad in ((0, None), (1, None), (9, _ws("x")), (-1, _ws("x"))):
        with pytest.raises(CorrectionError):
            apply_correction(s, *bad)
    # a section whose only sentence is removed goes with it
    one = replace(s, body=(s.body[0].__class__("Only", (s.body[0].sentences[0],)),))
    assert apply_correction(one, 2, None).body == ()


def test_standing_corrections_survive_a_rewrite_that_brings_the_old_sentence_back():
    s = story()
    old = s.body[0].sentences[0].text
    new = _ws("The mayor said the work would cost 52 billion forints.")
    rewritten = s  # the writer picked the same, uncorrected sentence again
    out = apply_standing(rewritten, [Standing(old, new), Standing(s.body[0].sentences[2].text, None)])
    texts = [x.text for x in text_sentences(out)]
    assert old not in texts and new.text in texts and len(texts) == 4
    assert apply_standing(out, [Standing(old, new)]) == out  # nothing left to correct: unchanged
    assert index_of(s, old) == 2 and index_of(s, "nothing") is None


def _disputed(s, sentence: str, ours: str, theirs: str):
    d = Disagreement(
        "number",
        (
            Claim(1, "gazette", ours, sentence),
            Claim(2, "courier", theirs, "The renovation will cost 52 billion forints."),
        ),
    )
    return replace(s, disagreements=(d,))


def test_a_new_contradiction_of_a_published_sentence_is_flagged_once_and_an_old_one_not_at_all():
    s = story()
    sentence = s.body[0].sentences[0].text
    new = _disputed(s, sentence, "48 billion", "52 billion")
    [flag] = contradicted(s, new)
    assert flag.index == 2 and flag.sentence == sentence and flag.kind == "number"
    rep = flag.report("story1", {"courier": "River Courier"})
    assert rep.origin == "pipeline" and rep.category == "wrong-figure" and "River Courier" in rep.wrong
    assert contradicted(s, new)[0].key == flag.key  # the same conflict: the same key (filed once)
    assert contradicted(None, new) == []  # a first version: nothing was published
    assert contradicted(new, new) == []  # readers were already told that sources differ
    unpublished = _disputed(s, "A sentence never published.", "48 billion", "52 billion")
    assert contradicted(s, unpublished) == []


def test_report_fields_are_cleaned_and_checked():
    assert clean_text("  a\x00b\u202ec\r\n\r\n\r\n\r\nd\x1b[0m \t ") == "abc\n\nd[0m"
    assert clean_text("a\nb  c", one_line=True) == "a b c"
    f = clean_report("wrong-date", "It was Monday.", "", ["https://a.example/x", " https://a.example/x "], "")
    assert f.errors == {} and f.evidence == ("https://a.example/x",) and f.email == ""
    f = clean_report("wrong-date", "x" * (MAX_WRONG + 1), "", ["javascript:alert(1)"], "a@")
    assert set(f.errors) == {"wrong", "evidence", "email"}
    f = clean_report("<script>", "\x00\u200b", "", [], "")
    assert set(f.errors) == {"category", "wrong"}
