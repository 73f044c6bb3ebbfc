"""Ingest: fetch feeds and pages politely, parse feeds, extract article text, read JSON Lines imports.

http.py     PoliteClient.fetch(url, etag, last_modified) -> FetchResult   (the only network I/O)
feeds.py    parse_feed(body, url, content_type) -> ParsedFeed
extract.py  extract_article(html, url, opts) -> ExtractedPage | None
            article_from_entry(entry, outlet_id, page, fetch) -> ArticleIn
jsonl.py    read_import(lines) -> Iterator[ArticleIn | ImportLineError]
dates.py    parse_date, dateline, choose: publication dates as sources give them (date-only kept as a day)
guard.py    ParseGuard.run(fn, *args): the parse deadline (worker processes killed and replaced on overrun)
work.py     read_feed, prepare_page, prepare_item: the parses the workers run, per feed, page or line
"""

from copydesk.ingest.extract import MIN_ARTICLE_CHARS, ExtractOptions, article_from_entry, extract_article
from copydesk.ingest.feeds import parse_feed
from copydesk.ingest.http import FetchOptions, PoliteClient, is_forbidden_address
from copydesk.ingest.jsonl import iter_import_lines, read_import

__all__ = [
    "MIN_ARTICLE_CHARS",
    "ExtractOptions",
    "FetchOptions",
    "PoliteClient",
    "article_from_entry",
    "extract_article",
    "is_forbidden_address",
    "iter_import_lines",
    "parse_feed",
    "read_import",
]
