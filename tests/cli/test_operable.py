"""Operable by someone who did not write it: the data directory's lock, a busy port, a loopback base_url, the
site address asked for by `init`, and an over-long import line (issue 13, part 4)."""

from __future__ import annotations

import json
import socket
import threading
import time
from pathlib import Path

import pytest
from typer.testing import CliRunner

from copydesk.cli import app
from copydesk.config import load_settings
from copydesk.ingest.jsonl import MAX_LINE_BYTES
from copydesk.store.lock import DataDirLock, LockHeld

from test_cli import GOOD_1, _isolated  # noqa: F401 - the autouse fixture isolates the environment here too


def invoke(*args):
    return CliRunner().invoke(app, [str(a) for a in args])


@pytest.fixture
def paper(tmp_path) -> Path:
    result = invoke("init", tmp_path / "paper", "--name", "Test Post", "--base-url", "https://news.example.org/")
    assert result.exit_code == 0, result.output
    return tmp_path / "paper"


def _article_file(tmp_path: Path) -> Path:
    f = tmp_path / "a.jsonl"
    f.write_text(json.dumps(GOOD_1) + "\n", encoding="utf-8")
    return f


def test_init_writes_the_site_address_it_was_given(paper, tmp_path):
    assert load_settings(paper / "copydesk.toml").site.base_url == "https://news.example.org/"
    bad = invoke("init", tmp_path / "other", "--base-url", "news.example.org")
    assert bad.exit_code == 2 and "site.base_url" in bad.stderr
    assert "must be an http(s) URL" in bad.stderr and "news.example.org" in bad.stderr, bad.stderr
    assert not (tmp_path / "other" / "copydesk.toml").exists()


def test_a_second_writer_is_told_who_holds_the_data_directory(paper, tmp_path):
    with DataDirLock(paper, "copydesk run"):
        result = invoke("import", _article_file(tmp_path), "--no-process", "--config", paper)
        assert result.exit_code == 3
        assert "copydesk run" in result.stderr and "pid" in result.stderr and "--wait" in result.stderr
        with pytest.raises(LockHeld):
            DataDirLock(paper, "copydesk import").acquire()
    # released: the same import goes through
    result = invoke("import", _article_file(tmp_path), "--no-process", "--config", paper)
    assert result.exit_code == 0, result.output
    assert "stored 1" in result.stdout


def test_wait_queues_behind_the_holder(paper, tmp_path):
    lock = DataDirLock(paper, "copydesk run")
    lock.acquire()
    released = []

    def later():
        time.sleep(0.8)
        released.append(time.monotonic())
        lock.release()

    threading.Thread(target=later).start()
    result = invoke("import", _article_file(tmp_path), "--no-process", "--wait", "--config", paper)
    done = time.monotonic()
    assert result.exit_code == 0, result.output
    assert "stored 1" in result.stdout and released and done >= released[0]


def test_serve_on_a_busy_port_names_the_option(paper):
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = invoke("serve", "--config", paper, "--port", port)
    assert result.exit_code == 3
    assert f"port {port}" in result.stderr and "in use" in result.stderr and "--port" in result.stderr


def test_export_warns_about_a_loopback_base_url(tmp_path):
    assert invoke("init", tmp_path / "local").exit_code == 0  # not a terminal: the default address is kept
    result = invoke("export", "--out", tmp_path / "site", "--config", tmp_path / "local")
    assert result.exit_code == 0, result.output
    assert "warning: site.base_url" in result.stderr and "loopback" in result.stderr


def test_export_is_quiet_with_a_public_base_url(paper, tmp_path):
    result = invoke("export", "--out", tmp_path / "site", "--config", paper)
    assert result.exit_code == 0 and "warning" not in result.stderr


def test_an_over_long_import_line_is_reported_with_its_number_and_skipped(paper, tmp_path):
    f = tmp_path / "big.jsonl"
    with open(f, "w", encoding="utf-8") as fh:
        fh.write(json.dumps({**GOOD_1, "text": "x" * (MAX_LINE_BYTES + 10)}) + "\n")
        fh.write(json.dumps({**GOOD_1, "url": "https://www.bbc.co.uk/news/world-europe-2"}) + "\n")
    result = invoke("import", f, "--no-process", "--config", paper)
    assert result.exit_code == 0, result.output
    assert "import: line 1: line longer than" in result.stderr
    assert "stored 1" in result.stdout and "bad-lines 1" in result.stdout


def test_a_database_error_stops_the_command_naming_its_cause(paper, monkeypatch, capsys):
    """The installed `copydesk` (``app(...)``, not the test runner) prints the driver's cause, never only
    SQLAlchemy's help link (issue 17: a second process on one data directory)."""
    import sqlalchemy as sa

    from copydesk.store import Store

    def clash(self):
        engine = sa.create_engine("sqlite://")
        with engine.begin() as c:
            c.execute(sa.text("CREATE TABLE stories (slug TEXT UNIQUE)"))
            c.execute(sa.text("INSERT INTO stories VALUES ('a')"))
        with engine.begin() as c:
            c.execute(sa.text("INSERT INTO stories VALUES ('a')"))

    monkeypatch.setattr(Store, "feed_statuses", clash)
    with pytest.raises(SystemExit) as info:
        app(["sources", "status", "--config", str(paper)], prog_name="copydesk")
    assert info.value.code == 1
    err = capsys.readouterr().err
    assert "error: store: IntegrityError: UNIQUE constraint failed: stories.slug: the command stopped" in err, err
    assert "sqlalche.me" not in err and "Traceback" not in err
