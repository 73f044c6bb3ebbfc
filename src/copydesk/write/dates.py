"""A story's dates from its sources' publication dates: first reported, last updated, and which are known.

Pure: reads only ``published`` and ``date_only`` of each source (an ``Article`` or a ``SourceLink``), never
``first_seen`` or ``Article.when``: the time we fetched or imported an article is not a date of the news.

Rules (see ``StoryDates``):
- first reported: the earliest day any source gives; if a date-only source gives that day, the value is that
  day (date only), since it may have come before any timed source of the same day; else the earliest time;
- last updated: the same at the other end (the latest day; a date-only source on it makes it a day);
- neither is known when no source gives a date.
Days are compared in UTC (a date-only value is stored as midnight UTC of the day the source gave).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Protocol

from copydesk.models import StoryDates

__all__ = ["story_dates"]


class _Dated(Protocol):
    @property
    def published(self) -> datetime | None: ...

    @property
    def date_only(self) -> bool: ...


def story_dates(sources: Iterable[_Dated]) -> StoryDates:
    """First-reported and last-updated dates of a story whose source articles are ``sources``."""
    items = list(sources)
    dated = [(s.published, bool(s.date_only)) for s in items if s.published is not None]
    if not dated:
        return StoryDates(undated_sources=len(items))
    first, first_day_only = _end(dated, earliest=True)
    last, last_day_only = _end(dated, earliest=False)
    return StoryDates(
        first_reported=first,
        first_reported_date_only=first_day_only,
        last_updated=last,
        last_updated_date_only=last_day_only,
        dated_sources=len(dated),
        undated_sources=len(items) - len(dated),
    )


def _end(dated: list[tuple[datetime, bool]], earliest: bool) -> tuple[datetime, bool]:
    pick = min if earliest else max
    day = pick(when.date() for when, _ in dated)
    on_day = [(when, only) for when, only in dated if when.date() == day]
    date_only = [when for when, only in on_day if only]
    if date_only:
        return date_only[0], True
    return pick(when for when, _ in on_day), False
