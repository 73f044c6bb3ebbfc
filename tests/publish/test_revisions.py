"""What changed between two published versions of a story (copydesk.publish.revisions), in words for readers."""

from __future__ import annotations

import dataclasses
from datetime import datetime, timezone

from copydesk.models import Section, SourceLink, Support, WrittenSentence, WrittenStory
from copydesk.publish.revisions import ALIGN_MIN, FIRST, _align, describe_changes

T0 = datetime(2024, 5, 1, 12, 0, tzinfo=timezone.utc)


def _s(text: str, article_id: int = 1, outlet: str = "wire", score: float = 1.0) -> WrittenSentence:
    return WrittenSentence(text, (Support(article_id, outlet, text, score),))


def story(headline: str, *sentences: str, sources: tuple[tuple[int, str], ...] = ((1, "Wire"),)) -> WrittenStory:
    lede, *rest = sentences
    return WrittenStory(
        story_id="s",
        slug="s",
        headline=_s(headline),
        lede=_s(lede),
        body=(Section(None, tuple(_s(t) for t in rest)),) if rest else (),
        sources=tuple(
            SourceLink(i, name.lower(), name, f"Report {i}", f"https://x.example/{i}", T0) for i, name in sources
        ),
        independent_sources=len(sources),
        outlets=tuple(n.lower() for _, n in sources),
        single_source=len(sources) == 1,
        section="world",
        published=T0,
        updated=T0,
        method="extractive",
    )


FLOOD = story("Flood hits the valley", "At least 9 people died in the flood on Monday.", "Roads were closed.")


def test_first_version():
    assert describe_changes(None, FLOOD) == (FIRST,)
    assert describe_changes(None, FLOOD, "correction", "x") == (FIRST, "a correction: x")


def test_new_sources_are_counted_by_article_and_their_outlets_named_once():
    later = dataclasses.replace(
        FLOOD,
        sources=FLOOD.sources
        + tuple(
            SourceLink(i, o.lower(), o, "t", "https://y.example/", T0)
            for i, o in ((2, "Reuters"), (3, "AP"), (4, "AP"))
        ),
    )
    assert describe_changes(FLOOD, later) == ("3 new sources: Reuters, AP",)
    assert describe_changes(later, FLOOD) == ("3 sources no longer used: Reuters, AP",)
    one = dataclasses.replace(FLOOD, sources=FLOOD.sources + later.sources[1:2])
    assert describe_changes(FLOOD, one) == ("a new source: Reuters",)


def test_a_figure_changed_in_the_same_sentence():
    later = story(
        "Flood hits the valley", "At least 12 people died in the flood on Monday, officials said.", "Roads were closed."
    )
    assert describe_changes(FLOOD, later) == ("a figure changed: at least 9 people -> at least 12 people",)
    toll = story("Toll rises", "The toll rose to 9 dead on Monday.")
    assert describe_changes(toll, dataclasses.replace(toll, lede=_s("The toll rose to 12 dead on Monday."))) == (
        "a figure changed: 9 dead -> 12 dead",
    )


def test_headline_sentences_added_removed_and_reworded():
    later = story(
        "Flood hits the whole valley",
        "At least 9 people died in the flood on Monday.",
        "Roads into the valley were closed on Monday.",
        "The army sent boats to the stranded villages.",
    )
    assert describe_changes(FLOOD, later) == ("headline changed", "a sentence added", "a sentence reworded")
    assert describe_changes(later, FLOOD) == ("headline changed", "a sentence removed", "a sentence reworded")


def test_a_moved_sentence_is_no_change_and_same_text_says_only_the_details_changed():
    moved = story("Flood hits the valley", "At least 9 people died in the flood on Monday.", "Roads were closed.")
    moved = dataclasses.replace(moved, body=(Section("Travel", moved.body[0].sentences),))
    assert describe_changes(FLOOD, moved) == ("sources' details updated",)
    rescored = dataclasses.replace(FLOOD, lede=_s(FLOOD.lede.text, score=0.7))
    assert describe_changes(FLOOD, rescored) == ("sources' details updated",)


def test_a_correction_and_an_editors_edit_say_so_first_with_their_note():
    later = story("Flood hits the valley", "At least 9 people died in the flood on Sunday.", "Roads were closed.")
    got = describe_changes(FLOOD, later, "correction", "  The flood came on Sunday,\n not Monday. ")
    assert got == ("a correction: The flood came on Sunday, not Monday.", "a sentence reworded")
    assert describe_changes(FLOOD, later, "editor")[0] == "an editor's edit"


def test_alignment_threshold_both_sides():
    # the same sentence with its figure changed and a clause added: aligned (ratio 0.78 >= ALIGN_MIN)
    pairs, removed, added = _align(
        ["At least 9 people died in the flood."], ["At least 12 people died in the flood, officials said."]
    )
    assert len(pairs) == 1 and not removed and not added
    # two different sentences of one story sharing a few words: not the same sentence
    pairs, removed, added = _align(
        ["The river rose 3 metres in the night."], ["The mayor said 40 homes in the night were evacuated."]
    )
    assert not pairs and removed and added
    assert 0 < ALIGN_MIN < 1
