"""Publication dates from feeds, pages, import lines and datelines: date-only kept as a day, never the fetch time."""

from __future__ import annotations

import gzip
import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from copydesk.ingest.dates import SourceDate, choose, dateline, has_time, parse_date
from copydesk.ingest.extract import MIN_ARTICLE_CHARS, article_from_entry, extract_article
from copydesk.ingest.feeds import parse_feed
from copydesk.ingest.jsonl import read_import
from copydesk.models import ExtractedPage, FeedEntry, FetchResult

PAGES = Path(__file__).resolve().parents[1] / "data" / "pages"
DAY = datetime(2004, 11, 23, tzinfo=UTC)


# -- parsing ----------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "expected", "date_only"),
    [
        ("2004-11-23", DAY, True),
        ("Tue, 23 Nov 2004", DAY, True),
        ("23 Nov 2004", DAY, True),
        ("November 23, 2004", DAY, True),
        ("Tuesday, 23 November 2004", DAY, True),
        ("2004-11-23T10:30:00+02:00", DAY + timedelta(hours=8, minutes=30), False),
        ("2004-11-23T10:30:00", DAY + timedelta(hours=10, minutes=30), False),  # naive is UTC
        ("Tue, 23 Nov 2004 10:30:00 GMT", DAY + timedelta(hours=10, minutes=30), False),
        ("20 Nov 2019 08:02 GMT", datetime(2019, 11, 20, 8, 2, tzinfo=UTC), False),
        ("2004-11-23T00:00:00Z", DAY, False),  # a time the source gave, even midnight, is kept as a time
    ],
)
def test_parse_date(raw, expected, date_only):
    assert parse_date(raw) == (expected, date_only)
    assert has_time(raw) is not date_only


@pytest.mark.parametrize("raw", ["", "   ", "soon", "Monday, November 23, 2004", "2004-13-45", None, "November 2004"])
def test_parse_date_refuses_what_is_not_a_date(raw):
    assert parse_date(raw) is None  # 23 November 2004 was a Tuesday: a contradicting weekday voids the date


# -- datelines --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "December 3, 2004\n\nThe Democratic Republic of the Congo may be preparing",
            (datetime(2004, 12, 3, tzinfo=UTC), True),
        ),
        ("Tuesday, November 23, 2004\nThe council met.", (DAY, True)),
        ("WASHINGTON, Nov. 23, 2004 - The Senate voted.", (DAY, True)),
        ("CAPE CANAVERAL, Florida, December 13, 2004 -- The rocket", (datetime(2004, 12, 13, tzinfo=UTC), True)),
        # a briefing transcript (demo corpus, state.gov): title, place, then the date and time with its zone
        (
            "On-the-Record Briefing Secretary Colin L. Powell\nWashington, DC\nNovember 15, 2004 (1:05 p.m. EST) "
            "SECRETARY POWELL: Well, good afternoon",
            (datetime(2004, 11, 15, 18, 5, tzinfo=UTC), False),
        ),
        ("23 November 2004 10:30 GMT: the vote", (DAY + timedelta(hours=10, minutes=30), False)),
        ("23 November 2004 10:30: the vote", (DAY, True)),  # a time without a zone cannot be placed in UTC
    ],
)
def test_dateline_at_the_top(text, expected):
    assert dateline(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "November 17, Brisbane, Australia - The Australian cricket team",  # no year: never guessed
        "December 2004\n\nSouth American nations began",  # a month is not a date
        "company started distributing a screensaver on November 29, 2004 on makelovenotspam.com.",  # event date
        "November 29, 2004 was the day the screensaver appeared.",  # a sentence opening with a date
        "Wednesday, November 23, 2004\nText",  # contradicts itself
        "One.\nTwo.\nThree.\nDecember 3, 2004\nFour.",  # below the first DATELINE_LINES lines
        "",
    ],
)
def test_no_dateline(text):
    assert dateline(text) is None


def test_dateline_in_the_future_is_a_mistake():
    now = datetime(2004, 11, 20, tzinfo=UTC)
    assert dateline("November 23, 2004\nText", now=now) is None
    assert dateline("November 21, 2004\nText", now=now) is not None


# -- precedence -------------------------------------------------------------------------------------------


def test_choose_first_given_wins_and_a_time_refines_a_date():
    feed_day = SourceDate(DAY, True, "feed")
    page_time = SourceDate(DAY + timedelta(hours=30), False, "page")  # next day in UTC: within a day
    far_time = SourceDate(DAY + timedelta(days=3), False, "page")
    feed_time = SourceDate(DAY + timedelta(hours=9), False, "feed")
    assert choose([None, None]) is None
    assert choose([None, feed_day]) == feed_day
    assert choose([feed_day, page_time]) == page_time
    assert choose([feed_day, far_time]) == feed_day  # a time on another day is not the same statement
    assert choose([feed_time, page_time]) == feed_time


# -- feeds ------------------------------------------------------------------------------------------------


def _rss(*dates: str) -> bytes:
    items = "".join(
        f"<item><title>Item {i}</title><link>https://news.example/{i}</link><pubDate>{d}</pubDate></item>"
        for i, d in enumerate(dates)
    )
    return f'<rss version="2.0"><channel><title>T</title>{items}</channel></rss>'.encode()


def test_rss_dates_with_and_without_time():
    feed = parse_feed(
        _rss("Tue, 23 Nov 2004 10:30:00 GMT", "Tue, 23 Nov 2004", "2004-11-23", "November 23, 2004"),
        "https://news.example/rss",
        "application/rss+xml",
    )
    full, no_time, iso_day, written = feed.entries
    assert (full.published, full.date_only) == (DAY + timedelta(hours=10, minutes=30), False)
    for e in (no_time, iso_day, written):
        assert (e.published, e.date_only) == (DAY, True), e
    assert not any("date" in w for w in feed.warnings)


def test_atom_and_json_feed_date_only():
    atom = (
        b'<feed xmlns="http://www.w3.org/2005/Atom"><title>t</title>'
        b'<entry><title>a</title><link href="https://news.example/a"/><published>2004-11-23</published></entry>'
        b'<entry><title>b</title><link href="https://news.example/b"/>'
        b"<published>2004-11-23T10:30:00+01:00</published></entry></feed>"
    )
    a, b = parse_feed(atom, "https://news.example/atom").entries
    assert (a.published, a.date_only) == (DAY, True)
    assert (b.published, b.date_only) == (DAY + timedelta(hours=9, minutes=30), False)
    jf = json.dumps(
        {
            "version": "https://jsonfeed.org/version/1.1",
            "title": "t",
            "items": [
                {"id": "1", "url": "https://news.example/1", "title": "one", "date_published": "2004-11-23"},
                {"id": "2", "url": "https://news.example/2", "title": "two", "date_published": "2004-11-23T10:30:00Z"},
                {"id": "3", "url": "https://news.example/3", "title": "three"},
            ],
        }
    ).encode()
    one, two, three = parse_feed(jf, "https://news.example/feed.json").entries
    assert (one.published, one.date_only) == (DAY, True)
    assert (two.published, two.date_only) == (DAY + timedelta(hours=10, minutes=30), False)
    assert (three.published, three.date_only) == (None, False)


# -- pages ------------------------------------------------------------------------------------------------

_BODY = "".join(
    f"<p>Paragraph {i} of a report on the council budget, long enough to be kept as article text.</p>" for i in range(8)
)


def _page(head: str, body: str = _BODY) -> bytes:
    return f'<html lang="en"><head><title>Budget</title>{head}</head><body><article><h1>Budget</h1>{body}</article></body></html>'.encode()


def test_page_metadata_with_time():
    page = extract_article(
        _page('<meta property="article:published_time" content="2004-11-23T10:30:00+01:00">'),
        "https://paper.example/budget",
    )
    assert page is not None and (page.published, page.date_only) == (DAY + timedelta(hours=9, minutes=30), False)


def test_page_jsonld_date_only_and_a_time_that_refines_it():
    ld = '<script type="application/ld+json">{"@type": "NewsArticle", "datePublished": "2004-11-23"}</script>'
    page = extract_article(_page(ld), "https://paper.example/budget")
    assert page is not None and (page.published, page.date_only) == (DAY, True)
    timed = extract_article(
        _page(ld + '<meta name="pubdate" content="2004-11-23T08:00:00Z">'), "https://paper.example/b"
    )
    assert timed is not None and (timed.published, timed.date_only) == (DAY + timedelta(hours=8), False)


def test_page_dated_in_the_future_is_ignored():
    future = (datetime.now(UTC) + timedelta(days=30)).isoformat()
    page = extract_article(_page(f'<meta property="article:published_time" content="{future}">'), "https://p.example/f")
    assert page is not None and (page.published is None or page.published <= datetime.now(UTC) + timedelta(days=2))


def test_real_page_metadata():
    """Recorded pages (tests/data/pages): Al Jazeera's JSON-LD "20 Nov 2019 08:02 GMT" and Barron's
    "2019-11-19T13:02:00.000Z" keep their time; ScienceAlert states only a day."""
    expected = {
        "aljazeera-afghanistan-crash.html.gz": (datetime(2019, 11, 20, 8, 2, tzinfo=UTC), False),
        "barrons-home-depot-paywall.html.gz": (datetime(2019, 11, 19, 13, 2, tzinfo=UTC), False),
        "sciencealert-europa-plumes.html.gz": (datetime(2019, 11, 18, tzinfo=UTC), True),
    }
    for case in json.loads((PAGES / "pages.json").read_text()):
        page = extract_article(gzip.decompress((PAGES / case["file"]).read_bytes()), case["url"])
        assert page is not None and (page.published, page.date_only) == expected[case["file"]], case["file"]


def _entry(**kw) -> FeedEntry:
    values = dict(url="https://news.example/a", title="Budget", summary="Summary.")
    values.update(kw)
    return FeedEntry(**values)


def _fetch(outcome: str = "ok") -> FetchResult:
    return FetchResult(url="https://news.example/a", outcome=outcome, final_url="https://news.example/a", status=200)


def test_article_date_precedence_and_origin():
    text = "x" * MIN_ARTICLE_CHARS
    feed_day = _entry(published=DAY, date_only=True)
    page_time = ExtractedPage(text=text, published=DAY + timedelta(hours=8), date_only=False)
    page_none = ExtractedPage(text=text)

    a = article_from_entry(feed_day, "o", page_time, _fetch())
    assert (a.published, a.date_only, a.published_from) == (DAY + timedelta(hours=8), False, "page")
    b = article_from_entry(_entry(published=DAY + timedelta(hours=3)), "o", page_time, _fetch())
    assert (b.published, b.date_only, b.published_from) == (DAY + timedelta(hours=3), False, "feed")
    c = article_from_entry(feed_day, "o", page_none, _fetch())
    assert (c.published, c.date_only, c.published_from) == (DAY, True, "feed")
    d = article_from_entry(_entry(), "o", ExtractedPage(text="November 23, 2004\n" + text), _fetch())
    assert (d.published, d.date_only, d.published_from) == (DAY, True, "dateline")


def test_article_without_any_date_has_none_not_the_fetch_time():
    a = article_from_entry(_entry(), "o", ExtractedPage(text="y" * 1000), _fetch())
    assert (a.published, a.date_only, a.published_from) == (None, False, None)
    b = article_from_entry(_entry(), "o", None, _fetch("timeout"))
    assert b.published is None and b.published_from is None


# -- import lines -----------------------------------------------------------------------------------------


def _line(**kw) -> str:
    return json.dumps({"url": "https://news.example/a", "title": "T", "outlet": "o", **kw})


def test_import_published_date_only_timed_dateline_and_none():
    day, timed, dated_text, briefing, none = read_import(
        [
            _line(published="2004-11-23", text="The council met."),
            _line(published="2004-11-23T10:30:00Z", text="Tuesday, November 23, 2004\nThe council met."),
            _line(text="Tuesday, November 23, 2004\nThe council met."),
            _line(published="2004-11-15", text="Briefing\nWashington, DC\nNovember 15, 2004 (1:05 p.m. EST) Remarks."),
            _line(text="The council met on November 23, 2004."),
        ]
    )
    assert (day.published, day.date_only, day.published_from) == (DAY, True, "import")
    assert (timed.published, timed.date_only, timed.published_from) == (
        DAY + timedelta(hours=10, minutes=30),
        False,
        "import",
    )
    assert (dated_text.published, dated_text.date_only, dated_text.published_from) == (DAY, True, "dateline")
    assert (briefing.published, briefing.date_only, briefing.published_from) == (
        datetime(2004, 11, 15, 18, 5, tzinfo=UTC),
        False,
        "dateline",
    )  # the line's day, made precise
    assert (none.published, none.date_only, none.published_from) == (None, False, None)


def test_real_feeds_with_date_only_items(shared_data):
    """Real RSS 1.0 feeds (feed_farm, from feed-rs's fixtures) whose dc:date is a day: kept as a day."""
    farm = shared_data / "feed_farm" / "feed-rs" / "rss1"
    if not farm.is_dir():
        pytest.skip(f"feed farm not present: {farm}")
    debian = parse_feed(
        (farm / "rss_1.0_debian.xml").read_bytes(), "https://www.debian.org/News/news", "application/rdf+xml"
    )
    assert [(e.published, e.date_only) for e in debian.entries if e.published] == [
        (datetime(2022, 12, 17, tzinfo=UTC), True)
    ]
    biorxiv = parse_feed((farm / "rss_1.0_biorxiv.xml").read_bytes(), "https://connect.biorxiv.org/", None)
    assert {(e.published, e.date_only) for e in biorxiv.entries} == {(datetime(2023, 12, 16, tzinfo=UTC), True)}
