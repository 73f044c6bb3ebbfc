"""The command line, end to end in-process (Typer's CliRunner): what each command writes and prints, and exit code
2 with a message naming the culprit on a wrong setting or registry entry.

No network and no model: nothing here polls (`run` is not invoked), `import` runs with `--no-process`, and every
database is a SQLite file under the test's tmp_path. The full demo is covered by the pipeline tests.
"""

from __future__ import annotations

import json
import logging
import os
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from typer.testing import CliRunner

from copydesk.cli import app
from copydesk.config import Settings, load_settings, render_config
from copydesk.sources import load_registry

GOOD_1 = {
    "url": "https://www.bbc.co.uk/news/world-europe-1",
    "title": "Chain Bridge reopens after repairs",
    "outlet": "bbc-news",
    "published": "2024-05-01T09:30:00Z",
    "language": "en-GB",
    "text": "The Chain Bridge in Budapest reopened on Monday after two years of repairs. Engineers said the "
    "structure was safe. Traffic returned to the bridge by noon.",
}
GOOD_2 = {
    "url": "https://news.example.org/2024/05/flood-warning",
    "title": "Flood warning on the Danube",
    "outlet": "Example Daily",  # not in the registry: becomes an unrated outlet of its own
    "text": "A flood warning was issued for the Danube on Tuesday. The river rose overnight. Residents of "
    "low-lying streets were told to move their cars.",
}


@pytest.fixture(autouse=True)
def _isolated(tmp_path, monkeypatch):
    """No COPYDESK_* setting leaks in from the shell, the working folder is tmp_path, and the root logger (which
    `--log-level` reconfigures on every invocation) is put back afterwards."""
    prefixes = tuple(f"COPYDESK_{name.upper()}" for name in Settings.model_fields)
    for var in list(os.environ):
        if var.upper().startswith(prefixes):
            monkeypatch.delenv(var)
    monkeypatch.chdir(tmp_path)
    root = logging.getLogger()
    handlers, level = root.handlers[:], root.level
    yield
    root.handlers[:] = handlers
    root.setLevel(level)


def invoke(*args):
    return CliRunner().invoke(app, [str(a) for a in args])


@pytest.fixture
def paper(tmp_path) -> Path:
    """A folder made by `copydesk init`: the default registry, and a SQLite database inside tmp_path."""
    result = invoke("init", tmp_path / "paper", "--name", "Test Post")
    assert result.exit_code == 0, result.output
    return tmp_path / "paper"


def _write_registry(folder: Path, text: str) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "copydesk.toml").write_text(render_config(), encoding="utf-8")
    (folder / "sources.toml").write_text(text, encoding="utf-8")


from testsupport import outlet_toml  # noqa: E402


# -- init ----------------------------------------------------------------------------------------------------


def test_init_writes_a_config_and_a_registry_that_load(paper, tmp_path):
    settings = load_settings(paper / "copydesk.toml")
    assert settings.site.name == "Test Post"
    assert settings.database_url == f"sqlite:///{paper.resolve()}/copydesk.sqlite3"  # inside tmp_path
    assert settings.sources_path == paper.resolve() / "sources.toml"
    registry = load_registry(settings.sources_path)
    assert len(registry) >= 45 and all(o.feeds for o in registry.values())


def test_init_refuses_to_overwrite_without_force(paper):
    cfg = paper / "copydesk.toml"
    cfg.write_text("# edited by hand\n", encoding="utf-8")

    result = invoke("init", paper)
    assert result.exit_code == 2
    assert "exists" in result.stderr and "--force" in result.stderr
    assert cfg.read_text(encoding="utf-8") == "# edited by hand\n"

    result = invoke("init", paper, "--force", "--name", "Forced Post")
    assert result.exit_code == 0, result.output
    assert load_settings(cfg).site.name == "Forced Post"


# -- exit code 2 -----------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "command",
    [["export", "--out", "site"], ["sources", "status"], ["sources", "export-opml"]],
    ids=lambda c: " ".join(c),
)
def test_a_wrong_setting_exits_2_naming_the_key(paper, tmp_path, command):
    bad = tmp_path / "bad.toml"
    bad.write_text('[database]\nurl = "mysql://x"\n', encoding="utf-8")
    result = invoke(*command, "--config", bad)
    assert result.exit_code == 2, result.output
    assert "error: config: database.url:" in result.stderr
    assert "mysql://x" in result.stderr and "sqlite:///" in result.stderr  # what was given, what is allowed
    assert not (tmp_path / "site").exists()


def test_a_wrong_setting_from_the_environment_exits_2(paper, monkeypatch):
    monkeypatch.setenv("COPYDESK_SCHEDULE__POLL_MINUTES", "0")
    result = invoke("export", "--config", paper, "--out", paper / "site")
    assert result.exit_code == 2
    assert "error: config: schedule.poll_minutes:" in result.stderr


def test_an_unknown_setting_and_a_missing_config_exit_2(tmp_path):
    typo = tmp_path / "typo.toml"
    typo.write_text('[site]\nnmae = "Typo Post"\n', encoding="utf-8")
    result = invoke("sources", "status", "--config", typo)
    assert result.exit_code == 2 and "config: site.nmae: unknown setting" in result.stderr

    result = invoke("sources", "status", "--config", tmp_path / "nowhere.toml")
    assert result.exit_code == 2 and "nowhere.toml" in result.stderr


def test_an_invalid_registry_exits_2_naming_the_entry(tmp_path):
    folder = tmp_path / "badreg"
    _write_registry(
        folder,
        outlet_toml("good-paper", "Good Paper", "https://good.example/feed.xml")
        + outlet_toml("bad-paper", "Bad Paper", "https://bad.example/feed.xml", country="UK"),
    )
    for command in (["sources", "status"], ["sources", "export-opml"], ["export", "--out", tmp_path / "site"]):
        result = invoke(*command, "--config", folder)
        assert result.exit_code == 2, result.output
        assert "error: registry: bad-paper: country 'UK'" in result.stderr
    assert not (tmp_path / "site").exists()


def test_a_missing_registry_exits_2_naming_the_setting(tmp_path):
    folder = tmp_path / "noreg"
    folder.mkdir()
    (folder / "copydesk.toml").write_text(render_config(), encoding="utf-8")
    result = invoke("sources", "status", "--config", folder)
    assert result.exit_code == 2
    assert "config: sources.file:" in result.stderr and "does not exist" in result.stderr


def test_a_wrong_log_level_exits_2(paper):
    result = invoke("--log-level", "LOUD", "sources", "status", "--config", paper)
    assert result.exit_code == 2
    assert "--log-level" in result.output


# -- import ------------------------------------------------------------------------------------------------------


def test_import_stores_good_lines_reports_bad_ones_and_skips_duplicates(paper, tmp_path):
    lines = [
        json.dumps(GOOD_1),
        json.dumps(GOOD_2),
        '{"url": "https://news.example.org/broken", "title": ',  # line 3: invalid JSON
        json.dumps({"url": "https://news.example.org/untitled", "outlet": "Example Daily"}),  # line 4: no title
        json.dumps(GOOD_1),  # line 5: the same URL again
    ]
    file = tmp_path / "articles.jsonl"
    file.write_text("\n".join(lines) + "\n", encoding="utf-8")

    first = invoke("import", file, "--no-process", "--config", paper)
    assert first.exit_code == 0, first.output
    assert first.stdout.splitlines() == ["import: bad-lines 2, duplicate-url 1, outlets-not-in-registry 1, stored 2"]
    assert "import: line 3: invalid JSON" in first.stderr
    assert "import: line 4: missing required field 'title'" in first.stderr
    assert "line 1:" not in first.stderr and "line 5:" not in first.stderr

    again = invoke("import", file, "--no-process", "--config", paper)
    assert again.exit_code == 0, again.output
    assert again.stdout.splitlines() == ["import: bad-lines 2, duplicate-url 3"]  # nothing new stored

    status = invoke("sources", "status", "--config", paper)
    rows = {line.split()[0]: line for line in status.stdout.splitlines()[1:]}
    assert rows["news.example.org"].split()[1] == "1" and "(no feed: imported only)" in rows["news.example.org"]


def test_import_of_a_missing_file_is_a_usage_error(paper, tmp_path):
    result = invoke("import", tmp_path / "missing.jsonl", "--no-process", "--config", paper)
    assert result.exit_code == 2


# -- sources -----------------------------------------------------------------------------------------------------


def test_sources_status_before_any_poll(paper):
    result = invoke("sources", "status", "--config", paper)
    assert result.exit_code == 0, result.output
    header, *rows = result.stdout.splitlines()
    assert header.split()[:4] == ["outlet", "articles", "non-art", "last"]
    registry = load_registry(paper / "sources.toml")
    assert len(rows) == sum(len(o.feeds) for o in registry.values())
    assert {row.split()[0] for row in rows} == {o.id[:28] for o in registry.values()}
    for row in rows:
        assert " never " in row and " not polled " in row, row


def test_opml_export_then_import_into_an_empty_registry(paper, tmp_path):
    registry = load_registry(paper / "sources.toml")
    feeds = {f for o in registry.values() for f in o.feeds}

    exported = invoke("sources", "export-opml", "--config", paper)
    assert exported.exit_code == 0, exported.output
    outlines = ET.fromstring(exported.stdout.strip()).iter("outline")
    assert {o.get("xmlUrl") for o in outlines} == feeds

    opml = tmp_path / "subscriptions.opml"
    assert invoke("sources", "export-opml", "--config", paper, "--out", opml).exit_code == 0
    assert opml.read_text(encoding="utf-8").strip() == exported.stdout.strip()

    empty = tmp_path / "empty"
    empty.mkdir()
    (empty / "copydesk.toml").write_text(render_config(), encoding="utf-8")  # and no sources.toml yet
    added = invoke("sources", "import-opml", opml, "--config", empty)
    assert added.exit_code == 0, added.output
    assert (
        added.stdout.strip() == f"added {len(registry)} outlets to {empty.resolve() / 'sources.toml'} "
        f"({len(registry)} in all)"
    )
    imported = load_registry(empty / "sources.toml")
    assert {f for o in imported.values() for f in o.feeds} == feeds
    assert all(o.lean.value == "unrated" and o.reliability.value == "unrated" for o in imported.values())

    # Feeds already in a registry are skipped, so importing the same list again adds nothing and leaves the
    # file as it was: the imported registry and the original, commented one alike.
    for folder in (empty, paper):
        before = (folder / "sources.toml").read_bytes()
        again = invoke("sources", "import-opml", opml, "--config", folder)
        assert again.exit_code == 0, again.output
        assert again.stdout.startswith("added 0 outlets")
        assert (folder / "sources.toml").read_bytes() == before
        load_registry(folder / "sources.toml")


def test_import_opml_refuses_entity_expansion_not_the_doctype(paper, tmp_path):
    evil = tmp_path / "evil.opml"
    evil.write_text(
        '<?xml version="1.0"?><!DOCTYPE opml [<!ENTITY a "aaaa"><!ENTITY b "&a;&a;&a;&a;">]>'
        '<opml><body><outline text="&b;" xmlUrl="https://evil.example/feed"/></body></opml>',
        encoding="utf-8",
    )
    before = (paper / "sources.toml").read_bytes()
    result = invoke("sources", "import-opml", evil, "--config", paper)
    assert result.exit_code == 2 and "error: registry: opml:" in result.stderr
    assert "entity 'b' refers to other entities" in result.stderr and "aaaa" not in result.stderr
    assert (paper / "sources.toml").read_bytes() == before

    harmless = tmp_path / "harmless.opml"
    harmless.write_text(
        '<?xml version="1.0"?><!DOCTYPE opml [<!ENTITY a "Harmless">]>'
        '<opml><body><outline text="&a; Gazette" xmlUrl="https://harmless.example/feed"/></body></opml>',
        encoding="utf-8",
    )
    result = invoke("sources", "import-opml", harmless, "--config", paper)
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith("added 1 outlets")
    assert 'name = "Harmless Gazette"' in (paper / "sources.toml").read_text(encoding="utf-8")


# -- export ------------------------------------------------------------------------------------------------------


def test_export_of_an_empty_database_writes_the_site(paper, tmp_path):
    out = tmp_path / "site"
    result = invoke("export", "--out", out, "--config", paper)
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith("wrote ") and str(out) in result.stdout
    assert "Test Post" in (out / "index.html").read_text(encoding="utf-8")
    for rel in ("about/index.html", "404.html", "feed.xml", "static/site.css"):
        assert (out / rel).is_file(), rel
    edition = json.loads((out / "api" / "stories.json").read_text(encoding="utf-8"))
    assert edition["stories"] == [] and edition["site"]["name"] == "Test Post"


def test_commands_find_copydesk_toml_in_the_working_folder(paper, monkeypatch):
    monkeypatch.chdir(paper)
    result = invoke("export", "--out", "site")
    assert result.exit_code == 0, result.output
    assert (paper / "site" / "index.html").is_file()
