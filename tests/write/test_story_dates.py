"""story_dates: first reported / last updated from the sources' own dates, never from when we saw them."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from copydesk.models import Article, SourceLink
from copydesk.write.dates import story_dates

DAY = datetime(2004, 11, 23, tzinfo=UTC)
SEEN = datetime(2026, 12, 4, 17, 0, tzinfo=UTC)  # the import time: must never come out


def art(i: int, published: datetime | None, date_only: bool = False) -> Article:
    return Article(
        id=i,
        url=f"https://n.example/{i}",
        canonical_url=f"https://n.example/{i}",
        outlet_id="o",
        title="T",
        text="x",
        summary="",
        published=published,
        first_seen=SEEN,
        date_only=date_only,
    )


def test_no_dated_source_gives_no_date_not_the_import_time():
    d = story_dates([art(1, None), art(2, None)])
    assert not d.known and d.first_reported is None and d.last_updated is None
    assert (d.dated_sources, d.undated_sources) == (0, 2)
    assert story_dates([]).known is False


def test_timed_sources():
    d = story_dates([art(1, DAY + timedelta(hours=14)), art(2, DAY + timedelta(hours=9)), art(3, None)])
    assert (d.first_reported, d.first_reported_date_only) == (DAY + timedelta(hours=9), False)
    assert (d.last_updated, d.last_updated_date_only) == (DAY + timedelta(hours=14), False)
    assert (d.dated_sources, d.undated_sources) == (2, 1)


def test_date_only_sources_make_their_day_a_date():
    # the date-only source of the 23rd may have come before or after the 10:00 report: both ends are that day
    same_day = story_dates([art(1, DAY, True), art(2, DAY + timedelta(hours=10))])
    assert (same_day.first_reported, same_day.first_reported_date_only) == (DAY, True)
    assert (same_day.last_updated, same_day.last_updated_date_only) == (DAY, True)
    # on different days each end keeps its own precision
    spread = story_dates([art(1, DAY, True), art(2, DAY + timedelta(days=2, hours=10))])
    assert (spread.first_reported, spread.first_reported_date_only) == (DAY, True)
    assert (spread.last_updated, spread.last_updated_date_only) == (DAY + timedelta(days=2, hours=10), False)


def test_source_links_work_too():
    links = [
        SourceLink(1, "o", "O", "T", "https://n.example/1", DAY, date_only=True),
        SourceLink(2, "o", "O", "T", "https://n.example/2", None),
    ]
    d = story_dates(links)
    assert (d.first_reported, d.first_reported_date_only, d.undated_sources) == (DAY, True, 1)
