"""Dates on pages, in the JSON API and the Atom feed: a date-only source is a date, an undated story says so."""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from xml.etree import ElementTree

import pytest

import sample_edition
from copydesk.models import SourceLink, StoryDates
from copydesk.store.serde import written_from_dict, written_to_dict
from copydesk.web import render

DAY = datetime(2004, 11, 23, tzinfo=UTC)
SEEN = datetime(2026, 12, 4, 17, 0, tzinfo=UTC)  # when the desk imported the articles


@pytest.fixture()
def edition():
    """The sample edition with story 1 dated by two date-only sources and story 2 by none."""
    ed = sample_edition.build_edition()
    s1, s2 = ed.stories[0].story, ed.stories[1].story
    s1 = replace(
        s1,
        published=SEEN,
        updated=SEEN,
        dates=None,
        sources=(
            replace(s1.sources[0], published=DAY, date_only=True),
            replace(s1.sources[1], published=DAY + timedelta(days=1), date_only=True),
            replace(s1.sources[2], published=None),
            s1.sources[3],
        ),
    )
    s2 = replace(
        s2, published=SEEN, updated=SEEN, dates=None, sources=tuple(replace(s, published=None) for s in s2.sources)
    )
    stories = (replace(ed.stories[0], story=s1), replace(ed.stories[1], story=s2), *ed.stories[2:])
    return replace(ed, stories=stories)


def _meta(html: str) -> str:
    return re.search(r'<p class="meta">(.*?)</p>', html, re.S).group(1)


def test_date_only_sources_show_dates_never_midnight(edition):
    html = render.render_story(edition, "chain-bridge-closes")
    body = html.split("<footer")[0]  # the footer carries the edition's own time
    assert "00:00 UTC" not in body and "T00:00" not in body and "2026" not in body
    meta = " ".join(_meta(html).split())
    assert 'First reported <time datetime="2004-11-23">23 November 2004</time>' in meta
    assert 'Updated <time datetime="2004-11-24">24 November 2004</time>' in meta
    sources = re.search(r'<section class="source-list".*?</section>', html, re.S).group(0)
    assert '<time datetime="2004-11-23">23 November 2004</time>' in sources
    assert sources.count(render.SOURCE_UNDATED) == 2  # the undated sources say so


def test_story_without_dated_source_says_so(edition):
    html = render.render_story(edition, "mayor-visits-vienna")
    meta = " ".join(_meta(html).split())
    assert "Date not given by the sources" in meta and "<time" not in meta
    assert "2026" not in html.split("<footer")[0]  # the import time appears nowhere but the edition's own date
    home = render.render_home(edition)
    card = re.search(r'<article class="card">(?:(?!</article>).)*Mayor to visit Vienna.*?</article>', home, re.S).group(
        0
    )
    assert "Date not given by the sources" in card and "2026" not in card
    card1 = re.search(r'<article class="card">(?:(?!</article>).)*Chain Bridge.*?</article>', home, re.S).group(0)
    assert '<time datetime="2004-11-24">24 November 2004</time>' in card1


def test_timed_source_shows_its_time(edition):
    ed = sample_edition.build_edition()
    html = render.render_story(ed, "mayor-visits-vienna")
    assert '<time datetime="2024-05-01T12:00:00+00:00">1 May 2024, 12:00 UTC</time>' in html


def test_json_api_says_which_dates_are_known(edition):
    one = render.story_json(edition.stories[0], edition)
    assert one["published"] == "2004-11-23" and one["updated"] == "2004-11-24"
    assert one["dates"] == {
        "known": True,
        "first_reported": "2004-11-23",
        "first_reported_date_only": True,
        "last_updated": "2004-11-24",
        "last_updated_date_only": True,
        "dated_sources": 2,
        "undated_sources": 2,
    }
    assert [(s["published"], s["date_only"]) for s in one["sources"]] == [
        ("2004-11-23", True),
        ("2004-11-24", True),
        (None, False),
        (None, False),
    ]
    two = render.story_json(edition.stories[1], edition)
    assert two["published"] is None and two["updated"] is None
    assert two["dates"]["known"] is False and two["dates"]["undated_sources"] == 1


def test_atom_feed_uses_source_dates_else_first_publication(edition):
    root = ElementTree.fromstring(render.render_feed(edition))
    ns = {"a": "http://www.w3.org/2005/Atom"}
    entries = {e.find("a:title", ns).text: e for e in root.findall("a:entry", ns)}
    bridge, mayor = entries["Chain Bridge to close for repairs"], entries["Mayor to visit Vienna"]
    assert bridge.find("a:published", ns).text.startswith("2004-11-23")
    assert bridge.find("a:updated", ns).text.startswith("2004-11-24")
    assert mayor.find("a:published", ns).text.startswith(SEEN.date().isoformat())  # documented fallback
    assert render.FEED_DATE_NOTE in root.find("a:subtitle", ns).text


def test_stored_json_round_trip_and_old_rows(edition):
    story = edition.stories[0].story
    written = replace(story, dates=render.story_dates_of(story))
    again = written_from_dict(written_to_dict(written))
    assert again.dates == written.dates and again.sources == written.sources
    # a row stored before stories had dates and sources had date_only: midnight means a date-only source
    old = written_to_dict(written)
    del old["dates"]
    for s in old["sources"]:
        del s["date_only"]
    loaded = written_from_dict(old)
    assert loaded.dates == StoryDates(DAY, True, DAY + timedelta(days=1), True, 2, 2)
    assert [s.date_only for s in loaded.sources] == [True, True, False, False]
    timed = written_to_dict(
        replace(
            written,
            sources=(SourceLink(1, "o", "O", "T", "https://o.example/1", DAY + timedelta(hours=9, minutes=30)),),
        )
    )
    del timed["dates"], timed["sources"][0]["date_only"]
    assert written_from_dict(timed).dates.first_reported_date_only is False
