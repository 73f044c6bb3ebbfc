"""bench/crash.py on its two quick scenarios (no embedding model): a store-only import and a registry write, each
killed with SIGKILL and resumed, compared with an uninterrupted run. The figures are the bench's; what is checked is
that it kills, resumes and compares: the documented keys, every trial accounted for, nothing lost."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from testsupport import shared_data

pytestmark = [pytest.mark.slow, pytest.mark.timeout(900)]

REPO = Path(__file__).resolve().parents[2]
KEYS = ("trials", "lost", "duplicated", "integrity_failures", "resume_failures", "kills_by_step")


def test_crash_bench_kills_resumes_and_compares():
    data = shared_data("allsides_neus").parent
    shared_data("feed_farm")
    run = subprocess.run(
        [
            sys.executable,
            str(REPO / "bench" / "crash.py"),
            str(data),
            "--trials",
            "2",
            "--scenarios",
            "import-store,registry",
            "--store-articles",
            "150",
        ],
        capture_output=True,
        text=True,
        timeout=900,
    )
    assert run.returncode == 0, run.stderr[-3000:]
    figures = json.loads(run.stdout.strip().splitlines()[-1])
    for key in KEYS:
        assert key in figures, (key, figures)
    assert figures["trials"] == 2 and sum(figures["kills_by_step"].values()) == 2, figures
    assert {k.split("/")[0] for k in figures["kills_by_step"]} == {"import-store", "registry"}
    assert figures["reference_articles"]["import-store"] >= 140 and figures["reference_articles"]["registry"] > 100
    assert figures["lost"] == 0 and figures["duplicated"] == 0, figures["failures"]
    assert figures["integrity_failures"] == 0 and figures["resume_failures"] == 0, figures["failures"]


def test_crash_bench_skips_visibly_without_data(tmp_path):
    run = subprocess.run(
        [sys.executable, str(REPO / "bench" / "crash.py"), str(tmp_path)], capture_output=True, text=True, timeout=60
    )
    assert run.returncode == 0 and "skipped" in json.loads(run.stdout.strip().splitlines()[-1])
