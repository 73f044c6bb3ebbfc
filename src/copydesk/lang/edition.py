"""The edition's language: which articles the writer may take sentences from, and the queue of stories that no
source in that language has reported yet.

The site publishes in one language (`[site] language`, default "en"). A story is written only from articles in
that language (and each sentence is checked again by `copydesk.lang.detect.in_language`); articles in other
languages still count as coverage (independent outlets, sides) and are listed among the sources with their
language. A story with no article in the edition's language is not written: the orchestrator holds it
(kept in the database, with `HELD_REASON` as its reason) and the edition lists it as "not yet in English".
"""

from __future__ import annotations

from collections import Counter
from typing import Iterable

from copydesk.lang.detect import language_name
from copydesk.models import Article, Outlet, SourceLink, UntranslatedStory

__all__ = ["HELD_REASON", "held_reason", "in_edition", "queue_entry", "queue_title", "untranslated"]

#: How a held story's `write_error` starts; the orchestrator finds the queue by it.
HELD_REASON = "language: no source in the edition's language"


def in_edition(a: Article, edition_language: str) -> bool:
    """True when the writer may take sentences from `a`: it is in the edition's language, or its language is
    unknown (then the per-sentence check decides)."""
    return a.language is None or a.language == edition_language


def untranslated(articles: Iterable[Article], edition_language: str) -> bool:
    """True when no article of the story is in the edition's language (such a story is held, not written)."""
    arts = list(articles)
    return bool(arts) and not any(in_edition(a, edition_language) for a in arts)


def held_reason(articles: Iterable[Article], edition_language: str) -> str:
    """`HELD_REASON` with what the story has: "...: sources in German (2), Portuguese (1)"."""
    langs = Counter(a.language for a in articles)
    have = ", ".join(f"{language_name(k)} ({n})" for k, n in langs.most_common())
    return f"{HELD_REASON} ({language_name(edition_language)}): sources in {have}"


def queue_entry(story_id: str, slug: str, articles: Iterable[Article], outlets: dict[str, Outlet]) -> UntranslatedStory:
    """One story of the "not yet in <edition language>" queue, from its stored articles."""
    from copydesk.write.dates import story_dates  # here: copydesk.write imports this module

    arts = sorted(articles, key=lambda a: (a.when, a.id))
    langs = Counter(a.language or "und" for a in arts)
    sources = tuple(
        SourceLink(
            article_id=a.id,
            outlet_id=a.outlet_id,
            outlet_name=outlets[a.outlet_id].name if a.outlet_id in outlets else a.outlet_id,
            title=a.title,
            url=a.url,
            published=a.published,
            partial=a.partial,
            reprint_of=a.wire_group if a.wire_group and a.wire_group != a.id else None,
            language=a.language,
            date_only=a.date_only,
        )
        for a in arts
    )
    return UntranslatedStory(
        story_id=story_id,
        slug=slug,
        languages=tuple(k for k, _ in langs.most_common()),
        sources=sources,
        dates=story_dates(arts),
    )


def queue_title(edition_language: str) -> str:
    """The queue's name for readers: "Not yet in English"."""
    return f"Not yet in {language_name(edition_language)}"
