"""The newsletter's tables (migration 0006) on SQLite and PostgreSQL (COPYDESK_TEST_POSTGRES_URL; skipped visibly
without it): confirmation once, one row per mailbox whatever the case, the send log's claims."""

from __future__ import annotations

from datetime import timedelta

from copydesk.store.newsletter import NewsletterStore

import test_db

store = test_db.store  # the SQLite / PostgreSQL fixture of the store tests

DAY = timedelta(days=1)


def test_confirm_once_and_per_mailbox(store):
    nl = NewsletterStore(store)
    assert nl.request_confirmation("h", "n1", "home", limit=2, window=DAY)
    assert nl.request_confirmation("h", "n2", "home", limit=2, window=DAY)
    assert not nl.request_confirmation("h", "n3", "home", limit=2, window=DAY)  # the per-address cap
    outcome, sub = nl.confirm("n1", "Ann@example.org", False, ("world",), "signup-form via home")
    assert outcome == "confirmed" and sub.sections == ("world",)
    assert nl.confirm("n1", "Ann@example.org", True, (), "x")[0] == "already"
    assert nl.confirm("missing", "Ann@example.org", True, (), "x") == ("unknown", None)
    outcome, again = nl.confirm("n2", "ann@example.org", True, (), "signup-form via story:s")
    assert again.id == sub.id and again.all_sections and again.email == "ann@example.org"
    assert [s.id for s in nl.subscribers()] == [sub.id]
    nl.unsubscribe(sub.id, "one-click")
    assert nl.subscribers() == [] and nl.counts() == {"unsubscribed": 1}
    assert nl.unsubscribe(sub.id, "link").unsubscribe_source == "one-click"  # idempotent


def test_send_log_claims(store):
    nl = NewsletterStore(store)
    nl.request_confirmation("h", "n", "t", limit=9, window=DAY)
    _, sub = nl.confirm("n", "a@example.org", True, (), "t")
    assert nl.claim(sub.id, "daily-2024-05-01") is None
    nl.mark(sub.id, "daily-2024-05-01", "committing")
    assert nl.claim(sub.id, "daily-2024-05-01") == "committing"  # the ambiguous window: not sent again
    nl.mark(sub.id, "daily-2024-05-01", "sent", message_id="<m@x>")
    assert nl.claim(sub.id, "daily-2024-05-01") == "sent"
    assert nl.claim(sub.id, "daily-2024-05-02") is None
    nl.mark(sub.id, "daily-2024-05-02", "deferred", error="mail: 451")
    assert nl.claim(sub.id, "daily-2024-05-02") is None  # a deferred send is retried
    [rec] = [r for r in nl.send_log("daily-2024-05-02")]
    assert rec.attempts == 2 and rec.state == "pending"
    data = nl.export("A@example.org")
    assert data["consent_source"] == "t" and len(data["sends"]) == 2
    assert nl.delete("a@example.org") and nl.send_log() == [] and nl.export("a@example.org") is None
