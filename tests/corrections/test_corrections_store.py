"""The corrections tables: corrections and the audit log are append-only in the database itself; a correction is a
revision of the story whose reason is the correction; a pipeline flag is filed once; sessions end."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from copydesk.corrections.model import ReportIn
from copydesk.store.corrections import DecisionError
from corrections_support import add_editor, make_site


@pytest.fixture(autouse=True)
def _on_each_backend(db_url, monkeypatch):
    """Every test here runs on SQLite and on PostgreSQL: the site's configuration names no database, and the
    environment's URL alone chooses it, as an operator's would."""
    monkeypatch.setenv("COPYDESK_DATABASE__URL", db_url)


def test_corrections_and_the_audit_log_cannot_be_changed_or_deleted(tmp_path):
    site = make_site(tmp_path)
    add_editor(site)
    rid = site.store.add_report(ReportIn("story1", 2, "x", "other", "w", ""))
    site.desk.correct(rid, 4, None, "Not announced.", "ann")
    assert len(site.store.corrections()) == 1 and site.store.audit_log()
    for sql in (
        "DELETE FROM corrections",
        "UPDATE corrections SET note = 'changed'",
        "DELETE FROM editor_audit",
        "UPDATE editor_audit SET editor = 'someone else'",
    ):
        with pytest.raises(DBAPIError, match="append-only"):
            with site.desk.store.engine.begin() as c:
                c.execute(text(sql))
    [c] = site.store.corrections()
    assert c.note == "Not announced."
    site.close()


def test_a_correction_is_a_revision_and_a_rewrite_keeps_it(tmp_path):
    site = make_site(tmp_path)
    rid = site.store.add_report(ReportIn("story1", 2, "x", "other", "w", ""))
    before = site.desk.store.revisions("story1")
    site.desk.correct(rid, 4, None, "Not announced.", "ann")
    after = site.desk.store.revisions("story1")
    assert len(after) == len(before) + 1
    assert (after[-1].reason, after[-1].note, after[-1].editor) == ("correction", "Not announced.", "ann")
    with pytest.raises(DecisionError):
        site.desk.correct(rid, 3, None, "again", "ann")  # decided already
    # saving the same text again makes no revision
    assert site.desk.store.save_written("story1", site.store.written_story("story1")) is None
    site.close()


def test_a_correction_whose_record_fails_leaves_the_story_as_it_was(tmp_path, monkeypatch):
    """The corrected revision and the correction record commit together: when recording fails, the story keeps its
    text and no revision is added (no corrected text without its public correction)."""
    site = make_site(tmp_path)
    rid = site.store.add_report(ReportIn("story1", 2, "x", "other", "w", ""))
    before_text = site.store.written_story("story1")
    before = site.desk.store.revisions("story1")

    def broken(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(site.desk.corrections, "accept", broken)
    with pytest.raises(RuntimeError, match="disk full"):
        site.desk.correct(rid, 4, None, "Not announced.", "ann")
    assert site.desk.store.revisions("story1") == before
    assert site.store.written_story("story1") == before_text
    assert site.store.report(rid).status == "open" and site.store.corrections() == []
    site.close()


def test_a_pipeline_flag_is_filed_once(tmp_path):
    site = make_site(tmp_path)
    flag = ReportIn("story1", 2, "x", "wrong-figure", "contradicted", "", origin="pipeline", key="k" * 64)
    assert site.store.add_report(flag) is not None
    assert site.store.add_report(flag) is None
    assert [r.origin for r in site.store.reports()] == ["pipeline"]
    assert site.store.audit_log()[0].editor == "pipeline"
    site.close()


def test_sessions_expire_and_end_on_logout(tmp_path):
    site = make_site(tmp_path)
    add_editor(site)
    [ann] = site.store.editors()
    now = datetime.now(timezone.utc)
    site.store.login_ok(ann.id, "a" * 64, now + timedelta(hours=1), "127.0.0.1")
    site.store.login_ok(ann.id, "b" * 64, now - timedelta(seconds=1), "127.0.0.1")
    assert site.store.session_editor("a" * 64).name == "ann"
    assert site.store.session_editor("b" * 64) is None  # expired
    site.store.logout("a" * 64)
    assert site.store.session_editor("a" * 64) is None
    site.close()
