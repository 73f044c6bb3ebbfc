"""Property tests (hypothesis) of the feed reader: for any bytes, and for feed-shaped documents with hostile
fields, ``parse_feed`` returns a ParsedFeed or raises FeedError ("feed: ..."), never anything else, and what it
returns holds only http(s) links and no expanded entity."""

from __future__ import annotations

from xml.sax.saxutils import escape

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from copydesk.errors import FeedError
from copydesk.ingest.feeds import parse_feed
from copydesk.models import ParsedFeed

PROPERTY = settings(max_examples=200, deadline=None, database=None, suppress_health_check=[HealthCheck.too_slow])

_field = st.one_of(
    st.text(max_size=40),
    st.sampled_from(
        [
            "<script>alert(1)</script>",
            "&xxe;",
            "&amp;",
            "]]>",
            "<![CDATA[x]]>",
            "\x00",
            "\ufffe",
            "javascript:alert(1)",
            "Tue, 10 Feb 2026 10:00:00 GMT",
            "9999-99-99",
            "&#0;",
            "&#x110000;",
        ]
    ),
)
_link = st.one_of(
    st.sampled_from(["https://e.com/a", "/relative", "javascript:alert(1)", "", "http://[::1", "//x"]),
    st.text(max_size=20),
)
_doctype = st.sampled_from(
    [
        "",
        '<!DOCTYPE rss [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>',
        '<!DOCTYPE rss [<!ENTITY a "dos"><!ENTITY b "&a;&a;&a;&a;">]>',
        '<!DOCTYPE rss [<!ENTITY % p "x"> %p;]>',
        '<!DOCTYPE rss [<!ENTITY nbsp "&#160;">]>',
        "<!DOCTYPE rss [",
        "<!DOCTYPE html>",
    ]
)


def _check(body: bytes) -> None:
    try:
        feed = parse_feed(body, "https://feeds.example.com/rss")
    except FeedError as exc:
        assert str(exc).startswith("feed: ")
        return
    assert isinstance(feed, ParsedFeed)
    for entry in feed.entries:
        assert entry.url.startswith(("http://", "https://"))
    text = feed.title + "".join(e.title + e.summary for e in feed.entries)
    assert "root:" not in text and "dosdosdos" not in text


@PROPERTY
@given(st.binary(max_size=300))
def test_any_bytes(body):
    _check(body)


@PROPERTY
@given(
    _doctype,
    st.sampled_from(["rss", "atom", "rdf", "json"]),
    _field,
    st.lists(st.tuples(_field, _link, _field, _field), max_size=4),
    st.booleans(),
    st.integers(0, 60),
)
def test_feed_shaped_documents(doctype, kind, title, items, raw, cut):
    def x(value: str) -> str:
        return value if raw else escape(value)

    if kind == "rss":
        body = (
            f'<?xml version="1.0"?>{doctype}<rss version="2.0"><channel><title>{x(title)}</title>'
            + "".join(
                f"<item><title>{x(t)}</title><link>{x(u)}</link><description>{x(d)}</description>"
                f"<pubDate>{x(p)}</pubDate></item>"
                for t, u, d, p in items
            )
            + "</channel></rss>"
        )
    elif kind == "atom":
        body = (
            f'<?xml version="1.0"?>{doctype}<feed xmlns="http://www.w3.org/2005/Atom"><title>{x(title)}</title>'
            + "".join(
                f'<entry><title>{x(t)}</title><link href="{x(u)}"/><summary>{x(d)}</summary>'
                f"<updated>{x(p)}</updated></entry>"
                for t, u, d, p in items
            )
            + "</feed>"
        )
    elif kind == "rdf":
        body = (
            '<?xml version="1.0"?><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" '
            f'xmlns="http://purl.org/rss/1.0/"><channel><title>{x(title)}</title></channel>'
            + "".join(f"<item><title>{x(t)}</title><link>{x(u)}</link></item>" for t, u, _, _ in items)
            + "</rdf:RDF>"
        )
    else:
        import json

        body = json.dumps(
            {
                "version": "https://jsonfeed.org/version/1.1",
                "title": title,
                "items": [
                    {"id": u, "url": u, "title": t, "content_html": d, "date_published": p} for t, u, d, p in items
                ],
            }
        )
    data = body.encode("utf-8", errors="surrogatepass")
    _check(data)
    _check(data[: len(data) * cut // 60])  # and every truncation of it
