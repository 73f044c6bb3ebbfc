"""A story's sentences by index, and corrections applied to a ``WrittenStory`` (pure functions).

Index 0 is the headline, 1 the lede, then the body's sentences in reading order: the order of the page, and the
``s`` of ``/report/?story=<slug>&s=<index>``. A correction replaces one sentence with another that passed the gate
against the story's current sources, or removes it (never the headline or the lede, which can only be replaced).

A later rewrite (new coverage) writes the story afresh from its sources and would bring a corrected sentence back:
``apply_standing`` re-applies every correction of the story, in order, to whatever the writer produced (a sentence
that reads as it did before a correction is corrected again; one the writer no longer uses needs nothing).
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from copydesk.models import Section, WrittenSentence, WrittenStory

__all__ = [
    "text_sentences",
    "sentence_at",
    "index_of",
    "apply_correction",
    "apply_standing",
    "Standing",
    "CorrectionError",
    "HEADLINE",
    "LEDE",
]

HEADLINE, LEDE = 0, 1


class CorrectionError(ValueError):
    """A correction that cannot be applied (no such sentence; removing the headline or lede)."""


def text_sentences(story: WrittenStory) -> list[WrittenSentence]:
    """Headline, lede, then every body sentence: the indexes readers report by."""
    return [story.headline, story.lede] + [s for sec in story.body for s in sec.sentences]


def sentence_at(story: WrittenStory, index: int) -> WrittenSentence | None:
    sents = text_sentences(story)
    return sents[index] if 0 <= index < len(sents) else None


def index_of(story: WrittenStory, text: str, hint: int | None = None) -> int | None:
    """Where the sentence that reads ``text`` is now (the one nearest ``hint`` if it occurs twice), or None."""
    found = [i for i, s in enumerate(text_sentences(story)) if s.text == text]
    if not found:
        return None
    return min(found, key=lambda i: abs(i - hint)) if hint is not None else found[0]


def apply_correction(story: WrittenStory, index: int, new: WrittenSentence | None) -> WrittenStory:
    """``story`` with sentence ``index`` replaced by ``new`` (None: removed)."""
    if sentence_at(story, index) is None:
        raise CorrectionError(f"the story has no sentence {index}")
    if new is None and index in (HEADLINE, LEDE):
        raise CorrectionError("the headline and the lede can be replaced, not removed")
    if index == HEADLINE:
        return replace(story, headline=new)
    if index == LEDE:
        return replace(story, lede=new)
    k = LEDE
    body = []
    for sec in story.body:
        sents = []
        for s in sec.sentences:
            k += 1
            if k != index:
                sents.append(s)
            elif new is not None:
                sents.append(new)
        if sents:
            body.append(Section(sec.heading, tuple(sents)))
    return replace(story, body=tuple(body))


@dataclass(frozen=True, slots=True)
class Standing:
    """A published correction as a rewrite needs it: the sentence it corrected and what replaced it."""

    before: str
    after: WrittenSentence | None  # None: removed


def apply_standing(story: WrittenStory, corrections: list[Standing]) -> WrittenStory:
    """Every correction re-applied, in order, to a freshly written story (see the module docstring)."""
    for c in corrections:
        i = index_of(story, c.before)
        while i is not None:
            if c.after is None and i in (HEADLINE, LEDE):
                break  # the writer chose it as headline or lede again; an editor must look (flags.py)
            story = apply_correction(story, i, c.after)
            i = index_of(story, c.before) if c.after is None or c.after.text != c.before else None
    return story
