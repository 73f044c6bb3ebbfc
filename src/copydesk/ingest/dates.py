"""Publication dates as the sources give them: parsed to UTC, with whether they carry a time of day, and chosen
by one documented precedence. Never the time we fetched or imported an article: an article whose sources give
no date has none (``published`` stays None and the site says "date not given by the sources").

Where a date can come from (``ArticleIn.published_from``):

- ``"feed"``: the feed entry (RSS ``pubDate``, Atom ``published``/``updated``, JSON Feed
  ``date_published``/``date_modified``);
- ``"page"``: the article page's metadata (JSON-LD ``datePublished``, ``<meta property="article:published_time">``
  and the other tags in ``PAGE_DATE_KEYS``, ``<time itemprop="datePublished">``), else trafilatura's date;
- ``"import"``: the import line's ``published``;
- ``"dateline"``: a dateline at the top of the text ("Tuesday, November 23, 2004", "December 3, 2004",
  "November 15, 2004 (1:05 p.m. EST)", "WASHINGTON, Nov. 23, 2004 -"): the outlet's own statement of the day it
  wrote the report, used only when nothing above gave a date. Only the first ``DATELINE_LINES`` lines are read, a
  dateline needs a year, and a weekday that contradicts its date voids it; dates deeper in the text are dates of
  events, never read.

Date only: a value that states no time of day (``2004-11-23``, ``Tue, 23 Nov 2004``, ``December 3, 2004``, a time
with no time zone in a dateline) is kept as midnight UTC of that day with ``date_only=True`` and is shown as a
date, never as "00:00 UTC". A value that does state a time, even ``T00:00:00Z``, is kept as the source gave it.

Plausibility: a value more than ``MAX_FUTURE`` (a day) after now is a mistake, whatever its origin, and is dropped
by ``choose`` (a dateline or page date is not even a candidate).

Precedence (``choose``): candidates are ranked feed > page > dateline for fetched articles (the outlet wrote its
feed on purpose; page metadata is read by us, a dateline is text) and import > dateline for imported ones; the
first that gives a date wins, with one exception: when the winner is date-only and a lower-ranked candidate gives
a time on the same day, give or take one day (a date-only value is a day in the outlet's own time zone, which is
up to a day away from UTC), that timed value is taken: it says the same thing more precisely.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta, timezone
from email.utils import parsedate_to_datetime

from copydesk.ingest._text import parse_iso_datetime
from copydesk.lang.calendar import MONTH_NUMBER, WEEKDAYS

__all__ = [
    "DATELINE_LINES",
    "PAGE_DATE_KEYS",
    "SourceDate",
    "choose",
    "dateline",
    "has_time",
    "parse_date",
    "plausible",
]

#: A dateline is looked for in this many first non-empty lines of the text. On the bundled demo corpus
#: (Wikinews 2004 + US government pages) every dateline is on line 1, except a State Department briefing
#: transcript whose title and place come first ("On-the-Record Briefing ... / Washington, DC / November 15, 2004
#: (1:05 p.m. EST)"): 3 lines take it and nothing else (the 4th line of those texts is already the report).
#: The 13 datelines found on rows that also carry a date all give that row's day (bench/dates.py).
DATELINE_LINES = 3
#: Dates later than this after "now" are mistakes (nothing is published in the future; a wrong time zone or a
#: scheduled post is): ``choose`` drops them whatever their origin, so no article is ever dated more than a day
#: ahead. One day, because a date-only value is a day in the outlet's own zone, which starts at most 14 hours
#: (UTC+14) before the same day in UTC; 2 days before issue 17, a bound with no such reason.
MAX_FUTURE = timedelta(days=1)
#: Dates before this are read mistakes too (a "1970-01-01" epoch default, a two-digit year read as 19xx).
MIN_YEAR = 1990

#: Page metadata that states when the article was published, most specific first (names lower-cased; read from
#: ``<meta property|name|itemprop=... content=...>``). Modification dates are not publication dates and are
#: left out. Measured by bench/dates.py on the 181 real pages of the Zyte set: these with JSON-LD and <time>
#: date 149 pages, 146 of them with a time (trafilatura's date alone: a day, for every page), and on all 149 the
#: day agrees with trafilatura's within one day; the other 32 pages fall back to trafilatura's day.
PAGE_DATE_KEYS = (
    "article:published_time",
    "og:article:published_time",
    "datepublished",
    "parsely-pub-date",
    "sailthru.date",
    "dcterms.issued",
    "dc.date.issued",
    "dcterms.created",
    "dc.date.created",
    "publishdate",
    "pubdate",
    "publish-date",
    "date",
    "dc.date",
    "dcterms.date",
)

#: US and European time-zone abbreviations a dateline may give, as hours from UTC.
_ZONES = {
    "UTC": 0,
    "GMT": 0,
    "Z": 0,
    "BST": 1,
    "CET": 1,
    "CEST": 2,
    "EET": 2,
    "EEST": 3,
    "EST": -5,
    "EDT": -4,
    "CST": -6,
    "CDT": -5,
    "MST": -7,
    "MDT": -6,
    "PST": -8,
    "PDT": -7,
}

_MONTH_RE = (
    r"(?P<month>January|February|March|April|May|June|July|August|September|October|November|December"
    r"|Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sept|Sep|Oct|Nov|Dec)\.?"
)
_WEEKDAY_RE = (
    r"(?:(?P<weekday>Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday"
    r"|Mon|Tue|Tues|Wed|Thu|Thurs|Fri|Sat|Sun)\.?,?\s+)?"
)
_DAY_RE = r"(?P<day>\d{1,2})(?:st|nd|rd|th)?"
_YEAR_RE = r"(?P<year>\d{4})"
#: "November 23, 2004" (US order) or "23 November 2004" (day first).
_WRITTEN_DATE = re.compile(
    rf"{_WEEKDAY_RE}(?:{_MONTH_RE}\s+{_DAY_RE},?\s+{_YEAR_RE}|{_DAY_RE.replace('day>', 'day2>')}\s+"
    rf"{_MONTH_RE.replace('month>', 'month2>')},?\s+{_YEAR_RE.replace('year>', 'year2>')})",
    re.I,
)
#: "(1:05 p.m. EST)", "10:30 GMT", "14:05 UTC".
_TIME = re.compile(
    r"\s*[(,]?\s*(?:at\s+)?(?P<hour>\d{1,2})[:.](?P<minute>\d{2})\s*(?P<ampm>[ap]\.?\s?m\.?)?\s*"
    r"(?P<zone>" + "|".join(sorted(_ZONES, key=len, reverse=True)) + r")?\b\)?",
    re.I,
)
#: An optional place in capitals before the date ("WASHINGTON, ", "CAPE CANAVERAL, Florida, ").
_PLACE = re.compile(r"(?:[A-Z][A-Z .'-]{1,40}(?:,\s*[A-Z][A-Za-z .'-]{1,40})?,\s+)?")
#: What may follow a dateline's date: the end of the line or a separator before the report starts.
_AFTER = re.compile(r"\s*(?:$|[-\u2013\u2014:|]\s|\u2014|\u2013|--)")
#: A time of day in a date string: "10:00", "T10", "1:05".
_HAS_TIME = re.compile(r"\d:\d\d|\dT\d\d")


@dataclass(frozen=True, slots=True)
class SourceDate:
    """A publication date a source gave: ``when`` in UTC (midnight UTC for a date-only value) and its origin."""

    when: datetime
    date_only: bool
    origin: str  # "feed", "page", "import" or "dateline"


def has_time(raw: str) -> bool:
    """True when a date string states a time of day ("2004-11-23T10:00Z", "Tue, 23 Nov 2004 10:00 GMT")."""
    return bool(_HAS_TIME.search(raw or ""))


def parse_date(raw: str | None) -> tuple[datetime, bool] | None:
    """A date string as (aware UTC datetime, date_only), or None when it is not a date we can read.

    Reads ISO 8601 (date or date-time), RFC 822/2822 (with or without a time) and written dates ("November 23,
    2004", "Tuesday, 23 November 2004"). A date-only value is midnight UTC of that day; a date-time without an
    offset is taken as UTC.
    """
    if not isinstance(raw, str) or not raw.strip():
        return None
    text = raw.strip()
    timed = has_time(text)
    try:
        parsed = parse_iso_datetime(text)
        return (_midnight(parsed.date()) if not timed else parsed), not timed
    except ValueError:
        pass
    try:
        rfc = parsedate_to_datetime(text)
    except (TypeError, ValueError, IndexError):
        rfc = None
    if rfc is not None:
        rfc = rfc.replace(tzinfo=UTC) if rfc.tzinfo is None else rfc.astimezone(UTC)
        return (rfc, False) if timed else (_midnight(rfc.date()), True)
    m = _WRITTEN_DATE.fullmatch(text.rstrip("."))
    if m is not None:
        d = _written_date(m)
        if d is not None:
            return _midnight(d), True
    return None


def plausible(when: datetime, now: datetime | None = None) -> bool:
    """False for dates no page can carry: in the future (beyond ``MAX_FUTURE``) or before ``MIN_YEAR``."""
    now = now or datetime.now(UTC)
    return when.year >= MIN_YEAR and when <= now + MAX_FUTURE


def dateline(text: str | None, now: datetime | None = None) -> tuple[datetime, bool] | None:
    """The date of a dateline at the top of ``text``, as (UTC datetime, date_only), or None.

    A dateline is a line among the first ``DATELINE_LINES`` non-empty lines that starts (after an optional place
    in capitals) with a full written date, followed by the end of the line, a dash or colon, or a time. A time
    counts only with its time zone ("1:05 p.m. EST"); without one the value is date-only.
    """
    if not text:
        return None
    lines = [line.strip() for line in text[:2000].splitlines() if line.strip()][:DATELINE_LINES]
    for line in lines:
        place = _PLACE.match(line)
        start = place.end() if place else 0
        m = _WRITTEN_DATE.match(line, start)
        if m is None and start:
            m = _WRITTEN_DATE.match(line)
        if m is None:
            continue
        d = _written_date(m)
        if d is None:
            continue
        when, date_only = _midnight(d), True
        t = _TIME.match(line, m.end())
        if t is not None:
            timed = _with_time(d, t) if t.group("zone") else None
            if timed is not None:
                when, date_only = timed, False
        elif not _AFTER.match(line, m.end()):
            continue  # a date opening a sentence ("November 29, 2004 was ..."), not a dateline
        if plausible(when, now):
            return when, date_only
    return None


def choose(candidates: Iterable[SourceDate | None], now: datetime | None = None) -> SourceDate | None:
    """The publication date to keep from ``candidates`` (most trusted first; None where a source gave none).

    Candidates more than ``MAX_FUTURE`` after ``now`` are dropped. The first candidate wins, except that a
    date-only winner gives way to a lower-ranked timed candidate within a day of it (see the module docstring).
    """
    limit = (now or datetime.now(UTC)) + MAX_FUTURE
    given = [c for c in candidates if c is not None and c.when <= limit]
    if not given:
        return None
    best = given[0]
    if best.date_only:
        for c in given[1:]:
            if not c.date_only and abs((c.when.date() - best.when.date()).days) <= 1:
                return c
    return best


# ------------------------------------------------------------------------------------------------------------


def _midnight(d: date) -> datetime:
    return datetime(d.year, d.month, d.day, tzinfo=UTC)


def _month(name: str) -> int | None:
    key = name.lower().rstrip(".")
    return MONTH_NUMBER.get(key)


def _written_date(m: re.Match[str]) -> date | None:
    month = m.group("month") or m.group("month2")
    day = m.group("day") or m.group("day2")
    year = m.group("year") or m.group("year2")
    number = _month(month) if month else None
    if number is None:
        return None
    try:
        d = date(int(year), number, int(day))
    except ValueError:
        return None
    weekday = m.group("weekday")
    if weekday and not WEEKDAYS[d.weekday()].startswith(weekday.lower().rstrip(".")[:3]):
        return None  # "Tuesday, November 24, 2004": the dateline contradicts itself; trust neither
    return d


def _with_time(d: date, t: re.Match[str]) -> datetime | None:
    hour, minute = int(t.group("hour")), int(t.group("minute"))
    ampm = (t.group("ampm") or "").lower().replace(".", "").replace(" ", "")
    if ampm:
        if not 1 <= hour <= 12:
            return None
        hour = hour % 12 + (12 if ampm.startswith("p") else 0)
    if hour > 23 or minute > 59:
        return None
    offset = _ZONES[t.group("zone").upper()]
    local = datetime(d.year, d.month, d.day, hour, minute, tzinfo=timezone(timedelta(hours=offset)))
    return local.astimezone(UTC)
