"""Verification: every published sentence is checked against its sources.

`facts` pulls the checkable parts out of a sentence (numbers, dates, names, negation, quotations);
`support` decides whether a sentence is supported by a set of source sentences.
"""

from copydesk.verify.support import SupportCheck, check

__all__ = ["SupportCheck", "check"]
