"""Article pages to text: trafilatura does the extraction, we add paywall detection and merge with the feed entry.

Steps, in order:
1. ``extract_article`` parses the page once with lxml to read what trafilatura does not give us (``<html lang>``,
   JSON-LD ``isAccessibleForFree``, paywall classes), then runs ``trafilatura.bare_extraction`` on the bytes and
   converts its ``Document`` to our ``ExtractedPage``. trafilatura objects never leave this module.
   The publication date is the page's own metadata (JSON-LD ``datePublished``, ``article:published_time`` and
   the other tags of ``copydesk.ingest.dates.PAGE_DATE_KEYS``, ``<time itemprop="datePublished">``), else
   trafilatura's date (htmldate gives a day without a time, so it is date-only).
2. ``article_from_entry`` merges a feed entry with the extracted page (or the lack of one) into an ``ArticleIn``,
   marking it ``partial`` when the page gave no usable article text. Its publication date comes from the feed
   entry, the page metadata or a dateline at the top of the text, in the precedence of
   ``copydesk.ingest.dates.choose`` (never from the fetch time).
"""

from __future__ import annotations

import json
import logging
import re
from dataclasses import dataclass
from datetime import datetime

import lxml.etree
import lxml.html
import trafilatura

from copydesk.ingest._text import collapse_spaces, is_http_url, primary_language
from copydesk.ingest.dates import PAGE_DATE_KEYS, SourceDate, choose, dateline, parse_date, plausible
from copydesk.models import ArticleIn, ExtractedPage, FeedEntry, FetchResult

log = logging.getLogger(__name__)

#: Below this many characters of extracted text a page does not count as the article: the ArticleIn is marked
#: ``partial`` and keeps only the feed summary. Calibrated on the Zyte benchmark (181 real news/blog pages,
#: ../shared/data/article_extraction_zyte; rerun with tests/ingest/calibrate_extract.py): with
#: favor_precision the shortest extraction of a real, complete article is 428 characters (a Jerusalem Post
#: breaking-news brief) and the 5th percentile 661, while the one failed extraction (a Barron's paywall page) gave
#: 260 characters of reprint boilerplate. 300 keeps every complete article of the benchmark and drops such stubs.
MIN_ARTICLE_CHARS = 300

#: A page carrying a paywall marker is only called paywalled when its text is shorter than this: publishers mark
#: articles ``isAccessibleForFree: false`` yet often still send the full text, which we then keep. On the Zyte
#: benchmark the paywall teasers (WSJ, Barron's) extract to 260-535 characters and the JSON-LD-marked pages that
#: carry the full text to 3,168-8,134; the 10th percentile of all extractions is 1,030. 1,500 sits between the
#: two groups; calibrate_extract.py lists every flagged page.
PAYWALL_MAX_CHARS = 1500

# Phrases a paywall, registration wall or bot check puts where the article should be (lower-case).
PAYWALL_PHRASES = (
    "subscribe to continue",
    "subscribe to read",
    "subscribe now to continue",
    "subscribe to unlock",
    "to continue reading",
    "continue reading with a subscription",
    "already a subscriber",
    "already have an account? sign in",
    "this article is for subscribers",
    "this content is for subscribers",
    "exclusive to subscribers",
    "subscribers only",
    "for subscribers only",
    "sign in to continue reading",
    "log in to continue reading",
    "register to continue reading",
    "create a free account to continue",
    "you have reached your limit of free articles",
    "you've reached your limit of free articles",
    "verify you are human",
    "checking your browser before accessing",
    "please enable javascript and cookies to continue",
    "access to this page has been denied",
)
_PAYWALL_CLASS = re.compile(r"(?:^|[\s_-])(?:paywall|regwall|paywalled|piano-offer|subscriber-only)(?:$|[\s_-])", re.I)
_JSONLD_FREE_FALSE = re.compile(r'"isAccessibleForFree"\s*:\s*"?(?:false|False|FALSE)"?')


@dataclass(frozen=True, slots=True)
class ExtractOptions:
    """How to extract article text. Defaults follow NOTES.md (favor_precision scored best on the Zyte benchmark)."""

    favor_precision: bool = True
    include_comments: bool = False
    include_tables: bool = True
    min_article_chars: int = MIN_ARTICLE_CHARS
    paywall_max_chars: int = PAYWALL_MAX_CHARS


DEFAULT_EXTRACT_OPTIONS = ExtractOptions()


def extract_article(html: bytes, url: str, opts: ExtractOptions = DEFAULT_EXTRACT_OPTIONS) -> ExtractedPage | None:
    """Main text and metadata of an article page, or None when the page has neither text nor a paywall.

    Never raises for bad markup: an unparseable page gives None.
    """
    if not html or not html.strip():
        return None
    signals = _page_signals(html)
    try:
        doc = trafilatura.bare_extraction(
            html,
            url=url,
            favor_precision=opts.favor_precision,
            include_comments=opts.include_comments,
            include_tables=opts.include_tables,
            with_metadata=True,
        )
    except Exception as exc:  # noqa: BLE001 trafilatura, htmldate and lxml raise assorted undocumented errors on hostile pages; one page must not stop a run
        log.warning("extract failed", extra={"stage": "extract", "url": url, "error": repr(exc)})
        doc = None

    text = _clean_text(getattr(doc, "text", None) or "") if doc is not None else ""
    paywalled = _is_paywalled(text, signals, opts)
    if not text and not paywalled:
        return None

    title = _str_or_none(getattr(doc, "title", None)) or signals.title
    canonical = _str_or_none(getattr(doc, "url", None)) or signals.canonical
    if canonical and not is_http_url(canonical):
        canonical = None
    # Our own reading of the page's metadata first (it keeps the time of day); trafilatura's date is a day.
    published = signals.published or _date_or_none(getattr(doc, "date", None))
    return ExtractedPage(
        text=text,
        title=title,
        author=_str_or_none(getattr(doc, "author", None)),
        published=published[0] if published else None,
        language=primary_language(getattr(doc, "language", None)) or signals.language,
        canonical_url=canonical,
        paywalled=paywalled,
        date_only=published[1] if published else False,
    )


def article_from_entry(
    entry: FeedEntry,
    outlet_id: str,
    page: ExtractedPage | None,
    fetch: FetchResult | None,
    min_article_chars: int = MIN_ARTICLE_CHARS,
) -> ArticleIn:
    """Merge a feed entry with its extracted page.

    The feed's own fields win where both have one (the outlet wrote them on purpose; extracted metadata is a
    guess), except the URL and a date: a page date with a time refines a feed date without one
    (``copydesk.ingest.dates.choose``), and after redirects the fetch's final URL replaces tracking links. The
    article is ``partial`` (text empty, feed summary kept) when the page is missing, its fetch failed, it is
    paywalled or blocked, or its text is shorter than ``min_article_chars``.
    """
    fetched_ok = fetch is not None and fetch.outcome == "ok"
    usable = page is not None and fetched_ok and not page.paywalled and len(page.text) >= min_article_chars
    url = entry.url
    if fetch is not None and fetched_ok and fetch.final_url and is_http_url(fetch.final_url):
        url = fetch.final_url
    date = choose(
        [
            SourceDate(entry.published, entry.date_only, "feed") if entry.published else None,
            SourceDate(page.published, page.date_only, "page") if page is not None and page.published else None,
            _dateline(page.text) if usable and page is not None else None,
        ]
    )
    return ArticleIn(
        url=url,
        outlet_id=outlet_id,
        title=entry.title or (page.title if page and page.title else "") or "",
        text=page.text if usable and page is not None else "",
        summary=entry.summary,
        published=date.when if date else None,
        language=entry.language or (page.language if page else None),
        author=entry.author or (page.author if page else None),
        partial=not usable,
        categories=entry.categories,
        origin="feed",
        date_only=date.date_only if date else False,
        published_from=date.origin if date else None,
    )


def _dateline(text: str) -> SourceDate | None:
    found = dateline(text)
    return SourceDate(found[0], found[1], "dateline") if found else None


# ------------------------------------------------------------------------------------------------------------
# Page signals read with lxml
# ------------------------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Signals:
    language: str | None = None
    title: str | None = None
    canonical: str | None = None
    not_free: bool = False  # JSON-LD isAccessibleForFree=false
    paywall_class: bool = False
    page_text_phrase: bool = False  # a paywall phrase anywhere in the visible page
    published: tuple[datetime, bool] | None = None  # (UTC, date_only) from the page's metadata


def _page_signals(html: bytes) -> _Signals:
    try:
        root = lxml.html.fromstring(html)
    except (lxml.etree.ParserError, ValueError, TypeError):
        return _Signals()
    if root is None:
        return _Signals()

    language = primary_language(root.get("lang") or root.get("{http://www.w3.org/XML/1998/namespace}lang"))
    if language is None:
        for meta in root.xpath('//meta[@property="og:locale" or @http-equiv="content-language"]'):
            language = primary_language(meta.get("content"))
            if language:
                break

    title = None
    og_title = root.xpath('//meta[@property="og:title"]/@content')
    if og_title:
        title = collapse_spaces(str(og_title[0])) or None

    canonical = None
    hrefs = root.xpath('//link[@rel="canonical"]/@href')
    if hrefs:
        canonical = str(hrefs[0]).strip() or None

    not_free = False
    for script in root.xpath('//script[@type="application/ld+json"]'):
        raw = script.text or ""
        if "isAccessibleForFree" not in raw:
            continue
        try:
            not_free = _jsonld_not_free(json.loads(raw))
        except ValueError:
            not_free = bool(_JSONLD_FREE_FALSE.search(raw))
        if not_free:
            break

    paywall_class = any(
        _PAYWALL_CLASS.search(value) for value in root.xpath("//@class | //@id") if isinstance(value, str)
    )

    visible = " ".join(root.xpath("//body//text()[not(ancestor::script) and not(ancestor::style)]")).lower()
    visible = collapse_spaces(visible)
    phrase = any(p in visible for p in PAYWALL_PHRASES)
    return _Signals(language, title, canonical, not_free, paywall_class, phrase, _page_date(root))


def _page_date(root: lxml.html.HtmlElement) -> tuple[datetime, bool] | None:
    """The publication date the page's metadata states, as (UTC, date_only).

    Read in this order: JSON-LD ``datePublished`` (then ``dateCreated``), the ``<meta>`` tags of
    ``PAGE_DATE_KEYS`` (property, name or itemprop, any case), then ``<time itemprop="datePublished">`` or
    ``<time pubdate>``. The first readable, plausible value wins; if it is date-only, a later one with a time on
    the same day (give or take one) refines it, as in ``copydesk.ingest.dates.choose``.
    """
    raw: list[str] = []
    for script in root.xpath('//script[@type="application/ld+json"]'):
        text = script.text or ""
        if "datePublished" not in text and "dateCreated" not in text:
            continue
        try:
            data = json.loads(text)
        except ValueError:
            continue
        raw.extend(_jsonld_dates(data, "datePublished") or _jsonld_dates(data, "dateCreated"))
    metas: dict[str, str] = {}
    for meta in root.xpath("//meta[@content]"):
        for attr in ("property", "name", "itemprop"):
            key = (meta.get(attr) or "").strip().lower()
            if key in PAGE_DATE_KEYS and key not in metas:
                metas[key] = str(meta.get("content"))
    raw.extend(metas[k] for k in PAGE_DATE_KEYS if k in metas)
    raw.extend(str(v) for v in root.xpath('//time[@itemprop="datePublished" or @pubdate]/@datetime'))
    found = []
    for value in raw[:20]:
        parsed = parse_date(value)
        if parsed is not None and plausible(parsed[0]):
            found.append(SourceDate(parsed[0], parsed[1], "page"))
    best = choose(found)
    return (best.when, best.date_only) if best else None


def _jsonld_dates(data: object, key: str, depth: int = 0) -> list[str]:
    if depth > 20:
        return []
    if isinstance(data, dict):
        value = data.get(key)
        own = [value] if isinstance(value, str) and value.strip() else []
        return own + [d for v in data.values() if isinstance(v, dict | list) for d in _jsonld_dates(v, key, depth + 1)]
    if isinstance(data, list):
        return [d for v in data for d in _jsonld_dates(v, key, depth + 1)]
    return []


def _jsonld_not_free(data: object, depth: int = 0) -> bool:
    if depth > 20:
        return False
    if isinstance(data, dict):
        value = data.get("isAccessibleForFree")
        if value is False or (isinstance(value, str) and value.strip().lower() == "false"):
            return True
        return any(_jsonld_not_free(v, depth + 1) for v in data.values())
    if isinstance(data, list):
        return any(_jsonld_not_free(v, depth + 1) for v in data)
    return False


def _is_paywalled(text: str, signals: _Signals, opts: ExtractOptions) -> bool:
    """Short text plus a paywall marker.

    JSON-LD ``isAccessibleForFree: false`` and paywall phrases are strong markers. A "paywall" class alone is
    weak (many templates ship an empty paywall container on free articles: a 428-character free brief on
    jpost.com has one), so it only counts when the text is also too short to be an article.
    """
    if len(text) >= opts.paywall_max_chars:
        return False
    lowered = text.lower()
    strong = signals.not_free or signals.page_text_phrase or any(p in lowered for p in PAYWALL_PHRASES)
    weak = signals.paywall_class and len(text) < opts.min_article_chars
    return strong or weak


# ------------------------------------------------------------------------------------------------------------
# Conversions
# ------------------------------------------------------------------------------------------------------------


def _clean_text(text: str) -> str:
    # Keep paragraph breaks (the writer splits sentences per paragraph); squeeze runs of spaces inside lines.
    lines = (re.sub(r"[ \t\u00a0]+", " ", line).strip() for line in text.splitlines())
    return "\n".join(line for line in lines if line)


def _str_or_none(value: object) -> str | None:
    if isinstance(value, str):
        value = collapse_spaces(value)
        return value or None
    return None


def _date_or_none(value: object) -> tuple[datetime, bool] | None:
    """trafilatura's date (htmldate's "%Y-%m-%d": a day, so date-only unless it states a time)."""
    if not isinstance(value, str) or not value.strip():
        return None
    parsed = parse_date(value)
    if parsed is None or not plausible(parsed[0]):  # a page dated in the future is a parsing mistake
        return None
    return parsed
