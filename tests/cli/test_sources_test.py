"""`copydesk sources test URL...`: one line per URL, exit 4 on a refused address, 5 on a failed fetch, nothing
stored. Only a loopback server started by the test is contacted."""

from __future__ import annotations

import gzip
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

TESTS = Path(__file__).resolve().parents[1]
if str(TESTS) not in sys.path:
    sys.path.insert(0, str(TESTS))

from localserver import server_fixture  # noqa: E402

from copydesk.cli import app  # noqa: E402

local_server = server_fixture()

FEED = (
    b'<?xml version="1.0"?><rss version="2.0"><channel><title>T</title>'
    b"<item><title>One</title><link>https://example.org/1</link></item>"
    b"<item><title>Two</title><link>https://example.org/2</link></item></channel></rss>"
)


@pytest.fixture
def run(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)  # no copydesk.toml here: defaults and the environment

    def invoke(*urls: str, private: bool = True):
        env = {
            "COPYDESK_FETCH__PER_HOST_INTERVAL_S": "0",
            "COPYDESK_FETCH__RETRIES": "0",
            "COPYDESK_FETCH__ALLOW_PRIVATE_ADDRESSES": "true" if private else "false",
        }
        return CliRunner().invoke(app, ["sources", "test", *urls], env=env)

    return invoke


def test_feed_and_article_are_described(run, local_server, tmp_path):
    page = gzip.decompress((TESTS / "data" / "pages" / "aljazeera-afghanistan-crash.html.gz").read_bytes())
    feed = local_server.add("/feed.xml", FEED, content_type="application/rss+xml")
    article = local_server.add("/story.html", page, content_type="text/html; charset=utf-8")
    result = run(feed, article)
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert lines[0] == f"{feed}  ok feed with 2 entries"
    assert lines[1].startswith(f"{article}  ok article: ") and len(lines[1]) > len(article) + 20
    assert sorted(p.name for p in tmp_path.iterdir()) == []  # nothing stored, no data directory made


def test_failed_fetch_exits_5(run, local_server):
    missing = local_server.add("/gone", b"no", status=404)
    ok = local_server.add("/feed.xml", FEED)
    result = run(ok, missing)
    assert result.exit_code == 5, result.output
    assert result.stdout.splitlines()[1] == f"{missing}  error: 404 Not Found"


def test_refused_address_exits_4_and_names_the_registry_row(run, local_server):
    url = local_server.add("/feed.xml", FEED)
    missing = local_server.add("/gone", b"no", status=404)
    result = run(
        url, "http://0x7f.1/", "http://[64:ff9b::a9fe:a9fe]/latest", "http://192.0.0.192/latest/", private=False
    )
    assert result.exit_code == 4, result.output
    assert result.stdout.splitlines() == [
        f"{url}  refused: 127.0.0.1 is Loopback",
        "http://0x7f.1/  refused: 127.0.0.1 is Loopback",
        "http://[64:ff9b::a9fe:a9fe]/latest  refused: 64:ff9b::a9fe:a9fe is IPv4-IPv6 Translat. carrying "
        "169.254.169.254, which is Link Local",
        "http://192.0.0.192/latest/  refused: 192.0.0.192 is IETF Protocol Assignments",
    ]
    assert local_server.requests == [] and missing


def test_not_a_feed_nor_an_article_is_an_error(run, local_server):
    url = local_server.add("/data.bin", b"\x00\x01binary", content_type="application/octet-stream")
    result = run(url)
    assert result.exit_code == 5
    assert result.stdout.startswith(f"{url}  error: neither a feed nor an article page (")
