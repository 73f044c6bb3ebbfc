"""`copydesk db upgrade` and `copydesk db current` on each backend, the database chosen by COPYDESK_DATABASE__URL."""

from __future__ import annotations

from typer.testing import CliRunner

from copydesk.cli import app
from copydesk.config import render_config


def test_db_current_then_upgrade(db_url, tmp_path, monkeypatch):
    monkeypatch.setenv("COPYDESK_DATABASE__URL", db_url)
    (tmp_path / "copydesk.toml").write_text(render_config(), encoding="utf-8")
    cfg = str(tmp_path / "copydesk.toml")
    runner = CliRunner()
    r = runner.invoke(app, ["db", "current", "-c", cfg])
    assert r.exit_code == 1 and r.stdout.startswith("db: empty (this version: "), r.output
    head = r.stdout.rsplit(" ", 1)[1].rstrip(")\n")
    r = runner.invoke(app, ["db", "upgrade", "-c", cfg])
    assert r.exit_code == 0 and r.stdout == f"db: empty -> {head}\n", r.output
    r = runner.invoke(app, ["db", "upgrade", "-c", cfg])
    assert r.stdout == f"db: at {head}, nothing to do\n"
    r = runner.invoke(app, ["db", "current", "-c", cfg])
    assert r.exit_code == 0 and r.stdout == f"db: {head} (this version: {head})\n"


def test_db_upgrade_of_an_unreachable_database_exits_2(tmp_path, monkeypatch):
    monkeypatch.setenv("COPYDESK_DATABASE__URL", "postgresql+psycopg://postgres:s3cret@127.0.0.1:1/x?connect_timeout=2")
    (tmp_path / "copydesk.toml").write_text(render_config(), encoding="utf-8")
    r = CliRunner().invoke(app, ["db", "upgrade", "-c", str(tmp_path / "copydesk.toml")])
    assert r.exit_code == 2 and "error: store: cannot open the database" in r.output
    assert "s3cret" not in r.output
