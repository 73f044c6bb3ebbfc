"""English names as the clusterer's same-event merger reads them (`copydesk.cluster.merge.proper_names`): which
capitalised words never name anyone, and one key for the spellings of one name.

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

__all__ = ["NOT_NAMES", "TITLES", "name_key"]

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
