"""The orchestrator against a real loopback server: recorded real feeds and pages, and bad input at every edge
(broken XML, an HTML bomb, a slow server, a 404 feed, a duplicate import). Each yields a recorded error and the
run goes on."""

from __future__ import annotations

import gzip
import json
from pathlib import Path

import pytest

from copydesk.config import load_settings, render_config
from copydesk.models import UNRATED, Outlet, Rating
from copydesk.pipeline import Desk
from localserver import server_fixture

DATA = Path(__file__).resolve().parents[1] / "data"
NYT = sorted((DATA / "feeds" / "nyt_econ").iterdir())
PAGES = json.loads((DATA / "pages" / "pages.json").read_text())

local_server = server_fixture()


def outlet(oid: str, feed: str, owner: str | None = None) -> Outlet:
    return Outlet(
        oid,
        oid.title(),
        f"https://{oid}.test/",
        (feed,),
        "en",
        "INT",
        owner or oid,
        Rating(UNRATED),
        Rating(UNRATED),
        "none",
        "newspaper",
    )


def local_feed(server, path: str, snapshot: Path) -> bytes:
    """A real recorded feed whose item links point at real recorded pages on the loopback server."""
    xml = snapshot.read_text(encoding="utf-8")
    import re

    links = re.findall(r"<link>(https://archive\.is/[^<]+)</link>", xml)
    for i, link in enumerate(links):
        page = PAGES[i % 2]  # the two complete articles
        local = server.url(f"/articles/{Path(link).stem}")
        xml = xml.replace(f"<link>{link}</link>", f"<link>{local}</link>", 1)
        server.add(
            f"/articles/{Path(link).stem}",
            gzip.decompress((DATA / "pages" / page["file"]).read_bytes()),
            content_type="text/html; charset=utf-8",
        )
    return xml.encode()


@pytest.fixture
def desk(tmp_path, local_server, monkeypatch):
    s = local_server
    s.robots("User-agent: *\nDisallow: /private/\n")
    s.add("/nyt.xml", local_feed(s, "/nyt.xml", NYT[0]), content_type="application/rss+xml", etag='"v1"')
    s.add(
        "/broken.xml",
        b"<?xml version='1.0'?><rss><channel><title>x</title><item><title>a</b></rss",
        content_type="application/rss+xml",
    )
    s.add("/gone.xml", b"not here", status=404)
    s.drip("/slow.xml", chunk=b"<", interval_s=0.5)
    bomb_page = gzip.compress(b"<html><body>" + b"<div>" * 2_000_000)  # 10 MB of nested divs, 10 KB on the wire
    s.add(
        "/bomb.xml",
        f"""<?xml version="1.0"?><rss version="2.0"><channel><title>Bomb</title>
        <item><title>A page that explodes</title><link>{s.url("/bomb.html")}</link>
        <description>The summary survives the bomb.</description></item></channel></rss>""".encode(),
        content_type="application/rss+xml",
    )
    s.add("/bomb.html", bomb_page, headers={"Content-Encoding": "gzip"}, content_type="text/html")
    (tmp_path / "copydesk.toml").write_text(render_config(), encoding="utf-8")
    monkeypatch.setenv("COPYDESK_FETCH__ALLOW_PRIVATE_ADDRESSES", "true")
    monkeypatch.setenv("COPYDESK_FETCH__PER_HOST_INTERVAL_S", "0")
    monkeypatch.setenv("COPYDESK_FETCH__TIMEOUT_S", "1.5")
    monkeypatch.setenv("COPYDESK_FETCH__DEADLINE_S", "2")
    monkeypatch.setenv("COPYDESK_FETCH__MAX_BYTES", str(2 * 1024 * 1024))
    monkeypatch.setenv("COPYDESK_FETCH__MAX_ARTICLES_PER_FEED", "6")
    settings = load_settings(tmp_path / "copydesk.toml")
    outlets = {
        "nyt": outlet("nyt", s.url("/nyt.xml")),
        "broken": outlet("broken", s.url("/broken.xml")),
        "gone": outlet("gone", s.url("/gone.xml")),
        "slow": outlet("slow", s.url("/slow.xml")),
        "bomb": outlet("bomb", s.url("/bomb.xml")),
    }
    d = Desk(settings, outlets)
    yield d
    d.close()


def test_poll_records_every_outcome_and_goes_on(desk, local_server):
    rep = desk.poll()
    status = {s.outlet_id: s for s in desk.store.feed_statuses()}
    assert status["nyt"].last_outcome == "ok" and status["nyt"].articles == 6
    assert status["gone"].last_outcome == "http-error" and "404" in status["gone"].last_error
    assert status["slow"].last_outcome == "timeout"
    # broken XML: feedparser reads what it can; what it tolerated is recorded
    assert status["broken"].last_outcome in ("parse-error", "ok-warnings")
    assert status["broken"].last_error.startswith("feed: ")
    assert any(
        e.outlet_id == "broken" and e.outcome in ("parse-error", "parse-warning") for e in desk.store.events("feed")
    )
    assert status["bomb"].last_outcome == "ok"
    assert rep.counts["stored"] == 7  # 6 NYT articles + the bomb item with its feed summary
    # the bombed page was capped, recorded, and the article kept as partial with the feed's summary
    page_events = [e for e in desk.store.events("page") if e.url == local_server.url("/bomb.html")]
    assert page_events and page_events[0].outcome == "too-large"
    arts = desk.store.unprocessed()
    # the bomb item kept only a five-word feed summary: stored with its verdict, never clustered
    assert not [a for a in arts if a.outlet_id == "bomb"]
    assert rep.counts["non-article-empty"] == 1
    assert [e.outlet_id for e in desk.store.events("classify")] == ["bomb"]
    full = [a for a in arts if a.outlet_id == "nyt"]
    assert all(a.page_class == "article" for a in full)
    assert all(not a.partial and len(a.text) > 1000 for a in full)
    # every request named us
    assert all(r.headers.get("User-Agent", "").startswith("copydesk/") for r in local_server.requests)

    # second poll: conditional GET, nothing new stored
    local_server.clear()
    rep2 = desk.poll()
    assert rep2.counts.get("stored", 0) == 0
    assert rep2.counts.get("feed-not-modified") == 1
    nyt_hits = local_server.hits("/nyt.xml")
    assert nyt_hits[0].headers.get("If-None-Match") == '"v1"'


def _first_links(snapshot: Path, n: int = 6) -> list[str]:
    import re

    return [Path(x).stem for x in re.findall(r"<link>(https://archive\.is/[^<]+)</link>", snapshot.read_text())][:n]


def test_next_snapshot_adds_only_new_items(desk, local_server):
    desk.poll()
    before = desk.store.counts()["articles"]
    local_server.add(
        "/nyt.xml", local_feed(local_server, "/nyt.xml", NYT[1]), content_type="application/rss+xml", etag='"v2"'
    )
    local_server.clear()
    desk.poll()
    new = [x for x in _first_links(NYT[1]) if x not in _first_links(NYT[0])]
    assert new, "the two recorded snapshots differ in their first items"
    assert desk.store.counts()["articles"] - before == len(new)
    # known articles are recognised by canonical URL before fetching: only the new pages were requested
    fetched = {r.path.rsplit("/", 1)[-1] for r in local_server.requests if r.path.startswith("/articles/")}
    assert fetched == set(new)


def test_duplicate_import_is_recorded_not_stored(desk):
    line = json.dumps(
        {
            "url": "https://example.test/a?utm_source=x",
            "title": "A",
            "outlet": "Some Paper",
            "text": "One sentence here, long enough to read as a report. Another one there.",
        }
    )
    again = json.dumps({"url": "https://example.test/a", "title": "A", "outlet": "Some Paper"})
    rep = desk.import_lines([line, "{not json", again])
    assert rep.counts == {
        "stored": 1,
        "bad-lines": 1,
        "duplicate-url": 1,
        "outlets-not-in-registry": 1,
        "lines-without-text": 1,
    }
    assert "line 2" in rep.errors[0]
    assert [e.outcome for e in desk.store.events("store")] == ["duplicate-url"]
    assert desk.store.outlets()["example.test"].lean.value == UNRATED


def test_a_truncated_gzip_feed_is_read_as_far_as_it_decodes_and_recorded(tmp_path, local_server, monkeypatch):
    s = local_server
    s.robots("User-agent: *\n")
    items = "".join(
        f"<item><title>Item {i}</title><link>{s.url(f'/gone/{i}')}</link>"
        f"<description>{'words ' * 200}</description></item>"
        for i in range(12)
    )
    whole = gzip.compress(
        f'<?xml version="1.0"?><rss version="2.0"><channel><title>T</title>{items}</channel></rss>'.encode()
    )
    s.add(
        "/cut.xml", whole[: len(whole) // 2], headers={"Content-Encoding": "gzip"}, content_type="application/rss+xml"
    )
    (tmp_path / "copydesk.toml").write_text(render_config(), encoding="utf-8")
    monkeypatch.setenv("COPYDESK_FETCH__ALLOW_PRIVATE_ADDRESSES", "true")
    monkeypatch.setenv("COPYDESK_FETCH__PER_HOST_INTERVAL_S", "0")
    monkeypatch.setenv("COPYDESK_FETCH__RETRIES", "0")
    monkeypatch.setenv("COPYDESK_FETCH__MAX_ARTICLES_PER_FEED", "3")
    d = Desk(load_settings(tmp_path / "copydesk.toml"), {"cut": outlet("cut", s.url("/cut.xml"))})
    try:
        rep = d.poll()
        partial = [e for e in d.store.events("feed") if e.outcome == "partial"]
        assert rep.counts.get("feed-partial") == 1 and rep.counts.get("stored", 0) >= 1, rep.counts
        assert partial and partial[0].message.startswith("fetch: partial body: truncated gzip stream")
        # the feed's status keeps the mark: read, with a warning saying its body broke off
        [status] = d.store.feed_statuses()
        assert status.last_outcome == "ok-warnings" and "fetch: partial body: truncated gzip" in status.last_error
    finally:
        d.close()


def test_a_truncated_page_body_is_kept_marked_partial_and_counted_per_source(tmp_path, local_server, monkeypatch):
    """Issue 17 part 3: a page whose gzip stream breaks off keeps what decoded; the article carries the mark
    (``body_partial``), the run report counts it, and `copydesk sources status` shows it per source."""
    from sqlalchemy import select
    from typer.testing import CliRunner

    from copydesk.cli import app
    from copydesk.sources import dump_registry
    from copydesk.store.schema import ArticleRow

    s = local_server
    s.robots("User-agent: *\n")
    page = (DATA / "pages" / "aljazeera-afghanistan-crash.html.gz").read_bytes()  # a real article page, gzipped
    links = []
    for i in range(3):
        body = page[: len(page) * 3 // 4] if i < 2 else page  # the first two streams break off
        s.add(f"/p/{i}", body, headers={"Content-Encoding": "gzip"}, content_type="text/html; charset=utf-8")
        links.append(s.url(f"/p/{i}"))
    items = "".join(f"<item><title>Bridge {i}</title><link>{u}</link></item>" for i, u in enumerate(links))
    s.add("/feed.xml", f'<rss version="2.0"><channel><title>T</title>{items}</channel></rss>'.encode())
    (tmp_path / "copydesk.toml").write_text(render_config(), encoding="utf-8")
    registry = {"cut": outlet("cut", s.url("/feed.xml"))}
    (tmp_path / "sources.toml").write_text(dump_registry(registry), encoding="utf-8")
    for key, value in (("ALLOW_PRIVATE_ADDRESSES", "true"), ("PER_HOST_INTERVAL_S", "0"), ("RETRIES", "0")):
        monkeypatch.setenv(f"COPYDESK_FETCH__{key}", value)
    d = Desk(load_settings(tmp_path / "copydesk.toml"), registry)
    try:
        rep = d.poll()
        assert rep.counts.get("pages-partial") == 2 and rep.counts.get("stored") == 3, rep.counts
        with d.store.session() as ses:
            ids = dict(ses.execute(select(ArticleRow.url, ArticleRow.id)).all())
        arts = {u: d.store.article(i) for u, i in ids.items()}
        assert {u for u, a in arts.items() if a.body_partial} == set(links[:2])
        assert arts[links[0]].body_partial.startswith("fetch: partial body: truncated gzip stream")
        assert arts[links[2]].body_partial is None and arts[links[2]].fetch_outcome == "fetched"
        assert arts[links[0]].fetch_outcome == "fetched" and len(arts[links[0]].text) > 500  # what decoded was read
        assert d.store.partial_body_counts_by_outlet() == {"cut": 2}
    finally:
        d.close()
    out = CliRunner().invoke(app, ["sources", "status", "--config", str(tmp_path)])
    assert out.exit_code == 0, out.output
    pages_line = next(line for line in out.output.splitlines() if line.strip().startswith("pages:"))
    assert pages_line.rstrip().endswith("; partial body 2"), out.output


def test_partial_bodies_are_not_counted_as_more_pages_in_the_run_summary(capsys):
    """A partial body is also counted under its page outcome: the summary's "only N of M pages fetched" warning
    counts each new page once."""
    from copydesk.cli import _print_reports
    from copydesk.pipeline import Report

    whole = Report({"pages-fetched": 3, "pages-partial": 3, "pages-refetched-fetched": 2, "stored": 3})
    _print_reports({"poll": whole})
    assert "only" not in capsys.readouterr().err
    few = Report({"pages-fetched": 1, "pages-error": 2, "pages-partial": 1})
    _print_reports({"poll": few})
    assert "poll: only 1 of 3 new article pages were fetched" in capsys.readouterr().err
