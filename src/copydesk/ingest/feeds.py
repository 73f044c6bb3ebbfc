"""Feed bytes to ``ParsedFeed``: RSS and Atom through feedparser, JSON Feed 1.0/1.1 through ``json``.

Steps, in order:
1. JSON Feed is recognised by its content type or a leading ``{`` and read with ``json``.
2. XML is screened for dangerous DOCTYPEs (external, parameter, nested or long entity declarations): such a
   DOCTYPE is dropped and the rest of the document parsed, so its entities are never expanded (they stay
   unresolved references), and a warning says so. Entity expansion is refused, not the document. feedparser
   already drops unsafe entity declarations and never resolves external entities, and Python's expat (2.4+)
   limits entity amplification; the screen is a second wall that does not depend on those internals.
3. feedparser parses the bytes, which are handed over as a stream: given ``bytes`` it would first try them as a
   *file name* and read that local file, and given a ``str`` URL it would fetch it with no timeout.
4. Entries are converted to ``FeedEntry``: absolute http(s) links only, summary HTML to plain text, dates to aware
   UTC, with ``date_only`` set when the feed's date states no time of day (``2004-11-23``, ``Tue, 23 Nov 2004``:
   shown as a date, never as "00:00 UTC"; see ``copydesk.ingest.dates``). Entries without a usable link are
   skipped with a warning; bozo feeds still give their entries, and a document whose root is a feed element
   (rss, RDF, Atom feed, CDF channel) is kept even with no entries and a format feedparser does not name (a
   channel-only CDF file): the warnings record why it was tolerated.

A body that is not a feed at all raises ``FeedError("feed: ...")``; everything else returns a ``ParsedFeed``
whose ``warnings`` say what was tolerated.
"""

from __future__ import annotations

import io
import json
import re
from dataclasses import replace
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urljoin

import feedparser

from copydesk.errors import FeedError
from copydesk.ingest.dates import has_time, parse_date
from copydesk.ingest._text import (
    collapse_spaces,
    html_to_text,
    is_http_url,
    primary_language,
    struct_time_to_utc,
)
from copydesk.models import FeedEntry, ParsedFeed
from copydesk.xmlsafe import doctype_span, prolog_text, without_dangerous_doctype

#: Titles longer than this are cut (some feeds put the whole article in <title>).
MAX_TITLE_CHARS = 500

#: Root elements (local name, lower case) of the feed formats feedparser reads: RSS 0.9x-2.0, RSS 1.0 (RDF),
#: Atom, and CDF (<CHANNEL>).
_FEED_ROOTS = frozenset(("rss", "rdf", "feed", "channel"))
_JSON_FEED_VERSION = re.compile(r"^https?://jsonfeed\.org/version/1(\.\d+)?/?$")

__all__ = ["parse_feed"]


def parse_feed(body: bytes, url: str, content_type: str | None = None) -> ParsedFeed:
    """Parse an RSS, Atom or JSON Feed document fetched from ``url``.

    ``content_type`` is the HTTP Content-Type header (it may carry the charset). Raises FeedError when the body
    is not a feed or is an invalid JSON Feed (a dangerous DOCTYPE is dropped, with a warning, not refused).
    """
    if not isinstance(body, bytes | bytearray):
        raise FeedError(f"feed: expected bytes, got {type(body).__name__}")
    if not body.strip():
        raise FeedError("feed: empty body")
    if _looks_like_json(body, content_type):
        return _parse_json_feed(bytes(body), url)
    body, danger = without_dangerous_doctype(bytes(body))
    feed = _parse_xml_feed(body, url, content_type)
    if danger:
        return replace(
            feed, warnings=(f"feed: DOCTYPE dropped ({danger}); its entities are not expanded", *feed.warnings)
        )
    return feed


# ------------------------------------------------------------------------------------------------------------
# RSS / Atom
# ------------------------------------------------------------------------------------------------------------


def _parse_xml_feed(body: bytes, url: str, content_type: str | None) -> ParsedFeed:
    headers = {"content-location": url}
    if content_type:
        headers["content-type"] = content_type
    try:
        # A stream, never bytes or str: see the module docstring (feedparser would open a file or a URL).
        parsed = feedparser.parse(io.BytesIO(body), response_headers=headers)
    except Exception as exc:  # feedparser is tolerant; this only turns a crash inside it into our error
        raise FeedError(f"feed: parser failed: {type(exc).__name__}: {exc}") from exc

    version = parsed.get("version") or ""
    raw_entries = parsed.get("entries") or []
    warnings: list[str] = []
    root = _root_element(body)
    feed_root = root in _FEED_ROOTS
    if parsed.get("bozo"):
        exc = parsed.get("bozo_exception")
        detail = f"{type(exc).__name__}: {exc}" if exc is not None else "unknown problem"
        if not version and not raw_entries and not feed_root:
            raise FeedError(f"feed: not an RSS, Atom or JSON feed ({_short(detail)})")
        warnings.append(f"feed: tolerated malformed feed ({_short(detail)})")
    elif not version and not raw_entries and not feed_root:
        raise FeedError("feed: not an RSS, Atom or JSON feed (no feed element found)")
    if not version:
        if raw_entries:
            warnings.append("feed: unrecognised feed format; entries read anyway")
        else:
            warnings.append(f"feed: <{root}> document with no entries (a channel feedparser reads but does not name)")

    meta = parsed.get("feed") or {}
    feed_language = primary_language(meta.get("language"))

    entries: list[FeedEntry] = []
    for index, raw in enumerate(raw_entries, start=1):
        entry = _xml_entry(raw, index, url, feed_language, warnings)
        if entry is not None:
            entries.append(entry)
    title = _plain(meta.get("title") or "", meta.get("title_detail"))
    return ParsedFeed(
        title=title[:MAX_TITLE_CHARS], entries=tuple(entries), warnings=tuple(warnings), language=feed_language
    )


def _xml_entry(raw: Any, index: int, feed_url: str, feed_language: str | None, warnings: list[str]) -> FeedEntry | None:
    link = _entry_link(raw, feed_url)
    if link is None:
        warnings.append(f"feed: entry {index} has no http(s) link; skipped")
        return None
    summary = _plain(raw.get("summary") or "", raw.get("summary_detail"))
    if not summary:
        for content in raw.get("content") or []:
            summary = _plain(content.get("value") or "", content)
            if summary:
                break
    title = _plain(raw.get("title") or "", raw.get("title_detail"))
    published, date_only = _xml_date(raw)
    if published is None and any(raw.get(k) for k in ("published", "updated", "created")):
        warnings.append(f"feed: entry {index} has an unreadable date; left empty")
    language = None
    for detail in (raw.get("title_detail"), raw.get("summary_detail")):
        if detail:
            language = primary_language(detail.get("language"))
            if language:
                break
    categories = tuple(
        dict.fromkeys(collapse_spaces(t.get("term") or "") for t in raw.get("tags") or [] if t.get("term"))
    )
    return FeedEntry(
        url=link,
        title=_title(title, summary),
        summary=summary,
        published=published,
        author=collapse_spaces(raw.get("author") or "") or None,
        guid=(raw.get("id") or "").strip() or None,
        language=language or feed_language,
        categories=categories,
        date_only=date_only,
    )


def _xml_date(raw: Any) -> tuple[datetime | None, bool]:
    """The entry's date (published, else updated, else created) and whether it states no time of day.

    feedparser turns "2004-11-23" and "Tue, 23 Nov 2004" into midnight like any time, so the raw string decides
    (``copydesk.ingest.dates.has_time``). A date feedparser cannot read ("November 23, 2004") is read by
    ``copydesk.ingest.dates.parse_date``.
    """
    for key in ("published", "updated", "created"):
        text = raw.get(key)
        if not isinstance(text, str) or not text.strip():
            continue
        parsed = struct_time_to_utc(raw.get(f"{key}_parsed"))
        if parsed is not None:
            if has_time(text):
                return parsed, False
            return datetime(parsed.year, parsed.month, parsed.day, tzinfo=UTC), True
        ours = parse_date(text)
        if ours is not None:
            return ours
    return None, False


def _entry_link(raw: Any, feed_url: str) -> str | None:
    candidates: list[str] = []
    if raw.get("link"):
        candidates.append(raw["link"])
    for link in raw.get("links") or []:
        if link.get("href") and link.get("rel", "alternate") == "alternate":
            candidates.append(link["href"])
    if raw.get("guidislink") and raw.get("id"):
        candidates.append(raw["id"])
    for candidate in candidates:
        absolute = _absolute(feed_url, candidate)
        if absolute is not None:
            return absolute
    return None


def _absolute(base: str, href: str) -> str | None:
    """``href`` resolved against ``base`` when that gives an http(s) URL; None otherwise (an unparseable link
    such as ``http://[::1`` included: urljoin raises ValueError on it)."""
    try:
        absolute = urljoin(base, href.strip())
    except ValueError:
        return None
    return absolute if is_http_url(absolute) else None


def _plain(value: str, detail: Any) -> str:
    """Text of a feedparser field: HTML is converted, plain text only has its whitespace collapsed."""
    kind = (detail or {}).get("type") or "text/html"
    if kind == "text/plain":
        return collapse_spaces(value)
    return html_to_text(value)


# ------------------------------------------------------------------------------------------------------------
# XML screening
# ------------------------------------------------------------------------------------------------------------


def _root_element(body: bytes) -> str | None:
    """The local name (lower case) of the document's first element, or None."""
    text = prolog_text(body)
    text = re.sub(r"<!--.*?-->|<\?.*?\?>", "", text, flags=re.S)
    found = doctype_span(text)
    if found is not None:
        text = text[found[1] :]
    match = re.search(r"<(?!!)([A-Za-z_][\w.:-]*)", text)
    return match.group(1).rsplit(":", 1)[-1].lower() if match else None


# ------------------------------------------------------------------------------------------------------------
# JSON Feed
# ------------------------------------------------------------------------------------------------------------


def _looks_like_json(body: bytes, content_type: str | None) -> bool:
    start = body.lstrip(b"\xef\xbb\xbf \t\r\n")[:1]
    if start == b"{":
        return True
    if content_type and "json" in content_type.lower():
        return not start.startswith(b"<")
    return False


def _parse_json_feed(body: bytes, url: str) -> ParsedFeed:
    try:
        data = json.loads(body.decode("utf-8-sig"))
    except UnicodeDecodeError as exc:
        raise FeedError(f"feed: JSON Feed is not UTF-8 ({exc.reason} at byte {exc.start})") from exc
    except ValueError as exc:
        raise FeedError(f"feed: invalid JSON: {_short(str(exc))}") from exc
    if not isinstance(data, dict):
        raise FeedError("feed: JSON document is not a JSON Feed (top level is not an object)")
    version = data.get("version")
    if not isinstance(version, str) or not _JSON_FEED_VERSION.match(version.strip()):
        raise FeedError("feed: JSON document is not a JSON Feed (no jsonfeed.org version)")
    items = data.get("items")
    warnings: list[str] = []
    if not isinstance(items, list):
        warnings.append("feed: JSON Feed has no items list")
        items = []
    feed_language = primary_language(data.get("language"))
    entries: list[FeedEntry] = []
    for index, item in enumerate(items, start=1):
        if not isinstance(item, dict):
            warnings.append(f"feed: item {index} is not an object; skipped")
            continue
        entry = _json_entry(item, index, url, feed_language, warnings)
        if entry is not None:
            entries.append(entry)
    title = data.get("title") if isinstance(data.get("title"), str) else ""
    # JSON Feed titles are plain text by the spec, but publishers often leave HTML entities in them.
    return ParsedFeed(
        title=html_to_text(title)[:MAX_TITLE_CHARS],
        entries=tuple(entries),
        warnings=tuple(warnings),
        language=feed_language,
    )


def _json_entry(
    item: dict[str, Any], index: int, feed_url: str, feed_language: str | None, warnings: list[str]
) -> FeedEntry | None:
    link = None
    for key in ("url", "external_url", "id"):
        value = item.get(key)
        if isinstance(value, str) and value.strip():
            link = _absolute(feed_url, value)
            if link is not None:
                break
    if link is None:
        warnings.append(f"feed: item {index} has no http(s) url; skipped")
        return None
    summary = ""
    if isinstance(item.get("summary"), str):
        summary = html_to_text(item["summary"])
    if not summary and isinstance(item.get("content_text"), str):
        summary = collapse_spaces(item["content_text"])
    if not summary and isinstance(item.get("content_html"), str):
        summary = html_to_text(item["content_html"])
    title = html_to_text(item["title"]) if isinstance(item.get("title"), str) else ""
    published, date_only = None, False
    for key in ("date_published", "date_modified"):
        value = item.get(key)
        if isinstance(value, str) and value.strip():
            published = _json_date(value)
            if published is None:
                warnings.append(f"feed: item {index} has an unreadable {key} {value[:40]!r}; left empty")
            else:
                date_only = not has_time(value)
                break
    authors = item.get("authors") if isinstance(item.get("authors"), list) else [item.get("author")]
    names = [a["name"].strip() for a in authors if isinstance(a, dict) and isinstance(a.get("name"), str)]
    tags = item.get("tags") if isinstance(item.get("tags"), list) else []
    guid = item.get("id")
    return FeedEntry(
        url=link,
        title=_title(title, summary),
        summary=summary,
        published=published,
        author=", ".join(n for n in names if n) or None,
        guid=str(guid).strip() if isinstance(guid, str | int) and str(guid).strip() else None,
        language=primary_language(item.get("language")) or feed_language,
        categories=tuple(dict.fromkeys(collapse_spaces(t) for t in tags if isinstance(t, str) and t.strip())),
        date_only=date_only,
    )


def _json_date(value: str) -> datetime | None:
    """RFC 3339 as the spec says; RFC 822 and written dates too, which some real JSON Feeds use (copied from
    their RSS or their page). A value without a time of day is midnight UTC (the caller marks it date-only)."""
    parsed = parse_date(value)
    return parsed[0] if parsed else None


# ------------------------------------------------------------------------------------------------------------


def _title(title: str, summary: str) -> str:
    """The entry title; untitled items (microblog posts) borrow the start of their summary."""
    if title:
        return title[:MAX_TITLE_CHARS]
    if len(summary) <= 120:
        return summary
    return summary[:120].rsplit(" ", 1)[0] + "…"


def _short(text: str, limit: int = 200) -> str:
    text = collapse_spaces(text)
    return text if len(text) <= limit else text[: limit - 1] + "…"
