"""Feeds and discovery, rendered from an ``Edition`` like every page: RSS 2.0, Atom 1.0 and JSON Feed 1.1 (for the
site and for each section), sitemap.xml, a Google News sitemap, robots.txt, and the story page's NewsArticle
JSON-LD, Open Graph and Twitter card tags.

Files (the same when served and when exported; see the URL scheme in ``copydesk.web.render``)::

    feed.xml  rss.xml  feed.json                        the whole site: Atom, RSS, JSON Feed
    section/<slug>/feed.xml  .../rss.xml  .../feed.json  one section
    sitemap.xml  sitemap-news.xml  robots.txt

Identity and dates, so that a feed reader sees an entry change only when its content did:

- An entry's id (Atom ``id``, RSS ``guid``, JSON Feed ``id``) is the story's canonical URL, built from
  ``site.base_url`` and the story's slug, which derives from its first article and never changes.
- An entry is published when its sources first reported it and updated at the latest of: its sources' latest
  date, and ``WrittenStory.revised`` (when the store last saw the published text change: a rewrite to the same
  text does not move it). Where no source gives a date, the time this site first saw the coverage stands in
  (``render.FEED_DATE_NOTE``). No run or request time enters a feed: a feed's own ``updated``
  (``lastBuildDate``) is its newest entry's, so rebuilding an unchanged edition gives the same bytes.

Safety: text from sources reaches XML through lxml (via feedgen), which escapes it, after the characters XML
forbids are removed; an entry's HTML content is built from escaped text and then passed through ``nh3.clean`` as
the very last step (house style 4); JSON-LD is JSON whose ``<``, ``>`` and ``&`` are written as ``\\u003c``,
``\\u003e`` and ``\\u0026``, so no source text can close the ``<script type="application/ld+json">`` element it
sits in. That element is data, never executed, so it needs no ``script-src`` exception in the site's
Content-Security-Policy (``default-src 'self'``): browsers apply script-src only to script types they run.
"""

from __future__ import annotations

import html
import json
import logging
from datetime import datetime, timedelta
from typing import Any
from urllib.parse import quote

import nh3
from feedgen.feed import FeedGenerator
from lxml import etree
from markupsafe import Markup

from copydesk.models import Edition, EditionStory, SectionConfig, WrittenStory
from copydesk.web import render

__all__ = [
    "FEED_FORMATS",
    "entry_dates",
    "page_dates",
    "feed_stories",
    "feed_updated",
    "edition_modified",
    "render_feed_format",
    "render_atom",
    "render_rss",
    "render_json_feed",
    "render_sitemap",
    "render_news_sitemap",
    "render_robots",
    "article_jsonld",
    "render_corrections_feed",
    "corrections_modified",
    "page_meta",
    "alternates",
]

log = logging.getLogger(__name__)

#: The feed files of the site and of each section: file name -> (format, media type, name shown to readers).
FEED_FORMATS: dict[str, tuple[str, str, str]] = {
    "feed.xml": ("atom", "application/atom+xml", "Atom"),
    "rss.xml": ("rss", "application/rss+xml", "RSS"),
    "feed.json": ("json", "application/feed+json", "JSON Feed"),
}
JSON_FEED_VERSION = "https://jsonfeed.org/version/1.1"
SITEMAP_NS = "http://www.sitemaps.org/schemas/sitemap/0.9"
NEWS_NS = "http://www.google.com/schemas/sitemap-news/0.9"
#: Google News sitemaps list "articles published in the last two days" (Google's sitemap documentation).
NEWS_SITEMAP_WINDOW = timedelta(days=2)
#: Google News sitemaps hold at most 1,000 URLs; a sitemap file at most 50,000 (the sitemaps.org protocol).
NEWS_SITEMAP_MAX_URLS = 1000
SITEMAP_MAX_URLS = 50_000


# --------------------------------------------------------------------------------------------------------
# Entries and their dates
# --------------------------------------------------------------------------------------------------------


def entry_dates(story: WrittenStory, revised: bool = True) -> tuple[datetime, datetime]:
    """(published, updated) of a story's feed entry; see the module docstring. ``updated >= published``.
    ``revised=False``: by the sources' dates alone, not moved by a rewrite on this site (the newsletter's day)."""
    d = render.story_dates_of(story)
    published = render._utc(d.first_reported) if d.first_reported else render._utc(story.published)
    updated = render._utc(d.last_updated) if d.last_updated else render._utc(story.updated)
    if revised and story.revised is not None:
        updated = max(updated, render._utc(story.revised))
    return published, max(published, updated)


def page_dates(story: WrittenStory) -> tuple[str | None, str | None]:
    """(published, modified) for the story page's machine-readable dates (JSON-LD, Open Graph): the dates the page
    shows, first reported and last updated by the sources, a date-only one as a date ("2004-11-23"), none when no
    source gives one. Never the time an article was fetched or the text written (feeds, which must date every
    entry, use ``entry_dates``)."""
    d = render.story_dates_of(story)
    return (
        render.when_iso(d.first_reported, d.first_reported_date_only),
        render.when_iso(d.last_updated, d.last_updated_date_only),
    )


def _section(edition: Edition, slug: str | None) -> SectionConfig | None:
    return next((s for s in render.visible_sections(edition) if s.slug == slug), None)


def feed_stories(edition: Edition, section: str | None = None) -> tuple[EditionStory, ...]:
    """The feed's entries: the latest ``render.FEED_ENTRIES`` stories (of one section, or all), newest update
    first (ties by slug, so the order never depends on anything but the stories)."""
    stories = [es for es in render.visible_stories(edition) if section is None or es.story.section == section]
    stories.sort(key=lambda es: (entry_dates(es.story)[1], es.story.slug), reverse=True)
    return tuple(stories[: render.FEED_ENTRIES])


def feed_updated(stories: tuple[EditionStory, ...]) -> datetime:
    """A feed's own updated time: its newest entry's (the epoch for an empty feed, so that it never moves)."""
    return max((entry_dates(es.story)[1] for es in stories), default=render._EPOCH)


def edition_modified(edition: Edition) -> datetime | None:
    """When the edition's content last changed: its newest story's entry update; None with no story."""
    return max((entry_dates(es.story)[1] for es in render.visible_stories(edition)), default=None)


def _feed_paths(edition: Edition, section: SectionConfig | None) -> tuple[str, str, str]:
    """(title, page URL, folder of the feed files) for the site or a section."""
    name = render._xml_text(edition.site.name)
    if section is None:
        return name, render._abs(edition, ""), render._abs(edition, "")
    folder = render._abs(edition, f"section/{quote(section.slug, safe='')}/")
    return f"{name}: {render._xml_text(section.name)}", folder, folder


def _entry_html(edition: Edition, story: WrittenStory) -> str:
    """The story as HTML for a feed entry's content: lede, body with subheadings, and the sources, each
    linked when its URL is safe. Built from escaped text; ``nh3.clean`` is the last step."""
    e = html.escape
    parts = [f"<p>{e(story.lede.text)}</p>"]
    for sec in story.body:
        if sec.heading:
            parts.append(f"<h2>{e(sec.heading)}</h2>")
        parts.extend(f"<p>{e(s.text)}</p>" for s in sec.sentences)
    sources = []
    for link in story.sources:
        name = e(render._outlet_name(edition, link.outlet_id, story))
        url = render.safe_url(link.url)
        title = e(link.title)
        sources.append(f'<li>{name}: <a href="{e(url)}">{title}</a></li>' if url else f"<li>{name}: {title}</li>")
    if sources:
        parts.append("<h2>Sources</h2><ul>" + "".join(sources) + "</ul>")
    page = e(render._story_url(edition, story.slug))
    parts.append(
        f"<p>Written by software from the sources above; every sentence with its sources: "
        f'<a href="{page}">{page}</a></p>'
    )
    return nh3.clean(render._xml_text("".join(parts)))


def _fill_feed(
    fg: FeedGenerator,
    edition: Edition,
    section: SectionConfig | None,
    self_href: str,
    self_type: str,
    stories: tuple[EditionStory, ...],
) -> None:
    site = edition.site
    title, page, _ = _feed_paths(edition, section)
    fg.id(page)
    fg.title(title)
    fg.subtitle(f"{render._xml_text(site.tagline) or render._xml_text(site.name)}. {render.FEED_DATE_NOTE}")
    fg.author({"name": render._xml_text(site.name)})
    fg.link(href=self_href, rel="self", type=self_type)
    fg.link(href=page, rel="alternate", type="text/html")  # last: feedgen makes the last link RSS's <link>
    fg.language(site.language)
    fg.updated(feed_updated(stories))  # also RSS lastBuildDate; feedgen's default is the time of the call
    for es in stories:
        s = es.story
        url = render._story_url(edition, s.slug)
        fe = fg.add_entry(order="append")
        fe.id(url)
        fe.guid(url, permalink=True)
        # A headline of XML-forbidden characters only would leave the required title empty (feedgen refuses it).
        fe.title(render._xml_text(s.headline.text) or "(no headline)")
        fe.link(href=url, rel="alternate", type="text/html")
        fe.summary(render._xml_text(s.lede.text))
        fe.content(_entry_html(edition, s), type="html")
        published, updated = entry_dates(s)
        fe.published(published)
        fe.updated(updated)
        fe.category(term=s.section, label=render._xml_text(render._section_name(edition, s.section)))


def render_atom(edition: Edition, section: str | None = None) -> bytes | None:
    """Atom 1.0 feed of the site (``section=None``) or of one section (None when there is no such section)."""
    sec = _section(edition, section)
    if section is not None and sec is None:
        return None
    stories = feed_stories(edition, section)
    fg = FeedGenerator()
    _fill_feed(fg, edition, sec, _feed_paths(edition, sec)[2] + "feed.xml", "application/atom+xml", stories)
    return fg.atom_str(pretty=True)


def render_rss(edition: Edition, section: str | None = None) -> bytes | None:
    """RSS 2.0 feed of the site or of one section (None when there is no such section)."""
    sec = _section(edition, section)
    if section is not None and sec is None:
        return None
    stories = feed_stories(edition, section)
    fg = FeedGenerator()
    _fill_feed(fg, edition, sec, _feed_paths(edition, sec)[2] + "rss.xml", "application/rss+xml", stories)
    return fg.rss_str(pretty=True)  # an item's pubDate is its entry's published date (RSS has only the one)


def render_json_feed(edition: Edition, section: str | None = None) -> bytes | None:
    """JSON Feed 1.1 (https://jsonfeed.org/version/1.1) of the site or of one section (None: no such section).
    feedgen does not write JSON Feed; the document is small enough to write here."""
    sec = _section(edition, section)
    if section is not None and sec is None:
        return None
    site = edition.site
    stories = feed_stories(edition, section)
    title, page, folder = _feed_paths(edition, sec)
    items = []
    for es in stories:
        s = es.story
        url = render._story_url(edition, s.slug)
        published, updated = entry_dates(s)
        items.append(
            {
                "id": url,
                "url": url,
                "title": s.headline.text,
                "summary": s.lede.text,
                "content_html": _entry_html(edition, s),
                "date_published": render.iso(published),
                "date_modified": render.iso(updated),
                "tags": [render._section_name(edition, s.section)],
                "language": s.language,
            }
        )
    feed = {
        "version": JSON_FEED_VERSION,
        "title": title,
        "home_page_url": page,
        "feed_url": folder + "feed.json",
        "description": f"{site.tagline or site.name}. {render.FEED_DATE_NOTE}",
        "authors": [{"name": site.name, "url": render._abs(edition, "")}],
        "language": site.language,
        "items": items,
    }
    return render.dumps_json(feed)


def render_feed_format(edition: Edition, filename: str, section: str | None = None) -> bytes | None:
    """The feed file ``filename`` (a key of ``FEED_FORMATS``) of the site or a section, or None."""
    kind = FEED_FORMATS[filename][0]
    fn = {"atom": render_atom, "rss": render_rss, "json": render_json_feed}[kind]
    return fn(edition, section)


def corrections_modified(edition: Edition) -> datetime | None:
    """When the corrections log last changed: its newest correction (None with none)."""
    return max((c.corrected_at for c in edition.corrections), default=None)


def render_corrections_feed(edition: Edition) -> bytes:
    """corrections/feed.xml: every correction across the site (Atom 1.0), newest first. An entry's id is its place
    on the corrections page; its dates are the correction's, so rebuilding never changes the bytes."""
    site = edition.site
    page = render._abs(edition, "corrections/")
    fg = FeedGenerator()
    fg.id(page)
    fg.title(f"{render._xml_text(site.name)}: corrections")
    fg.subtitle(f"Every correction {render._xml_text(site.name)} has published, newest first.")
    fg.author({"name": render._xml_text(site.name)})
    fg.link(href=page + "feed.xml", rel="self", type="application/atom+xml")
    fg.link(href=page, rel="alternate", type="text/html")
    fg.language(site.language)
    fg.updated(corrections_modified(edition) or render._EPOCH)
    for c in edition.corrections:
        if not render.is_safe_slug(c.slug):
            continue
        fe = fg.add_entry(order="append")
        fe.id(f"{page}#correction-{c.id}")
        fe.title(render._xml_text(f"Correction: {c.headline}"))
        story = page if c.withdrawn else render._story_url(edition, c.slug)  # a withdrawn story: its log entry
        fe.link(href=f"{story}#correction-{c.id}", rel="alternate", type="text/html")
        fe.summary(render._xml_text(render.correction_text(c)))
        fe.published(render._utc(c.corrected_at))
        fe.updated(render._utc(c.corrected_at))
    return fg.atom_str(pretty=True)


# --------------------------------------------------------------------------------------------------------
# Sitemaps and robots.txt
# --------------------------------------------------------------------------------------------------------


def _w3c(dt: datetime) -> str:
    """W3C Datetime as sitemaps want it: ``2024-05-01T12:00:00+00:00``."""
    return render._utc(dt).replace(microsecond=0).isoformat()


def _xml(root: etree._Element) -> bytes:
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)


def render_sitemap(edition: Edition) -> bytes:
    """sitemap.xml (sitemaps.org 0.9): the home page, each section page and each story page, with ``lastmod``
    from the newest entry shown there; the about page and the queue without one."""
    root = etree.Element(f"{{{SITEMAP_NS}}}urlset", nsmap={None: SITEMAP_NS})
    stories = render.visible_stories(edition)
    urls: list[tuple[str, datetime | None]] = [(render._abs(edition, ""), edition_modified(edition))]
    for sec in render.visible_sections(edition):
        in_sec = [entry_dates(es.story)[1] for es in stories if es.story.section == sec.slug]
        urls.append((render._abs(edition, f"section/{quote(sec.slug, safe='')}/"), max(in_sec, default=None)))
    urls += [(render._abs(edition, "about/"), None), (render._abs(edition, "queue/untranslated/"), None)]
    urls += [(render._story_url(edition, es.story.slug), entry_dates(es.story)[1]) for es in stories]
    if len(urls) > SITEMAP_MAX_URLS:
        log.warning("sitemap cut to the protocol's limit", extra={"stage": "web", "outcome": str(len(urls))})
        urls = urls[:SITEMAP_MAX_URLS]
    for loc, lastmod in urls:
        url = etree.SubElement(root, f"{{{SITEMAP_NS}}}url")
        etree.SubElement(url, f"{{{SITEMAP_NS}}}loc").text = loc
        if lastmod is not None:
            etree.SubElement(url, f"{{{SITEMAP_NS}}}lastmod").text = _w3c(lastmod)
    return _xml(root)


def news_stories(edition: Edition) -> tuple[EditionStory, ...]:
    """Stories for the news sitemap: first reported within ``NEWS_SITEMAP_WINDOW`` of the edition's time (when
    it was made; else its newest entry), newest first. Old news is in sitemap.xml only."""
    stories = render.visible_stories(edition)
    ref = render._utc(edition.generated) if edition.generated else edition_modified(edition)
    if ref is None:
        return ()
    recent = [
        es for es in stories if ref - NEWS_SITEMAP_WINDOW <= entry_dates(es.story)[0] <= ref + NEWS_SITEMAP_WINDOW
    ]
    recent.sort(key=lambda es: (entry_dates(es.story)[0], es.story.slug), reverse=True)
    return tuple(recent[:NEWS_SITEMAP_MAX_URLS])


def render_news_sitemap(edition: Edition) -> bytes:
    """sitemap-news.xml: a sitemap with Google News tags (``news:publication`` name and language,
    ``news:publication_date``, ``news:title``) for the stories of ``news_stories``."""
    root = etree.Element(f"{{{SITEMAP_NS}}}urlset", nsmap={None: SITEMAP_NS, "news": NEWS_NS})
    for es in news_stories(edition):
        s = es.story
        url = etree.SubElement(root, f"{{{SITEMAP_NS}}}url")
        etree.SubElement(url, f"{{{SITEMAP_NS}}}loc").text = render._story_url(edition, s.slug)
        news = etree.SubElement(url, f"{{{NEWS_NS}}}news")
        pub = etree.SubElement(news, f"{{{NEWS_NS}}}publication")
        etree.SubElement(pub, f"{{{NEWS_NS}}}name").text = render._xml_text(edition.site.name)
        etree.SubElement(pub, f"{{{NEWS_NS}}}language").text = s.language or edition.site.language
        etree.SubElement(news, f"{{{NEWS_NS}}}publication_date").text = _w3c(entry_dates(s)[0])
        etree.SubElement(news, f"{{{NEWS_NS}}}title").text = render._xml_text(s.headline.text)
    return _xml(root)


def render_robots(edition: Edition) -> bytes:
    """robots.txt: every crawler may fetch everything; the sitemaps are named. Crawlers read it only at the
    root of a host, so it takes effect when ``site.base_url`` is a host's root."""
    return (
        "User-agent: *\n"
        "Disallow:\n"
        "\n"
        f"Sitemap: {render._abs(edition, 'sitemap.xml')}\n"
        f"Sitemap: {render._abs(edition, 'sitemap-news.xml')}\n"
    ).encode("utf-8")


# --------------------------------------------------------------------------------------------------------
# In the pages' <head>: feed links, Open Graph and Twitter tags, NewsArticle JSON-LD
# --------------------------------------------------------------------------------------------------------


def alternates(edition: Edition, section: str | None = None) -> list[dict[str, str]]:
    """``<link rel="alternate">`` targets relative to the site root: a section page's own feeds first, then the
    site's."""
    out = []
    sec = _section(edition, section)
    if sec is not None:
        for name, (_, media, label) in FEED_FORMATS.items():
            out.append(
                dict(
                    type=media,
                    title=f"{edition.site.name}: {sec.name} ({label})",
                    href=f"section/{quote(sec.slug, safe='')}/{name}",
                )
            )
    for name, (_, media, label) in FEED_FORMATS.items():
        out.append(dict(type=media, title=f"{edition.site.name} ({label})", href=name))
    return out


def page_meta(
    edition: Edition, title: str, description: str, url: str | None, story: WrittenStory | None = None
) -> list[dict[str, str]]:
    """Open Graph and Twitter card ``<meta>`` tags as ``{attr, key, content}`` (``attr`` is ``property`` or
    ``name``); the template escapes every value."""
    tags = [
        ("property", "og:site_name", edition.site.name),
        ("property", "og:title", title),
        ("property", "og:description", description),
        ("property", "og:type", "article" if story is not None else "website"),
    ]
    if url:
        tags.append(("property", "og:url", url))
    if story is not None:
        published, modified = page_dates(story)
        if published:
            tags.append(("property", "article:published_time", published))
        if modified:
            tags.append(("property", "article:modified_time", modified))
        tags.append(("property", "article:section", render._section_name(edition, story.section)))
    tags += [
        ("name", "twitter:card", "summary"),
        ("name", "twitter:title", title),
        ("name", "twitter:description", description),
    ]
    return [dict(attr=a, key=k, content=v) for a, k, v in tags]


def _script_json(obj: Any) -> Markup:
    """JSON safe inside a ``<script>`` element: ``<``, ``>`` and ``&`` (and the two JavaScript line separators)
    escaped as JSON ``\\u`` escapes, which any JSON parser reads back as the same characters."""
    text = json.dumps(obj, ensure_ascii=False, separators=(",", ":"))
    for ch, esc in (("<", "\\u003c"), (">", "\\u003e"), ("&", "\\u0026"), ("\u2028", "\\u2028"), ("\u2029", "\\u2029")):
        text = text.replace(ch, esc)
    return Markup(text)  # noqa: S704 - no character that could end the element or start markup is left


def article_jsonld(edition: Edition, es: EditionStory) -> Markup:
    """schema.org NewsArticle for a story page: author and publisher are the site as an Organization (the text
    is software-written from the sources), ``isBasedOn`` lists every source article."""
    s = es.story
    site = edition.site
    url = render._story_url(edition, s.slug)
    published, modified = page_dates(s)
    org = {"@type": "Organization", "name": site.name, "url": render._abs(edition, "")}
    based_on = []
    for link in s.sources:
        work: dict[str, Any] = {
            "@type": "NewsArticle",
            "headline": link.title,
            "publisher": {"@type": "Organization", "name": render._outlet_name(edition, link.outlet_id, s)},
        }
        if (safe := render.safe_url(link.url)) is not None:
            work["url"] = safe
        if link.published is not None:
            work["datePublished"] = render.when_iso(link.published, link.date_only)
        if link.language:
            work["inLanguage"] = link.language
        based_on.append(work)
    fixes = render.story_corrections(edition, s.story_id)
    if fixes:  # a correction modifies the page: dateModified is the latest of it and the sources' last update
        latest = max(c.corrected_at for c in fixes)
        d = render.story_dates_of(s)
        if d.last_updated is None or render._utc(latest) > render._utc(d.last_updated):
            modified = render.iso(latest)
    doc = {
        "@context": "https://schema.org",
        "@type": "NewsArticle",
        "headline": s.headline.text,
        "description": s.lede.text,
        "datePublished": published,
        "dateModified": modified,
        "author": org,
        "publisher": org,
        "inLanguage": s.language,
        "articleSection": render._section_name(edition, s.section),
        "mainEntityOfPage": {"@type": "WebPage", "@id": url},
        "url": url,
        "isAccessibleForFree": True,
        "isBasedOn": based_on,
        "correction": [
            {
                "@type": "CorrectionComment",
                "text": render.correction_text(c),
                "datePublished": render.iso(c.corrected_at),
                "url": f"{url}#correction-{c.id}",
            }
            for c in fixes
        ]
        or None,
    }
    return _script_json({k: v for k, v in doc.items() if v is not None})  # no date: left out, never invented
