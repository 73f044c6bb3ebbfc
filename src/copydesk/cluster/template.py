"""Formulaic texts: sentences whose shape recurs across articles are template; only their specifics count.

Press offices write readouts, greetings and "telephone conversation with ..." items from a template: "Vladimir
Putin had a telephone conversation with President of France Emmanuel Macron." and "... with President of Finland
Sauli Niinistö." share every word but the names. Clustered on their whole text they all look alike, and a
publisher's readouts of unrelated calls join one story while the other publisher's account of the same call does
not. So each sentence is reduced to its *shape* (`shape`): its lowercase words, with each run of capitalised words
and figures (who, what, when, how many) replaced by a slot. A shape seen in more than TEMPLATE_MIN_DOCS other
articles of the last `window`, with as many different fillers, is a template (a sentence that several reports of one
event share word for word, a quote or a press-release line, has one filler and stays), and of such a sentence only what fills its slots is kept
(`TemplateIndex.specific`). What clustering embeds and counts is the article's text after that reduction.

Ordinary news sentences rarely share a shape with three other articles (a shape needs TEMPLATE_MIN_WORDS
lowercase words), so reports of one event keep their words; `bench/cluster.py` on ECB+ and AllSides guards it.
"""

from __future__ import annotations

import functools
import re
from collections import Counter, deque
from datetime import datetime, timedelta

from copydesk.text import split_sentences

#: A shape must hold at least this many lowercase words to be a template: "X said." or "X with X" are not.
TEMPLATE_MIN_WORDS = 3
#: A shape is a template once this many earlier articles of the window used it. On the statements demo corpus
#: (events.jsonl) 2 already caught the readout openings; 3 keeps two reports that happen to share a phrase apart.
TEMPLATE_MIN_DOCS = 3
#: How long a shape is remembered (the clustering window decides; this is the fallback).
TEMPLATE_WINDOW = timedelta(days=30)

_TOKEN = re.compile(r"[A-Za-z\u00C0-\u024F][\w'\u2019\-]*|\d[\d,.:%]*")
_SLOT = "\u2022"  # stands for a run of capitalised words or figures


@functools.lru_cache(maxsize=1 << 15)
def shape(sentence: str) -> tuple[str, tuple[str, ...]]:
    """(shape, fillers): the sentence's lowercase words with each run of names/figures as one slot, and the runs.
    The first word counts as a name only when it is not the sentence's capitalised opening word. Cached: observing
    an article and reducing it shape the same sentences."""
    out: list[str] = []
    fillers: list[str] = []
    run: list[str] = []
    for i, t in enumerate(_TOKEN.findall(sentence)):
        c = t[0]
        if not c.isalnum():
            continue
        if c.isdigit() or (c.isupper() and i):
            run.append(t)
            continue
        if run:
            out.append(_SLOT)
            fillers.append(" ".join(run))
            run = []
        out.append(t.lower())
    if run:
        out.append(_SLOT)
        fillers.append(" ".join(run))
    return " ".join(out), tuple(fillers)


def _words(sh: str) -> int:
    return sum(1 for w in sh.split() if w != _SLOT)


class TemplateIndex:
    """Shapes of the sentences of recent articles, counted once per article, online (no look-ahead)."""

    def __init__(self, window: timedelta = TEMPLATE_WINDOW, min_docs: int = TEMPLATE_MIN_DOCS) -> None:
        self.window = window
        self.min_docs = min_docs
        self.df: Counter = Counter()  # shape -> articles of the window using it
        self.fills: dict[str, set[tuple[str, ...]]] = {}  # shape -> the different fillers seen in it
        self._seen: deque[tuple[float, frozenset[str]]] = deque()

    def __len__(self) -> int:
        """Articles of the window counted."""
        return len(self._seen)

    def observe(self, text: str, when: datetime) -> None:
        """Count the shapes of one article's text (title and body)."""
        t = when.timestamp()
        while self._seen and self._seen[0][0] < t - self.window.total_seconds():
            for sh in self._seen.popleft()[1]:
                self.df[sh] -= 1
                if self.df[sh] <= 0:
                    del self.df[sh]
                    self.fills.pop(sh, None)
        shapes: dict[str, tuple[str, ...]] = {}
        for s in _sentences(text):
            sh, fillers = shape(s)
            if fillers and _words(sh) >= TEMPLATE_MIN_WORDS:
                shapes.setdefault(sh, fillers)
        self.df.update(shapes.keys())
        for sh, fill in shapes.items():
            self.fills.setdefault(sh, set()).add(fill)
        self._seen.append((t, frozenset(shapes)))

    def is_template(self, sh: str) -> bool:
        # The article itself was counted when observed: a template needs min_docs *other* articles, and as many
        # different fillers (a sentence several reports of one event share word for word, a quote, is not one).
        return self.df.get(sh, 0) > self.min_docs and len(self.fills.get(sh, ())) > self.min_docs

    def specific(self, text: str) -> str:
        """The text with each template sentence reduced to what fills its slots (names, figures)."""
        if not self.df:
            return text
        out, changed = [], False
        for i, s in enumerate(split_sentences(text)):
            sh, fillers = shape(s) if i < MAX_SENTENCES else ("", ())
            if i < MAX_SENTENCES and self.is_template(sh):
                changed = True
                if fillers:
                    out.append(" ".join(fillers) + ".")
            else:
                out.append(s)
        return " ".join(out) if changed else text  # untouched text stays byte for byte what it was


#: Only the first sentences of a text are read for template (openings and sign-offs of formulaic texts are short;
#: a 170,000-character transcript would otherwise cost more than the rest of clustering).
MAX_SENTENCES = 40


def _sentences(text: str) -> list[str]:
    return split_sentences(text[: MAX_SENTENCES * 400])[:MAX_SENTENCES] if text else []
