"""English calendar words, one copy: the date parser reads them, the fact checker compares them, the pages print
them."""

from __future__ import annotations

__all__ = ["MONTHS", "MONTH_NUMBER", "WEEKDAYS"]

MONTHS = (
    "january",
    "february",
    "march",
    "april",
    "may",
    "june",
    "july",
    "august",
    "september",
    "october",
    "november",
    "december",
)
WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
#: A month's number from its name or its abbreviation ("sept" too), lower case.
MONTH_NUMBER = (
    {m: i for i, m in enumerate(MONTHS, start=1)} | {m[:3]: i for i, m in enumerate(MONTHS, start=1)} | {"sept": 9}
)
