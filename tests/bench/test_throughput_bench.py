"""bench/throughput.py --backends embedded,celery1,celery2 on 60 articles of the bundled demo corpus: the same
articles through the embedded default and through real `copydesk worker` processes on the machine's PostgreSQL and
Redis (issue 16, part 5). The figures are the bench's; checked here: every backend stores and processes every
article once, duplicates no story, writes every story, and reports its keys."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from testsupport import service_url

pytestmark = [pytest.mark.slow, pytest.mark.timeout(1800)]

REPO = Path(__file__).resolve().parents[2]
DEMO = REPO / "src" / "copydesk" / "data" / "demo" / "wikinews_en_2004.jsonl"
N = 60


def _bench(tmp_path: Path, *args: str, env: dict | None = None) -> tuple[dict, str]:
    run = subprocess.run(
        [sys.executable, str(REPO / "bench" / "throughput.py"), str(DEMO), "--workdir", str(tmp_path / "w"), *args],
        capture_output=True,
        text=True,
        timeout=1700,
        env={**os.environ, **(env or {})},
    )
    assert run.returncode == 0, run.stderr[-3000:]
    return json.loads(run.stdout.strip().splitlines()[-1]), run.stderr


def test_celery_backends_process_the_same_articles_as_the_embedded_default(tmp_path):
    pytest.importorskip("celery", reason="the `celery` extra is not installed (pip install 'copydesk[celery]')")
    pg = service_url("COPYDESK_TEST_POSTGRES_URL")
    broker = service_url("COPYDESK_TEST_REDIS_URL")
    got, err = _bench(
        tmp_path,
        *("--articles", str(N), "--chunk", "30", "--backends", "embedded,celery1,celery2"),
        *("--postgres-url", pg, "--redis-url", broker),
    )
    skipped = got.get("celery1_skipped")
    if skipped:  # the URLs are set but the services did not answer
        if os.environ.get("COPYDESK_REQUIRE_SERVICES"):
            pytest.fail(f"CI requires the services: {skipped}")
        pytest.skip(f"the Celery backends were skipped: {skipped}")
    for b in ("celery1", "celery2"):
        assert f"{b}_skipped" not in got and f"{b}_error" not in got, (got, err[-3000:])
    assert got["articles"] == N and got["embedded_articles"] == N
    assert got["embedded_miscounted"] == 0 and got["embedded_processed"] > 0
    for b in ("celery1", "celery2"):
        for key in ("articles_per_s", "seconds", "ratio_to_embedded", "ratio_to_model", "startup_s", "workers"):
            assert f"{b}_{key}" in got, (b, key, got)
        assert got[f"{b}_articles_per_s"] > 0 and got[f"{b}_seconds"] > 0
        assert got[f"{b}_ratio_to_embedded"] == pytest.approx(
            got[f"{b}_articles_per_s"] / got["articles_per_s"], rel=0.02
        )
        # every article stored once and processed (those the embedded run processed: the same texts), none twice
        assert got[f"{b}_articles"] == N, (b, got)
        assert got[f"{b}_queued"] == N, (b, got)
        assert got[f"{b}_processed"] == got["embedded_processed"], (b, got)
        assert got[f"{b}_miscounted"] == 0, (b, got)
        # the same stories as the embedded run, give or take the odd clustering decision, and all written
        assert abs(got[f"{b}_stories"] - got["embedded_stories"]) <= max(2, got["embedded_stories"] // 10), (b, got)
        unwritable = got["embedded_stories"] - got["embedded_written"]  # no publishable sentence in the sources
        assert got[f"{b}_stories"] - got[f"{b}_written"] <= unwritable + 2, (b, got)
    assert got["celery2_workers"].count("--queues") == 2 and got["celery1_workers"].count("--queues") == 1


def test_celery_backends_are_skipped_with_the_reason_when_the_services_are_not_there(tmp_path):
    import socket

    with socket.socket() as s:  # a port nothing listens on
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    got, err = _bench(
        tmp_path,
        *("--articles", "4", "--chunk", "4", "--backends", "embedded,celery1"),
        *("--postgres-url", f"postgresql+psycopg://postgres@127.0.0.1:{port}/none"),
        *("--redis-url", f"redis://127.0.0.1:{port}/0"),
    )
    assert got["articles"] == 4 and got["articles_per_s"] > 0
    reason = got.get("celery1_skipped", "")
    assert "not reachable" in reason or "not installed" in reason, got
    assert "celery1: skipped" in err
    assert "celery1_articles_per_s" not in got


def test_backends_must_include_the_embedded_reference(tmp_path):
    run = subprocess.run(
        [sys.executable, str(REPO / "bench" / "throughput.py"), str(DEMO), "--backends", "celery1"],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert run.returncode == 2 and "embedded included" in run.stderr
