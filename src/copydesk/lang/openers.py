"""English sentence openings that point back to something the reader has not seen ("She was taken to
hospital", "However, ..."): such a sentence cannot open a story or be cut into a headline. One copy, used by
the extractive writer (lede candidates), assembly (a body sentence so opening follows its own article's sentence
before it) and the headline writer."""

from __future__ import annotations

import re

ANAPHORIC = re.compile(
    r"^[\"“'‘(]?(?:this|that|these|those|it|its|he|she|they|them|his|her|their|however|but|and|also|meanwhile|"
    r"moreover|furthermore|still|yet|so|then|there|here|such|both|the latter|the former|in addition|instead|similar|"
    r"similarly|likewise|the same|the two)\b",
    re.I,
)
