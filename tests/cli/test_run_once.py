"""`copydesk run --once`, the main job, against a loopback server: real recorded pages behind a feed, and a
feed that is gone. It polls, processes, writes and publishes, and the site shows what it found."""

from __future__ import annotations

import gzip
import json
import shutil
from pathlib import Path

from typer.testing import CliRunner

from copydesk.cli import app
from copydesk.config import render_config
from localserver import server_fixture
from testsupport import outlet_toml

DATA = Path(__file__).resolve().parents[1] / "data" / "pages"
PAGES = [p for p in json.loads((DATA / "pages.json").read_text()) if not p["paywalled"]]

local_server = server_fixture()


def test_run_once_polls_writes_and_publishes(tmp_path, local_server, monkeypatch):
    items = ""
    for i, page in enumerate(PAGES):
        local_server.add(f"/a/{i}", gzip.decompress((DATA / page["file"]).read_bytes()), content_type="text/html")
        items += (
            f"<item><title>{page['title_contains']} report {i}</title><link>{local_server.url(f'/a/{i}')}</link>"
            f"<pubDate>Mon, 23 Nov 2026 0{i}:00:00 GMT</pubDate><description>Summary {i}.</description></item>"
        )
    local_server.add(
        "/feed.xml",
        f'<?xml version="1.0"?><rss version="2.0"><channel><title>Local</title>{items}</channel></rss>'.encode(),
        content_type="application/rss+xml",
        etag='"1"',
    )
    (tmp_path / "copydesk.toml").write_text(render_config(name="Loopback Post"), encoding="utf-8")
    (tmp_path / "sources.toml").write_text(
        outlet_toml("local", "Local Paper", local_server.url("/feed.xml"))
        + outlet_toml("gone", "Gone Gazette", local_server.url("/missing.xml")),
        encoding="utf-8",
    )
    for key, value in {"ALLOW_PRIVATE_ADDRESSES": "true", "PER_HOST_INTERVAL_S": "0", "DEADLINE_S": "5"}.items():
        monkeypatch.setenv(f"COPYDESK_FETCH__{key}", value)

    result = CliRunner().invoke(app, ["run", "--once", "--config", str(tmp_path)])
    assert result.exit_code == 0, result.output
    assert "stored 2" in result.output and "published" in result.output
    assert "gone: fetch: 404" in result.output  # the broken feed is reported, the run went on
    site = tmp_path / "site"
    stories = json.loads((site / "api" / "stories.json").read_text())["stories"]
    assert len(stories) == 2
    index = (site / "index.html").read_text()
    assert "Loopback Post" in index
    for st in stories:
        assert (site / "story" / st["slug"] / "index.html").exists()
    if shutil.which("espeak-ng"):  # published with its narrations (tests/audio cover the engine itself)
        assert "audio: briefings-narrated 1, narrated 2" in result.output
        assert all((site / st["audio"]["url"].split("/", 3)[3]).is_file() for st in stories)
    else:
        assert "audio: off 1" in result.output

    status = CliRunner().invoke(app, ["sources", "status", "--config", str(tmp_path)])
    lines = [line for line in status.output.splitlines() if line.startswith(("local", "gone"))]
    assert any(line.startswith("local") and " 2 " in line and "ok" in line for line in lines), status.output
    assert any(line.startswith("gone") and "http-error" in line for line in lines), status.output
