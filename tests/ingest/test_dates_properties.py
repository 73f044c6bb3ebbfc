"""Property tests (hypothesis) of publication dates: whatever a feed, a page, an import line or a dateline says,
the date an article keeps is never more than a day in the future, and the readers never raise."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from copydesk.ingest.dates import MAX_FUTURE, SourceDate, choose, dateline, parse_date
from copydesk.ingest.extract import article_from_entry
from copydesk.ingest.jsonl import read_import
from copydesk.models import FeedEntry

PROPERTY = settings(max_examples=200, deadline=None, database=None, suppress_health_check=[HealthCheck.too_slow])
NOW = datetime.now(UTC)
DAY = timedelta(days=1)

_when = st.datetimes(min_value=datetime(1900, 1, 1), max_value=datetime(2200, 1, 1), timezones=st.just(UTC))
_candidate = st.one_of(
    st.none(), st.builds(SourceDate, _when, st.booleans(), st.sampled_from(["feed", "page", "import", "dateline"]))
)
# Date strings in the forms sources write, with dates from the distant past to the far future.
_date_text = st.builds(
    lambda when, form: when.strftime(form),
    _when,
    st.sampled_from(
        [
            "%Y-%m-%dT%H:%M:%SZ",
            "%Y-%m-%d",
            "%a, %d %b %Y %H:%M:%S GMT",
            "%a, %d %b %Y",
            "%B %d, %Y",
            "%A, %d %B %Y",
            "%Y-%m-%dT%H:%M:%S+14:00",
            "%Y-%m-%dT%H:%M:%S-12:00",
        ]
    ),
)


@PROPERTY
@given(st.lists(_candidate, max_size=4))
def test_the_chosen_date_is_never_more_than_a_day_ahead(candidates):
    chosen = choose(candidates, now=NOW)
    assert chosen is None or chosen.when <= NOW + DAY
    assert MAX_FUTURE <= DAY
    plausible = [c for c in candidates if c is not None and c.when <= NOW + MAX_FUTURE]
    assert (chosen is None) == (not plausible)


@PROPERTY
@given(st.one_of(_date_text, st.text(max_size=40)))
def test_parse_date_never_raises_and_gives_aware_utc(text):
    parsed = parse_date(text)
    if parsed is not None:
        when, date_only = parsed
        assert when.tzinfo is not None and when.utcoffset() == timedelta(0)
        assert not date_only or (when.hour, when.minute, when.second) == (0, 0, 0)


@PROPERTY
@given(_date_text, st.text(max_size=60))
def test_a_dateline_is_never_more_than_a_day_ahead(date_text, rest):
    found = dateline(f"{date_text} - {rest}\nBody text follows here.", now=NOW)
    assert found is None or found[0] <= NOW + DAY


@PROPERTY
@given(st.one_of(st.none(), _when), st.booleans())
def test_an_article_from_a_feed_entry_is_never_dated_ahead(published, date_only):
    entry = FeedEntry(url="https://example.com/a", title="T", summary="S", published=published, date_only=date_only)
    article = article_from_entry(entry, "outlet", None, None)
    assert article.published is None or article.published <= datetime.now(UTC) + DAY


@PROPERTY
@given(_date_text)
def test_an_imported_line_is_never_dated_ahead(date_text):
    line = (
        '{"url": "https://example.com/a", "title": "T", "outlet": "o", "text": "Some text.", '
        f'"published": "{date_text}"}}'
    )
    for item in read_import([line]):
        published = getattr(item, "published", None)
        assert published is None or published <= datetime.now(UTC) + DAY
