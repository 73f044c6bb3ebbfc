"""What a parse worker does (``copydesk.ingest.guard``): the stages that read untrusted input, composed per item.

    read_feed(body, url, content_type)            -> ParsedFeed                 (feedparser / JSON Feed)
    prepare_page(entry, outlet_id, fetch, langs)  -> Prepared                   (extract, merge, classify, language)
    prepare_item(article, text, status, html, langs) -> Prepared                (classify, clean, language)

Plain functions over our dataclasses, run in a worker process under the parse deadline; nothing here does I/O.
A classifier failure is returned (``Prepared.classify_error``) for the caller to record, never raised.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, replace

from copydesk.errors import CopydeskError, describe
from copydesk.ingest.classify import classify_page
from copydesk.ingest.extract import ExtractOptions, article_from_entry, extract_article
from copydesk.ingest.feeds import parse_feed
from copydesk.lang.boilerplate import clean_text
from copydesk.lang.detect import detect, with_language
from copydesk.models import ArticleIn, ExtractedPage, FeedEntry, FetchResult

log = logging.getLogger(__name__)

__all__ = ["Prepared", "prepare_item", "prepare_page", "read_feed", "warm", "warm_once"]


@dataclass(frozen=True, slots=True)
class Prepared:
    """An item ready to store: its page (when one was extracted) and what went wrong on the way."""

    article: ArticleIn
    page: ExtractedPage | None = None
    extract_error: str | None = None
    classify_error: str | None = None


def read_feed(body: bytes, url: str, content_type: str | None):
    return parse_feed(body, url, content_type)


def prepare_page(
    entry: FeedEntry, outlet_id: str, fetch: FetchResult, outlet_language: str | None, languages: tuple[str, ...]
) -> Prepared:
    """A polled item: its page extracted and merged with the feed entry, then ``prepare_item``."""
    page, extract_error = None, None
    fetched = fetch.outcome == "ok" and bool(fetch.body)
    if fetched:
        try:
            page = extract_article(fetch.body or b"", fetch.final_url or entry.url, ExtractOptions())
        except CopydeskError as exc:
            extract_error = str(exc)
    art = article_from_entry(entry, outlet_id, page, fetch)
    # A page that is gone (404/410) is judged with its status; a transient failure (5xx, 429) says nothing about
    # the item, which is then judged by its feed text and fetched again later.
    gone = fetch.outcome == "http-error" and fetch.status in (404, 410)
    out = prepare_item(
        art,
        (page.text if page else "") if fetched else None,
        fetch.status if gone else None,
        fetch.body if fetched else None,
        outlet_language,
        languages,
    )
    return replace(out, page=page, extract_error=extract_error)


def prepare_item(
    a: ArticleIn,
    text: str | None,
    status: int | None,
    html: bytes | None,
    outlet_language: str | None,
    languages: tuple[str, ...],
) -> Prepared:
    """The item with its page verdict (ingest/classify), its text without furniture lines (lang/boilerplate) and
    its language from the text (lang/detect). ``text`` is the page's extracted text when it differs from
    ``a.text``."""
    seen = text if text is not None else (a.text or a.summary)
    error = None
    try:
        v = classify_page(a.url, a.title, seen, status=status, html=html)
        a = replace(a, text=clean_text(a.text), page_class=v.kind, page_class_reason=None if v.is_article else v.reason)
    except Exception as exc:  # noqa: BLE001 a verdict over hostile text never stops a run: unclassified, handled as before
        log.warning("classify failed", extra={"stage": "classify", "url": a.url, "error": repr(exc)})
        error = f"classify: {describe(exc)}"
    return Prepared(with_language(a, outlet_language, languages), classify_error=error)


_WARM_PAGE = (
    b"<html><head><title>Council approves the budget</title></head><body><article><p>The city council approved "
    b"the budget on Tuesday after a long debate about schools and roads.</p><p>Officials said the plan would take "
    b"effect in January.</p></article></body></html>"
)


_warmed = False  # True once this process (or the one it forked from) ran `warm`


def warm() -> None:
    """One small parse of each kind, so that what a parse loads on its first use (the language detector's models,
    the extractor's tables) is loaded: run once in the process the parse workers fork from (the forkserver,
    ``copydesk.ingest.warm``; a Celery worker, ``copydesk.tasks.stages``), whose workers inherit it, so no worker
    spends its first page's deadline loading them."""
    extract_article(_WARM_PAGE, "https://warm.invalid/a")
    detect("The city council approved the budget on Tuesday after a long debate about schools and roads.")
    global _warmed
    _warmed = True


def warm_once() -> None:
    """`warm`, unless this process has run it already or forked from one that had."""
    if not _warmed:
        warm()
