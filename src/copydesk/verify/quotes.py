"""Quotations: verbatim in a source, and attributed to the speaker that source names.

A quotation is published only when (1) its words occur in a source article exactly, up to whitespace and
the style of quote marks, and (2) the sentence that carries it names the speaker the source gives for it:
a name or a noun next to a speech verb ("Smith said", "police told reporters", "according to the ministry")
that also names the speaker in the source's own sentence, or, where the source's sentence has only "he
said", in the source's preceding sentences. A sentence that quotes someone it only calls "he" or "she" does
not say who is speaking and is left out.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from copydesk.text import split_sentences
from copydesk.verify.facts import MAX_CHARS, QUOTED_SPAN, REPORTING, STOPWORDS, names, normalise, quotations

_PRONOUNS = {"he", "she", "they", "it", "we", "i", "you", "his", "her", "their", "him", "them"}
#: How many sentences before the quoting one may name the speaker in the source.
LOOK_BACK = 3


@dataclass(frozen=True, slots=True)
class QuoteCheck:
    ok: bool
    problems: tuple[str, ...]


def _flat(s: str) -> str:
    """Up to whitespace, quote style and case: what "verbatim" allows."""
    return normalise(s).lower()


def speaker_words(sentence: str) -> set[str]:
    """The words naming who speaks in a sentence: names anywhere outside the quotation, and nouns within
    four words of a speech verb. Pronouns and function words are not speakers."""
    outside = QUOTED_SPAN.sub(" | ", sentence[:MAX_CHARS])
    found: set[str] = set()
    for n in names(outside):
        found |= {w.lower().strip(".") for w in n.split()}
    for m in REPORTING.finditer(outside):
        window = re.findall(r"[A-Za-zÀ-ÿ'-]+", outside[max(0, m.start() - 40) : m.end() + 40])
        found |= {
            w.lower()
            for w in window
            if w.lower() not in STOPWORDS and w.lower() not in _PRONOUNS and not REPORTING.fullmatch(w) and len(w) > 2
        }
    return found - _PRONOUNS


def check_quotes(sentence: str, sources: Sequence[str]) -> QuoteCheck:
    """Check every quotation in `sentence` against the source article texts."""
    quotes = quotations(sentence)
    if not quotes:
        return QuoteCheck(True, ())
    problems: list[str] = []
    ours = speaker_words(sentence)
    flat_sources = [_flat(src) for src in sources]
    split: dict[int, list[tuple[str, str]]] = {}  # source index -> (sentence, flattened), computed once
    for q in quotes:
        fq = _flat(q)
        found_in = [i for i, f in enumerate(flat_sources) if fq in f]
        if not found_in:
            problems.append(f"quotation not found verbatim in any source: {q[:60]!r}")
            continue
        if not ours:
            problems.append(f"quotation without a named speaker: {q[:60]!r}")
            continue
        for i in found_in:
            if i not in split:
                split[i] = [(x, _flat(x)) for x in split_sentences(sources[i])]
        if not any(_attributed_in(fq, ours, split[i]) for i in found_in):
            problems.append(f"quotation not attributed to the speaker its source names: {q[:60]!r}")
    return QuoteCheck(not problems, tuple(problems))


def _attributed_in(fq: str, ours: set[str], sents: list[tuple[str, str]]) -> bool:
    """Whether the source sentence carrying the quotation (or, for "he said", one of the sentences before it)
    names one of `ours` as the speaker."""
    for i, (s, flat) in enumerate(sents):
        if fq not in flat:
            continue
        theirs = speaker_words(s)
        for back, _ in sents[max(0, i - LOOK_BACK) : i][::-1]:
            if theirs:
                break
            theirs = {w.lower() for n in names(back) for w in n.split()}
        if ours & theirs:
            return True
    return False


__all__ = ["QuoteCheck", "check_quotes", "speaker_words"]
