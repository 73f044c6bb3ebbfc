"""extract_article on real recorded pages (tests/data/pages) and article_from_entry's merge rules."""

from __future__ import annotations

import gzip
import json
from datetime import UTC, datetime
from pathlib import Path

import pytest

from copydesk.ingest.extract import MIN_ARTICLE_CHARS, ExtractOptions, article_from_entry, extract_article
from copydesk.models import ExtractedPage, FeedEntry, FetchResult

PAGES = Path(__file__).resolve().parents[1] / "data" / "pages"
CASES = json.loads((PAGES / "pages.json").read_text())


@pytest.mark.parametrize("case", CASES, ids=[c["file"] for c in CASES])
def test_real_pages(case):
    page = extract_article(gzip.decompress((PAGES / case["file"]).read_bytes()), case["url"], ExtractOptions())
    assert page is not None
    assert page.paywalled is case["paywalled"]
    assert len(page.text) >= case["min_chars"]
    if case["contains"]:
        assert case["contains"] in page.text
    assert case["title_contains"] in (page.title or "")
    assert page.canonical_url == case["url"]
    if case["language"]:
        assert page.language == case["language"]
    assert page.published is None or page.published.tzinfo is not None


def test_paywall_markup_is_flagged():
    html = b"""<html lang="en"><head><title>Big scoop</title>
    <script type="application/ld+json">{"@type": "NewsArticle", "headline": "Big scoop",
      "hasPart": {"@type": "WebPageElement", "isAccessibleForFree": "False", "cssSelector": ".paywall"}}</script>
    </head><body><article><h1>Big scoop</h1>
    <p>The first paragraph of a story that a newspaper shows to everybody before asking for money to read more.</p>
    <div class="paywall"><p>Subscribe to continue reading. Already a subscriber? Sign in.</p></div>
    </article></body></html>"""
    page = extract_article(html, "https://paper.example/scoop")
    assert page is not None and page.paywalled


def test_long_article_with_not_free_marker_is_kept():
    paragraphs = "".join(
        f"<p>Paragraph {i} of a long report about the council budget and its many line items, "
        f"explained at length for readers who follow local politics.</p>"
        for i in range(30)
    )
    html = (
        b'<html lang="en"><head><script type="application/ld+json">{"isAccessibleForFree": false}</script>'
        b"</head><body><article><h1>Budget</h1>" + paragraphs.encode() + b"</article></body></html>"
    )
    page = extract_article(html, "https://paper.example/budget")
    assert page is not None and not page.paywalled and len(page.text) > 2000


def test_empty_or_junk_pages_give_none():
    assert extract_article(b"", "https://e.com/") is None
    assert extract_article(b"<html><body></body></html>", "https://e.com/") is None
    assert extract_article(b"\x00\xff\xfe garbage", "https://e.com/") is None


def _entry(**kw):
    values = dict(
        url="https://feeds.example/redirect/1",
        title="Feed title",
        summary="Feed summary.",
        published=datetime(2026, 2, 20, 12, 0, tzinfo=UTC),
        author="Feed Author",
        guid="g1",
        language="en",
        categories=("economy",),
    )
    values.update(kw)
    return FeedEntry(**values)


def _fetch(outcome="ok", final_url="https://news.example/story"):
    return FetchResult(url="https://feeds.example/redirect/1", outcome=outcome, final_url=final_url, status=200)


def test_article_from_entry_full():
    page = ExtractedPage(
        text="x" * MIN_ARTICLE_CHARS,
        title="Page title",
        author="Page Author",
        published=datetime(2026, 2, 19, tzinfo=UTC),
        language="fr",
    )
    art = article_from_entry(_entry(), "nyt", page, _fetch())
    assert not art.partial and art.text == page.text and art.summary == "Feed summary."
    assert art.url == "https://news.example/story"  # final URL after redirects
    assert art.title == "Feed title" and art.author == "Feed Author" and art.language == "en"
    assert art.published == datetime(2026, 2, 20, 12, 0, tzinfo=UTC)
    assert art.outlet_id == "nyt" and art.origin == "feed" and art.categories == ("economy",)


def test_article_from_entry_falls_back_to_page_metadata():
    page = ExtractedPage(
        text="y" * 1000,
        title="Page title",
        author="Page Author",
        published=datetime(2026, 2, 19, tzinfo=UTC),
        language="fr",
    )
    art = article_from_entry(_entry(title="", author=None, published=None, language=None), "o", page, _fetch())
    assert (art.title, art.author, art.language) == ("Page title", "Page Author", "fr")
    assert art.published == datetime(2026, 2, 19, tzinfo=UTC)


@pytest.mark.parametrize("why", ["no page", "fetch failed", "paywalled", "too short", "no fetch"])
def test_article_from_entry_partial(why):
    page = ExtractedPage(text="z" * 5000)
    fetch = _fetch()
    if why == "no page":
        page = None
    elif why == "fetch failed":
        fetch = _fetch(outcome="http-error", final_url=None)
    elif why == "paywalled":
        page = ExtractedPage(text="teaser " * 20, paywalled=True)
    elif why == "too short":
        page = ExtractedPage(text="z" * (MIN_ARTICLE_CHARS - 1))
    else:
        fetch = None
    art = article_from_entry(_entry(), "o", page, fetch)
    assert art.partial and art.text == "" and art.summary == "Feed summary."
    if why in ("fetch failed", "no fetch"):
        assert art.url == "https://feeds.example/redirect/1"
