"""The versioned JSON API, ``/api/v1/...``, described by the OpenAPI document at ``/api/v1/openapi.json``.

The objects are the export's (``render.story_json``, ``render.edition_json``, ``render.search_json``): the same
field names and values, so a client can read ``api/stories.json`` from a static copy and ``/api/v1/stories``
from the server with one parser. The pydantic models below describe them for the OpenAPI document and check
every response (``extra="forbid"``: a key the renderers add without a model here fails the tests).

Parameters are checked before anything is read; a bad one (``page=0``, ``per_page=10000``, ``since=soon``)
is answered 422 with ``{"error": "...", "detail": [...]}`` naming the parameter, never 500.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timezone
from typing import Annotated

from fastapi import FastAPI, Query
from fastapi import Path as FPath
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy.exc import SQLAlchemyError

from copydesk.errors import CopydeskError
from copydesk.models import Edition
from copydesk.store.search import MAX_PAGE, MAX_QUERY_CHARS, SearchResults
from copydesk.web import render

__all__ = ["API_PREFIX", "API_VERSION", "MAX_PER_PAGE", "install"]

API_PREFIX = "/api/v1"
API_VERSION = "1.0.0"
#: Largest page of stories or search results. A story with full provenance is a few kilobytes; 100 of them
#: keep a response under a megabyte or so. Not tuned.
MAX_PER_PAGE = 100
#: Page size when none is asked for.
DEFAULT_PER_PAGE = 20

_DATE = (
    "ISO 8601: a date-time in UTC (2024-05-01T12:00:00+00:00), or a date (2024-05-01) when the source gives "
    "a day without a time; null when no source gives a date."
)


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Support(_Model):
    """A source sentence that says what the published sentence says."""

    article_id: int
    outlet_id: str
    sentence: str
    score: float = Field(description="Support check score of this source sentence.")


class Edit(_Model):
    before: str
    after: str = Field(description='"" when the words were removed.')
    reason: str


class Sentence(_Model):
    """One published sentence (or headline) with its per-sentence provenance."""

    text: str
    article_ids: list[int]
    outlet_ids: list[str]
    attribution: str | None
    independent_outlets: int
    support_check: float | None
    edits: list[Edit]
    support: list[Support]


class BodySection(_Model):
    heading: str | None
    sentences: list[Sentence]


class Claim(_Model):
    article_id: int
    outlet_id: str
    value: str
    sentence: str


class Disagreement(_Model):
    kind: str = Field(description='"number", "date" or "name".')
    claims: list[Claim]


class StoryDates(_Model):
    known: bool
    first_reported: str | None = Field(description=_DATE)
    first_reported_date_only: bool
    last_updated: str | None = Field(description=_DATE)
    last_updated_date_only: bool
    dated_sources: int
    undated_sources: int


class Verification(_Model):
    checked: int
    unsupported_left_out: int
    quotes_left_out: int
    evaluative_left_out: int
    lowest_support_score: float | None


class StorySource(_Model):
    article_id: int
    outlet_id: str
    outlet_name: str
    title: str
    url: str | None = Field(description="null when the source's address is not an http(s) URL.")
    published: str | None = Field(description=_DATE)
    date_only: bool
    partial: bool
    partial_reason: str | None
    reprint_of: int | None
    language: str | None


class Audio(_Model):
    """The story's narration (copydesk.audio): an MP3 and its transcript."""

    url: str
    type: str
    length: int = Field(description="Bytes of the MP3.")
    duration_s: float
    transcript_url: str
    engine: str
    voice: str


class CorrectionOut(_Model):
    """A published correction, as the story page's correction note says it."""

    corrected_at: str = Field(description="When it was published (ISO 8601, UTC).")
    category: str = Field(
        description="What was wrong: wrong-figure, wrong-name, wrong-date, misattributed-quote, "
        "missing-context or other."
    )
    before: str = Field(description="The sentence as it was published.")
    after: str | None = Field(description="The sentence as it now reads; null: the sentence was removed.")
    note: str = Field(description="The editor's public explanation of what was wrong.")
    revision: int | None = Field(description="The story version the correction made.")


class RevisionSummary(_Model):
    """One published version of the story, in a story object's ``revisions``."""

    n: int = Field(description="The version's number: 1 is the first publication.")
    at: str = Field(description="When it was published (ISO 8601, UTC).")
    reason: str = Field(description='Why the text changed: "coverage", "correction" or "editor".')
    changes: list[str] = Field(description="What changed against the version before, for readers.")


class Revision(RevisionSummary):
    """One published version of a story, in ``/api/v1/stories/<slug>/revisions``."""

    note: str | None = Field(description="A short text of what changed, from whoever changed it.")
    editor: str | None = Field(
        description='"the editors" for a correction or an edit (an editor\'s own name is kept '
        "in the editors' audit log, never published); null for new coverage."
    )
    url: str = Field(description="The page of this version (the story's own page for the current version).")


class RevisionList(_Model):
    id: str
    slug: str
    revisions: list[Revision] = Field(description="Oldest first; the last is the version published now.")


class Story(_Model):
    """One story with full provenance: the object of ``api/story/<slug>.json`` and of ``stories`` in
    ``api/stories.json``."""

    id: str
    slug: str
    url: str
    section: str
    language: str
    published: str | None = Field(description=_DATE)
    updated: str | None = Field(description=_DATE)
    dates: StoryDates
    method: str
    independent_sources: int
    single_source: bool
    outlets: list[str]
    notes: list[str]
    disagreements: list[Disagreement]
    coverage_by_lean: dict[str, int]
    verification: Verification | None
    headline: Sentence
    lede: Sentence
    body: list[BodySection]
    sources: list[StorySource]
    related: list[str]
    follows: str | None
    other_side_coverage: list[str]
    audio: Audio | None = Field(description="null when the story has no narration (audio off, or not made yet).")
    revisions: list[RevisionSummary] = Field(description="Every published version up to this one, oldest first.")
    corrections: list[CorrectionOut] = Field(description="The story's published corrections, oldest first.")


class StoryPage(_Model):
    """A page of stories, newest update first."""

    page: int
    per_page: int
    total: int = Field(description="Stories matching the filters, on all pages.")
    pages: int
    stories: list[Story]


class Rating(_Model):
    value: str
    basis: str | None


class Source(_Model):
    """An outlet: the values of ``outlets`` in ``api/stories.json``, with its ``id``."""

    id: str
    name: str
    homepage: str | None
    country: str
    language: str
    owner: str
    kind: str
    paywall: str
    lean: Rating
    reliability: Rating


class SourceList(_Model):
    sources: list[Source]


class Section(_Model):
    slug: str
    name: str
    url: str


class SectionList(_Model):
    sections: list[Section]


class SearchHit(_Model):
    id: str
    slug: str
    url: str
    section: str
    published: str | None = Field(description=_DATE)
    updated: str | None = Field(description=_DATE)
    headline: str = Field(description="The headline as text.")
    headline_html: str = Field(description="The headline as HTML: escaped, the matched words in <mark>.")
    snippet: str = Field(description="The part of the story's text that matches best, as text.")
    snippet_html: str = Field(description="The snippet as HTML: escaped, the matched words in <mark>.")
    score: float = Field(description="Relevance: higher is better; comparable within one search only.")


class SearchPage(_Model):
    query: str = Field(description="The words and phrases searched, as the search read them.")
    terms: list[str]
    warnings: list[str] = Field(description="What was left out of the query (too long, too many words).")
    page: int
    per_page: int
    total: int
    pages: int
    results: list[SearchHit]


class Error(_Model):
    error: str


class BadParameter(_Model):
    """A parameter out of range or unreadable: ``error`` says which and why, ``detail`` lists each problem."""

    error: str
    detail: list[dict]


Page = Annotated[int, Query(ge=1, le=MAX_PAGE, description=f"Page number, 1 to {MAX_PAGE}.")]
PerPage = Annotated[int, Query(ge=1, le=MAX_PER_PAGE, description=f"Items per page, 1 to {MAX_PER_PAGE}.")]


def _pages(total: int, per_page: int) -> int:
    return max(1, -(-total // per_page))


def install(
    api: FastAPI, get_edition: Callable[[], Edition], search: Callable[[str, int, int], SearchResults] | None = None
) -> None:
    """Add the ``/api/v1`` routes over ``get_edition`` (called once per request) and ``search`` (the store's) to
    the app (as its own routes, so ``app.routes`` lists each with its path)."""
    bad = {422: {"model": BadParameter, "description": "A parameter is out of range or unreadable."}}
    not_found = {404: {"model": Error, "description": "No such story."}}

    @api.get(API_PREFIX + "/stories", response_model=StoryPage, responses=bad, summary="Stories, newest update first")
    def stories(
        page: Page = 1,
        per_page: PerPage = DEFAULT_PER_PAGE,
        section: Annotated[str | None, Query(max_length=200, description="A section slug.")] = None,
        since: Annotated[
            datetime | None,
            Query(
                description="ISO 8601 date-time (UTC when no offset is given): only stories with coverage "
                "at or after it (the story's ordering time, its latest source)."
            ),
        ] = None,
    ):
        edition = get_edition()
        chosen = list(render.visible_stories(edition))
        if section is not None:
            chosen = [es for es in chosen if es.story.section == section]
        if since is not None:
            since = since.replace(tzinfo=timezone.utc) if since.tzinfo is None else since
            chosen = [es for es in chosen if render._utc(es.story.updated) >= since]
        start = (page - 1) * per_page
        return {
            "page": page,
            "per_page": per_page,
            "total": len(chosen),
            "pages": _pages(len(chosen), per_page),
            "stories": [render.story_json(es, edition) for es in chosen[start : start + per_page]],
        }

    @api.get(
        API_PREFIX + "/stories/{slug}",
        response_model=Story,
        responses=not_found,
        summary="One story with its per-sentence provenance",
    )
    def story(slug: str):
        edition = get_edition()
        es = next((e for e in render.visible_stories(edition) if e.story.slug == slug), None)
        if es is None:
            return JSONResponse({"error": "not found"}, status_code=404)
        return render.story_json(es, edition)

    not_found_version = {404: {"model": Error, "description": "No such story, or no such version of it."}}

    @api.get(
        API_PREFIX + "/stories/{slug}/revisions",
        response_model=RevisionList,
        responses=not_found,
        summary="Every published version of a story, with what changed each time",
    )
    def revisions(slug: str):
        edition = get_edition()
        es = next((e for e in render.visible_stories(edition) if e.story.slug == slug), None)
        if es is None:
            return JSONResponse({"error": "not found"}, status_code=404)
        return {"id": es.story.story_id, "slug": es.story.slug, "revisions": render.revisions_json(es, edition)}

    @api.get(
        API_PREFIX + "/stories/{slug}/revisions/{n}",
        response_model=Story,
        responses={**bad, **not_found_version},
        summary="A story as one of its versions published it",
    )
    def revision(slug: str, n: Annotated[int, FPath(ge=1, le=2**31 - 1, description="The version's number.")]):
        edition = get_edition()
        es = next((e for e in render.visible_stories(edition) if e.story.slug == slug), None)
        if es is None or not any(r.n == n for r in es.revisions):
            return JSONResponse({"error": "not found"}, status_code=404)
        return render.story_json(es, edition, version=n)

    @api.get(
        API_PREFIX + "/sources",
        response_model=SourceList,
        summary="The outlets, with their ratings and the basis of each",
    )
    def sources():
        outlets = render.outlets_json(get_edition())
        return {"sources": [{"id": oid, **o} for oid, o in sorted(outlets.items())]}

    @api.get(API_PREFIX + "/sections", response_model=SectionList, summary="The sections")
    def sections():
        return {"sections": render.sections_json(get_edition())}

    @api.get(
        API_PREFIX + "/search",
        response_model=SearchPage,
        summary="Stories containing every word of a query",
        responses={**bad, 503: {"model": Error, "description": "No database to search (or it failed)."}},
    )
    def search_stories(
        q: Annotated[
            str,
            Query(
                description=(
                    f'Words to find, all required; "double quotes" for a phrase. Anything else is ignored; '
                    f"beyond {MAX_QUERY_CHARS} characters the query is cut (and `warnings` says so)."
                )
            ),
        ] = "",
        page: Page = 1,
        per_page: PerPage = 10,
    ):
        if search is None:
            return JSONResponse({"error": "search needs the served site's database"}, status_code=503)
        try:
            results = search(q, page, per_page)
        except (
            SQLAlchemyError,
            CopydeskError,
            OSError,
            ValueError,
        ):  # the database refused the query: 503, the cause in the log
            render.log.exception("search failed", extra={"stage": "web"})
            return JSONResponse({"error": "search failed; try again later"}, status_code=503)
        return render.search_json(get_edition(), results)
