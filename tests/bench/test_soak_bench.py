"""bench/soak.py for half a minute: `copydesk run` polls the feed farm on loopback while `copydesk serve` answers
the load generator. The figures (RSS growth over 30 minutes) are the bench's; checked here: it polls, serves, counts,
and nothing failed or showed a traceback in that half minute."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from testsupport import shared_data

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO / "bench"))


@pytest.mark.slow
@pytest.mark.timeout(600)
def test_soak_bench_serves_while_polling():
    data = shared_data("feed_farm").parent
    run = subprocess.run(
        [
            sys.executable,
            str(REPO / "bench" / "soak.py"),
            str(data),
            "--minutes",
            "0.5",
            "--rate",
            "4",
            "--concurrency",
            "2",
            "--per-feed",
            "2",
        ],
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert run.returncode == 0, run.stderr[-3000:]
    figures = json.loads(run.stdout.strip().splitlines()[-1])
    for key in ("requests", "failed_requests", "user_errors", "serve_rss_growth_pct", "polls", "statuses"):
        assert key in figures, (key, figures)
    assert figures["requests"] >= 20 and "200" in figures["statuses"], figures
    assert figures["failed_requests"] == 0 and figures["user_errors"] == 0, figures
    assert figures["exited_early"] == {}, figures
    assert figures["client_keepalive_s"] < figures["serve_keepalive_s"], figures


def test_soak_bench_skips_visibly_without_data(tmp_path):
    run = subprocess.run(
        [sys.executable, str(REPO / "bench" / "soak.py"), str(tmp_path)], capture_output=True, text=True, timeout=60
    )
    assert run.returncode == 0 and "skipped" in json.loads(run.stdout.strip().splitlines()[-1])


def test_the_load_generator_gives_up_idle_connections_before_serve_closes_them():
    """A connection reused as `serve` closes it fails with no answer (bench/keepalive_race.py): the bench's client
    must not keep one as long as the server does, as httpx's default (5 s, uvicorn's too) would."""
    from soak import KEEPALIVE_EXPIRY_S

    from copydesk.cli import SERVE_KEEP_ALIVE_S

    assert 0 < KEEPALIVE_EXPIRY_S <= SERVE_KEEP_ALIVE_S / 2
