"""What a narration says (copydesk.audio.narration): what the story page says, as plain words, nothing that a
speech engine could take for markup or an instruction."""

from __future__ import annotations

import unicodedata
from dataclasses import replace

import pytest

from audiosupport import sample_edition_module
from copydesk.audio.narration import briefing_narration, speakable, story_narration
from copydesk.audio.publish import briefing_days

se = sample_edition_module()


@pytest.fixture(scope="module")
def edition():
    return se.build_edition(se.hostile_strings())


def story(edition, slug):
    return next(es.story for es in edition.stories if es.story.slug == slug)


def test_story_narration_reads_what_the_page_says(edition):
    s = story(edition, "chain-bridge-closes")
    text = story_narration(edition, s)
    lines = text.splitlines()
    assert lines[0] == "Chain Bridge to close for repairs."  # the headline, as a sentence
    assert "written by software, not by a journalist, from 3 independent sources" in text
    assert "First reported 1 May 2024." in text
    assert "The Chain Bridge will close for repairs on Monday, the city said." in text  # lede
    assert "Officials confirmed the closure on Friday." in text  # body
    assert "Traffic." in lines  # the subheading, on its own line
    assert "Buses will be diverted, according to Budapest Daily." in text  # the attribution the page shows
    assert (
        "Where sources differ" in text
        and "Wire Agency reports Monday" in text
        and "Budapest Daily reports Tuesday" in text
    )
    assert "Based on reports by Wire Agency, Budapest Daily" in lines[-1]
    # in that order: headline, lede, body, differences, outlets
    order = [
        text.index(x)
        for x in (
            "Chain Bridge to close",
            "The Chain Bridge will close",
            "Officials confirmed",
            "Traffic.",
            "Where sources differ",
            "Based on reports by",
        )
    ]
    assert order == sorted(order)


def test_story_narration_leaves_out_what_is_not_the_story(edition):
    s = story(edition, "chain-bridge-closes")
    text = story_narration(edition, s)
    for absent in (
        "https://",
        "wire.example",
        "Bridge to close (Wire)",  # source addresses and titles
        "City officials confirmed the bridge closes Monday.",  # a support sentence (the reveal only)
        "extractive summary",  # the method
        "passed the support check",  # verification
        "unrated",
        "Reliability",
        "Coverage",
        "Related",
    ):
        assert absent not in text, absent


def test_single_source_note_is_read(edition):
    text = story_narration(edition, story(edition, "mayor-visits-vienna"))
    assert "Only one outlet has reported this story." in text
    assert "from 1 independent source." in text


def test_hostile_source_text_becomes_plain_words(edition):
    text = story_narration(edition, story(edition, "hostile-story"))
    assert "<" not in text and ">" not in text and "[[" not in text and "\\" not in text
    assert not any(unicodedata.category(c) in ("Cc", "Cf") and c != "\n" for c in text)


@pytest.mark.parametrize(
    "raw, spoken",
    [
        ('Hello <speak><prosody rate="x-slow">there</prosody><break time="20s"/></speak> friend', "Hello there friend"),
        ("Say [[h@l'oU]] now", "Say ((h@l'oU)) now"),  # espeak-ng and piper phoneme input, defused
        ("A\u200bB\u202eC\x07D\x00E", "ABCDE"),  # zero-width, bidi override, bell, NUL
        ("<script>alert(1)</script>", "alert(1)"),
        ("x < y and y > z", "x y and y z"),
        ("  spaced\t out \n\n next  ", "spaced out\nnext"),
    ],
)
def test_speakable(raw, spoken):
    assert speakable(raw) == spoken


def test_text_changes_only_with_what_the_page_says(edition):
    s = story(edition, "chain-bridge-closes")
    same = replace(s, method="another method", verification=None, coverage_by_lean=())
    assert story_narration(edition, same) == story_narration(edition, s)
    changed = replace(s, lede=replace(s.lede, text="The Chain Bridge will close on Tuesday."))
    assert story_narration(edition, changed) != story_narration(edition, s)


def test_briefing_reads_the_days_top_stories_in_edition_order(edition):
    days = briefing_days(edition)
    assert [d.isoformat() for d, _ in days] == ["2024-05-01", "2024-04-30"]  # newest day first
    day, stories = days[0]
    assert [es.story.slug for es in stories] == ["chain-bridge-closes", "mayor-visits-vienna"]  # edition order
    text = briefing_narration(edition, day, stories)
    assert "daily briefing for 1 May 2024" in text
    assert text.index("Story 1. Chain Bridge to close") < text.index("Story 2. Mayor to visit Vienna")
    assert "The mayor will visit Vienna next week, according to Budapest Daily." in text
    assert "../../etc/evil" not in text and "Escaped" not in text  # an unpublishable story is not read
