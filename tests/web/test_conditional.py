"""Conditional GET on the served site (copydesk.web.app): ETag and Last-Modified on every page, feed, sitemap and
JSON document, 304 for a matching If-None-Match or a recent enough If-Modified-Since, answered without rendering."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta
from email.utils import format_datetime, parsedate_to_datetime

import pytest
from fastapi.testclient import TestClient

import sample_edition
from copydesk.web import discovery, render
from copydesk.web.app import SECURITY_HEADERS, create_app

PATHS = [
    "/",
    "/about/",
    "/queue/untranslated/",
    "/section/budapest/",
    "/story/chain-bridge-closes/",
    "/story/mayor-visits-vienna/",
    "/story/hostile-story/",
    "/api/stories.json",
    "/api/story/chain-bridge-closes.json",
    "/api/queue/untranslated.json",
    "/feed.xml",
    "/rss.xml",
    "/feed.json",
    "/section/world/feed.xml",
    "/section/world/rss.xml",
    "/section/world/feed.json",
    "/sitemap.xml",
    "/sitemap-news.xml",
    "/robots.txt",
]


@pytest.fixture()
def edition():
    return sample_edition.build_edition(sample_edition.hostile_strings())


@pytest.fixture()
def app(edition):
    return create_app(lambda: edition)


@pytest.fixture()
def client(app):
    return TestClient(app)


@pytest.mark.parametrize("path", PATHS)
def test_etag_and_304_on_every_page_and_feed(client, path):
    r = client.get(path)
    assert r.status_code == 200
    etag = r.headers["etag"]
    assert etag.startswith('"') and etag.endswith('"') and not etag.startswith("W/")  # strong
    again = client.get(path, headers={"If-None-Match": etag})
    assert again.status_code == 304 and again.content == b""
    assert again.headers["etag"] == etag
    for key, value in SECURITY_HEADERS.items():
        assert again.headers[key] == value
    assert client.get(path, headers={"If-None-Match": '"other", W/' + etag}).status_code == 304  # list, weak form
    assert client.get(path, headers={"If-None-Match": "*"}).status_code == 304
    stale = client.get(path, headers={"If-None-Match": '"not-this-one"'})
    assert stale.status_code == 200 and stale.content == r.content
    assert client.head(path, headers={"If-None-Match": etag}).status_code == 304


@pytest.mark.parametrize("path", [p for p in PATHS if p != "/robots.txt"])
def test_if_modified_since(client, path):
    r = client.get(path)
    last = r.headers["last-modified"]
    assert parsedate_to_datetime(last).tzinfo is not None
    assert client.get(path, headers={"If-Modified-Since": last}).status_code == 304
    later = format_datetime(parsedate_to_datetime(last) + timedelta(days=1), usegmt=True)
    assert client.get(path, headers={"If-Modified-Since": later}).status_code == 304
    earlier = format_datetime(parsedate_to_datetime(last) - timedelta(seconds=1), usegmt=True)
    assert client.get(path, headers={"If-Modified-Since": earlier}).status_code == 200
    assert client.get(path, headers={"If-Modified-Since": "not a date"}).status_code == 200
    # If-None-Match wins over If-Modified-Since (RFC 9110 13.2.2)
    assert client.get(path, headers={"If-None-Match": '"x"', "If-Modified-Since": later}).status_code == 200


def test_last_modified_is_content_time_not_request_or_build_time(client, edition):
    feed = client.get("/feed.xml").headers["last-modified"]
    newest = max(discovery.entry_dates(es.story)[1] for es in render.visible_stories(edition))
    assert parsedate_to_datetime(feed) == newest
    assert (
        parsedate_to_datetime(client.get("/section/europe/feed.xml").headers["last-modified"])
        == discovery.entry_dates(edition.stories[1].story)[1]
    )
    assert parsedate_to_datetime(client.get("/").headers["last-modified"]) == newest < edition.generated


def test_conditional_get_is_answered_without_rendering(app, client, monkeypatch):
    etags = {path: client.get(path).headers["etag"] for path in PATHS}
    cache = app.state.response_cache
    rendered = cache.renders

    def boom(*args, **kwargs):
        raise AssertionError("rendered again")

    for name in ("render_home", "render_story", "render_section", "render_about", "edition_json"):
        monkeypatch.setattr(render, name, boom)
    for name in ("render_atom", "render_rss", "render_json_feed", "render_sitemap", "render_news_sitemap"):
        monkeypatch.setattr(discovery, name, boom)
    for path, etag in etags.items():
        assert client.get(path, headers={"If-None-Match": etag}).status_code == 304, path
        assert client.get(path).status_code == 200, path  # and a plain GET is served from the cache too
    assert cache.renders == rendered


def test_a_new_edition_is_rendered_and_unchanged_content_keeps_its_etag(edition):
    editions = [edition]
    client = TestClient(create_app(lambda: editions[-1]))
    before = {path: client.get(path).headers["etag"] for path in PATHS}
    # the next read of an unchanged database: another Edition object, built later
    editions.append(replace(edition, generated=edition.generated + timedelta(minutes=30)))
    after = {path: client.get(path).headers["etag"] for path in PATHS}
    assert [p for p in PATHS if before[p] != after[p]] == ["/api/stories.json"]  # it states the build time
    # a story changed: its page, the feeds that list it and the pages that show the edition's time change
    es = edition.stories[1]
    changed = replace(
        es.story,
        lede=replace(es.story.lede, text="The mayor will visit Vienna on Friday."),
        revised=sample_edition.T0 + timedelta(hours=9),
    )
    editions.append(replace(edition, stories=(edition.stories[0], replace(es, story=changed), *edition.stories[2:])))
    r = client.get("/story/mayor-visits-vienna/", headers={"If-None-Match": before["/story/mayor-visits-vienna/"]})
    assert r.status_code == 200 and "on Friday" in r.text
    assert client.get("/feed.xml", headers={"If-None-Match": before["/feed.xml"]}).status_code == 200
    assert (
        client.get(
            "/section/world/feed.xml",  # world's stories did not change
            headers={"If-None-Match": before["/section/world/feed.xml"]},
        ).status_code
        == 304
    )


def test_not_found_and_redirects_are_not_cached_as_pages(client):
    assert client.get("/section/nope/feed.xml").status_code == 404
    assert client.get("/section/nope/feed.json").status_code == 404
    r = client.get("/story/bridge-closing/", follow_redirects=False)
    assert r.status_code == 301 and "etag" not in r.headers
    assert client.get("/story/nope/", headers={"If-None-Match": "*"}).status_code == 404


def test_media_types(client):
    assert client.get("/feed.xml").headers["content-type"] == "application/atom+xml; charset=utf-8"
    assert client.get("/rss.xml").headers["content-type"] == "application/rss+xml; charset=utf-8"
    assert client.get("/feed.json").headers["content-type"] == "application/feed+json"
    assert client.get("/sitemap.xml").headers["content-type"] == "application/xml; charset=utf-8"
    assert client.get("/robots.txt").headers["content-type"] == "text/plain; charset=utf-8"


def test_static_files_answer_304_too(client):
    r = client.get("/static/site.css")
    assert r.status_code == 200 and r.headers["etag"] and r.headers["last-modified"]
    assert client.get("/static/site.css", headers={"If-None-Match": r.headers["etag"]}).status_code == 304
    assert client.get("/static/site.css", headers={"If-Modified-Since": r.headers["last-modified"]}).status_code == 304


def test_the_response_cache_is_bounded_by_bytes_least_recently_used_first():
    """Rendered pages are kept up to ``max_bytes`` of bodies whatever their number (the home page, feeds and the
    stories list grow with the edition), the least recently used going first; a body larger than the whole cap is
    served, not kept."""
    from copydesk.web.app import Rendered, ResponseCache

    cache = ResponseCache(max_entries=100, max_bytes=250)
    edition = object()
    made: list[str] = []

    def page(key: str, size: int = 100):
        def make() -> Rendered:
            made.append(key)
            return Rendered.of(b"x" * size, "text/plain", None)

        return cache.get(edition, key, make)

    page("a"), page("b")
    assert cache.bytes == 200
    page("a")  # a hit: "a" is now the most recently used
    page("c")  # 300 bytes would be over the cap: "b" goes
    assert cache.bytes == 200 and made == ["a", "b", "c"]
    page("a"), page("c")
    assert made == ["a", "b", "c"]
    page("b")
    assert made[-1] == "b" and cache.bytes == 200
    assert page("big", 300).body == b"x" * 300 and cache.bytes == 200
    page("big", 300)
    assert made.count("big") == 2
    cache.get(object(), "a", lambda: Rendered.of(b"z", "text/plain", None))  # another edition: emptied
    assert cache.bytes == 1
