"""What refetching a story's source gave, before an editor's corrected sentence is checked (pure functions).

An editor may ask for the sources to be fetched again first (an outlet may have corrected its own article since we
read it). ``Desk.refetch_sources`` fetches each source article through the poll's ``PoliteClient``, extracts and
classifies the page as the poll does, and asks ``verdict`` what became of it:

    updated        the page is still an article with full text, and that text differs: it replaces the stored text
    unchanged      the same text again (or the server said 304)
    failed         the fetch failed, the page is gone, is no longer an article, or gave too little text (paywall,
                   short page): the stored text is kept and ``reason`` says why
    not-fetchable  no request made: the address cannot be fetched (an import with a reserved example address)
"""

from __future__ import annotations

from urllib.parse import urlsplit

from copydesk.corrections.model import SourceRefetch
from copydesk.models import Article, ArticleIn, FetchResult

__all__ = ["unfetchable", "verdict"]

#: Names reserved for examples and tests (RFC 2606, RFC 6761): never a real page. Imports made from archives or
#: demonstrations carry them; asking the network would only fail slowly.
_RESERVED_SUFFIXES = (".example", ".invalid", ".test")
_RESERVED_NAMES = ("example.com", "example.net", "example.org")

#: Why a page fetched fine cannot replace the stored text, by the poll's fetch outcome (ingest/outcome.py).
_UNUSABLE = {
    "paywalled": "the full text is behind a paywall now",
    "short": "the page gave too little text",
}


def unfetchable(article: Article) -> str | None:
    """Why this article's page cannot be fetched again, or None when it can be tried."""
    try:
        parts = urlsplit((article.url or "").strip())
        host = (parts.hostname or "").rstrip(".").lower()
    except ValueError:
        host, parts = "", None
    origin = "imported" if article.origin == "import" else "stored"
    if parts is None or parts.scheme.lower() not in ("http", "https") or not host:
        return f"{origin} without an address that can be fetched"
    if host.endswith(_RESERVED_SUFFIXES) or any(host == n or host.endswith("." + n) for n in _RESERVED_NAMES):
        return f"{origin} with a reserved example address ({host}), which cannot be fetched"
    return None


def verdict(stored: Article, fetch: FetchResult, fresh: ArticleIn | None) -> SourceRefetch:
    """What a refetch gave: ``fresh`` is the page as the poll would store it (extracted, classified, with its
    ``fetch_outcome``), None when nothing could be read."""

    def out(outcome: str, reason: str | None = None) -> SourceRefetch:
        return SourceRefetch(stored.id, stored.outlet_id, stored.url, outcome, reason)

    if fetch.outcome == "not-modified":
        return out("unchanged")
    if fetch.outcome != "ok":
        return out("failed", fetch.error or f"fetch: {fetch.outcome}")
    if fresh is None:
        return out("failed", "extract: no article text in the page")
    if fresh.page_class not in (None, "article"):
        return out("failed", f"the page is no longer an article ({fresh.page_class_reason or fresh.page_class})")
    if fresh.partial or not fresh.text.strip():
        return out("failed", _UNUSABLE.get(fresh.fetch_outcome or "", "the page gave no usable text"))
    if " ".join(fresh.text.split()) == " ".join((stored.text or "").split()):  # spacing is not a change
        return out("unchanged")
    return out("updated")
