"""The daily digest: which stories, and its HTML (CSS inlined by css-inline) and plain-text bodies.

Pure functions over an ``Edition`` (house style 2 and 6): ``build_digest`` picks the day's stories for a set of
sections and describes each with the same helpers the story page uses, so a digest says exactly what the site
says (headline, lede, the outlets named for the lede, the number of independent sources, the notes, the dates,
and the sources with their links); ``render_digest`` writes the two bodies. A story is in the digest of the UTC
day of its latest update by the sources' dates (``web.discovery.entry_dates`` without this site's own rewrites).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import css_inline
from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape

from copydesk.models import Edition, EditionStory
from copydesk.newsletter.model import Digest, DigestSection, DigestStory
from copydesk.web import discovery, render

__all__ = ["build_digest", "render_digest", "render_confirmation", "DigestLinks", "digest_id_for", "email_env"]

email_env = Environment(
    loader=PackageLoader("copydesk.newsletter", "templates"),
    autoescape=select_autoescape(["html"], default_for_string=False, default=False),  # .txt bodies are plain text
    undefined=StrictUndefined,
    trim_blocks=True,
    lstrip_blocks=True,
    keep_trailing_newline=True,
)
_INLINER = css_inline.CSSInliner(keep_style_tags=False, load_remote_stylesheets=False)


def digest_id_for(day: date) -> str:
    return f"daily-{day.isoformat()}"


def _story(edition: Edition, es: EditionStory) -> DigestStory:
    # The story page's own helpers: the digest states the same facts with the same words.
    s = es.story
    lede = render._sentence_view(edition, s, s.lede)
    dates = render.story_dates_of(s)
    if not dates.known:
        when = render.UNDATED[0].upper() + render.UNDATED[1:]
    elif render._updated_differs(dates):
        when = "Updated " + render.when_text(dates.last_updated, dates.last_updated_date_only)
    else:
        when = "First reported " + render.when_text(dates.first_reported, dates.first_reported_date_only)
    return DigestStory(
        slug=s.slug,
        url=render._story_url(edition, s.slug),
        headline=s.headline.text,
        lede=s.lede.text,
        lede_outlets=lede.outlets,
        sources_phrase="a single source" if s.single_source else render.sources_phrase(s.independent_sources),
        notes=tuple(render.reader_notes(s)),
        when=when,
        sources=tuple(
            (render._outlet_name(edition, link.outlet_id, s), link.title, render.safe_url(link.url))
            for link in s.sources
        ),
    )


def build_digest(edition: Edition, day: date, sections: tuple[str, ...] | None, per_section: int) -> Digest:
    """The stories last updated on ``day`` (UTC) in ``sections`` (None: every section, and stories in none),
    grouped in the site's section order, newest first, at most ``per_section`` each."""
    stories = render.visible_stories(edition)
    updated = {es.story.story_id: discovery.entry_dates(es.story, revised=False)[1] for es in stories}
    todays = [es for es in stories if updated[es.story.story_id].date() == day]
    todays.sort(key=lambda es: updated[es.story.story_id], reverse=True)
    groups = []
    configured = set()
    for sec in render.visible_sections(edition):
        configured.add(sec.slug)
        if sections is not None and sec.slug not in sections:
            continue
        picked = tuple(_story(edition, es) for es in todays if es.story.section == sec.slug)[:per_section]
        if picked:
            groups.append(DigestSection(sec.slug, sec.name, picked))
    if sections is None:
        other = tuple(_story(edition, es) for es in todays if es.story.section not in configured)[:per_section]
        if other:
            groups.append(DigestSection(None, "More news", other))
    return Digest(digest_id_for(day), day, edition.site.name, edition.site.base_url, tuple(groups))


@dataclass(frozen=True, slots=True)
class DigestLinks:
    unsubscribe: str  # the page with the unsubscribe button (GET), also the RFC 8058 one-click URL (POST)
    manage: str  # the sign-up page, to change sections
    sections_text: str  # "Budapest, Europe" or "every section"


def render_digest(digest: Digest, links: DigestLinks) -> tuple[str, str, str]:
    """(subject, HTML body with inlined CSS, plain-text body)."""
    day = _day(digest.day)
    subject = f"{digest.site_name}: the day's stories, {day}"
    ctx = dict(digest=digest, day=day, links=links, subject=subject)
    html = _INLINER.inline(email_env.get_template("digest.html").render(**ctx))
    text = email_env.get_template("digest.txt").render(**ctx)
    return subject, html, text


def render_confirmation(site_name: str, confirm_url: str, sections_text: str, hours: int) -> tuple[str, str]:
    """(subject, plain-text body) of the double opt-in mail."""
    subject = f"Confirm your subscription to {site_name}"
    text = email_env.get_template("confirm.txt").render(
        site_name=site_name, url=confirm_url, sections_text=sections_text, hours=hours
    )
    return subject, text


def _day(d: date) -> str:
    from datetime import datetime, timezone

    return render.human_date(datetime(d.year, d.month, d.day, tzinfo=timezone.utc))
