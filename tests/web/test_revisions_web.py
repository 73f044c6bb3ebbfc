"""Story history on the site: the update notes on the article page, the pages of earlier versions (served and
exported), and the revisions in the JSON API, from revisions recorded by a real store (SQLite; PostgreSQL when
COPYDESK_TEST_POSTGRES_URL is set)."""

from __future__ import annotations

import dataclasses
import json
import re

import pytest
from fastapi.testclient import TestClient

import sample_edition
import served
from html_check import dangers, json_ld, malformed
from copydesk.models import Edition, SourceLink, WrittenSentence
from copydesk.web import render
from copydesk.web.app import create_app
from copydesk.web.export import export_site
from test_api import check

SLUG = "chain-bridge-closes"
HOSTILE_NOTE = 'The bridge closes on Monday, not Tuesday. <script>alert("note")</script>'
EDITOR = "ann.kovacs"  # a sign-in name: kept in the audit log, never in public output


def _versions(edition: Edition):
    """Three versions of story 1: a first one with one source and another figure, a correction, the current."""
    current = edition.stories[0].story
    lede = WrittenSentence("The Chain Bridge will close for 9 days from Tuesday, the city said.", current.lede.support)
    v1 = dataclasses.replace(
        current,
        headline=dataclasses.replace(current.headline, text="Chain Bridge to close"),
        lede=lede,
        sources=current.sources[:1],
        body=current.body[:1],
    )
    v2 = dataclasses.replace(
        v1, lede=dataclasses.replace(lede, text="The Chain Bridge will close for 12 days from Monday, the city said.")
    )
    return v1, v2, current


def _edition_from(store, edition: Edition) -> Edition:
    """The edition with the revisions the store recorded, as ``Desk.edition`` attaches them."""
    revisions = store.published_revisions()
    return dataclasses.replace(
        edition,
        stories=tuple(
            dataclasses.replace(es, revisions=revisions.get(es.story.story_id, ())) for es in edition.stories
        ),
    )


@pytest.fixture(params=served.DATABASES)
def edition(request, tmp_path):
    base = sample_edition.build_edition(None)
    with served.store(request.param, tmp_path) as store:
        served.publish_edition(store, dataclasses.replace(base, stories=base.stories[1:]))
        v1, v2, current = _versions(base)
        served.publish(store, v1)
        assert store.save_written("s1", v2, reason="correction", note=HOSTILE_NOTE, editor=EDITOR) == 2
        assert store.save_written("s1", current) == 3
        yield _edition_from(store, base)


@pytest.fixture
def client(edition):
    return TestClient(create_app(lambda: edition))


def test_the_article_page_lists_its_updates_newest_first_and_links_each_version(client, edition):
    html = client.get(f"/story/{SLUG}/").text
    assert dangers(html) == [] and "<script>alert" not in html
    section = html[html.index('class="history"') : html.index("</section>", html.index('class="history"'))]
    items = re.findall(r"<li class=\"(\w+)\"><strong>([^<]+)</strong>", section)
    assert items == [("update", "Updated"), ("correction", "Correction"), ("update", "First published")]
    revs = edition.stories[0].revisions
    assert [r.n for r in revs] == [1, 2, 3]
    newest = section[: section.index("</li>")]
    assert "3 new sources: Budapest Daily, &lt;script&gt;" in newest and "this version" in newest  # what it added
    assert "a figure changed: 12 days -&gt; 9 days" not in newest  # nothing is said twice, nor mis-escaped
    corrected = section.split("</li>")[1]
    assert "The bridge closes on Monday, not Tuesday. &lt;script&gt;" in corrected  # the editor's words, escaped
    assert "a figure changed: 9 days -&gt; 12 days" in corrected
    assert re.findall(r'href="([^"]+/v/\d+/)"', section) == [
        "../../story/chain-bridge-closes/v/2/",
        "../../story/chain-bridge-closes/v/1/",
    ]
    # a story never changed since it was first published shows no list
    assert 'class="history"' not in client.get("/story/mayor-visits-vienna/").text


def test_an_earlier_version_page_is_the_story_as_it_was_marked_and_not_indexed(client, edition):
    r = client.get(f"/story/{SLUG}/v/1/")
    assert r.status_code == 200
    html = r.text
    assert dangers(html) == []
    assert "This is an earlier version of this story</strong> (version 1 of 3), published" in html
    assert '<a href="../../../../story/chain-bridge-closes/">see the current version</a>' in html
    assert '<meta name="robots" content="noindex">' in html
    assert '<link rel="canonical" href="https://post.example/story/chain-bridge-closes/">' in html
    assert '<p class="lede">The Chain Bridge will close for 9 days from Tuesday' in html  # the text as it was
    assert '<p class="lede">The Chain Bridge will close for repairs' not in html
    assert json_ld(html) == [] and "<audio" not in html  # no NewsArticle, no narration of another text
    assert "<h1>Chain Bridge to close</h1>" in html
    assert malformed(html) == []
    # its list links the current version and marks this one
    assert 'href="../../../../story/chain-bridge-closes/">Current version' in html
    assert "12 days" in client.get(f"/story/{SLUG}/v/2/").text
    for missing in ("v/3/", "v/4/", "v/0/", "v/abc/", "v/-1/", "v/99999999999/"):
        assert client.get(f"/story/{SLUG}/{missing}").status_code == 404, missing
    assert client.get("/story/mayor-visits-vienna/v/1/").status_code == 404
    assert client.get("/story/nope/v/1/").status_code == 404
    # the current page is indexed as before
    assert 'name="robots"' not in client.get(f"/story/{SLUG}/").text


def test_the_api_serves_the_revisions(client, edition):
    spec = client.get("/api/v1/openapi.json").json()
    listing = check(spec, "/api/v1/stories/{slug}/revisions", client.get(f"/api/v1/stories/{SLUG}/revisions"))
    assert listing["id"] == "s1" and listing["slug"] == SLUG
    assert [(v["n"], v["reason"], v["editor"]) for v in listing["revisions"]] == [
        (1, "coverage", None),
        (2, "correction", "the editors"),
        (3, "coverage", None),
    ]
    for path in (
        "/api/v1/stories/{s}/revisions",
        "/api/v1/stories/{s}/revisions/2",
        "/api/v1/stories/{s}",
        "/api/story/{s}.json",
        "/story/{s}/",
        "/story/{s}/v/2/",
        "/story/{s}/v/1/",
    ):
        assert EDITOR not in client.get(path.format(s=SLUG)).text, path  # an editor's login is never public
    assert listing["revisions"][1]["note"] == HOSTILE_NOTE  # JSON carries the text; escaping is the page's job
    assert listing["revisions"][0]["changes"] == ["first published"]
    assert [v["url"] for v in listing["revisions"]] == [
        f"https://post.example/story/{SLUG}/v/1/",
        f"https://post.example/story/{SLUG}/v/2/",
        f"https://post.example/story/{SLUG}/",
    ]

    then = check(spec, "/api/v1/stories/{slug}/revisions/{n}", client.get(f"/api/v1/stories/{SLUG}/revisions/1"))
    assert then["headline"]["text"] == "Chain Bridge to close" and len(then["sources"]) == 1
    assert then["lede"]["support"] and then["audio"] is None
    assert [v["n"] for v in then["revisions"]] == [1]
    now = check(spec, "/api/v1/stories/{slug}", client.get(f"/api/v1/stories/{SLUG}"))
    assert client.get(f"/api/v1/stories/{SLUG}/revisions/3").json() == now
    assert [(v["n"], v["reason"]) for v in now["revisions"]] == [(1, "coverage"), (2, "correction"), (3, "coverage")]
    assert set(now["revisions"][0]) == {"n", "at", "reason", "changes"}
    assert now == json.loads(render.dumps_json(render.story_json(edition.stories[0], edition)))

    for url, status in (
        (f"/api/v1/stories/{SLUG}/revisions/4", 404),
        ("/api/v1/stories/nope/revisions", 404),
        ("/api/v1/stories/nope/revisions/1", 404),
        (f"/api/v1/stories/{SLUG}/revisions/0", 422),
        (f"/api/v1/stories/{SLUG}/revisions/x", 422),
    ):
        r = client.get(url)
        template = "/api/v1/stories/{slug}/revisions" + ("/{n}" if url.count("/") == 6 else "")
        assert r.status_code == status, url
        check(spec, template, r)


def test_the_export_writes_each_earlier_version_as_served(tmp_path, edition):
    out = tmp_path / "site"
    rels = {p.relative_to(out).as_posix() for p in export_site(edition, out)}
    versions = sorted(r for r in rels if "/v/" in r)
    assert versions == [f"story/{SLUG}/v/1/index.html", f"story/{SLUG}/v/2/index.html"]
    client = TestClient(create_app(lambda: edition))
    for rel in versions:
        assert client.get("/" + rel.removesuffix("index.html")).content == (out / rel).read_bytes()
    exported = json.loads((out / f"api/story/{SLUG}.json").read_text(encoding="utf-8"))
    assert [v["n"] for v in exported["revisions"]] == [1, 2, 3]
    assert f"/story/{SLUG}/v/" not in (out / "sitemap.xml").read_text(encoding="utf-8")  # noindex pages


def test_sources_change_is_said_in_words(edition):
    # the recorded changes are the reader-facing text of the page: what the third version added
    third = edition.stories[0].revisions[2]
    added = [
        s
        for s in third.written.sources
        if s.article_id not in {x.article_id for x in edition.stories[0].revisions[1].written.sources}
    ]
    assert all(isinstance(s, SourceLink) for s in added) and len(added) == 3
    assert third.changes[0] == "headline changed"
    assert "3 new sources: Budapest Daily, <script>alert(1)</script>" in third.changes
