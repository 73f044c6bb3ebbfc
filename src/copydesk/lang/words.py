"""English words that say nothing of what a text reports, and the tokeniser that reads content words: one copy for
the clusterer (`copydesk.cluster`), related stories (`copydesk.publish.related`) and the fact checks
(`copydesk.verify.facts`).

* `FUNCTION_WORDS`: articles, pronouns, prepositions, auxiliaries, reporting verbs ("said", "told", "according").
* `CLUSTER_STOPWORDS`: those and the words of the calendar ("Monday", "yesterday", "years"): two reports of one
  event need not share a weekday, and two events are not alike because both happened "this week".
* `FACT_STOPWORDS`: those and modals, contraction pieces ("ll", "ve") and abbreviated titles ("dr", "st"), which
  the fact checks meet when they split names and quotations.
"""

from __future__ import annotations

import re
from typing import Iterator

__all__ = ["CLUSTER_STOPWORDS", "FACT_STOPWORDS", "FUNCTION_WORDS", "WORD", "content_words"]

FUNCTION_WORDS = frozenset(
    """
a about above according after again against all also am an and any are as at be because been before being below
between both but by can could did do does doing down during each few for from further had has have having he her
here hers herself him himself his how i if in into is it its itself just me more most mr mrs ms my myself new no
nor not now of off on once one only or other our ours ourselves out over own said same says she should so some
such than that the their theirs them themselves then there these they this those through to told too two under
until up very was we were what when where which while who whom why will with would you your yours yourself
yourselves
""".split()
)
CLUSTER_STOPWORDS = FUNCTION_WORDS | frozenset(
    "monday tuesday wednesday thursday friday saturday sunday today yesterday week year years".split()
)
FACT_STOPWORDS = FUNCTION_WORDS | frozenset("say may might must shall us dr s t ll re ve d m o y st".split())

#: A word (letters, digits, apostrophes and hyphens inside), a figure ("1,200", "3.5") or a single digit.
WORD = re.compile(r"[A-Za-z\u00C0-\u024F][\w'\u2019\-]*|\d[\d,.]*\d|\d")


def content_words(text: str, stopwords: frozenset[str] = CLUSTER_STOPWORDS) -> Iterator[tuple[str, str]]:
    """(word as written, its key) for each word of `text` that is not in `stopwords` and is longer than one
    letter (a single digit counts). The key is lowercased, with a curly apostrophe made straight and a possessive
    "'s" dropped."""
    for m in WORD.finditer(text):
        w = m.group()
        low = w.lower().replace("\u2019", "'")
        if low.endswith("'s"):
            low = low[:-2]
        if low in stopwords or (len(low) < 2 and not low.isdigit()):
            continue
        yield w, low
