"""Refetching a story's sources before an editor's check, against a real server on 127.0.0.1 and the real pipeline
(embedding model, gate): an outlet corrects its own page; the editor's corrected figure fails against the stored
text, and passes once the editor asks for the sources to be fetched again. A source that answers 500 or too slowly
keeps the text we had, and the editor is told why."""

from __future__ import annotations

import json
from types import SimpleNamespace
from datetime import datetime, timezone

import pytest

from copydesk.config import load_settings
from copydesk.corrections.apply import text_sentences
from copydesk.corrections.model import ReportIn
from copydesk.corrections.refetch import unfetchable, verdict
from copydesk.corrections.web import CorrectionsService
from copydesk.models import UNRATED, Article, ArticleIn, FetchResult, Outlet, Rating
from copydesk.pipeline import Desk
from copydesk.web.app import create_app
from corrections_support import add_editor, csrf_of, login, write_config
from localserver import server_fixture

pytestmark = pytest.mark.timeout(600)

local_server = server_fixture()

GAZETTE = (
    "The city council approved a plan on Tuesday to rebuild the Chain Bridge over the Danube by 2029. The mayor "
    "said the work would cost {cost} billion forints and close one lane at a time. Engineers found corrosion in "
    "the bridge's main cables during an inspection last spring. The council's opposition groups voted against "
    "the plan, saying the cost estimate was too low."
)
COURIER = (
    "Budapest's city council voted on Tuesday to renovate the Chain Bridge, with the work to be finished by "
    "2029. Traffic on the bridge will be limited to buses and trams from March, the transport authority said. "
    "Inspectors discovered corroded cables on the bridge last spring. The mayor did not say what the work "
    "would cost."
)
CORRECTED = "The mayor said the work would cost 55 billion forints."
T0 = datetime(2026, 12, 3, 6, 0, tzinfo=timezone.utc)


def _outlet(oid: str, name: str, homepage: str) -> Outlet:
    """An outlet whose site is the test's server (an import line naming it is believed only from its own site)."""
    return Outlet(oid, name, homepage, (), "en", "HU", oid, Rating(UNRATED), Rating(UNRATED), "none", "newspaper")


def _page(title: str, text: str) -> bytes:
    paras = "".join(f"<p>{p}.</p>" for p in text.rstrip(".").split(". "))
    return (
        f'<!doctype html><html lang="en"><head><meta charset="utf-8"><title>{title}</title>'
        f'<meta property="og:type" content="article"></head><body><header><a href="/">Home</a></header>'
        f"<article><h1>{title}</h1>{paras}</article></body></html>"
    ).encode()


def _line(server, outlet: str, path: str, text: str, hour: int) -> str:
    return json.dumps(
        {
            "url": server.url(path),
            "title": "The Chain Bridge plan",
            "outlet": outlet,
            "published": f"2026-12-03T0{hour}:00:00Z",
            "language": "en",
            "text": text,
        }
    )


@pytest.fixture
def site(tmp_path, local_server, monkeypatch):
    for key, value in {
        "ALLOW_PRIVATE_ADDRESSES": "true",
        "PER_HOST_INTERVAL_S": "0",
        "TIMEOUT_S": "1",
        "DEADLINE_S": "2",
        "RETRIES": "0",
    }.items():
        monkeypatch.setenv(f"COPYDESK_FETCH__{key}", value)
    settings = load_settings(write_config(tmp_path / "data"))
    assert settings.fetch.allow_private_addresses and settings.corrections.enabled
    home = local_server.url("/")
    desk = Desk(
        settings,
        {"gazette": _outlet("gazette", "Harbour Gazette", home), "courier": _outlet("courier", "River Courier", home)},
    )
    desk.import_lines(
        [
            _line(local_server, "gazette", "/gazette", GAZETTE.format(cost=48), 6),
            _line(local_server, "courier", "/courier", COURIER, 7),
        ]
    )
    desk.process()
    desk.write()
    cache: dict = {}

    def get_edition():
        if "e" not in cache:
            cache["e"] = desk.edition()
        return cache["e"]

    from fastapi.testclient import TestClient

    svc = CorrectionsService(
        settings, desk.corrections, checker=desk.check_sentence, corrector=desk.correct, on_change=cache.clear
    )
    client = TestClient(create_app(get_edition, corrections=svc), base_url="https://testserver")
    yield desk, client
    client.close()
    desk.close()


def _stored(desk: Desk, path: str) -> str:
    [sid] = [es.story.story_id for es in desk.edition().stories]
    return next(a.text for a in desk.store.story_articles(sid) if a.url.endswith(path))


def test_accept_with_refetch_reads_the_outlets_corrected_page(site, local_server):
    desk, client = site
    [es] = desk.edition().stories
    texts = [s.text for s in text_sentences(es.story)]
    wrong = next(i for i, t in enumerate(texts) if "48 billion" in t)
    rid = desk.corrections.add_report(
        ReportIn(
            es.story.story_id,
            wrong,
            texts[wrong],
            "wrong-figure",
            "The Gazette has since corrected the cost to 55 billion.",
            "",
        )
    )
    add_editor(SimpleNamespace(store=desk.corrections))
    assert login(SimpleNamespace(client=client)).status_code == 303
    token = csrf_of(client.get(f"/editor/report/{rid}/").text)
    assert 'name="refetch"' in client.get(f"/editor/report/{rid}/").text  # the editor can ask for it
    form = {
        "csrf": token,
        "s": str(wrong),
        "action": "replace",
        "text": CORRECTED,
        "note": "The cost was wrong.",
        "before": texts[wrong],
    }

    # The Gazette corrects its page; the Courier's server fails.
    local_server.add("/gazette", _page("The Chain Bridge plan", GAZETTE.format(cost=55)), content_type="text/html")
    local_server.add("/courier", b"down for maintenance", status=500, content_type="text/plain")

    # Without a refetch the check reads the stored text: 55 billion is in no source, nothing is published.
    r = client.post(f"/editor/report/{rid}/accept/", data=form)
    assert r.status_code == 422 and "fails the checks" in r.text and "55" in r.text
    assert "Refetch the sources and check again" in r.text
    assert local_server.hits("/gazette") == [] and desk.corrections.report(rid).status == "open"

    # A source that times out keeps its text and says so.
    local_server.add(
        "/gazette", _page("The Chain Bridge plan", GAZETTE.format(cost=55)), content_type="text/html", delay_s=3
    )
    r = client.post(f"/editor/report/{rid}/check/", data={**form, "refetch": "1"})
    assert r.status_code == 422 and 'id="refetch-result"' in r.text
    assert r.text.count("<strong>failed</strong>") == 2 and "500" in r.text and "timed out" in r.text.lower()
    assert "48 billion" in _stored(desk, "/gazette")  # the old text kept

    # With a refetch: the Gazette's page is read again, stored, and the corrected sentence is supported.
    local_server.add("/gazette", _page("The Chain Bridge plan", GAZETTE.format(cost=55)), content_type="text/html")
    r = client.post(f"/editor/report/{rid}/accept/", data={**form, "refetch": "1"})
    assert r.status_code == 200 and "Correction published" in r.text, r.text
    assert "Harbour Gazette: updated" in r.text and "River Courier: failed (fetch:" in r.text
    assert local_server.hits("/gazette")[-1].headers["User-Agent"].startswith("copydesk/")
    assert "55 billion" in _stored(desk, "/gazette") and "48 billion" not in _stored(desk, "/gazette")
    assert _stored(desk, "/courier") == COURIER  # the failed source keeps what we had
    [now] = desk.edition().stories
    after = [s.text for s in text_sentences(now.story)]
    assert CORRECTED in after and texts[wrong] not in after
    support = next(s for s in text_sentences(now.story) if s.text == CORRECTED).support
    assert support and "55 billion" in support[0].sentence and support[0].outlet_id == "gazette"
    # the audit log keeps each refetch, per source
    refetches = [e for e in desk.corrections.audit_log(report_id=rid) if e.action == "refetch"]
    assert len(refetches) == 2 and refetches[0].editor == "ann"
    assert "/gazette: updated" in refetches[0].detail and "/courier: failed" in refetches[0].detail
    assert "/gazette: failed" in refetches[1].detail
    # and the pipeline's record of each source's outcome
    assert [e.outcome for e in desk.store.events("refetch") if e.url.endswith("/gazette")].count("updated") == 1


def _article(url: str, origin: str = "import", text: str = "Old text.") -> Article:
    return Article(1, url, url, "gazette", "T", text, "", T0, T0, origin=origin)


def test_what_a_refetch_gave():
    assert unfetchable(_article("https://gazette.example.org/bridge")).startswith("imported with a reserved example")
    assert unfetchable(_article("https://news.test/a", origin="feed")).startswith("stored with a reserved example")
    assert unfetchable(_article("urn:uuid:1234")) == "imported without an address that can be fetched"
    assert unfetchable(_article("https://www.example.com.evil.net/a")) is None
    assert unfetchable(_article("http://127.0.0.1:8080/a")) is None
    a = _article("https://gazette.hu/a", text="Old  text.\nSecond line.")
    fresh = ArticleIn(
        a.url, "gazette", "T", text="Old text. Second line.", page_class="article", fetch_outcome="fetched"
    )
    ok = FetchResult(a.url, "ok", status=200, body=b"<html>")
    assert verdict(a, ok, fresh).outcome == "unchanged"  # only the spacing differs
    assert verdict(a, ok, ArticleIn(a.url, "gazette", "T", text="New text.", page_class="article")).outcome == "updated"
    gone = verdict(
        a,
        ok,
        ArticleIn(
            a.url,
            "gazette",
            "T",
            text="Page not found",
            page_class="error-page",
            page_class_reason="the server answered HTTP 404",
        ),
    )
    assert (gone.outcome, gone.reason) == ("failed", "the page is no longer an article (the server answered HTTP 404)")
    paywall = verdict(
        a, ok, ArticleIn(a.url, "gazette", "T", partial=True, page_class="article", fetch_outcome="paywalled")
    )
    assert (paywall.outcome, paywall.reason) == ("failed", "the full text is behind a paywall now")
    err = verdict(a, FetchResult(a.url, "http-error", status=503, error="fetch: HTTP 503"), None)
    assert (err.outcome, err.reason, err.summary()) == (
        "failed",
        "fetch: HTTP 503",
        "https://gazette.hu/a: failed: fetch: HTTP 503",
    )
    assert verdict(a, FetchResult(a.url, "not-modified", status=304), None).outcome == "unchanged"
