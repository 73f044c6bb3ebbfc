"""Feeds and discovery (copydesk.web.discovery), each format checked against its specification with a validating
parser: feedparser for RSS and Atom, a JSON Schema of JSON Feed 1.1, XML schemas of the sitemap protocol and the
news extension (hand-written, see tests/web/schemas/README.md); plus stable ids and dates across rebuilds, the
story page's JSON-LD and Open Graph tags, and hostile source text in all of them."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import datetime, timedelta
from pathlib import Path

import feedparser
import pytest
from lxml import etree

import sample_edition
from html_check import dangers, json_ld, parse
from copydesk.models import SourceLink
from copydesk.web import discovery, render
from copydesk.web.export import site_files

SCHEMAS = Path(__file__).parent / "schemas"
T0 = sample_edition.T0
ATOM = "{http://www.w3.org/2005/Atom}"
SITE_STORIES = {"chain-bridge-closes", "mayor-visits-vienna", "hostile-story"}  # the publishable ones


@pytest.fixture(scope="module")
def hostile():
    return sample_edition.hostile_strings()


@pytest.fixture(scope="module")
def edition(hostile):
    return sample_edition.build_edition(hostile)


def _url(slug: str) -> str:
    return f"https://post.example/story/{slug}/"


def _changed(edition):
    """The edition after the next run: story 1 gained a later source and its text changed (revised), the others
    are as they were, and the edition was built again at a later time."""
    es = edition.stories[0]
    s = es.story
    later = SourceLink(
        105, "wire", "Wire Agency", "Bridge closure delayed", "https://wire.example/a/105", T0 + timedelta(hours=5)
    )
    s = replace(
        s,
        sources=(*s.sources, later),
        lede=replace(s.lede, text="The closure was delayed to Tuesday."),
        updated=T0 + timedelta(hours=5),
        revised=T0 + timedelta(hours=6),
        dates=None,
    )
    return replace(edition, stories=(replace(es, story=s), *edition.stories[1:]), generated=T0 + timedelta(days=1))


FEEDS = [(name, section) for name in discovery.FEED_FORMATS for section in (None, "budapest", "europe", "world")]


# -- RSS and Atom, through feedparser ----------------------------------------------------------------------


@pytest.mark.parametrize("name, version", [("feed.xml", "atom10"), ("rss.xml", "rss20")])
@pytest.mark.parametrize("section", [None, "budapest", "europe", "world"])
def test_rss_and_atom_are_valid_for_feedparser(edition, name, version, section):
    data = discovery.render_feed_format(edition, name, section)
    parsed = feedparser.parse(data)
    assert parsed.bozo == 0, parsed.get("bozo_exception")
    assert parsed.version == version
    expected = [
        es.story.slug for es in render.visible_stories(edition) if section is None or es.story.section == section
    ]
    assert [e.id for e in parsed.entries] == [_url(slug) for slug in expected]
    assert all(e.link == e.id for e in parsed.entries)
    assert parsed.feed.title == (
        "Budapest Post" if section is None else f"Budapest Post: {render._section_name(edition, section)}"
    )
    for e in parsed.entries:
        assert e.get("summary") and e.get("published_parsed") and e.get("content")
        if version == "atom10":
            assert e.updated_parsed >= e.published_parsed
    self_link = next(link.href for link in parsed.feed.links if link.rel == "self")
    folder = "https://post.example/" if section is None else f"https://post.example/section/{section}/"
    assert self_link == folder + name
    assert parsed.feed.link == folder  # the channel's (or feed's alternate) link is the page, not the feed


def test_rss_guid_is_a_permalink_and_dates_are_content_dates(edition):
    root = etree.fromstring(discovery.render_rss(edition))
    items = root.findall("channel/item")
    assert [i.findtext("guid") for i in items] == [_url(es.story.slug) for es in render.visible_stories(edition)]
    assert all(i.find("guid").get("isPermaLink") == "true" for i in items)
    # lastBuildDate is the newest entry's update, not the edition's build time (T0 + 4 h) nor the time of the call
    newest = max(discovery.entry_dates(es.story)[1] for es in render.visible_stories(edition))
    assert feedparser.parse(discovery.render_rss(edition)).feed.updated_parsed[:6] == newest.timetuple()[:6]
    assert newest < edition.generated


def test_unknown_section_has_no_feed(edition):
    for name in discovery.FEED_FORMATS:
        assert discovery.render_feed_format(edition, name, "nope") is None


def test_empty_edition_feeds_are_valid_and_stable(edition):
    empty = replace(edition, stories=(), generated=None)
    for name, version in (("feed.xml", "atom10"), ("rss.xml", "rss20")):
        parsed = feedparser.parse(discovery.render_feed_format(empty, name))
        assert parsed.bozo == 0 and parsed.version == version and parsed.entries == []
    later = replace(empty, generated=T0)
    for name in discovery.FEED_FORMATS:
        assert discovery.render_feed_format(empty, name) == discovery.render_feed_format(later, name)


# -- JSON Feed 1.1 ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize("section", [None, "budapest", "europe", "world"])
def test_json_feed_against_the_1_1_schema(edition, section):
    jsonschema = pytest.importorskip("jsonschema", reason="pip install '.[test]' brings jsonschema")
    schema = json.loads((SCHEMAS / "jsonfeed-1.1.schema.json").read_text())
    feed = json.loads(discovery.render_json_feed(edition, section))
    jsonschema.Draft202012Validator.check_schema(schema)
    jsonschema.Draft202012Validator(schema).validate(feed)
    # the same requirements without the schema library, so a wrong schema cannot let a bad feed through
    assert feed["version"] == "https://jsonfeed.org/version/1.1" and isinstance(feed["title"], str)
    for item in feed["items"]:
        assert isinstance(item["id"], str) and item["id"] == item["url"]
        assert isinstance(item.get("content_html") or item.get("content_text"), str)
        published = datetime.fromisoformat(item["date_published"])
        assert published.tzinfo is not None and datetime.fromisoformat(item["date_modified"]) >= published


def test_json_feed_schema_rejects_what_the_spec_forbids():
    jsonschema = pytest.importorskip("jsonschema", reason="pip install '.[test]' brings jsonschema")
    validator = jsonschema.Draft202012Validator(json.loads((SCHEMAS / "jsonfeed-1.1.schema.json").read_text()))
    good = {"version": "https://jsonfeed.org/version/1.1", "title": "T", "items": [{"id": "1", "content_text": "x"}]}
    assert validator.is_valid(good)
    assert not validator.is_valid({**good, "version": "https://jsonfeed.org/version/1"})
    assert not validator.is_valid({**good, "items": [{"id": "1"}]})  # no content
    assert not validator.is_valid({**good, "items": [{"content_html": "x"}]})  # no id
    assert not validator.is_valid({k: v for k, v in good.items() if k != "title"})


# -- sitemaps and robots.txt -------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def sitemap_schema():
    return etree.XMLSchema(etree.parse(str(SCHEMAS / "sitemap-0.9.xsd")))


def test_sitemap_against_the_protocol_schema(edition, sitemap_schema):
    doc = etree.fromstring(discovery.render_sitemap(edition))
    sitemap_schema.assertValid(doc)
    ns = {"s": discovery.SITEMAP_NS}
    locs = {
        u.findtext("s:loc", namespaces=ns): u.findtext("s:lastmod", namespaces=ns) for u in doc.findall("s:url", ns)
    }
    assert {_url(slug) for slug in SITE_STORIES} | {
        "https://post.example/",
        "https://post.example/section/world/",
    } <= set(locs)
    assert not any("evil" in loc for loc in locs)
    assert locs[_url("chain-bridge-closes")] == "2024-05-01T14:00:00+00:00"  # the story's entry update
    assert locs["https://post.example/"] == max(v for k, v in locs.items() if "/story/" in k)


def test_news_sitemap_against_the_schemas(edition, sitemap_schema):
    doc = etree.fromstring(discovery.render_news_sitemap(edition))
    sitemap_schema.assertValid(doc)  # strict: the news:* elements are checked against the news schema
    ns = {"s": discovery.SITEMAP_NS, "n": discovery.NEWS_NS}
    urls = doc.findall("s:url", ns)
    assert {u.findtext("s:loc", namespaces=ns) for u in urls} == {_url(slug) for slug in SITE_STORIES}
    for u in urls:
        assert u.findtext("n:news/n:publication/n:name", namespaces=ns) == "Budapest Post"
        assert u.findtext("n:news/n:publication/n:language", namespaces=ns) == "en"
    # a story first reported more than two days before the edition is in sitemap.xml only (all were first
    # reported at T0)
    for after, expected in ((timedelta(days=2, hours=-1), len(SITE_STORIES)), (timedelta(days=2, hours=1), 0)):
        later = etree.fromstring(discovery.render_news_sitemap(replace(edition, generated=T0 + after)))
        sitemap_schema.assertValid(later)
        assert len(later.findall("s:url", ns)) == expected


def test_the_schemas_catch_a_broken_sitemap(sitemap_schema):
    """The hand-written schemas are not vacuous: a url without loc, or news without a title, is rejected."""
    s, n = discovery.SITEMAP_NS, discovery.NEWS_NS
    no_loc = f'<urlset xmlns="{s}"><url><lastmod>2024-05-01</lastmod></url></urlset>'
    bad_date = f'<urlset xmlns="{s}"><url><loc>https://a.example/</loc><lastmod>yesterday</lastmod></url></urlset>'
    no_title = (
        f'<urlset xmlns="{s}" xmlns:news="{n}"><url><loc>https://a.example/x</loc><news:news>'
        "<news:publication><news:name>A</news:name><news:language>en</news:language></news:publication>"
        "<news:publication_date>2024-05-01</news:publication_date></news:news></url></urlset>"
    )
    for doc in (no_loc, bad_date, no_title):
        assert not sitemap_schema.validate(etree.fromstring(doc.encode()))


def test_robots_txt_allows_all_and_names_the_sitemaps(edition):
    from urllib.robotparser import RobotFileParser

    text = discovery.render_robots(edition).decode()
    rp = RobotFileParser()
    rp.parse(text.splitlines())
    for path in ("/", "/story/chain-bridge-closes/", "/api/stories.json", "/feed.xml"):
        assert rp.can_fetch("Googlebot", "https://post.example" + path)
    assert rp.site_maps() == ["https://post.example/sitemap.xml", "https://post.example/sitemap-news.xml"]


# -- identity and dates across rebuilds ------------------------------------------------------------------------


def _entries(edition, name="feed.xml"):
    parsed = feedparser.parse(discovery.render_feed_format(edition, name))
    return {e.id: e for e in parsed.entries}, parsed.feed


def test_a_rebuild_of_the_same_content_gives_the_same_bytes(edition):
    again = replace(edition, generated=edition.generated + timedelta(hours=7))
    before, after = site_files(edition), site_files(again)
    changed = sorted(p for p in before if before[p] != after[p])
    assert changed == ["api/stories.json"]  # it states the edition's build time; every page and feed is as it was


def test_ids_stay_and_updated_moves_only_for_the_changed_story(edition):
    changed = _changed(edition)
    for name in ("feed.xml", "rss.xml"):
        old, old_feed = _entries(edition, name)
        new, new_feed = _entries(changed, name)
        assert set(old) == set(new)  # same ids for the same stories
        for url in old:
            if name == "feed.xml":
                moved = old[url].updated != new[url].updated
                assert moved == (url == _url("chain-bridge-closes")), url
            assert old[url].published == new[url].published  # first reported does not move
    new, new_feed = _entries(changed)
    assert new[_url("chain-bridge-closes")].updated.startswith("2024-05-01T18:00:00")  # revised, not build time
    assert new_feed.updated == new[_url("chain-bridge-closes")].updated  # the feed's updated is its newest entry's
    jf_old = {i["id"]: i for i in json.loads(discovery.render_json_feed(edition))["items"]}
    jf_new = {i["id"]: i for i in json.loads(discovery.render_json_feed(changed))["items"]}
    assert jf_old.keys() == jf_new.keys()
    assert [k for k in jf_old if jf_old[k]["date_modified"] != jf_new[k]["date_modified"]] == [
        _url("chain-bridge-closes")
    ]


def test_a_rewrite_to_the_same_text_does_not_move_updated(edition):
    es = edition.stories[1]
    rewritten = replace(
        edition,
        stories=(edition.stories[0], replace(es, story=replace(es.story, revised=None)), *edition.stories[2:]),
        generated=T0 + timedelta(days=3),
    )
    assert discovery.render_atom(rewritten) == discovery.render_atom(edition)


# -- hostile source text ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("name, section", FEEDS)
def test_hostile_text_never_breaks_a_feed(edition, hostile, name, section):
    data = discovery.render_feed_format(edition, name, section)
    if name == "feed.json":
        feed = json.loads(data)
        items = feed["items"]
        titles = [i["title"] for i in items]
        contents = [i["content_html"] for i in items]
    else:
        root = etree.fromstring(data)  # strict XML parser: raises on anything malformed
        if name == "feed.xml":
            entries = root.findall(f"{ATOM}entry")
            titles = [e.findtext(f"{ATOM}title") for e in entries]
            contents = [e.findtext(f"{ATOM}content") for e in entries]
        else:
            items = root.findall("channel/item")
            titles = [i.findtext("title") for i in items]
            contents = [i.findtext("{http://purl.org/rss/1.0/modules/content/}encoded") for i in items]
    by_slug = {es.story.slug: es.story for es in render.visible_stories(edition)}
    if section in (None, "world"):
        # the hostile headline arrives as the same text (XML-forbidden characters aside), never as markup
        assert render._xml_text(by_slug["hostile-story"].headline.text) in titles
    for html in contents:
        assert dangers(html) == [], html  # the entry HTML has no script, handler or javascript: link


def test_hostile_feed_control_characters_are_dropped(edition):
    es = edition.stories[0]
    bad = replace(
        es.story,
        headline=replace(es.story.headline, text="Bad\x00\x0b title\ufffe"),
        lede=replace(es.story.lede, text="Lede\x1f]]> end"),
    )
    ed = replace(edition, stories=(replace(es, story=bad),))
    for name in ("feed.xml", "rss.xml"):
        parsed = feedparser.parse(discovery.render_feed_format(ed, name))
        assert parsed.bozo == 0 and parsed.entries[0].title == "Bad title"
    assert json.loads(discovery.render_json_feed(ed))["items"][0]["title"] == "Bad\x00\x0b title\ufffe"
    etree.fromstring(discovery.render_sitemap(ed))
    etree.fromstring(discovery.render_news_sitemap(ed))


# -- JSON-LD, Open Graph, feed links on pages ----------------------------------------------------------------


def _meta(html: str) -> dict[str, str]:
    return {
        a.get("property") or a.get("name"): a["content"]
        for t, a in parse(html).tags
        if t == "meta" and (a.get("property") or a.get("name")) and "content" in a
    }


@pytest.mark.parametrize("slug", sorted(SITE_STORIES))
def test_story_jsonld_is_a_news_article(edition, slug):
    html = render.render_story(edition, slug)
    assert dangers(html) == []
    [doc] = json_ld(html)
    es = next(e for e in edition.stories if e.story.slug == slug)
    s = es.story
    assert doc["@context"] == "https://schema.org" and doc["@type"] == "NewsArticle"
    assert doc["headline"] == s.headline.text and doc["description"] == s.lede.text  # hostile text round-trips
    assert (
        doc["author"]
        == doc["publisher"]
        == {"@type": "Organization", "name": "Budapest Post", "url": "https://post.example/"}
    )
    assert doc["mainEntityOfPage"] == {"@type": "WebPage", "@id": _url(slug)} and doc["inLanguage"] == s.language
    safe = [render.safe_url(src.url) for src in s.sources]
    assert [w.get("url") for w in doc["isBasedOn"]] == safe  # every source, linked only when its URL is safe
    assert len(doc["isBasedOn"]) == len(s.sources)
    published, modified = discovery.page_dates(s)
    assert doc.get("datePublished") == published and doc.get("dateModified") == modified
    meta = _meta(html)
    assert meta["og:type"] == "article" and meta["og:url"] == _url(slug) and meta["og:title"] == s.headline.text
    assert meta["og:description"] == s.lede.text and meta["twitter:card"] == "summary"
    assert meta.get("article:published_time") == published and meta.get("article:modified_time") == modified


def test_jsonld_cannot_be_closed_by_source_text(edition):
    es = edition.stories[0]
    evil = "</script><script>alert(1)</script><!-- & \u2028"
    s = replace(es.story, headline=replace(es.story.headline, text=evil))
    html = render.render_story(replace(edition, stories=(replace(es, story=s),)), s.slug)
    assert html.count("</script>") == 1 and dangers(html) == []
    assert json_ld(html)[0]["headline"] == evil


def test_pages_link_their_feeds(edition):
    def alternates(html):
        return [(a["type"], a["href"]) for t, a in parse(html).tags if t == "link" and a.get("rel") == "alternate"]

    home = alternates(render.render_home(edition))
    assert home == [
        ("application/atom+xml", "./feed.xml"),
        ("application/rss+xml", "./rss.xml"),
        ("application/feed+json", "./feed.json"),
    ]
    section = alternates(render.render_section(edition, "europe"))
    assert section[:3] == [
        ("application/atom+xml", "../../section/europe/feed.xml"),
        ("application/rss+xml", "../../section/europe/rss.xml"),
        ("application/feed+json", "../../section/europe/feed.json"),
    ]
    assert section[3:] == [(t, "../../" + h[2:]) for t, h in home]
    meta = _meta(render.render_section(edition, "europe"))
    assert meta["og:type"] == "website" and meta["og:url"] == "https://post.example/section/europe/"
