"""Small conversions shared by the ingest modules: HTML to plain text, dates, language tags, URLs."""

from __future__ import annotations

import re
import time
from datetime import UTC, date, datetime
from html.parser import HTMLParser
from urllib.parse import urlsplit

# Tags after which a reader sees a break; we turn them into a space so words do not run together.
_BLOCK_TAGS = frozenset(
    "address article aside blockquote br dd div dl dt figcaption figure footer h1 h2 h3 h4 h5 h6 header hr "
    "li main nav ol p pre section table td th tr ul".split()
)
_SKIP_TAGS = frozenset(("script", "style", "template", "noscript", "head", "title", "iframe", "object", "svg"))
_SPACES = re.compile(r"\s+")


class _TextCollector(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag: str, attrs: object) -> None:
        if tag in _SKIP_TAGS:
            self._skip += 1
        elif tag in _BLOCK_TAGS:
            self.parts.append(" ")

    def handle_endtag(self, tag: str) -> None:
        if tag in _SKIP_TAGS:
            self._skip = max(0, self._skip - 1)
        elif tag in _BLOCK_TAGS:
            self.parts.append(" ")

    def handle_data(self, data: str) -> None:
        if not self._skip:
            self.parts.append(data)


def html_to_text(markup: str) -> str:
    """Plain text of an HTML fragment: tags dropped, entities decoded, whitespace collapsed to single spaces."""
    if not markup:
        return ""
    if "<" not in markup and "&" not in markup:
        return collapse_spaces(markup)
    parser = _TextCollector()
    try:
        parser.feed(markup)
        parser.close()
    except Exception:  # noqa: BLE001 html.parser's failures on pathological markup are undocumented (AssertionError, IndexError); the fallback strips tags
        return collapse_spaces(re.sub(r"<[^>]*>", " ", markup))
    return collapse_spaces("".join(parser.parts))


def collapse_spaces(text: str) -> str:
    return _SPACES.sub(" ", text).strip()


def struct_time_to_utc(value: time.struct_time | None) -> datetime | None:
    """feedparser's ``*_parsed`` values (already UTC) as an aware datetime; None when absent or impossible."""
    if not value:
        return None
    try:
        return datetime(*value[:6], tzinfo=UTC)
    except (TypeError, ValueError, OverflowError):
        return None


def parse_iso_datetime(value: str) -> datetime:
    """ISO 8601 date or date-time as an aware UTC datetime. Date-only means midnight UTC; naive means UTC.

    Raises ValueError when the string is not ISO 8601.
    """
    text = value.strip()
    if not text:
        raise ValueError("empty date")
    if len(text) == 10 and text[4] == "-" and text[7] == "-":
        d = date.fromisoformat(text)
        return datetime(d.year, d.month, d.day, tzinfo=UTC)
    # Python 3.11's fromisoformat reads "Z", offsets, fractions and "T" or " " separators.
    parsed = datetime.fromisoformat(text)
    if parsed.tzinfo is None:
        return parsed.replace(tzinfo=UTC)
    return parsed.astimezone(UTC)


def primary_language(tag: str | None) -> str | None:
    """BCP-47 primary subtag, lower-case ("en-US" -> "en", "pt_BR" -> "pt"); None for empty or odd values."""
    if not tag or not isinstance(tag, str):
        return None
    primary = tag.strip().replace("_", "-").split("-", 1)[0].lower()
    if 2 <= len(primary) <= 3 and primary.isascii() and primary.isalpha():
        return primary
    return None


def is_http_url(url: object) -> bool:
    """True for an absolute http or https URL with a host."""
    if not isinstance(url, str) or not url or any(c.isspace() for c in url.strip()):
        return False
    try:
        parts = urlsplit(url.strip())
    except ValueError:
        return False
    return parts.scheme.lower() in ("http", "https") and bool(parts.hostname)
