"""The daily digest, sent to a real SMTP server on loopback: content, headers, per-section choice, idempotence."""

from __future__ import annotations

import re
from datetime import date, timedelta

import pytest

import sample_edition
from copydesk.newsletter.mail import Mailer, SmtpOptions
from copydesk.newsletter.send import NewsletterOptions, send_digests
from copydesk.newsletter.tokens import NewsletterTokens
from copydesk.store import Store
from copydesk.store.newsletter import NewsletterStore
from copydesk.web import render

DAY = date(2024, 5, 1)  # the sample edition's stories are all dated that day
OPTS = NewsletterOptions("Budapest Post", "https://post.example/", "news@post.example", "unsub@post.example", 48, 10)


@pytest.fixture
def setup(db_url, smtp):  # db_url: SQLite, then PostgreSQL (tests/conftest.py)
    base = Store(db_url)
    store = NewsletterStore(base)
    subs = []
    for i, (email, all_, secs) in enumerate(
        [
            ("all@example.org", True, ()),
            ("bud@example.org", False, ("budapest",)),
            ("sci@example.org", False, ("science",)),
        ]
    ):
        store.request_confirmation(f"h{i}", f"n{i}", "test", limit=9, window=timedelta(days=1))
        subs.append(store.confirm(f"n{i}", email, all_, secs, "test")[1])
    tokens = NewsletterTokens(b"k" * 32, 48)
    mailer = Mailer(SmtpOptions("127.0.0.1", smtp.port, "none", "", "", 10))
    yield store, tokens, mailer, subs
    mailer.close()
    base.close()


def test_digest_content_headers_and_sections(setup, smtp):
    store, tokens, mailer, subs = setup
    edition = sample_edition.build_edition()
    report = send_digests(edition, store, tokens, mailer, OPTS, DAY)
    assert report.counts == {"sent": 2, "empty": 1}  # no science story that day: no mail
    by_rcpt = {m["To"]: m for m in smtp.recorder.parsed()}
    assert set(by_rcpt) == {"all@example.org", "bud@example.org"}

    m = by_rcpt["all@example.org"]
    token = tokens.unsubscribe_token(subs[0].id)
    assert m["List-Unsubscribe"] == (
        f"<https://post.example/newsletter/unsubscribe/?t={token}>, <mailto:unsub@post.example?subject=unsubscribe>"
    )
    assert m["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    html = m.get_body(("html",)).get_content()
    text = m.get_body(("plain",)).get_content()
    assert "<style" not in html and 'style="' in html  # CSS inlined
    # the same facts and attributions as the site, for every story of the day
    for es in render.visible_stories(edition):
        s = es.story
        page = render.render_story(edition, s.slug)
        url = f"https://post.example/story/{s.slug}/"
        assert s.lede.text in text and url in text
        assert url in html
        for link in s.sources:
            href = render.safe_url(link.url)
            if href:
                assert href in text
                assert f'href="{href}"' in html
            else:  # a javascript: URL is never a link, in the mail as on the site
                assert f'href="{link.url}"' not in html
        phrase = "a single source" if s.single_source else render.sources_phrase(s.independent_sources)
        assert phrase in text and phrase in html
        for note in render.reader_notes(s):
            assert note in text
        assert (render.sources_phrase(s.independent_sources) in page) or s.single_source
    assert "<script" not in html  # hostile headlines stay text
    # the Budapest-only reader gets only Budapest
    bud = by_rcpt["bud@example.org"].get_body(("plain",)).get_content()
    assert "Chain Bridge" in bud and "Mayor to visit Vienna" not in bud and "== Budapest ==" in bud


def test_second_run_sends_nothing(setup, smtp):
    store, tokens, mailer, subs = setup
    edition = sample_edition.build_edition()
    send_digests(edition, store, tokens, mailer, OPTS, DAY)
    n = len(smtp.recorder.messages)
    again = send_digests(edition, store, tokens, mailer, OPTS, DAY)
    assert again.counts == {"already-sent": 2, "empty": 1}
    assert len(smtp.recorder.messages) == n
    assert {r.state for r in store.send_log("daily-2024-05-01")} == {"sent"}
    # another day is another digest
    assert send_digests(edition, store, tokens, mailer, OPTS, DAY + timedelta(days=1)).counts == {"empty": 3}


def test_server_down_defers_and_stops(setup):
    store, tokens, _, subs = setup
    from smtpserver import free_port

    dead = Mailer(SmtpOptions("127.0.0.1", free_port(), "none", "", "", 2))
    report = send_digests(sample_edition.build_edition(), store, tokens, dead, OPTS, DAY)
    assert report.counts.get("deferred") == 2 and report.errors
    assert {r.state for r in store.send_log()} == {"deferred"}


def test_permanent_refusal_is_not_retried(setup, smtp):
    store, tokens, mailer, subs = setup

    async def refuse(server, session, envelope, address, options):
        return "550 no such user" if address.startswith("bud@") else (envelope.rcpt_tos.append(address) or "250 OK")

    smtp.recorder.handle_RCPT = refuse
    edition = sample_edition.build_edition()
    report = send_digests(edition, store, tokens, mailer, OPTS, DAY)
    assert report.counts == {"sent": 1, "rejected": 1, "empty": 1}
    again = send_digests(edition, store, tokens, mailer, OPTS, DAY)
    assert again.counts == {"already-sent": 1, "already-rejected": 1, "empty": 1}
    [rej] = [r for r in store.send_log() if r.state == "rejected"]
    assert re.search(r"550", rej.error)
