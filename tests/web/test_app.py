"""The served site (copydesk.web.app) through FastAPI's TestClient: routes, statuses, headers, JSON shape."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

import sample_edition
from html_check import dangers
from copydesk.web import render
from copydesk.web.app import SECURITY_HEADERS, create_app


@pytest.fixture(scope="module")
def edition():
    return sample_edition.build_edition(sample_edition.hostile_strings())


@pytest.fixture(scope="module")
def client(edition):
    return TestClient(create_app(lambda: edition))


@pytest.mark.parametrize(
    "path",
    [
        "/",
        "/about/",
        "/section/budapest/",
        "/section/world/",
        "/story/chain-bridge-closes/",
        "/story/mayor-visits-vienna/",
        "/story/hostile-story/",
    ],
)
def test_pages_ok(client, path):
    r = client.get(path)
    assert r.status_code == 200
    assert r.headers["content-type"] == "text/html; charset=utf-8"
    assert dangers(r.text) == []


def test_pages_are_the_render_calls(client, edition):
    assert client.get("/").text == render.render_home(edition)
    assert client.get("/story/chain-bridge-closes/").text == render.render_story(edition, "chain-bridge-closes")


@pytest.mark.parametrize(
    "path", ["/story/nope/", "/section/nope/", "/nope", "/static/nope.css", "/story/..%2F..%2Fetc%2Fevil/"]
)
def test_not_found(client, edition, path):
    r = client.get(path)
    assert r.status_code == 404
    assert r.text == render.render_not_found(edition)
    assert "Page not found" in r.text


def test_api_not_found_is_json(client):
    r = client.get("/api/story/nope.json")
    assert r.status_code == 404 and r.json() == {"error": "not found"}


@pytest.mark.parametrize("old", ["bridge-closing", "older-bridge"])
def test_redirect_old_slug(client, old):
    r = client.get(f"/story/{old}/", follow_redirects=False)
    assert r.status_code == 301
    assert r.headers["location"] == "/story/chain-bridge-closes/"


def test_redirect_to_missing_story_is_404(client):
    assert client.get("/story/gone/", follow_redirects=False).status_code == 404


def test_missing_trailing_slash_redirects(client):
    r = client.get("/story/chain-bridge-closes", follow_redirects=False)
    assert r.status_code in (301, 307, 308)
    assert r.headers["location"].endswith("/story/chain-bridge-closes/")


def test_security_headers_everywhere(client):
    for path in ["/", "/story/nope/", "/api/stories.json", "/feed.xml", "/static/site.css", "/healthz"]:
        r = client.get(path)
        for key, value in SECURITY_HEADERS.items():
            assert r.headers[key] == value, (path, key)
        assert "default-src 'self'" in r.headers["content-security-policy"]
        assert r.headers["x-frame-options"] == "DENY"
        assert r.headers["x-content-type-options"] == "nosniff"


def test_json_api_provenance(client, edition):
    data = client.get("/api/story/chain-bridge-closes.json").json()
    for key in (
        "id",
        "slug",
        "url",
        "headline",
        "lede",
        "body",
        "sources",
        "independent_sources",
        "published",
        "updated",
        "method",
        "notes",
        "single_source",
    ):
        assert key in data
    for sentence in [data["headline"], data["lede"], *(s for sec in data["body"] for s in sec["sentences"])]:
        assert set(sentence) >= {"text", "article_ids", "outlet_ids", "support"}
        for sup in sentence["support"]:
            assert set(sup) == {"article_id", "outlet_id", "sentence", "score"}
    for src in data["sources"]:
        assert set(src) >= {
            "article_id",
            "outlet_id",
            "outlet_name",
            "title",
            "url",
            "published",
            "partial",
            "reprint_of",
        }
    all_stories = client.get("/api/stories.json")
    assert all_stories.headers["content-type"].startswith("application/json")
    assert all_stories.content == render.dumps_json(render.edition_json(edition))
    assert all_stories.json()["stories"][0] == data


def test_feed_and_static_and_health(client, edition):
    r = client.get("/feed.xml")
    assert r.status_code == 200 and r.headers["content-type"].startswith("application/atom+xml")
    assert r.content == render.render_feed(edition)
    css = client.get("/static/site.css")
    assert css.status_code == 200 and css.headers["content-type"].startswith("text/css")
    assert client.get("/healthz").json()["status"] == "ok"


def test_no_docs_routes(client):
    for path in ("/docs", "/redoc", "/openapi.json"):
        assert client.get(path).status_code == 404


def test_edition_is_read_per_request():
    editions = [sample_edition.build_edition(None)]
    client = TestClient(create_app(lambda: editions[-1]))
    assert client.get("/story/hostile-story/").status_code == 200
    from dataclasses import replace

    editions.append(replace(editions[0], stories=editions[0].stories[:1]))
    assert client.get("/story/hostile-story/").status_code == 404


def test_head_is_answered_like_get_without_body():
    from fastapi.testclient import TestClient

    from copydesk.web.app import create_app
    from sample_edition import build_edition

    edition = build_edition()
    client = TestClient(create_app(lambda: edition))
    r = client.head("/")
    assert r.status_code == 200 and r.content == b""
    assert r.headers["content-type"].startswith("text/html")
    assert client.head("/story/no-such-story/").status_code == 404
