"""Items that are not news articles are stored with their reason, counted, recorded, and never clustered: through
`copydesk import` (title and text only) and through a real loopback feed whose links answer with a real recorded
article, a real Cloudflare bot-check page (cloudscraper's fixture), a real home page (newspaper's fixture) and a 404."""

from __future__ import annotations

import gzip
import json
from pathlib import Path

import pytest

from copydesk.config import load_settings, render_config
from copydesk.models import UNRATED, Outlet, Rating
from copydesk.pipeline import Desk
from localserver import server_fixture

TESTS = Path(__file__).resolve().parents[1]
PAGES = TESTS / "data" / "pages"
BENCH_PAGES = TESTS.parent / "bench" / "data" / "pages"

local_server = server_fixture()

ARTICLE = (
    "The city council voted on Tuesday to close the old Danube bridge to cars for eighteen months of repairs.\n"
    "Engineers found cracks in two of the bridge's steel supports during an inspection in March, the council said.\n"
    "Buses and bicycles will still be allowed to cross while the work goes on, a spokeswoman for the mayor said."
)


@pytest.fixture
def desk(tmp_path, local_server, monkeypatch):
    (tmp_path / "copydesk.toml").write_text(render_config(), encoding="utf-8")
    monkeypatch.setenv("COPYDESK_FETCH__ALLOW_PRIVATE_ADDRESSES", "true")
    monkeypatch.setenv("COPYDESK_FETCH__PER_HOST_INTERVAL_S", "0")
    s = local_server
    s.robots("User-agent: *\nAllow: /\n")
    pages = {
        "/a/article": gzip.decompress((PAGES / "sciencealert-europa-plumes.html.gz").read_bytes()),
        "/a/check": gzip.decompress((BENCH_PAGES / "cloudscraper-js_challenge_26_05_2020.html.gz").read_bytes()),
        "/a/home": gzip.decompress((BENCH_PAGES / "newspaper-cnn_main_site.html.gz").read_bytes()),
    }
    for path, body in pages.items():
        s.add(path, body, content_type="text/html; charset=utf-8")
    s.add(
        "/a/gone",
        b"<html><head><title>404 Not Found</title></head><body><h1>Not Found</h1></body></html>",
        status=404,
        content_type="text/html",
    )
    items = "".join(
        f"<item><title>Item {p.rsplit('/', 1)[-1]}</title><link>{s.url(p)}</link>"
        f"<description>What the feed says about {p}.</description></item>"
        for p in ("/a/article", "/a/check", "/a/home", "/a/gone")
    )
    s.add(
        "/feed.xml",
        f'<?xml version="1.0"?><rss version="2.0"><channel><title>T</title>{items}</channel></rss>'.encode(),
        content_type="application/rss+xml",
    )
    o = Outlet(
        "paper",
        "Paper",
        "https://paper.test/",
        (s.url("/feed.xml"),),
        "en",
        "INT",
        "paper",
        Rating(UNRATED),
        Rating(UNRATED),
        "none",
        "newspaper",
    )
    d = Desk(load_settings(tmp_path / "copydesk.toml"), {"paper": o})
    yield d
    d.close()


def test_poll_keeps_non_articles_out_of_processing(desk, local_server):
    rep = desk.poll()
    assert rep.counts["stored"] == 4
    assert rep.counts["non-articles"] == 3
    assert rep.counts["non-article-error-page"] == 2 and rep.counts["non-article-index-page"] == 1
    todo = desk.store.unprocessed()
    assert [a.url for a in todo] == [local_server.url("/a/article")]
    assert todo[0].page_class == "article" and todo[0].page_class_reason is None
    events = {e.url: e for e in desk.store.events("classify")}
    assert set(events) == {local_server.url(p) for p in ("/a/check", "/a/home", "/a/gone")}
    assert "HTTP 404" in events[local_server.url("/a/gone")].message
    assert desk.store.non_article_counts_by_outlet() == {"paper": 3}


def test_import_classifies_every_line(desk):
    lines = [
        {
            "url": "https://imp.test/999",
            "title": "Yahoo",
            "outlet": "Imp",
            "text": "Yahoo! - 999 Unable to process request at this time -- error 999",
        },
        {
            "url": "https://imp.test/login",
            "title": "Member Center",
            "outlet": "Imp",
            "text": "Member Center\nSign in to your account\nEmail or username\nForgot your password?\nRemember me",
        },
        {
            "url": "https://imp.test/bridge",
            "title": "Danube bridge closes for repairs",
            "outlet": "Imp",
            "text": "Opinion\nBy Jane Doe\n" + ARTICLE + "\nContinue reading\nPhoto: John Roe/Reuters",
        },
    ]
    rep = desk.import_lines(json.dumps(x) for x in lines)
    assert rep.counts["stored"] == 3 and rep.counts["non-articles"] == 2
    assert rep.counts["non-article-error-page"] == 1 and rep.counts["non-article-login-wall"] == 1
    todo = desk.store.unprocessed()
    assert [a.url for a in todo] == ["https://imp.test/bridge"]
    # furniture lines were removed from the stored text; the reporting is intact
    assert todo[0].text == ARTICLE
    reasons = [e.message for e in desk.store.events("classify")]
    assert len(reasons) == 2 and all(r.startswith("classify: not an article: ") for r in reasons)
