"""parse_feed on real recorded feeds (tests/data/feeds) and on the hostile corpus."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from copydesk.errors import FeedError
from copydesk.ingest.feeds import parse_feed
from copydesk.models import ParsedFeed

FEEDS = Path(__file__).resolve().parents[1] / "data" / "feeds"
REAL_FEEDS = sorted(p for p in FEEDS.rglob("*") if p.suffix in (".xml", ".json"))


def test_fixtures_present():
    assert len(REAL_FEEDS) == 6


@pytest.mark.parametrize("path", REAL_FEEDS, ids=lambda p: str(p.relative_to(FEEDS)))
def test_every_real_feed_parses(path):
    feed = parse_feed(path.read_bytes(), "https://feeds.example.org/" + path.name)
    assert feed.title and feed.entries
    for entry in feed.entries:
        assert entry.url.startswith(("http://", "https://"))
        assert entry.title
        assert "<" not in entry.summary or "&lt;" in path.read_text("latin-1")  # markup stripped
        assert entry.published is None or entry.published.tzinfo is not None
        assert entry.published is None or entry.published.utcoffset().total_seconds() == 0


def test_rss20_fields():
    feed = parse_feed(
        (FEEDS / "donthitsave.rss20.xml").read_bytes(), "https://donthitsave.com/feed.xml", "application/rss+xml"
    )
    assert feed.title == "Don't Hit Save" and len(feed.entries) == 10
    first = feed.entries[0]
    assert first.url.startswith("https://donthitsave.com/")
    assert first.published is not None and first.published.tzinfo == UTC
    assert feed.warnings == ()


def test_atom_fields():
    feed = parse_feed((FEEDS / "heise.atom10.xml").read_bytes(), "http://www.heise.de/developer/rss/news-atom.xml")
    assert len(feed.entries) == 15
    assert feed.language == "de" or all(e.language in (None, "de") for e in feed.entries)
    assert all(e.url.startswith("http") and e.guid for e in feed.entries)


def test_json_feed_fields():
    feed = parse_feed(
        (FEEDS / "influxdata.jsonfeed11.json").read_bytes(),
        "https://www.influxdata.com/feed/json",
        "application/feed+json",
    )
    assert feed.title == "Blog – InfluxData"  # &#8211; decoded
    assert feed.language == "en" and len(feed.entries) == 3
    first = feed.entries[0]
    assert first.title == "InfluxDB vs. Graphite for Time Series Data & Metrics Benchmark"
    # The feed uses RFC 822 dates against the JSON Feed spec; we read them anyway.
    assert first.published == datetime(2019, 5, 31, 19, 17, 58, tzinfo=UTC)
    assert first.author == "Chris Churilo" or "Chris Churilo" in (first.author or "")


def test_bozo_feed_still_gives_entries_and_a_warning():
    feed = parse_feed((FEEDS / "cerclepsy.bozo-latin1.xml").read_bytes(), "https://le-cercle-psy.example/rss")
    assert len(feed.entries) == 9  # the fourth item has an empty <link>
    assert feed.warnings[0].startswith("feed: tolerated")
    assert "feed: entry 4 has no http(s) link; skipped" in feed.warnings
    assert any("é" in e.title or "é" in e.summary for e in feed.entries)  # latin-1 decoded, not mojibake


def test_successive_snapshots_share_guids_and_add_new_items():
    old, new = sorted((FEEDS / "nyt_econ").glob("*.xml"))
    a = parse_feed(old.read_bytes(), "https://rss.example/nyt_econ.xml")
    b = parse_feed(new.read_bytes(), "https://rss.example/nyt_econ.xml")
    old_ids = {e.guid for e in a.entries}
    new_ids = {e.guid for e in b.entries}
    assert len(new_ids - old_ids) == 2 and len(old_ids & new_ids) >= 15


def test_relative_links_are_resolved_and_linkless_entries_skipped():
    body = b"""<?xml version="1.0"?><rss version="2.0"><channel><title>T</title>
    <item><title>Rel</title><link>/a/1.html</link><description>&lt;p&gt;Hello &amp;amp; &lt;b&gt;bye&lt;/b&gt;&lt;/p&gt;</description></item>
    <item><title>None</title><description>no link</description></item>
    <item><title>JS</title><link>javascript:alert(1)</link></item>
    </channel></rss>"""
    feed = parse_feed(body, "https://news.example.com/feeds/main.xml")
    assert [e.url for e in feed.entries] == ["https://news.example.com/a/1.html"]
    assert feed.entries[0].summary == "Hello & bye"
    assert sum("no http(s) link" in w for w in feed.warnings) == 2


@pytest.mark.parametrize(
    "body",
    [
        b"",
        b"   ",
        b"<html><body><p>Just a page</p></body></html>",
        b"hello world",
        b'{"not": "a feed"}',
        b"[1, 2]",
        b"{broken json",
    ],
)
def test_non_feeds_raise_feed_error(body):
    with pytest.raises(FeedError) as info:
        parse_feed(body, "https://example.com/feed")
    assert str(info.value).startswith("feed: ")


def test_body_naming_a_local_file_is_not_read(tmp_path):
    """feedparser.parse(bytes) would open a file of that name; parse_feed must treat the body as data."""
    secret = tmp_path / "secret.xml"
    secret.write_bytes(
        b'<rss version="2.0"><channel><title>SECRET</title>'
        b"<item><title>x</title><link>http://e.com/</link></item></channel></rss>"
    )
    with pytest.raises(FeedError):
        parse_feed(str(secret).encode(), "https://example.com/feed")


def test_entity_bomb_inside_a_real_feed_drops_the_doctype_not_the_feed():
    bomb = b"""<?xml version="1.0"?>
<!DOCTYPE rss [
 <!ENTITY a0 "dos">
 <!ENTITY a1 "&a0;&a0;&a0;&a0;&a0;&a0;&a0;&a0;&a0;&a0;">
 <!ENTITY a2 "&a1;&a1;&a1;&a1;&a1;&a1;&a1;&a1;&a1;&a1;">
]>
<rss version="2.0"><channel><title>Bomb &a2;</title><item><title>Item &a2;</title><link>http://e.com/1</link></item></channel></rss>"""
    feed = parse_feed(bomb, "https://example.com/feed")
    assert [e.url for e in feed.entries] == ["http://e.com/1"]
    assert "dos" not in feed.title + feed.entries[0].title  # never expanded
    assert feed.warnings[0] == (
        "feed: DOCTYPE dropped (entity 'a1' refers to other entities (entity expansion)); its entities are not expanded"
    )
    long_value = (
        b'<!DOCTYPE rss [<!ENTITY big "' + b"x" * 1000 + b'">]><rss version="2.0"><channel>'
        b"<title>&big;&big;</title><item><title>t</title><link>http://e.com/2</link></item></channel></rss>"
    )
    feed = parse_feed(long_value, "https://example.com/feed")
    assert "xxxx" not in feed.title and len(feed.entries) == 1
    assert "longer than 16 characters" in feed.warnings[0]


def test_xxe_inside_a_real_feed_is_dropped_and_safe_entities_allowed(tmp_path):
    secret = tmp_path / "passwd"
    secret.write_text("root:SECRET")
    xxe = (
        f'<?xml version="1.0"?><!DOCTYPE rss [<!ENTITY xxe SYSTEM "file://{secret}">]>'
        '<rss version="2.0"><channel><title>T &xxe;</title><item><title>I &xxe;</title>'
        "<link>http://e.com/1</link></item></channel></rss>"
    ).encode()
    utf16 = xxe.decode().replace('version="1.0"?>', 'version="1.0" encoding="utf-16"?>').encode("utf-16")
    for body in (xxe, utf16):
        feed = parse_feed(body, "https://example.com/feed")
        assert [e.url for e in feed.entries] == ["http://e.com/1"]
        assert "SECRET" not in feed.title + feed.entries[0].title + feed.entries[0].summary
        assert "external entity 'xxe' (XXE)" in feed.warnings[0]
    safe = (
        b'<?xml version="1.0"?><!DOCTYPE rss [<!ENTITY nbsp "&#160;">]><rss version="2.0"><channel>'
        b"<title>A&nbsp;B</title><item><title>x</title><link>http://e.com/1</link></item></channel></rss>"
    )
    feed = parse_feed(safe, "https://example.com/feed")
    assert len(feed.entries) == 1 and not any("DOCTYPE" in w for w in feed.warnings)


def test_channel_only_feeds_feedparser_reads_are_kept_with_the_reason(shared_data):
    """feedparser's own CDF conformance files: a <CHANNEL> with a title, link, description or date and no items.
    They used to be refused as "not a feed"; feedparser reads them, so they are kept, with a warning."""
    folder = shared_data / "hostile" / "feeds_wellformed_edge" / "feedparser-6.0.14" / "wellformed" / "cdf"
    if not folder.is_dir():
        pytest.skip(f"{folder} not present")
    channels = sorted(folder.glob("channel_*.xml"))
    assert len(channels) == 7
    for path in channels:
        feed = parse_feed(path.read_bytes(), "https://example.com/cdf.xml")
        assert feed.entries == () and any("<channel> document with no entries" in w for w in feed.warnings), path
    assert parse_feed((folder / "channel_title.xml").read_bytes(), "https://e.com/").title == "Example feed"
    rdf = shared_data / "hostile" / "feeds_wellformed_edge" / "feedparser-6.0.14" / "wellformed" / "rdf"
    feed = parse_feed((rdf / "doctype_contains_entity_decl.xml").read_bytes(), "https://e.com/")
    assert feed.warnings[0].startswith("feed: DOCTYPE dropped (it uses parameter entities)")


def test_an_html_page_is_still_not_a_feed():
    with pytest.raises(FeedError, match="not an RSS, Atom or JSON feed"):
        parse_feed(
            b"<!DOCTYPE html><html><head><title>Home</title></head><body><p>x</p></body></html>", "https://example.com/"
        )


def _hostile_files(shared: Path, folder: str) -> list[Path]:
    root = shared / "hostile" / folder
    if not root.is_dir():
        pytest.skip(f"hostile corpus folder {root} not present")
    return sorted(p for p in root.rglob("*") if p.is_file() and p.name != "README.md")


@pytest.mark.parametrize("folder", ["feeds_malformed", "xml_attacks"])
def test_hostile_corpus_gives_parsed_feed_or_feed_error(shared_data, folder):
    files = _hostile_files(shared_data, folder)
    assert files
    outcomes = {"parsed": 0, "refused": 0}
    for path in files:
        body = path.read_bytes()
        try:
            feed = parse_feed(body, "https://example.com/" + path.name)
        except FeedError as exc:
            assert str(exc).startswith("feed: "), path
            outcomes["refused"] += 1
            continue
        assert isinstance(feed, ParsedFeed), path
        outcomes["parsed"] += 1
        text = " ".join([feed.title] + [f"{e.title} {e.summary}" for e in feed.entries])
        assert "root:" not in text, f"{path}: local file content leaked"
        assert "dosdos" not in text and "12345678901234567890" not in text, f"{path}: entities expanded"
    if folder == "xml_attacks":
        assert outcomes["parsed"] == 0  # none of them is a feed
    else:
        assert outcomes["parsed"] > outcomes["refused"]
