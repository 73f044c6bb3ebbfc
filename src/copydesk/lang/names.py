"""English names as the clusterer and related stories read them: the two readings of a text's names, which
capitalised words never name anyone, and one key for the spellings of one name.

* `capitalised_words`: every capitalised content word and figure, lowercased: the clusterer's names feature
  (`copydesk.cluster.online.features`) and related stories' names bound (`copydesk.publish.related`). Cheap and
  loose: a sentence's first word counts.
* `proper_names`: the strict reading, for the same-event merger (`copydesk.cluster.merge`) and the clusterer's
  cross-outlet names choice: a word capitalised by position, or written in lower case elsewhere in the text, is
  not a name; spellings of one name share a key.

* `NOT_NAMES`: capitalised only because of what they are: the pronoun "I" in a contraction ("I'm", "I've"), a
  generational suffix ("Jr", "Sr": "Joseph R. Biden, Jr." names Biden; a "Jr" that two texts share names no one).
* `TITLES` (part of `NOT_NAMES`): titles of office and rank, capitalised before a name. Measured (issue 13, one run,
  cached vectors): AllSides even ids (dev) 0.8923 -> 0.8930, odd 0.8903 -> 0.8903, ECB+ and the demo unchanged.
* `name_key`: transliteration doubles or drops a letter ("Zelenskyy"/"Zelensky", "Donbass"/"Donbas"), so a
  name's doubled letters count once. A general rule, not a list of names. Also tried (issue 13), not kept:
  cutting demonym suffixes (-ian, -an, -ese, -ia, a final -e/-a/-s) so that "Ukrainian" meets "Ukraine": on the
  AllSides dev stories (even ids) B-cubed F1 0.8923 -> 0.8910, the demo's events unchanged (bench/merge_sweep.py's
  streams, same run, with cluster.online.LATE_GAP and before CROSS_OUTLET_NAMES).
"""

from __future__ import annotations

import functools
import re
from collections import Counter

from copydesk.lang.words import CLUSTER_STOPWORDS, WORD, content_words

__all__ = ["NOT_NAMES", "TITLES", "capitalised_words", "name_key", "proper_names"]

#: Titles of office and rank: capitalised before a name ("Crown Prince Salman bin Hamad", "Prime Minister Kishida"),
#: they name the office, not the person; two texts that share "Crown Prince" need not share a prince.
TITLES = frozenset(
    """president president-elect vice prime minister premier chancellor crown prince princess king queen emperor emir
    amir sultan sheikh governor mayor senator congressman congresswoman secretary ambassador spokesperson spokesman
    spokeswoman chairman chairwoman director deputy general admiral colonel commander pope cardinal archbishop bishop
    lord lady sir dame aide adviser advisor""".split()
)
NOT_NAMES = frozenset({"i'm", "i've", "i'd", "i'll", "jr", "sr"}) | TITLES

_DOUBLE = re.compile(r"([^\W\d_])\1+")


@functools.lru_cache(maxsize=1 << 16)
def name_key(low: str) -> str:
    """One key for the spellings of a lowercased name: each run of a doubled letter once ("zelenskyy" ->
    "zelensky"). Figures are kept as they are."""
    return _DOUBLE.sub(r"\1", low)


def capitalised_words(text: str, stopwords: frozenset[str] = CLUSTER_STOPWORDS) -> Counter:
    """Counts of the capitalised content words and figures of a text, by their `lang.words.content_words` key."""
    return Counter(low for w, low in content_words(text, stopwords) if w[0].isupper() or w[0].isdigit())


#: What may end a sentence (or a title, a list item, a quote's opening) just before a word: such a word is
#: capitalised by position, not because it names someone ("However", "Police", "Officials").
_OPENING = re.compile(r"(?:^|[.!?:;\n\"\u201c\u2018(\[\-\u2013\u2014])\s*$")


def proper_names(text: str, stopwords: frozenset[str] = frozenset()) -> Counter:
    """Counts of the names a text mentions: capitalised words that do not open a sentence (a middle initial's period
    opens none: "Joseph R. Biden") and that the text never writes in lower case (a title-case heading's "Call",
    "Law"), and figures of two or more characters; lowercased, a possessive "'s" dropped, `stopwords` and
    `lang.names.NOT_NAMES` left out, each counted under its `lang.names.name_key` (one key for "Zelenskyy" and
    "Zelensky", "Donbass" and "Donbas") when that key is longer than one letter ("World War II" names no "i")."""
    out: Counter = Counter()
    lower: set[str] = set()
    prev, initial = 0, False
    for m in WORD.finditer(text):
        w, start = m.group(), m.start()
        opening = _OPENING.search(text, max(prev, start - 16), start) is not None if start else True
        if initial and text[prev:start] == ". ":  # a middle initial ("Joseph R. Biden") ends no sentence
            opening = False
        prev, initial = m.end(), len(w) == 1 and w.isupper()
        low = w.lower().replace("\u2019", "'")
        low = low[:-2] if low.endswith("'s") else low.rstrip("'")
        if w[0].islower():
            lower.add(name_key(low))
        elif (w[0].isdigit() or not opening) and len(low) > 1 and low not in stopwords and low not in NOT_NAMES:
            key = name_key(low)
            if len(key) > 1:  # not a numeral whose letters are all one ("II", "III", "XX"): it names no one
                out[key] += 1
    for low in lower & out.keys():
        del out[low]
    return out
