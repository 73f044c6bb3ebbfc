"""read_import: good lines become ArticleIn, bad lines become ImportLineError with their line number."""

from __future__ import annotations

import io
import json
from datetime import UTC, datetime

from copydesk.errors import ImportLineError
from copydesk.ingest.jsonl import iter_import_lines, read_import
from copydesk.models import ArticleIn

GOOD = {"url": "https://news.example/a", "title": "  A  title ", "outlet": "Reuters"}


def line(**kw) -> str:
    data = dict(GOOD)
    data.update(kw)
    return json.dumps({k: v for k, v in data.items() if v is not ...})


def test_good_and_bad_lines_with_line_numbers():
    lines = [
        line(
            text="Full text.",
            published="2026-02-20T10:00:00+02:00",
            categories=["world", "world"],
            language="en-GB",
            license="CC BY 4.0",
            summary="S",
        ),
        "",
        "{not json",
        line(url="ftp://news.example/a"),
        line(title=...),
        line(published="20 February 2026"),
        "   ",
        line(categories="world"),
        line(title=42),
        "[1, 2]",
        line(published="2026-02-20"),
        line(published="2026-02-20T10:00:00"),
        line(outlet=""),
    ]
    results = list(read_import(lines))
    errors = {r.line: str(r) for r in results if isinstance(r, ImportLineError)}
    articles = [r for r in results if isinstance(r, ArticleIn)]
    assert sorted(errors) == [3, 4, 5, 6, 8, 9, 10, 13]
    assert errors[3].startswith("import: line 3: invalid JSON")
    assert "http(s) URL" in errors[4]
    assert "missing required field 'title'" in errors[5]
    assert "published: not an ISO 8601 date" in errors[6]
    assert "categories must be a list of strings" in errors[8]
    assert "title must be a string, got a number" in errors[9]
    assert "expected a JSON object, got an array" in errors[10]
    assert "outlet is empty" in errors[13]

    first, date_only, naive = articles
    assert first.title == "A title" and first.outlet_id == "Reuters" and first.origin == "import"
    assert first.text == "Full text." and not first.partial and first.summary == "S"
    assert first.published == datetime(2026, 2, 20, 8, 0, tzinfo=UTC)
    assert first.categories == ("world",) and first.language == "en" and first.license == "CC BY 4.0"
    assert date_only.published == datetime(2026, 2, 20, tzinfo=UTC) and date_only.partial
    assert naive.published == datetime(2026, 2, 20, 10, 0, tzinfo=UTC)


def test_bytes_lines_bom_and_bad_utf8():
    results = list(read_import([b"\xef\xbb\xbf" + line().encode(), b"\xff\xfe{}"]))
    assert isinstance(results[0], ArticleIn)
    assert isinstance(results[1], ImportLineError) and results[1].line == 2 and "UTF-8" in str(results[1])


def test_over_long_line_is_reported_and_reading_goes_on():
    limit = 1000
    huge = line(text="x" * 5000)
    stream = io.BytesIO((line() + "\n" + huge + "\n" + line(title="after") + "\n").encode())
    results = list(read_import(iter_import_lines(stream, max_line_bytes=limit), max_line_bytes=limit))
    assert isinstance(results[0], ArticleIn)
    assert isinstance(results[1], ImportLineError) and results[1].line == 2 and "longer than 1000" in str(results[1])
    assert isinstance(results[2], ArticleIn) and results[2].title == "after"
    # str input too
    assert isinstance(next(read_import([huge], max_line_bytes=limit)), ImportLineError)


def test_default_line_limit_is_10_mb():
    from copydesk.ingest.jsonl import MAX_LINE_BYTES

    assert MAX_LINE_BYTES == 10 * 1024 * 1024
    big = line(text="x" * (MAX_LINE_BYTES + 10))
    result = next(read_import([big]))
    assert isinstance(result, ImportLineError) and "longer than" in str(result)


def test_character_references_in_plain_text_are_decoded():
    line = json.dumps(
        {
            "url": "https://x.test/a",
            "title": "A &amp; B",
            "outlet": "x",
            "text": "OSLO &mdash; The prize was awarded.",
            "summary": "caf&eacute;",
        }
    )
    [a] = list(read_import([line]))
    assert (a.title, a.text, a.summary) == ("A & B", "OSLO — The prize was awarded.", "café")


def test_unknown_keys_and_lines_without_text_are_counted():
    from copydesk.ingest.jsonl import ImportStats

    stats = ImportStats()
    lines = [
        json.dumps({"url": f"https://x.test/{i}", "title": "T", "outlet": "o", "lede": "L", "date": "2024"})
        for i in range(3)
    ]
    lines.append(json.dumps({"url": "https://x.test/s", "title": "T", "outlet": "o", "summary": "S", "date": "x"}))
    out = list(read_import(lines, stats=stats))
    assert len(out) == 4 and all(not isinstance(a, ImportLineError) for a in out)
    assert stats.unknown_summary() == "date 4, lede 3"
    assert stats.without_text == 3  # the line with a summary is not among them
