"""What became of an article's page: one outcome per article, counted per source and told to readers.

``article_fetch_outcome(fetch, page, article)`` reduces the fetch (``FetchResult``), the extraction and the page
verdict to one of ``FETCH_OUTCOMES``; `copydesk sources status` and the run summary count them, and a story page
says why a source is shown only by its feed summary (``reader_reason``), naming a paywall only when one was
detected.
"""

from __future__ import annotations

from copydesk.models import ArticleIn, ExtractedPage, FetchResult

#: Every value ``ArticleIn.fetch_outcome`` takes for a polled article (imports have None: nothing was fetched).
#: A failed fetch names how it failed even when the item was then judged by its feed text alone.
FETCH_OUTCOMES = (
    "fetched",
    "short",
    "paywalled",
    "robots-disallowed",
    "robots-unreachable",
    "rate-limited",
    "not-found",
    "error",
    "not-an-article",
    "extract-timeout",
    "extract-crashed",
)

#: What a reader is told beside a source shown only by its feed summary.
READER_REASONS = {
    "short": "only the feed summary is used: the page gave too little text",
    "paywalled": "only the feed summary is used: the full text is behind a paywall",
    "robots-disallowed": "full text not fetched: the site's robots.txt asks crawlers not to",
    "robots-unreachable": "full text not fetched yet: the site did not answer (we will try again)",
    "rate-limited": "full text not fetched yet: the site asked us to come back later",
    "not-found": "full text not fetched: the page was not found",
    "error": "full text not fetched: the site did not answer",
    "timeout": "full text not fetched: the site did not answer in time",
    "extract-timeout": "only the feed summary is used: the page could not be read in time",
    "extract-crashed": "only the feed summary is used: the page could not be read",
}


def article_fetch_outcome(fetch: FetchResult | None, page: ExtractedPage | None, article: ArticleIn) -> str | None:
    """The outcome of one polled article; None when nothing was fetched (an import)."""
    if fetch is None:
        return None
    if fetch.outcome in ("robots-disallowed", "robots-unreachable", "rate-limited"):
        return fetch.outcome
    if fetch.outcome == "http-error" and fetch.status in (404, 410):
        return "not-found"
    if fetch.outcome == "http-error" and fetch.status == 429:
        return "rate-limited"
    if fetch.outcome != "ok":
        return "error"
    if article.page_class not in (None, "article"):
        return "not-an-article"
    if page is not None and page.paywalled:
        return "paywalled"
    return "short" if article.partial else "fetched"


def reader_reason(outcome: str | None, error: str | None = None) -> str | None:
    """Why a reader sees only the summary of a source with this outcome; None when its full text is used."""
    if outcome in (None, "fetched", "not-an-article"):
        return None
    if outcome == "error" and error and "timed out" in error:
        return READER_REASONS["timeout"]
    return READER_REASONS.get(outcome, READER_REASONS["error"])


#: Outcomes worth fetching the page again at the next poll while the feed still lists the item: the site may
#: answer then. (A disallowing robots.txt, a missing page or a paywall will not change by waiting.)
RETRY_LATER = frozenset(("robots-unreachable", "rate-limited", "error"))
