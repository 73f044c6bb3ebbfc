"""JSON Lines import (``copydesk import FILE``): one article per line, bad lines reported, good lines kept.

Each line is a JSON object with ``url`` (http/https), ``title`` and ``outlet`` (an outlet id or name, kept raw in
``ArticleIn.outlet_id`` for the caller to resolve against the registry), and optionally ``published`` (ISO 8601;
naive values are UTC; a date without a time, "2004-11-23", is kept as that day, ``date_only``), ``language``,
``text``, ``summary``, ``categories`` (list of strings), ``license`` and ``site_name`` (the site's own name, shown
for an outlet the registry lacks). Unknown keys are ignored but counted (``ImportStats.unknown_keys``, reported
once per file: a file that carries its text under another name, ``lede``, must not import silently), and so are
lines with neither ``text`` nor ``summary`` (``ImportStats.without_text``; they are imported, title only). Blank
lines are skipped. A bad line yields ``ImportLineError(line, reason)`` in place of an article and reading goes on.

The article's date is the line's ``published``; without one, a dateline at the top of its ``text``
(``copydesk.ingest.dates.dateline``: "Tuesday, November 23, 2004"); without either it has no date. Never the
time of the import (``published_from`` says which: "import" or "dateline").
"""

from __future__ import annotations

import html
import json
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import IO, Any

from copydesk.errors import ImportLineError
from copydesk.ingest._text import collapse_spaces, is_http_url, parse_iso_datetime, primary_language
from copydesk.ingest.dates import SourceDate, choose, dateline, has_time
from copydesk.models import ArticleIn

#: Longest accepted line. A long article is about 100 KB of JSON; 10 MB leaves room for anything real and keeps
#: one line from taking the memory of a small server.
MAX_LINE_BYTES = 10 * 1024 * 1024

#: The keys a line may carry; any other is counted in ``ImportStats.unknown_keys``.
KNOWN_KEYS = frozenset(
    (
        "url",
        "title",
        "outlet",
        "published",
        "language",
        "text",
        "summary",
        "categories",
        "license",
        "site_name",
        "author",
    )
)

__all__ = ["KNOWN_KEYS", "MAX_LINE_BYTES", "ImportStats", "iter_import_lines", "read_import"]


@dataclass
class ImportStats:
    """What one file's lines carried beyond the articles: keys we do not read (key -> lines) and lines that
    had neither text nor summary."""

    unknown_keys: Counter = field(default_factory=Counter)
    without_text: int = 0

    def unknown_summary(self) -> str:
        """``lede 162, date 162``: most frequent first."""
        return ", ".join(f"{k} {n}" for k, n in self.unknown_keys.most_common())


def iter_import_lines(stream: IO[bytes], max_line_bytes: int = MAX_LINE_BYTES) -> Iterator[bytes]:
    """Lines of a binary file, never holding more than ``max_line_bytes + 1`` bytes of one line in memory.

    An over-long line is yielded as its first ``max_line_bytes + 1`` bytes (so ``read_import`` reports it) and the
    rest of it is skipped. Use as ``read_import(iter_import_lines(open(path, "rb")))``.
    """
    while True:
        line = stream.readline(max_line_bytes + 1)
        if not line:
            return
        if len(line) > max_line_bytes and not line.endswith(b"\n"):
            while True:  # discard the remainder of the line in bounded pieces
                rest = stream.readline(1024 * 1024)
                if not rest or rest.endswith(b"\n"):
                    break
        yield line


def read_import(
    lines: Iterable[str | bytes], max_line_bytes: int = MAX_LINE_BYTES, stats: ImportStats | None = None
) -> Iterator[ArticleIn | ImportLineError]:
    """Articles (or the error of each bad line) from JSON Lines, numbering lines from 1; ``stats`` (when given)
    counts the unknown keys and the lines without text or summary."""
    stats = stats if stats is not None else ImportStats()
    for number, line in enumerate(lines, start=1):
        try:
            article = _read_line(line, number, max_line_bytes, stats)
        except ImportLineError as exc:
            yield exc
            continue
        if article is not None:
            yield article


def _read_line(line: str | bytes, number: int, max_line_bytes: int, stats: ImportStats) -> ArticleIn | None:
    if isinstance(line, bytes | bytearray):
        if len(line) > max_line_bytes:
            raise ImportLineError(number, f"line longer than {max_line_bytes} bytes")
        try:
            text = bytes(line).decode("utf-8")
        except UnicodeDecodeError as exc:
            raise ImportLineError(number, f"not valid UTF-8 (byte {exc.start})") from None
    elif isinstance(line, str):
        if len(line) > max_line_bytes or (
            len(line) > max_line_bytes // 4 and len(line.encode("utf-8", "surrogatepass")) > max_line_bytes
        ):
            raise ImportLineError(number, f"line longer than {max_line_bytes} bytes")
        text = line
    else:
        raise ImportLineError(number, f"expected text, got {type(line).__name__}")
    if number == 1:
        text = text.lstrip("\ufeff")
    if not text.strip():
        return None
    try:
        data = json.loads(text)
    except ValueError as exc:
        reason = f"{exc.msg} at column {exc.colno}" if isinstance(exc, json.JSONDecodeError) else str(exc)
        raise ImportLineError(number, f"invalid JSON: {reason}") from None
    if not isinstance(data, dict):
        raise ImportLineError(number, f"expected a JSON object, got {_json_type(data)}")
    article = _article(data, number)
    stats.unknown_keys.update(str(k)[:40] for k in data if k not in KNOWN_KEYS)
    if not article.text and not article.summary:
        stats.without_text += 1
    return article


def _article(data: dict[str, Any], number: int) -> ArticleIn:
    url = _required_str(data, "url", number)
    if not is_http_url(url):
        raise ImportLineError(number, f"url must be an absolute http(s) URL, got {url[:80]!r}")
    # Plain text by contract; character references left in it ("&mdash;") are decoded, never rendered raw.
    title = collapse_spaces(html.unescape(_required_str(data, "title", number)))
    outlet = _required_str(data, "outlet", number).strip()

    given = None
    raw_published = _optional_str(data, "published", number)
    if raw_published:
        try:
            published = parse_iso_datetime(raw_published)
        except ValueError:
            raise ImportLineError(number, f"published: not an ISO 8601 date: {raw_published[:40]!r}") from None
        given = SourceDate(published, not has_time(raw_published), "import")

    raw_language = _optional_str(data, "language", number)
    language = primary_language(raw_language) if raw_language else None
    if raw_language and language is None:
        raise ImportLineError(number, f"language: not a language tag: {raw_language[:20]!r}")

    categories = data.get("categories")
    if categories is None:
        categories = []
    if not isinstance(categories, list) or not all(isinstance(c, str) for c in categories):
        raise ImportLineError(number, "categories must be a list of strings")

    text = html.unescape(_optional_str(data, "text", number) or "").strip()
    found = dateline(text) if given is None or given.date_only else None
    date = choose([given, SourceDate(found[0], found[1], "dateline") if found else None])
    return ArticleIn(
        url=url.strip(),
        outlet_id=outlet,
        title=title,
        text=text,
        summary=html.unescape(_optional_str(data, "summary", number) or "").strip(),
        published=date.when if date else None,
        language=language,
        author=(_optional_str(data, "author", number) or "").strip() or None,
        partial=not text,
        categories=tuple(dict.fromkeys(c.strip() for c in categories if c.strip())),
        origin="import",
        license=(_optional_str(data, "license", number) or "").strip() or None,
        site_name=collapse_spaces(html.unescape(_optional_str(data, "site_name", number) or "")) or None,
        date_only=date.date_only if date else False,
        published_from=date.origin if date else None,
    )


def _required_str(data: dict[str, Any], key: str, number: int) -> str:
    if key not in data or data[key] is None:
        raise ImportLineError(number, f"missing required field {key!r}")
    value = data[key]
    if not isinstance(value, str):
        raise ImportLineError(number, f"{key} must be a string, got {_json_type(value)}")
    if not value.strip():
        raise ImportLineError(number, f"{key} is empty")
    return value


def _optional_str(data: dict[str, Any], key: str, number: int) -> str | None:
    value = data.get(key)
    if value is None:
        return None
    if not isinstance(value, str):
        raise ImportLineError(number, f"{key} must be a string, got {_json_type(value)}")
    return value


def _json_type(value: object) -> str:
    return {
        dict: "an object",
        list: "an array",
        str: "a string",
        bool: "a boolean",
        int: "a number",
        float: "a number",
        type(None): "null",
    }.get(type(value), type(value).__name__)
