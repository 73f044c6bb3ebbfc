"""bench/crash.py on its two quick scenarios (no embedding model): a store-only import and a registry write, each
killed with SIGKILL and resumed, compared with an uninterrupted run. The figures are the bench's; what is checked is
that it kills, resumes and compares: the documented keys, every trial accounted for, nothing lost."""

from __future__ import annotations

import json
import random
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from testsupport import shared_data

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO / "bench"))
KEYS = ("trials", "lost", "duplicated", "integrity_failures", "resume_failures", "kills_by_step")


@pytest.mark.slow
@pytest.mark.timeout(900)
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
    kills = {k: n for k, n in figures["kills_by_step"].items() if not k.endswith("/finished")}
    assert figures["trials"] == 2 and sum(kills.values()) == 2, figures
    assert {k.split("/")[0] for k in kills} == {"import-store", "registry"}
    assert figures["reference_articles"]["import-store"] >= 140 and figures["reference_articles"]["registry"] > 100
    assert figures["lost"] == 0 and figures["duplicated"] == 0, figures["failures"]
    assert figures["integrity_failures"] == 0 and figures["resume_failures"] == 0, figures["failures"]


def test_crash_bench_skips_visibly_without_data(tmp_path):
    run = subprocess.run(
        [sys.executable, str(REPO / "bench" / "crash.py"), str(tmp_path)], capture_output=True, text=True, timeout=60
    )
    assert run.returncode == 0 and "skipped" in json.loads(run.stdout.strip().splitlines()[-1])


class FakeScenario:
    """A scenario whose trials take ``seconds`` and end before their kill when ``finishes`` says so."""

    def __init__(self, name: str, finishes=lambda k: False, seconds: float = 0.05) -> None:
        self.name, self.finishes, self.seconds = name, finishes, seconds
        self.references, self.running, self.most = 0, 0, 0
        self._lock = threading.Lock()

    def run_reference(self) -> None:
        self.references += 1

    def trial(self, k: int, fraction: float) -> dict:
        with self._lock:
            self.running += 1
            self.most = max(self.most, self.running)
        time.sleep(self.seconds)
        with self._lock:
            self.running -= 1
        return {
            "scenario": self.name,
            "k": k,
            "fraction": fraction,
            "killed_in": "finished" if self.finishes(k) else "x",
        }


def test_trials_that_were_not_killed_are_replaced_until_the_goal_is_killed():
    from crash import run_trials

    quick = FakeScenario("quick", finishes=lambda k: k % 2 == 0)  # every other trial ends before its kill
    slow = FakeScenario("slow")
    results, stopped = run_trials([quick, slow], 6, 1, None, random.Random(1), lambda r: None)
    killed = [r for r in results if r["killed_in"] != "finished"]
    assert len(killed) == 6 and not stopped
    assert sum(1 for r in results if r["killed_in"] == "finished") >= 1  # counted apart, not hidden
    assert quick.references == slow.references == 1


def test_replacements_are_bounded_when_a_step_is_never_hit():
    from crash import EXTRA_TRIALS_FRACTION, run_trials

    never = FakeScenario("never", finishes=lambda k: True)
    results, _ = run_trials([never], 10, 1, None, random.Random(1), lambda r: None)
    assert len(results) == 10 + max(1, int(10 * EXTRA_TRIALS_FRACTION))
    assert all(r["killed_in"] == "finished" for r in results)


def test_trials_run_jobs_at_once_with_the_same_kill_moments():
    from crash import run_trials

    one, two = FakeScenario("a", seconds=0.2), FakeScenario("a", seconds=0.2)
    serial, _ = run_trials([one], 4, 1, None, random.Random(7), lambda r: None)
    parallel, _ = run_trials([two], 4, 2, None, random.Random(7), lambda r: None)
    assert one.most == 1 and two.most == 2
    assert sorted((r["k"], r["fraction"]) for r in serial) == sorted((r["k"], r["fraction"]) for r in parallel)


def test_no_trial_starts_after_the_time_limit_and_the_stop_is_reported():
    from crash import run_trials

    slow = FakeScenario("slow", seconds=0.3)
    results, stopped = run_trials([slow], 50, 1, time.monotonic() + 0.5, random.Random(1), lambda r: None)
    assert stopped and 1 <= len(results) <= 3
