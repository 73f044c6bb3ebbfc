"""Renderers: HTML pages and JSON API, each written from an immutable ``Edition`` (feeds, sitemaps and the
pages' discovery tags: ``copydesk.web.discovery``).

Publishing happens in two phases (house style 6): the pipeline builds an ``Edition``; these functions
only read it. The served site (``web/app.py``) and the static export (``web/export.py``) call exactly
these functions, so the two are byte-for-byte the same.

URL scheme (identical when served and when exported as static files)::

    /                           index.html                    home: top stories grouped by section
    /section/<slug>/            section/<slug>/index.html     one section's stories
    /story/<slug>/              story/<slug>/index.html       one story, every sentence with its sources
    /story/<slug>/v/<n>/        story/<slug>/v/<n>/index.html an earlier version of it (its revision n), noindex
    /about/                     about/index.html              AI disclaimer: how this site is made
    /api/stories.json           api/stories.json              the whole edition, full provenance
    /api/story/<slug>.json      api/story/<slug>.json         one story, full provenance
    /queue/untranslated/        queue/untranslated/index.html  "Not yet in English": those stories, readable
    /api/queue/untranslated.json  api/queue/untranslated.json  stories not yet reported in the site's language
    /feed.xml /rss.xml /feed.json   feed.xml rss.xml feed.json   Atom, RSS 2.0, JSON Feed 1.1 (web/discovery.py)
    /section/<slug>/feed.xml ...    section/<slug>/feed.xml ...  the same feeds for one section
    /sitemap.xml /sitemap-news.xml  sitemap.xml sitemap-news.xml  sitemap and Google News sitemap
    /robots.txt                 robots.txt                    allows everything, names the sitemaps
    /search/?q=..&page=N        search/index.html             search results (served); exported: "needs the served site"
    /api/v1/...                 (served only)                 versioned JSON API and its OpenAPI document (web/api.py)
    /podcast.xml                podcast.xml                   RSS 2.0 podcast: the daily briefings (copydesk.audio)
    /corrections/               corrections/index.html        every published correction (copydesk.corrections)
    /corrections/feed.xml       corrections/feed.xml          the same as an Atom feed (web/discovery.py)
    /report/, /editor/...       (served only)                 report form and editors' pages (corrections/web.py)
    /audio/<name>.mp3           audio/<name>.mp3              a story's or briefing's narration (MP3)
    /audio/<name>.txt           audio/<name>.txt              its transcript (plain text)
    /static/<file>              static/<file>                 CSS
    (any unknown path)          404.html                      not-found page
    /story/<old-slug>/          story/<old-slug>/index.html   301 when served; meta-refresh stub when exported

Links inside pages are relative ("../../story/<slug>/"), so the site works at any path prefix and on
any static host that maps a directory to its ``index.html``. The one exception is the 404 page, which
is served at arbitrary depths: its links start from the path of ``SiteIdentity.base_url`` (e.g. "/").
Canonical links, feed entries and JSON ``url`` fields are absolute, built from ``base_url``.

Dates (see ``copydesk.ingest.dates`` and ``copydesk.write.dates``): a story shows when it was first reported
and last updated as its sources' publication dates give them (``WrittenStory.dates``), a date-only value as a
date ("23 November 2004", ``<time datetime="2004-11-23">``), never as "00:00 UTC", and "date not given by the
sources" when no source gives one; the time we fetched or imported an article is never shown as its date. Each
source in the sources list shows its own date by the same rule. Ordering does need a time for every story:
stories are ordered newest first by ``WrittenStory.updated`` and sources by ``Article.when``, both of which
fall back to when the desk first saw an article whose source gives no date. The feeds must date every
entry: they use the sources' dates when known, else when the desk first saw the story's coverage (which is
when it first published it), and say so in their subtitle; see ``copydesk.web.discovery``.

Safety, in order: (1) stories or sections whose slug is not a plain slug (``[A-Za-z0-9_-]``) are left
out and logged, so no slug can escape the output directory or a URL path; (2) every string reaches the
page through Jinja2 autoescape, which is on for every template, and no template uses ``|safe``; the one
value passed as markup is the story page's JSON-LD (``discovery.article_jsonld``), JSON in which ``<``, ``>``
and ``&`` are ``\\u`` escapes, inside a ``<script type="application/ld+json">`` data block;
(3) every URL that came from a source goes through ``safe_url`` before it may become an ``href`` (a
``javascript:`` or ``data:`` URL is shown as text, never linked); (4) search hits are escaped before their
matched words are wrapped in ``<mark>`` (``marked``: the one place markup is built in Python). No source HTML is
ever let through; the feeds' HTML content is built from escaped text and passes through ``nh3.clean`` as the very
last step.
"""

from __future__ import annotations

import json
import logging
import re
import unicodedata
from collections import Counter
from dataclasses import dataclass
from datetime import date, datetime, timezone
from typing import Any
from urllib.parse import quote, urlencode, urlsplit

from jinja2 import Environment, PackageLoader, StrictUndefined
from markupsafe import Markup, escape

from copydesk.lang.calendar import MONTHS
from copydesk.lang.detect import language_name
from copydesk.lang.edition import queue_title
from copydesk.sources.official import official_label
from copydesk.models import (
    UNRATED,
    Correction,
    Edition,
    EditionStory,
    Narration,
    Outlet,
    Revision,
    SectionConfig,
    SourceLink,
    StoryDates,
    WrittenSentence,
    WrittenStory,
)
from copydesk.store.search import MARK_END, MARK_START, MAX_PAGE, MAX_QUERY_CHARS, SearchResults, clean_query
from copydesk.write.dates import story_dates

__all__ = [
    "env",
    "safe_url",
    "render_home",
    "render_section",
    "render_story",
    "render_story_version",
    "earlier_versions",
    "update_text",
    "revisions_json",
    "render_corrections",
    "story_corrections",
    "correction_text",
    "render_about",
    "render_not_found",
    "render_untranslated",
    "render_redirect",
    "render_search",
    "search_json",
    "marked",
    "search_page_number",
    "render_page",
    "story_json",
    "edition_json",
    "sections_json",
    "outlets_json",
    "dumps_json",
    "untranslated_json",
    "render_feed",
    "render_podcast",
    "audio_files",
    "audio_file",
    "reader_notes",
    "is_safe_slug",
    "story_dates_of",
    "visible_stories",
    "visible_sections",
    "resolve_redirect",
]

log = logging.getLogger(__name__)

#: Stories shown per section on the home page. An editorial choice (a screenful per section), not tuned.
HOME_STORIES_PER_SECTION = 5
#: Stories in the home page's "Reported by several sources" block: the latest backed by two or more independent
#: sources that the sections' blocks do not already show. An editorial choice (one row of cards), not tuned.
HOME_SEVERAL = 4
#: Entries per feed (site or section). Feed readers poll often; 50 covers a busy day without a heavy document.
FEED_ENTRIES = 50
MP3_MIME = "audio/mpeg"
_ITUNES_NS = "http://www.itunes.com/dtds/podcast-1.0.dtd"

_SLUG_RE = re.compile(r"[A-Za-z0-9][A-Za-z0-9_-]{0,199}")
# C0 controls (except tab/newline/CR), DEL and C1 controls, surrogates and non-characters that XML
# forbids; stripped from feed text so lxml accepts hostile titles.
_XML_BAD = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")
_MONTHS = tuple(m.capitalize() for m in MONTHS)
_EPOCH = datetime(1970, 1, 1, tzinfo=timezone.utc)

env = Environment(
    loader=PackageLoader("copydesk.web", "templates"),
    autoescape=True,  # every template, whatever its extension
    undefined=StrictUndefined,
    trim_blocks=True,
    lstrip_blocks=True,
    keep_trailing_newline=True,
)


# --------------------------------------------------------------------------------------------------------
# Small helpers (also registered as Jinja filters)
# --------------------------------------------------------------------------------------------------------


def _invisible(c: str) -> bool:
    """Unicode whitespace (a no-break space, U+2028) and format characters (a zero-width space, a right-to-left
    override that would show a link's address backwards)."""
    return c.isspace() or unicodedata.category(c) == "Cf"


def safe_url(url: str | None) -> str | None:
    """Return ``url`` if it is an absolute http(s) URL with a host, else None.

    Anything else (``javascript:``, ``data:``, ``vbscript:``, protocol-relative ``//host``, relative
    paths, URLs with whitespace, control or invisible format characters that browsers would silently strip or
    that would disguise the address) must not become a link; the caller shows it as text.
    """
    if not isinstance(url, str):
        return None
    url = url.strip()
    if not url or len(url) > 4096:
        return None
    if any(ord(c) <= 0x20 or 0x7F <= ord(c) <= 0x9F or c == "\\" or _invisible(c) for c in url):
        return None
    try:
        parts = urlsplit(url)
        host = parts.hostname
    except ValueError:
        return None
    if parts.scheme.lower() not in ("http", "https") or not host:
        return None
    if not url.lower().startswith(("http://", "https://")):
        return None
    return url


def is_safe_slug(slug: str) -> bool:
    """True when ``slug`` can be used as one URL path segment and one directory name."""
    return isinstance(slug, str) and _SLUG_RE.fullmatch(slug) is not None


def _utc(dt: datetime) -> datetime:
    """Timezone-aware UTC; a naive datetime is taken to be UTC already."""
    return dt.replace(tzinfo=timezone.utc) if dt.tzinfo is None else dt.astimezone(timezone.utc)


def iso(dt: datetime | None) -> str | None:
    """ISO 8601 in UTC, e.g. ``2024-05-01T12:00:00+00:00``; None stays None."""
    return None if dt is None else _utc(dt).isoformat()


def human_time(dt: datetime | None) -> str:
    """Reader-facing time, e.g. ``1 May 2024, 12:00 UTC`` (locale-independent)."""
    if dt is None:
        return "date unknown"
    d = _utc(dt)
    return f"{d.day} {_MONTHS[d.month - 1]} {d.year}, {d:%H:%M} UTC"


def human_date(dt: datetime | None) -> str:
    if dt is None:
        return "date unknown"
    return day_text(_utc(dt).date())


def day_text(d: date) -> str:
    """A day for readers and listeners, e.g. ``1 May 2024``."""
    return f"{d.day} {_MONTHS[d.month - 1]} {d.year}"


#: What a page says where a story's date would be when no source gives one.
UNDATED = "date not given by the sources"
#: What the sources list says of a source that gives no date.
SOURCE_UNDATED = "no date given"
#: The feeds' note on the dates of entries whose sources give none (added to their subtitle).
FEED_DATE_NOTE = (
    "Entry dates are the sources' publication dates; where no source gives a date, the time this "
    "site first published the story."
)


def when_text(dt: datetime | None, date_only: bool = False) -> str:
    """A source date for readers: a date when the source gave no time ("23 November 2004"), else date and
    time ("23 November 2004, 10:30 UTC"); ``UNDATED`` when there is none."""
    if dt is None:
        return UNDATED
    return human_date(dt) if date_only else human_time(dt)


def when_iso(dt: datetime | None, date_only: bool = False) -> str | None:
    """A source date for machines (``<time datetime>``, the JSON API): "2004-11-23" for a date without a time,
    else ISO 8601 date-time in UTC; None when there is none."""
    if dt is None:
        return None
    return _utc(dt).date().isoformat() if date_only else iso(dt)


def story_dates_of(story: WrittenStory) -> StoryDates:
    """The story's dates: as written, or computed from its sources by the same rule when it carries none."""
    return story.dates if story.dates is not None else story_dates(story.sources)


def _updated_differs(d: StoryDates) -> bool:
    return d.last_updated is not None and (
        when_iso(d.last_updated, d.last_updated_date_only) != when_iso(d.first_reported, d.first_reported_date_only)
    )


def sources_phrase(n: int) -> str:
    return f"{n} independent source" if n == 1 else f"{n} independent sources"


def _country(code: str) -> str:
    return "International" if code == "INT" else code


env.filters.update(
    safe_url=safe_url,
    iso=iso,
    human_time=human_time,
    human_date=human_date,
    sources_phrase=sources_phrase,
    when_text=when_text,
    when_iso=when_iso,
)
env.globals.update(undated=UNDATED, source_undated=SOURCE_UNDATED)


# --------------------------------------------------------------------------------------------------------
# Edition lookups
# --------------------------------------------------------------------------------------------------------


#: The last edition `visible_stories` filtered, and its answer: every page, feed and API object asks again for the
#: same (immutable) edition, and the export and /api/v1 ask once per story.
_visible_memo: tuple[Edition | None, tuple[EditionStory, ...]] = (None, ())


def visible_stories(edition: Edition) -> tuple[EditionStory, ...]:
    """The stories that can be published: those with a safe slug. The export logs the others as warnings."""
    global _visible_memo
    memo = _visible_memo
    if memo[0] is edition:
        return memo[1]
    out = []
    seen: set[str] = set()
    for es in edition.stories:
        slug = es.story.slug
        if not is_safe_slug(slug):
            log.debug("unsafe story slug skipped", extra={"stage": "web", "story_id": es.story.story_id})
            continue
        if slug in seen:
            log.debug("duplicate story slug skipped", extra={"stage": "web", "story_id": es.story.story_id})
            continue
        seen.add(slug)
        out.append(es)
    _visible_memo = (edition, tuple(out))
    return _visible_memo[1]


def visible_sections(edition: Edition) -> tuple[SectionConfig, ...]:
    return tuple(s for s in edition.sections if is_safe_slug(s.slug))


def resolve_redirect(edition: Edition, slug: str) -> str | None:
    """The surviving slug an old slug redirects to (following chains), or None."""
    live = {es.story.slug for es in visible_stories(edition)}
    if slug in live:
        return None
    seen = {slug}
    target = edition.redirects.get(slug)
    while target is not None and target not in live and target not in seen:
        seen.add(target)
        target = edition.redirects.get(target)
    return target if target in live else None


def _section_name(edition: Edition, slug: str) -> str:
    for s in edition.sections:
        if s.slug == slug:
            return s.name
    return slug


def _outlet_name(edition: Edition, outlet_id: str, story: WrittenStory | None = None) -> str:
    outlet = edition.outlets.get(outlet_id)
    if outlet is not None:
        return outlet.name
    if story is not None:
        for src in story.sources:
            if src.outlet_id == outlet_id:
                return src.outlet_name
    return outlet_id


def _story_url(edition: Edition, slug: str) -> str:
    return edition.site.base_url.rstrip("/") + "/story/" + quote(slug, safe="") + "/"


def _abs(edition: Edition, path: str) -> str:
    return edition.site.base_url.rstrip("/") + "/" + path


def _base_path(edition: Edition) -> str:
    """Path of the site root from ``base_url`` ("/" or "/news/"), for the 404 page's links."""
    try:
        path = urlsplit(edition.site.base_url).path
    except ValueError:
        path = "/"
    path = "/" + path.strip("/") + "/" if path.strip("/") else "/"
    return quote(path, safe="/-_.~")


# --------------------------------------------------------------------------------------------------------
# View models for the templates (plain values; the templates compute nothing)
# --------------------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _SupportView:
    outlet_name: str
    sentence: str
    article_id: int
    title: str | None
    href: str | None  # safe URL or None
    raw_url: str | None  # shown as text when it is not safe to link


@dataclass(frozen=True, slots=True)
class _SentenceView:
    text: str
    outlets: tuple[str, ...]  # names, in support order, unique
    supports: tuple[_SupportView, ...]
    independent: int = 1  # independent outlets behind the sentence
    index: int | None = None  # its place in the story (0 headline, 1 lede, ...): what a report names


@dataclass(frozen=True, slots=True)
class _ClaimView:
    outlet_name: str
    value: str
    sentence: str
    href: str | None


@dataclass(frozen=True, slots=True)
class _DisagreementView:
    kind: str
    claims: tuple[_ClaimView, ...]


@dataclass(frozen=True, slots=True)
class _SourceView:
    link: SourceLink
    outlet_name: str
    href: str | None
    reprint_of: str | None  # "Outlet: title" of the wire report, when a reprint
    in_language: str | None = None  # "German" when the source is not in the site's language
    official: str | None = None  # "official statement, not independent reporting" for a party's press office


@dataclass(frozen=True, slots=True)
class _CoverageView:
    name: str
    country: str
    lean: str
    reliability: str
    owner: str
    articles: int


def _sentence_view(
    edition: Edition, story: WrittenStory, ws: WrittenSentence, index: int | None = None
) -> _SentenceView:
    by_id = {s.article_id: s for s in story.sources}
    supports = []
    for sup in ws.support:
        link = by_id.get(sup.article_id)
        raw = link.url if link is not None else None
        supports.append(
            _SupportView(
                outlet_name=_outlet_name(edition, sup.outlet_id, story),
                sentence=sup.sentence,
                article_id=sup.article_id,
                title=link.title if link is not None else None,
                href=safe_url(raw),
                raw_url=raw,
            )
        )
    names = tuple(dict.fromkeys(s.outlet_name for s in supports))
    return _SentenceView(
        text=ws.text, outlets=names, supports=tuple(supports), independent=ws.independent_outlets, index=index
    )


def _edit_trail(story: WrittenStory) -> tuple[dict[str, Any], ...]:
    """Every wording change, sentence by sentence: what the source said and what was changed."""
    out = []
    sentences = [story.headline, story.lede] + [s for sec in story.body for s in sec.sentences]
    for ws in sentences:
        if ws.edits:
            out.append(
                dict(
                    published=ws.text,
                    source=ws.support[0].sentence if ws.support else "",
                    changes=tuple(
                        f"“{e.before}” → “{e.after}” ({e.reason})" if e.after else f"“{e.before}” removed ({e.reason})"
                        for e in ws.edits
                    ),
                )
            )
    return tuple(out)


def _verification_text(story: WrittenStory) -> str | None:
    v = story.verification
    if v is None:
        return None

    def n(k: int, one: str, many: str) -> str:
        return f"{k} {one if k == 1 else many}"

    parts = [f"{n(v.checked, 'sentence', 'sentences')} passed the support check against the source articles"]
    if v.unsupported:
        parts.append(f"{n(v.unsupported, 'sentence that did not was', 'sentences that did not were')} left out")
    if v.evaluative_dropped:
        parts.append(
            f"{n(v.evaluative_dropped, 'sentence', 'sentences')} that passed judgement without saying whose "
            f"judgement it was {'was' if v.evaluative_dropped == 1 else 'were'} left out"
        )
    if v.quotes_dropped:
        parts.append(
            f"{n(v.quotes_dropped, 'sentence', 'sentences')} with a quotation that could not be matched word for "
            f"word, or to the speaker its source names, {'was' if v.quotes_dropped == 1 else 'were'} left out"
        )
    return "Checks before publication: " + "; ".join(parts) + "."


def _disagreement_views(edition: Edition, story: WrittenStory) -> tuple[_DisagreementView, ...]:
    by_id = {s.article_id: s for s in story.sources}
    return tuple(
        _DisagreementView(
            kind=d.kind,
            claims=tuple(
                _ClaimView(
                    outlet_name=_outlet_name(edition, c.outlet_id, story),
                    value=c.value,
                    sentence=c.sentence,
                    href=safe_url(by_id[c.article_id].url) if c.article_id in by_id else None,
                )
                for c in d.claims
            ),
        )
        for d in story.disagreements
    )


def _source_views(edition: Edition, story: WrittenStory) -> tuple[_SourceView, ...]:
    by_id = {s.article_id: s for s in story.sources}
    out = []
    for link in story.sources:
        reprint = None
        if link.reprint_of is not None:
            wire = by_id.get(link.reprint_of)
            reprint = (
                f"{_outlet_name(edition, wire.outlet_id, story)}: {wire.title}"
                if wire is not None
                else f"article {link.reprint_of}"
            )
        out.append(
            _SourceView(
                link=link,
                outlet_name=_outlet_name(edition, link.outlet_id, story),
                href=safe_url(link.url),
                reprint_of=reprint,
                in_language=_other_language(edition, link.language),
                official=official_label(edition.outlets.get(link.outlet_id)),
            )
        )
    return tuple(out)


def _rating(outlet: Outlet | None, attr: str) -> str:
    if outlet is None:
        return UNRATED
    return getattr(outlet, attr).value or UNRATED


def _coverage(edition: Edition, story: WrittenStory) -> tuple[_CoverageView, ...]:
    counts = Counter(s.outlet_id for s in story.sources)
    ids = list(dict.fromkeys([*story.outlets, *counts]))
    out = []
    for oid in ids:
        outlet = edition.outlets.get(oid)
        out.append(
            _CoverageView(
                name=_outlet_name(edition, oid, story),
                country=_country(outlet.country) if outlet else "unknown",
                lean=_rating(outlet, "lean"),
                reliability=_rating(outlet, "reliability"),
                owner=outlet.owner if outlet and outlet.owner else "unknown",
                articles=counts.get(oid, 0),
            )
        )
    return tuple(out)


def reader_notes(story: WrittenStory) -> tuple[str, ...]:
    """The notes a story page shows its readers (and its narration reads)."""
    if story.notes:
        return story.notes
    if story.single_source:
        return ("Only one outlet has reported this story.",)
    return ()


def _page(edition: Edition, root: str, canonical: str | None, title: str | None, **extra: Any) -> str:
    """Render one page template with the context every page shares.

    The head's feed links, Open Graph and Twitter tags come from ``copydesk.web.discovery``; a page may pass
    ``description`` and ``story`` (a story page: og:type article, its dates). The footer's edition time is when
    the edition's content last changed (``discovery.edition_modified``), not when the edition was read, so a page
    whose content did not change keeps its bytes (and its ETag) across rebuilds.
    """
    from copydesk.web import discovery

    template = extra.pop("template")
    canonical = safe_url(canonical) if canonical else None
    description = extra.pop("description", None) or edition.site.tagline or edition.site.name
    meta_story = extra.pop("meta_story", None)
    context = dict(
        site=edition.site,
        nav=visible_sections(edition),
        root=root,
        canonical=canonical,
        page_title=title,
        description=description,
        alternates=discovery.alternates(edition, extra.get("current_section")),
        meta=discovery.page_meta(edition, title or edition.site.name, description, canonical, meta_story),
        generated=discovery.edition_modified(edition),
        queue=dict(title=queue_title(edition.site.language), count=len(edition.untranslated)),
        current_section=extra.pop("current_section", None),
        search_query=extra.pop("search_query", ""),
        search_max=MAX_QUERY_CHARS,
        newsletter=extra.pop("newsletter", False),
        noindex=extra.pop("noindex", False),
        **extra,
    )
    return env.get_template(template).render(**context)


def _cards(edition: Edition, stories: tuple[EditionStory, ...]) -> list[dict[str, Any]]:
    return [
        dict(
            slug=quote(es.story.slug, safe=""),
            headline=es.story.headline.text,
            lede=es.story.lede.text,
            dates=story_dates_of(es.story),
            updated_differs=_updated_differs(story_dates_of(es.story)),
            independent=es.story.independent_sources,
            single_source=es.story.single_source,
        )
        for es in stories
    ]


# --------------------------------------------------------------------------------------------------------
# HTML pages
# --------------------------------------------------------------------------------------------------------


def render_page(edition: Edition, root: str, title: str, template: str, **extra: Any) -> str:
    """A page of the served site only (the newsletter's forms): the site's frame around ``template``."""
    return _page(edition, root, None, title, template=template, **extra)


def render_home(edition: Edition, newsletter: bool = False) -> str:
    """The home page; ``newsletter``: show the sign-up box (served site with the newsletter on; never exported)."""
    stories = visible_stories(edition)
    groups = []
    configured = set()
    for sec in visible_sections(edition):
        configured.add(sec.slug)
        in_sec = tuple(es for es in stories if es.story.section == sec.slug)
        if in_sec:
            groups.append(
                dict(
                    name=sec.name,
                    slug=sec.slug,
                    cards=_cards(edition, in_sec[:HOME_STORIES_PER_SECTION]),
                    more=len(in_sec) > HOME_STORIES_PER_SECTION,
                )
            )
    other = tuple(es for es in stories if es.story.section not in configured)
    if other:
        groups.append(dict(name="More news", slug=None, cards=_cards(edition, other), more=False))
    # The stories the copy desk could check against more than one independent source, first: without this block
    # a site whose latest news is single-source (a quiet hour, a demo's last days) would show none of them.
    shown = {card["slug"] for g in groups for card in g["cards"]}
    several = [
        es for es in stories if es.story.independent_sources >= 2 and quote(es.story.slug, safe="") not in shown
    ][:HOME_SEVERAL]
    if several:
        groups.insert(
            0,
            dict(
                name="Reported by several sources",
                slug=None,
                note="Stories backed by two or more independent sources; every sentence shows which.",
                cards=_cards(edition, tuple(several)),
                more=False,
            ),
        )
    return _page(edition, "./", _abs(edition, ""), None, template="home.html", groups=groups, newsletter=newsletter)


def render_section(edition: Edition, slug: str, newsletter: bool = False) -> str | None:
    """The section page, or None when there is no such section."""
    sec = next((s for s in visible_sections(edition) if s.slug == slug), None)
    if sec is None:
        return None
    stories = tuple(es for es in visible_stories(edition) if es.story.section == slug)
    return _page(
        edition,
        "../../",
        _abs(edition, f"section/{quote(slug, safe='')}/"),
        sec.name,
        template="section.html",
        current_section=sec.slug,
        section=sec,
        cards=_cards(edition, stories),
        newsletter=newsletter,
    )


def story_corrections(edition: Edition, story_id: str) -> tuple[Correction, ...]:
    """The story's published corrections, newest first."""
    return tuple(c for c in edition.corrections if c.story_id == story_id)


def correction_text(c: Correction) -> str:
    """A correction as one plain sentence or three (feeds, JSON-LD): when, what was wrong, what is right."""
    now = f"It now reads: \u201c{c.after}\u201d" if c.after is not None else "That sentence has been removed."
    return (
        f"Correction, {human_date(c.corrected_at)}: {c.note} An earlier version of this story said: "
        f"\u201c{c.before}\u201d {now}"
    )


def render_story(edition: Edition, slug: str, newsletter: bool = False, report: bool = False) -> str | None:
    """The story page, or None when there is no such story (check ``resolve_redirect`` next). ``report``: show
    the links to report an inaccuracy (served site with ``corrections.enabled`` only; never exported)."""
    es = _find_story(edition, slug)
    if es is None:
        return None
    return _story_page(edition, es, None, newsletter, report)


def render_story_version(edition: Edition, slug: str, n: int) -> str | None:
    """An earlier version of a story (``/story/<slug>/v/<n>/``), rendered from its stored revision: marked as an
    earlier version with a link to the current one, ``noindex``, its canonical link the current page. None when
    the story or that version does not exist, or when ``n`` is the current version (its page is the story's)."""
    es = _find_story(edition, slug)
    if es is None:
        return None
    rev = next((r for r in earlier_versions(es) if r.n == n), None)
    return None if rev is None else _story_page(edition, es, rev, False)


def earlier_versions(es: EditionStory) -> tuple[Revision, ...]:
    """The story's revisions before the one published now (each has a page of its own), oldest first."""
    return es.revisions[:-1]


def _find_story(edition: Edition, slug: str) -> EditionStory | None:
    return next((e for e in visible_stories(edition) if e.story.slug == slug), None)


def _version_href(root: str, slug: str, n: int | None) -> str:
    base = f"{root}story/{quote(slug, safe='')}/"
    return base if n is None else f"{base}v/{n}/"


def update_text(rev: Revision) -> str:
    """What a revision changed, as the page's update note says it: the correction's own words first for a
    correction, then what else changed ("2 new sources: Reuters, AP; a figure changed: 9 dead -> 12 dead")."""
    changes = list(rev.changes)
    if rev.reason == "correction":
        main = (
            changes.pop(0).removeprefix("a correction").lstrip(": ")
            if changes and changes[0].startswith("a correction")
            else ""
        )
        main = main or (" ".join(rev.note.split()) if rev.note else "")
        rest = "; ".join(changes)
        return f"{main} (also: {rest})" if main and rest else (main or rest)
    return "; ".join(changes)


def _history(es: EditionStory, shown: int | None, root: str) -> list[dict[str, Any]]:
    """The story's versions, newest first, for its "Updates" list: each with its time, what changed, and a link to
    its page (None for the version on this page). ``shown``: the version this page shows (None: the current)."""
    revs = es.revisions
    if len(revs) < 2:
        return []
    current = revs[-1].n
    out = []
    for r in reversed(revs):
        here = r.n == (shown if shown is not None else current)
        label = "First published" if r.n == 1 else "Correction" if r.reason == "correction" else "Updated"
        out.append(
            dict(
                n=r.n,
                at=r.at,
                label=label,
                text="" if r.n == 1 else update_text(r),
                correction=r.reason == "correction",
                current=r.n == current,
                href=None if here else _version_href(root, es.story.slug, None if r.n == current else r.n),
            )
        )
    return out


def _story_page(
    edition: Edition, es: EditionStory, version: Revision | None, newsletter: bool, report: bool = False
) -> str:
    """A story page: the story as published now (``version`` None), or an earlier version of it."""
    from copydesk.web import discovery

    stories = visible_stories(edition)
    slug = es.story.slug
    story = version.written if version is not None else es.story
    shown = EditionStory(story, es.related, es.follows, es.revisions)
    by_id = {e.story.story_id: e for e in stories}
    related = [
        dict(slug=quote(r.story.slug, safe=""), headline=r.story.headline.text, dates=story_dates_of(r.story))
        for rid in es.related
        if (r := by_id.get(rid)) is not None and r is not es
    ]
    other_sides = [
        dict(
            slug=quote(r.story.slug, safe=""),
            headline=r.story.headline.text,
            sides=", ".join(sorted(_rated_sides(r.story) - _rated_sides(story))),
        )
        for r in other_side_coverage(edition, es if version is None else shown)
    ]
    sec = next((s for s in visible_sections(edition) if s.slug == story.section), None)
    body, k = [], 1  # sentence numbers for the report links: 0 the headline, 1 the lede, then the body in order
    for part in story.body:
        views = []
        for ws in part.sentences:
            k += 1
            views.append(_sentence_view(edition, story, ws, k))
        body.append(dict(heading=part.heading, sentences=views))
    root = "../../" if version is None else "../../../../"
    title = story.headline.text if version is None else f"{story.headline.text} (earlier version {version.n})"
    return _page(
        edition,
        root,
        _story_url(edition, slug),  # an earlier version's canonical page is the current one
        title,
        template="story.html",
        description=story.lede.text,
        meta_story=story,
        jsonld=discovery.article_jsonld(edition, es) if version is None else None,
        story=story,
        section=sec,
        headline=_sentence_view(edition, story, story.headline, 0),
        lede=_sentence_view(edition, story, story.lede, 1),
        body=body,
        notes=reader_notes(story),
        disagreements=_disagreement_views(edition, story),
        verification=_verification_text(story),
        edit_trail=_edit_trail(story),
        sources=_source_views(edition, story),
        coverage=_coverage(edition, story),
        related=related,
        earlier=_earlier(by_id.get(es.follows) if es.follows else None),
        other_sides=other_sides,
        dates=story_dates_of(story),
        updated_differs=_updated_differs(story_dates_of(story)),
        lang_differs=story.language != edition.site.language,
        newsletter=newsletter,
        audio=_audio_view(edition.audio.get(story.story_id)) if version is None else None,
        history=_history(es, version.n if version is not None else None, root),
        version=None
        if version is None
        else dict(n=version.n, at=version.at, of=len(es.revisions), current=_version_href(root, slug, None)),
        noindex=version is not None,
        report=report and version is None,
        corrections=story_corrections(edition, story.story_id) if version is None else (),
    )


def render_corrections(edition: Edition) -> str:
    """/corrections/: every correction across the site, newest first (served and exported)."""
    return _page(
        edition,
        "../",
        _abs(edition, "corrections/"),
        "Corrections",
        template="corrections.html",
        description=f"Every correction {edition.site.name} has published, newest first.",
        corrections=[
            dict(c=c, slug=quote(c.slug, safe=""), label=_category_label(c.category))
            for c in edition.corrections
            if is_safe_slug(c.slug)
        ],
    )


def _category_label(category: str) -> str:
    from copydesk.corrections.model import CATEGORIES

    return CATEGORIES.get(category, category)


def duration_text(seconds: float) -> str:
    """ "2 min 5 s", "45 s": for readers."""
    total = max(1, round(seconds))
    m, sec = divmod(total, 60)
    return f"{m} min {sec} s" if m else f"{sec} s"


def duration_iso(seconds: float) -> str:
    """An ISO 8601 duration for ``<time datetime>``: "PT2M5S"."""
    m, sec = divmod(max(1, round(seconds)), 60)
    return f"PT{m}M{sec}S" if m else f"PT{sec}S"


def duration_clock(seconds: float) -> str:
    """itunes:duration: "H:MM:SS"."""
    h, rest = divmod(max(1, round(seconds)), 3600)
    m, sec = divmod(rest, 60)
    return f"{h}:{m:02d}:{sec:02d}"


def _size_text(n: int) -> str:
    return f"{n / 1_000_000:.1f} MB" if n >= 1_000_000 else f"{max(1, round(n / 1000))} kB"


def _audio_view(n: Narration | None) -> dict[str, str] | None:
    if n is None:
        return None
    return dict(
        src=f"audio/{quote(n.audio_file)}",
        transcript=f"audio/{quote(n.transcript_file)}",
        duration_text=duration_text(n.duration_s),
        duration_iso=duration_iso(n.duration_s),
        size_text=_size_text(n.bytes),
        voice=n.engine,
    )


def _earlier(es: EditionStory | None) -> dict | None:
    """The story of the earlier development this one follows (clustering bounds stories in time), for "Earlier:"."""
    if es is None:
        return None
    return dict(slug=quote(es.story.slug, safe=""), headline=es.story.headline.text, updated=es.story.updated)


def _rated_sides(story: WrittenStory) -> set[str]:
    return {side for side, _ in story.coverage_by_lean if side != "unrated"}


def other_side_coverage(edition: Edition, es: EditionStory) -> list[EditionStory]:
    """For a story covered by one rated side only: its related stories that outlets of another side covered,
    so a reader of a one-sided story can find the other sides' reporting of the same subject."""
    own = _rated_sides(es.story)
    if len(own) != 1:
        return []
    by_id = {e.story.story_id: e for e in visible_stories(edition)}
    return [
        r for rid in es.related if (r := by_id.get(rid)) is not None and r is not es and _rated_sides(r.story) - own
    ]


def render_about(edition: Edition) -> str:
    methods = sorted({es.story.method for es in visible_stories(edition)})
    outlets = sorted(edition.outlets.values(), key=lambda o: o.name.lower())
    return _page(
        edition,
        "../",
        _abs(edition, "about/"),
        "How this site is made",
        template="about.html",
        methods=methods,
        outlets=[
            dict(
                name=o.name,
                href=safe_url(o.homepage),
                country=_country(o.country),
                owner=o.owner or "unknown",
                kind=o.kind,
                lean=o.lean,
                reliability=o.reliability,
            )
            for o in outlets
        ],
    )


#: A language tag as BCP 47 shapes it ("de", "pt-BR"); anything else from a source is not put in a lang attribute.
_LANG_TAG = re.compile(r"[A-Za-z]{2,3}(-[A-Za-z0-9]{1,8})*")


def render_untranslated(edition: Edition) -> str:
    """The "not yet in <edition language>" queue for readers: each story no source in the site's language has
    reported, with its sources' outlets, languages and original titles, linked to the original articles."""
    stories = [
        dict(
            languages=", ".join(language_name(code) for code in q.languages),
            dates=q.dates,
            sources=[
                dict(
                    link=link,
                    outlet_name=link.outlet_name,
                    href=safe_url(link.url),
                    language=language_name(link.language),
                    lang=link.language if link.language and _LANG_TAG.fullmatch(link.language) else None,
                )
                for link in q.sources
            ],
        )
        for q in edition.untranslated
    ]
    return _page(
        edition,
        "../../",
        _abs(edition, "queue/untranslated/"),
        queue_title(edition.site.language),
        template="untranslated.html",
        language=language_name(edition.site.language),
        stories=stories,
    )


# --------------------------------------------------------------------------------------------------------
# Search (results come from the store: see ``copydesk.store.search``)
# --------------------------------------------------------------------------------------------------------

#: Results per page of the search page. An editorial choice (a screenful of headlines and snippets), not tuned.
SEARCH_PER_PAGE = 10
#: What the search page says where no database answers queries: the static export, or a server without one.
SEARCH_UNAVAILABLE = (
    "Search needs the served site: this copy of the site is a set of static files, which cannot run a query."
)
#: What the search page says when the database failed to answer (the error is logged).
SEARCH_FAILED = "Search is not working at the moment. Please try again later."


def marked(s: str) -> Markup:
    """A hit's text for HTML: escaped first, then each ``MARK_START``...``MARK_END`` span made a ``<mark>``
    (an unpaired marker is dropped, so the result is always balanced)."""
    out, inside = [], False
    for part in re.split(f"([{MARK_START}{MARK_END}])", s):
        if part == MARK_START:
            if not inside:
                out.append("<mark>")
            inside = True
        elif part == MARK_END:
            if inside:
                out.append("</mark>")
            inside = False
        elif part:
            out.append(str(escape(part)))
    if inside:
        out.append("</mark>")
    return Markup("".join(out))  # noqa: S704 (every part is escaped above; only <mark> tags are added)


def plain(s: str) -> str:
    """A hit's text without its markers."""
    return s.replace(MARK_START, "").replace(MARK_END, "")


def search_page_number(value: str | None) -> int:
    """The page asked for in a search URL; anything that is not a page number from 1 reads as 1, beyond
    ``MAX_PAGE`` as ``MAX_PAGE``."""
    try:
        n = int(str(value).strip()) if value is not None and len(str(value)) <= 12 else 1
    except ValueError:
        return 1
    return min(max(n, 1), MAX_PAGE)


def _search_href(query: str, page: int) -> str:
    return "./?" + urlencode({"q": query, "page": page} if page > 1 else {"q": query})


def render_search(
    edition: Edition,
    query: str = "",
    results: SearchResults | None = None,
    available: bool = True,
    failed: bool = False,
) -> str:
    """The search page: the form, and ``results`` when given. ``available=False`` (the static export, a server
    without a database) says that search needs the served site; ``failed`` that the database did not answer."""
    query = clean_query(query)
    by_id = {es.story.story_id: es.story for es in visible_stories(edition)}
    sections = {s.slug: s.name for s in edition.sections}
    hits = []
    if results is not None:
        for h in results.hits:
            story = by_id.get(h.story_id)
            hits.append(
                dict(
                    href=f"../story/{quote(h.slug, safe='')}/" if is_safe_slug(h.slug) else None,
                    headline=marked(h.headline),
                    snippet=marked(h.snippet),
                    section=sections.get(h.section, h.section),
                    dates=story_dates_of(story) if story is not None else None,
                )
            )
    pages = results.pages if results is not None else 1
    page = results.page if results is not None else 1
    return _page(
        edition,
        "../",
        None,
        f"Search: {query}" if query else "Search",
        template="search.html",
        search_query=query,
        query=query,
        results=results,
        hits=hits,
        first=(page - 1) * SEARCH_PER_PAGE + 1,
        first_page=_search_href(query, 1),
        prev_page=_search_href(query, page - 1) if results is not None and 1 < page <= pages + 1 else None,
        next_page=_search_href(query, page + 1) if results is not None and page < pages else None,
        available=available and not failed,
        unavailable=SEARCH_FAILED if failed else SEARCH_UNAVAILABLE,
    )


def search_json(edition: Edition, results: SearchResults) -> dict[str, Any]:
    """Search results for the API: each hit with the story's own field names (``id``, ``slug``, ``url``,
    ``section``, ``published``, ``updated`` as in ``story_json``), its headline and snippet as text and as HTML
    (escaped, matched words in ``<mark>``), and its score (higher is better, comparable within one search)."""
    by_id = {es.story.story_id: es.story for es in visible_stories(edition)}
    out = []
    for h in results.hits:
        story = by_id.get(h.story_id)
        dates = story_dates_of(story) if story is not None else None
        out.append(
            {
                "id": h.story_id,
                "slug": h.slug,
                "url": _story_url(edition, h.slug),
                "section": h.section,
                "published": when_iso(dates.first_reported, dates.first_reported_date_only) if dates else None,
                "updated": when_iso(dates.last_updated, dates.last_updated_date_only) if dates else None,
                "headline": plain(h.headline),
                "headline_html": str(marked(h.headline)),
                "snippet": plain(h.snippet),
                "snippet_html": str(marked(h.snippet)),
                "score": h.score,
            }
        )
    return {
        "query": results.query,
        "terms": list(results.terms),
        "warnings": list(results.warnings),
        "page": results.page,
        "per_page": results.per_page,
        "total": results.total,
        "pages": results.pages,
        "results": out,
    }


def render_not_found(edition: Edition) -> str:
    return _page(edition, _base_path(edition), None, "Page not found", template="404.html")


def render_redirect(edition: Edition, old_slug: str) -> str | None:
    """A static stub for ``story/<old_slug>/`` pointing at the surviving story, or None."""
    target = resolve_redirect(edition, old_slug)
    if target is None or not is_safe_slug(old_slug):
        return None
    return env.get_template("redirect.html").render(
        site=edition.site,
        target=f"../{quote(target, safe='')}/",
        canonical=safe_url(_story_url(edition, target)),
    )


# --------------------------------------------------------------------------------------------------------
# JSON API
# --------------------------------------------------------------------------------------------------------


def _sentence_json(ws: WrittenSentence) -> dict[str, Any]:
    return {
        "text": ws.text,
        "article_ids": list(ws.article_ids),
        "outlet_ids": list(dict.fromkeys(s.outlet_id for s in ws.support)),
        "attribution": ws.attribution,
        "independent_outlets": ws.independent_outlets,
        "support_check": ws.check,
        "edits": [{"before": e.before, "after": e.after, "reason": e.reason} for e in ws.edits],
        "support": [
            {"article_id": s.article_id, "outlet_id": s.outlet_id, "sentence": s.sentence, "score": s.score}
            for s in ws.support
        ],
    }


def story_json(story: WrittenStory | EditionStory, edition: Edition, version: int | None = None) -> dict[str, Any]:
    """One story with full provenance. A source ``url`` that is not http(s) is given as null. ``version``: the
    story as its revision ``version`` published it (its ``revisions`` list ending there, no narration)."""
    if not isinstance(story, EditionStory):
        found = next((es for es in edition.stories if es.story.story_id == story.story_id), None)
        story = found if found is not None else EditionStory(story)
    related_ids, follows, revisions = story.related, story.follows, story.revisions
    narrated = True
    if version is not None and revisions and version != revisions[-1].n:
        rev = next((r for r in revisions if r.n == version), None)
        if rev is None:
            raise KeyError(version)
        story, revisions, narrated = rev.written, tuple(r for r in revisions if r.n <= version), False
    else:
        story = story.story
    by_id = {es.story.story_id: es.story for es in visible_stories(edition)}
    dates = story_dates_of(story)
    return {
        "id": story.story_id,
        "slug": story.slug,
        "url": _story_url(edition, story.slug),
        "section": story.section,
        "language": story.language,
        "published": when_iso(dates.first_reported, dates.first_reported_date_only),
        "updated": when_iso(dates.last_updated, dates.last_updated_date_only),
        "dates": {
            "known": dates.known,
            "first_reported": when_iso(dates.first_reported, dates.first_reported_date_only),
            "first_reported_date_only": dates.first_reported_date_only,
            "last_updated": when_iso(dates.last_updated, dates.last_updated_date_only),
            "last_updated_date_only": dates.last_updated_date_only,
            "dated_sources": dates.dated_sources,
            "undated_sources": dates.undated_sources,
        },
        "method": story.method,
        "independent_sources": story.independent_sources,
        "single_source": story.single_source,
        "outlets": list(story.outlets),
        "notes": list(story.notes),
        "disagreements": [
            {
                "kind": d.kind,
                "claims": [
                    {"article_id": c.article_id, "outlet_id": c.outlet_id, "value": c.value, "sentence": c.sentence}
                    for c in d.claims
                ],
            }
            for d in story.disagreements
        ],
        "coverage_by_lean": dict(story.coverage_by_lean),
        "verification": (
            {
                "checked": v.checked,
                "unsupported_left_out": v.unsupported,
                "quotes_left_out": v.quotes_dropped,
                "evaluative_left_out": v.evaluative_dropped,
                "lowest_support_score": v.lowest_score,
            }
            if (v := story.verification)
            else None
        ),
        "headline": _sentence_json(story.headline),
        "lede": _sentence_json(story.lede),
        "body": [
            {"heading": sec.heading, "sentences": [_sentence_json(s) for s in sec.sentences]} for sec in story.body
        ],
        "sources": [
            {
                "article_id": s.article_id,
                "outlet_id": s.outlet_id,
                "outlet_name": s.outlet_name,
                "title": s.title,
                "url": safe_url(s.url),
                "published": when_iso(s.published, s.date_only),
                "date_only": s.date_only,
                "partial": s.partial,
                "partial_reason": s.partial_reason,
                "reprint_of": s.reprint_of,
                "language": s.language,
            }
            for s in story.sources
        ],
        "related": [by_id[r].slug for r in related_ids if r in by_id],
        "follows": by_id[follows].slug if follows in by_id else None,  # the earlier development's story
        "other_side_coverage": [e.story.slug for e in other_side_coverage(edition, EditionStory(story, related_ids))],
        "audio": _audio_json(edition, edition.audio.get(story.story_id)) if narrated else None,
        "revisions": [{"n": r.n, "at": iso(r.at), "reason": r.reason, "changes": list(r.changes)} for r in revisions],
        "corrections": _corrections_json(edition, story.story_id, revisions[-1].n if revisions else None),
    }


def _corrections_json(edition: Edition, story_id: str, upto: int | None) -> list[dict[str, Any]]:
    """The story's published corrections, oldest first (those made by version ``upto`` or before, when given):
    what the page's correction notes say."""
    out = [
        c
        for c in edition.corrections
        if c.story_id == story_id and (upto is None or c.revision is None or c.revision <= upto)
    ]
    return [
        {
            "corrected_at": iso(c.corrected_at),
            "category": c.category,
            "before": c.before,
            "after": c.after,
            "note": c.note,
            "revision": c.revision,
        }
        for c in sorted(out, key=lambda c: (c.corrected_at, c.id))
    ]


#: Who changed a story, as public output names them: the role, never an editor's sign-in name (that stays in the
#: editors' audit log, which only signed-in editors read).
PUBLIC_EDITOR = "the editors"


def revisions_json(es: EditionStory, edition: Edition) -> list[dict[str, Any]]:
    """Every published version of a story, oldest first: ``{n, at, reason, note, changes, editor, url}``, ``url``
    the version's page (the story's own page for the current version); ``editor`` is ``PUBLIC_EDITOR`` for a
    version an editor made, None for new coverage."""
    current = es.revisions[-1].n if es.revisions else None
    base = _story_url(edition, es.story.slug)
    return [
        {
            "n": r.n,
            "at": iso(r.at),
            "reason": r.reason,
            "note": r.note,
            "changes": list(r.changes),
            "editor": PUBLIC_EDITOR if r.editor else None,
            "url": base if r.n == current else f"{base}v/{r.n}/",
        }
        for r in es.revisions
    ]


def _audio_json(edition: Edition, n: Narration | None) -> dict[str, Any] | None:
    if n is None:
        return None
    return {
        "url": _abs(edition, f"audio/{quote(n.audio_file)}"),
        "type": MP3_MIME,
        "length": n.bytes,
        "duration_s": n.duration_s,
        "transcript_url": _abs(edition, f"audio/{quote(n.transcript_file)}"),
        "engine": n.engine,
        "voice": n.voice,
    }


def _rating_json(r: Any) -> dict[str, Any]:
    return {"value": r.value, "basis": r.basis}


def sections_json(edition: Edition) -> list[dict[str, Any]]:
    return [
        {"slug": s.slug, "name": s.name, "url": _abs(edition, f"section/{s.slug}/")} for s in visible_sections(edition)
    ]


def outlets_json(edition: Edition) -> dict[str, dict[str, Any]]:
    """Outlet id -> the outlet with its ratings and the basis of each."""
    return {
        oid: {
            "name": o.name,
            "homepage": safe_url(o.homepage),
            "country": o.country,
            "language": o.language,
            "owner": o.owner,
            "kind": o.kind,
            "paywall": o.paywall,
            "lean": _rating_json(o.lean),
            "reliability": _rating_json(o.reliability),
        }
        for oid, o in edition.outlets.items()
    }


def edition_json(edition: Edition) -> dict[str, Any]:
    """The whole edition: site, sections, outlets (with rating bases), every story with provenance."""
    site = edition.site
    return {
        "site": {"name": site.name, "tagline": site.tagline, "base_url": site.base_url, "language": site.language},
        "generated": iso(edition.generated),
        "sections": sections_json(edition),
        "outlets": outlets_json(edition),
        "stories": [story_json(es, edition) for es in visible_stories(edition)],
        "redirects": {old: t for old in edition.redirects if (t := resolve_redirect(edition, old)) is not None},
        "untranslated": untranslated_json(edition),
    }


def _other_language(edition: Edition, code: str | None) -> str | None:
    """The language's name when a source is known to be in another language than the site's."""
    return language_name(code) if code and code != edition.site.language else None


def untranslated_json(edition: Edition) -> dict[str, Any]:
    """The queue of stories that only sources in other languages have reported: not published as pages."""
    return {
        "title": queue_title(edition.site.language),
        "language": edition.site.language,
        "stories": [
            {
                "id": q.story_id,
                "slug": q.slug,
                "languages": list(q.languages),
                "first_reported": when_iso(q.dates.first_reported, q.dates.first_reported_date_only),
                "last_updated": when_iso(q.dates.last_updated, q.dates.last_updated_date_only),
                "sources": [
                    {
                        "article_id": s.article_id,
                        "outlet_id": s.outlet_id,
                        "outlet_name": s.outlet_name,
                        "title": s.title,
                        "url": safe_url(s.url),
                        "published": when_iso(s.published, s.date_only),
                        "language": s.language,
                    }
                    for s in q.sources
                ],
            }
            for q in edition.untranslated
        ],
    }


def dumps_json(obj: Any) -> bytes:
    """The one JSON serialisation used by the app and the export (so both give the same bytes)."""
    return (json.dumps(obj, ensure_ascii=False, indent=1, sort_keys=False) + "\n").encode("utf-8")


# --------------------------------------------------------------------------------------------------------
# Feeds (written by copydesk.web.discovery)
# --------------------------------------------------------------------------------------------------------


def _xml_text(s: str) -> str:
    return _XML_BAD.sub("", s)


def render_feed(edition: Edition) -> bytes:
    """The site's Atom feed (``/feed.xml``): ``copydesk.web.discovery.render_atom``, which also writes the RSS and
    JSON Feed versions and the section feeds."""
    from copydesk.web import discovery

    return discovery.render_atom(edition)


# --------------------------------------------------------------------------------------------------------
# Audio: the narrations' files and the podcast feed of daily briefings
# --------------------------------------------------------------------------------------------------------


def audio_files(edition: Edition) -> dict[str, tuple[str, str]]:
    """Every narration file the edition publishes: file name -> (path on disk, media type). Only these names are
    served under /audio/ and exported under audio/ (the names are made by copydesk.audio from safe slugs)."""
    if edition.audio_dir is None:
        return {}
    out: dict[str, tuple[str, str]] = {}
    live = {es.story.story_id for es in visible_stories(edition)}
    narrations = [n for sid, n in edition.audio.items() if sid in live] + [b.narration for b in edition.briefings]
    for n in narrations:
        if is_safe_slug(n.name):
            out[n.audio_file] = (str(edition.audio_dir / n.audio_file), MP3_MIME)
            out[n.transcript_file] = (str(edition.audio_dir / n.transcript_file), "text/plain; charset=utf-8")
    return out


def audio_file(edition: Edition, name: str) -> tuple[str, str] | None:
    """(path, media type) of one published narration file, or None."""
    return audio_files(edition).get(name)


def _briefing_guid(edition: Edition, b: Any) -> str:
    """Stable across rebuilds: the day and a hash of what is read (not the run, not the engine version)."""
    return _abs(edition, f"podcast.xml#briefing-{b.day.isoformat()}-{b.narration.text_sha[:16]}")


def render_podcast(edition: Edition) -> bytes:
    """RSS 2.0 with the iTunes podcast tags: one episode per daily briefing (copydesk.audio.publish), newest
    first, each with its MP3 enclosure (URL, length in bytes, type), duration and a GUID that stays the same
    while the briefing's text does."""
    from feedgen.feed import FeedGenerator
    from lxml import etree

    site = edition.site
    fg = FeedGenerator()
    fg.load_extension("podcast")
    title = f"{_xml_text(site.name)}: daily briefing"
    fg.title(title)
    fg.link(href=_abs(edition, ""), rel="alternate")
    fg.link(href=_abs(edition, "podcast.xml"), rel="self", type="application/rss+xml")
    fg.description(
        f"The day's top stories of {_xml_text(site.name)}, read by a synthetic voice. Written by "
        "software from other outlets' reports; every sentence is on the site with its sources."
        + ("" if edition.briefings else " Audio is off: no briefing has been narrated.")
    )
    fg.language(site.language)
    fg.generator("copydesk")
    fg.podcast.itunes_author(_xml_text(site.name))
    fg.podcast.itunes_category("News")
    fg.podcast.itunes_explicit("no")  # rewritten as "false" below (feedgen 1.0 knows only yes/no/clean)
    newest = max((b.published for b in edition.briefings), default=None)
    fg.lastBuildDate(newest or _EPOCH)
    by_id = {es.story.story_id: es.story for es in visible_stories(edition)}
    for b in edition.briefings:
        n = b.narration
        fe = fg.add_entry(order="append")
        fe.title(f"Daily briefing, {human_date(datetime(b.day.year, b.day.month, b.day.day))}")
        fe.link(href=_abs(edition, ""))
        heads = [by_id[i].headline.text for i in b.story_ids if i in by_id]
        fe.description(_xml_text(" · ".join(heads)) or title)
        fe.guid(_briefing_guid(edition, b), permalink=False)
        fe.pubDate(_utc(b.published))
        fe.enclosure(_abs(edition, f"audio/{quote(n.audio_file)}"), str(n.bytes), MP3_MIME)
        fe.podcast.itunes_duration(duration_clock(n.duration_s))
    root = etree.fromstring(fg.rss_str(pretty=False))
    for el in root.iter(f"{{{_ITUNES_NS}}}explicit"):
        el.text = "false"  # Apple's podcast spec: true or false
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)
