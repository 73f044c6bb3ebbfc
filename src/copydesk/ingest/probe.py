"""What fetching a URL gives, in one line for an operator (``copydesk sources test``); nothing is stored.

``describe(result)`` reads a ``FetchResult`` the way a poll would: a refused address, a failed fetch, a feed (parsed
by ``parse_feed``) or an article page (extracted by ``extract_article``).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from copydesk.errors import FeedError
from copydesk.models import FetchResult

__all__ = ["Probe", "describe"]


@dataclass(frozen=True, slots=True)
class Probe:
    kind: Literal["refused", "ok", "error"]
    line: str  # "refused: 127.0.0.1 is Loopback", "ok feed with 12 entries", "ok article: <title>", "error: ..."


def describe(result: FetchResult) -> Probe:
    """One line for one fetch: ``refused: ...`` (the address policy or the scheme), ``ok feed with N entries``,
    ``ok article: TITLE``, or ``error: ...``."""
    from copydesk.ingest.extract import extract_article
    from copydesk.ingest.feeds import parse_feed

    error = (result.error or result.outcome).removeprefix("fetch: ")
    if result.outcome == "blocked-address":
        return Probe("refused", "refused: " + error.removeprefix("refused: "))
    if result.outcome != "ok":
        return Probe("error", f"error: {error}")
    body, url = result.body or b"", result.final_url or result.url
    partial = f" ({result.partial.removeprefix('fetch: ')})" if result.partial else ""
    try:
        feed = parse_feed(body, url, result.content_type)
    except FeedError as exc:
        feed_error = str(exc)
    else:
        noun = "entry" if len(feed.entries) == 1 else "entries"
        tolerated = f"; read despite: {feed.warnings[0].removeprefix('feed: ')}" if feed.warnings else ""
        return Probe("ok", f"ok feed with {len(feed.entries)} {noun}{tolerated}{partial}")
    page = extract_article(body, url)
    if page is not None and page.text:
        title = " ".join((page.title or "(untitled)").split())
        return Probe("ok", f"ok article: {title}{' (paywalled)' if page.paywalled else ''}{partial}")
    return Probe("error", f"error: neither a feed nor an article page ({feed_error.removeprefix('feed: ')}){partial}")
