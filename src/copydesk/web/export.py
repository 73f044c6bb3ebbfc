"""Static export: the served site written to a directory, byte for byte what the app serves.

Layout (see the URL scheme in ``copydesk.web.render``)::

    index.html  about/index.html  404.html  queue/untranslated/index.html
    search/index.html                the search page, saying that search needs the served site
    corrections/index.html  corrections/feed.xml   every published correction: page and Atom feed
    feed.xml  rss.xml  feed.json  podcast.xml  sitemap.xml  sitemap-news.xml  robots.txt
    audio/<name>.mp3  audio/<name>.txt    narrations and transcripts, copied from DATA_DIR/audio
    section/<slug>/index.html  section/<slug>/{feed.xml,rss.xml,feed.json}  story/<slug>/index.html
    story/<slug>/v/<n>/index.html    an earlier version of a story (noindex, canonical: the current page)
    story/<old-slug>/index.html      meta-refresh stub for each of edition.redirects
    api/stories.json  api/story/<slug>.json  api/queue/untranslated.json  static/*

The export is atomic: everything is written to a temporary sibling directory which then replaces
``out_dir`` with two renames. If rendering or writing fails, ``out_dir`` is left as it was.
"""

from __future__ import annotations

import logging
import os
import shutil
import tempfile
from pathlib import Path

from copydesk.models import Edition
from copydesk.web import discovery, render

__all__ = ["export_site", "site_files"]

log = logging.getLogger(__name__)


def _static_files() -> dict[str, bytes]:
    from importlib.resources import files

    out = {}
    for entry in (files("copydesk.web") / "static").iterdir():
        if entry.is_file() and not entry.name.startswith("."):
            out[f"static/{entry.name}"] = entry.read_bytes()
    return out


def site_files(edition: Edition) -> dict[str, bytes]:
    """Every file of the static site but the narrations (``render.audio_files``, copied by ``export_site``):
    relative POSIX path -> bytes. Pure; writes nothing."""
    files: dict[str, bytes] = {}

    def html(path: str, text: str) -> None:
        files[path] = text.encode("utf-8")

    html("index.html", render.render_home(edition))
    html("about/index.html", render.render_about(edition))
    html("404.html", render.render_not_found(edition))
    html("queue/untranslated/index.html", render.render_untranslated(edition))
    html("search/index.html", render.render_search(edition, available=False))  # static files run no query
    for sec in render.visible_sections(edition):
        page = render.render_section(edition, sec.slug)
        if page is not None:
            html(f"section/{sec.slug}/index.html", page)
    stories = render.visible_stories(edition)
    kept = {id(es) for es in stories}
    for es in edition.stories:
        if id(es) not in kept:
            log.warning(
                "story skipped: unsafe or duplicate slug", extra={"stage": "web", "story_id": es.story.story_id}
            )
    for es in stories:
        slug = es.story.slug
        page = render.render_story(edition, slug)
        if page is not None:
            html(f"story/{slug}/index.html", page)
            files[f"api/story/{slug}.json"] = render.dumps_json(render.story_json(es, edition))
            for rev in render.earlier_versions(es):  # each earlier version of the story, as it was published
                version = render.render_story_version(edition, slug, rev.n)
                if version is not None:
                    html(f"story/{slug}/v/{rev.n}/index.html", version)
    for old in sorted(edition.redirects):
        stub = render.render_redirect(edition, old)
        if stub is None:
            log.warning("redirect skipped", extra={"stage": "web", "story_id": old})
            continue
        html(f"story/{old}/index.html", stub)
    files["api/stories.json"] = render.dumps_json(render.edition_json(edition))
    files["api/queue/untranslated.json"] = render.dumps_json(render.untranslated_json(edition))
    for name in discovery.FEED_FORMATS:  # feed.xml (Atom), rss.xml, feed.json: the site's and each section's
        files[name] = discovery.render_feed_format(edition, name)
        for sec in render.visible_sections(edition):
            files[f"section/{sec.slug}/{name}"] = discovery.render_feed_format(edition, name, sec.slug)
    html("corrections/index.html", render.render_corrections(edition))
    files["corrections/feed.xml"] = discovery.render_corrections_feed(edition)
    files["sitemap.xml"] = discovery.render_sitemap(edition)
    files["sitemap-news.xml"] = discovery.render_news_sitemap(edition)
    files["robots.txt"] = discovery.render_robots(edition)
    files["podcast.xml"] = render.render_podcast(edition)
    files.update(_static_files())
    return files


def export_site(edition: Edition, out_dir: Path) -> list[Path]:
    """Write the static site to ``out_dir`` (replacing it atomically) and return the files written."""
    out_dir = Path(out_dir).resolve()
    files = site_files(edition)  # render everything before touching the disk
    out_dir.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{out_dir.name}.new-", dir=out_dir.parent))
    old: Path | None = None
    written = list(files)
    try:
        for rel, data in files.items():
            target = tmp / rel
            if not target.resolve().is_relative_to(tmp.resolve()):  # defence in depth: slugs are checked
                raise ValueError(f"export: path escapes the output directory: {rel!r}")
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(data)
        for name, (src, _mime) in render.audio_files(edition).items():  # large: copied, not held in memory
            (tmp / "audio").mkdir(exist_ok=True)
            shutil.copyfile(src, tmp / "audio" / name)
            written.append(f"audio/{name}")
        os.chmod(tmp, 0o755)  # noqa: S103 (a published site: the web server must read it; mkdtemp made it 0700)
        if out_dir.exists():
            old = Path(tempfile.mkdtemp(prefix=f".{out_dir.name}.old-", dir=out_dir.parent))
            os.rmdir(old)
            os.replace(out_dir, old)
        os.replace(tmp, out_dir)
    except BaseException:
        if old is not None and not out_dir.exists():
            os.replace(old, out_dir)  # put the previous site back
            old = None
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)
    return sorted(out_dir / rel for rel in written)
