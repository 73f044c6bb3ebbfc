"""Fetching tells the truth (issue 13, part 3): real recorded feeds served on loopback whose articles live on
hosts that misbehave in every way a real site does; each article records what became of its page, `sources
status` counts it per source and calls a source healthy only when its pages were fetched, and the run summary
says the same."""

from __future__ import annotations

import gzip
import json
import re
from pathlib import Path

import pytest
from typer.testing import CliRunner

from copydesk.cli import _print_reports, app, source_health
from copydesk.config import load_settings, render_config
from copydesk.models import UNRATED, Outlet, Rating
from copydesk.pipeline import Desk
from localserver import LocalServer

DATA = Path(__file__).resolve().parents[1] / "data"
NYT = sorted((DATA / "feeds" / "nyt_econ").iterdir())
PAGES = json.loads((DATA / "pages" / "pages.json").read_text())
ARTICLE = gzip.decompress((DATA / "pages" / PAGES[0]["file"]).read_bytes())  # a complete real article
N = 3  # articles per feed


def _feed(snapshot: Path, pages: LocalServer, n: int = N) -> bytes:
    """A real recorded feed (first n items) whose links point at pages on ``pages``."""
    xml = snapshot.read_text(encoding="utf-8")
    links = re.findall(r"<link>(https://archive\.is/[^<]+)</link>", xml)
    for link in links:
        local = pages.url(f"/articles/{Path(link).stem}")
        xml = xml.replace(f"<link>{link}</link>", f"<link>{local}</link>", 1)
        pages.add(f"/articles/{Path(link).stem}", ARTICLE, content_type="text/html; charset=utf-8")
    items = xml.split("<item>")
    return ("<item>".join(items[: n + 1]) + ("</channel></rss>" if len(items) > n + 1 else "")).encode()


@pytest.fixture
def farm(tmp_path, monkeypatch):
    servers = {
        name: LocalServer() for name in ("feeds", "ok", "robots503", "robots404", "disallow", "robotsslow", "limited")
    }
    s = servers
    s["ok"].robots("User-agent: *\nAllow: /\n")
    s["robots503"].add("/robots.txt", b"busy", status=503)
    # robots404: nothing registered, robots.txt answers 404 = no rules
    s["disallow"].robots("User-agent: *\nDisallow: /articles/\n")
    s["robotsslow"].add("/robots.txt", b"User-agent: *\nAllow: /\n", delay_s=3.0)
    s["limited"].robots("User-agent: *\nAllow: /\n")
    for name in ("ok", "robots503", "robots404", "disallow", "robotsslow", "limited"):
        s["feeds"].add(f"/{name}.xml", _feed(NYT[0], s[name]), content_type="application/rss+xml")
    for path in list(s["limited"]._routes):
        if path.startswith("/articles/"):
            s["limited"].add(path, b"slow down", status=429, headers={"Retry-After": "3600"})
    (tmp_path / "copydesk.toml").write_text(render_config(), encoding="utf-8")
    for key, value in {
        "ALLOW_PRIVATE_ADDRESSES": "true",
        "PER_HOST_INTERVAL_S": "0",
        "TIMEOUT_S": "0.5",
        "DEADLINE_S": "1",
        "RETRIES": "1",
        "RETRY_BACKOFF_S": "0.05",
    }.items():
        monkeypatch.setenv(f"COPYDESK_FETCH__{key}", value)
    settings = load_settings(tmp_path / "copydesk.toml")
    outlets = {
        name: Outlet(
            name,
            name.title(),
            f"https://{name}.test/",
            (s["feeds"].url(f"/{name}.xml"),),
            "en",
            "INT",
            name,
            Rating(UNRATED),
            Rating(UNRATED),
            "none",
            "newspaper",
        )
        for name in servers
        if name != "feeds"
    }
    from copydesk.sources import dump_registry

    (tmp_path / "sources.toml").write_text(dump_registry(outlets), encoding="utf-8")
    desk = Desk(settings, outlets)
    yield desk, servers, tmp_path
    desk.close()
    for server in servers.values():
        server.close()


def test_every_page_outcome_is_recorded_counted_and_told(farm, capsys):
    desk, s, folder = farm
    rep = desk.poll()
    assert rep.counts["feeds-ok"] == 6 and rep.counts["stored"] == 6 * N
    assert rep.counts["pages-fetched"] == 2 * N  # ok, and robots404 (a 404 robots.txt allows everything)
    assert rep.counts["pages-robots-unreachable"] == 2 * N  # 503 and a robots.txt that never answers in time
    assert rep.counts["pages-robots-disallowed"] == N
    assert rep.counts["pages-rate-limited"] == N
    assert not s["robots503"].hits("/articles/" + "x") and all(
        not r.path.startswith("/articles/")
        for name in ("robots503", "disallow", "robotsslow")
        for r in s[name].requests
    )
    # the 429 host was asked once for a page, then left alone as its Retry-After asked
    assert len([r for r in s["limited"].requests if r.path.startswith("/articles/")]) == 1

    outcomes = {}
    with desk.store.session() as ses:
        from sqlalchemy import select

        from copydesk.store.schema import ArticleRow

        for oid, outcome, partial in ses.execute(
            select(ArticleRow.outlet_id, ArticleRow.fetch_outcome, ArticleRow.partial)
        ):
            outcomes.setdefault(oid, set()).add((outcome, partial))
    assert outcomes["ok"] == {("fetched", False)} and outcomes["robots404"] == {("fetched", False)}
    assert outcomes["robots503"] == {("robots-unreachable", True)}
    assert outcomes["robotsslow"] == {("robots-unreachable", True)}
    assert outcomes["disallow"] == {("robots-disallowed", True)}
    assert outcomes["limited"] == {("rate-limited", True)}

    # the run summary warns that most pages were not fetched
    _print_reports({"poll": rep})
    err = capsys.readouterr().err
    assert f"only {2 * N} of {6 * N} new article pages were fetched" in err

    result = CliRunner().invoke(app, ["sources", "status", "--config", str(folder)])
    assert result.exit_code == 0, result.output
    rows = {line.split()[0]: line for line in result.stdout.splitlines()[1:] if not line.startswith(" ")}
    health = {
        oid: next(w for w in row.split() if w in ("healthy", "no-pages", "degraded", "feed-failing"))
        for oid, row in rows.items()
    }
    assert health == {
        "ok": "healthy",
        "robots404": "healthy",
        "robots503": "no-pages",
        "robotsslow": "no-pages",
        "disallow": "no-pages",
        "limited": "no-pages",
    }
    assert f"pages: robots-unreachable {N}" in result.stdout and f"pages: rate-limited {N}" in result.stdout
    assert "4 feed(s) not healthy" in result.stderr


def test_source_health_rules():
    assert source_health(None, {}) == "not-polled"
    assert source_health("http-error", {"fetched": 5}) == "feed-failing"
    assert source_health("ok", {}) == "healthy"  # nothing new to fetch yet
    assert source_health("ok", {"robots-unreachable": 4}) == "no-pages"
    assert source_health("not-modified", {"fetched": 1, "error": 3}) == "degraded"
    assert source_health("ok-warnings", {"fetched": 3, "paywalled": 1, "not-an-article": 5}) == "healthy"


def test_pages_that_did_not_answer_are_fetched_again_at_the_next_poll(farm):
    desk, s, _ = farm
    desk.poll()
    desk.client.close()
    desk._client = None  # a new run: robots.txt is asked again
    s["robots503"].robots("User-agent: *\nAllow: /\n")  # the site is back
    rep = desk.poll()
    assert rep.counts["pages-refetched-fetched"] == N
    assert rep.counts.get("stored", 0) == 0  # nothing stored twice
    assert desk.store.fetch_outcome_counts_by_outlet()["robots503"] == {"fetched": N}
    assert desk.store.fetch_outcome_counts_by_outlet()["disallow"] == {"robots-disallowed": N}  # not retried
    assert all(not a.partial and len(a.text) > 1000 for a in desk.store.unprocessed() if a.outlet_id == "robots503")


def test_story_pages_tell_readers_the_true_reason(farm):
    from copydesk.web.render import render_story

    desk, _, _ = farm
    desk.poll()
    desk.process()
    desk.write()
    edition = desk.edition()
    pages = {e.story.slug: render_story(edition, e.story.slug) for e in edition.stories}
    reasons = {s.outlet_id: s.partial_reason for e in edition.stories for s in e.story.sources}
    assert reasons["ok"] is None and reasons["robots404"] is None  # full text used
    assert "did not answer" in reasons["robots503"] and "try again" in reasons["robots503"]
    assert "did not answer" in reasons["robotsslow"]
    assert "robots.txt" in reasons["disallow"]
    assert "come back later" in reasons["limited"]
    html = "\n".join(p for p in pages.values() if p)
    assert "the site did not answer" in html and "robots.txt asks crawlers not to" in html
    assert "paywall" not in html.lower()  # no paywall was detected anywhere
