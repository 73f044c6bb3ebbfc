"""A Celery worker's parse workers start warm (copydesk.tasks.stages, copydesk.ingest.guard): they are forks of the
pool process, not of the forkserver that `copydesk run` warms, so what a parse loads on first use (the language
detector's models, the extractor's tables) must already be in the process they fork from.

Each case runs in a fresh interpreter, as a worker's processes start: the test process has long loaded both."""

from __future__ import annotations

import subprocess
import sys
import textwrap

import pytest

pytest.importorskip("celery")

#: A pool process as Celery makes one: copydesk.tasks imported, its start-up signal sent, then parses under the
#: deadline; prints what the first parse worker found loaded, and what its replacement (after a crash) found.
POOL_PROCESS = textwrap.dedent(
    """
    import os
    from celery.signals import worker_init, worker_process_init
    import copydesk.tasks  # registers the tasks and connects their signal handlers
    from copydesk.ingest.guard import ParseCrashed, ParseGuard

    def loaded():
        from copydesk.lang.detect import _detector
        return _detector.cache_info().currsize

    def die():
        os._exit(3)

    if __name__ == "__main__":
        if MAIN_PROCESS_STARTS:
            worker_init.send(sender=None)  # the worker's main process, before it forks its pool
            print("main", loaded())
        worker_process_init.send(sender="test@pool")  # the pool process
        guard = ParseGuard(deadline_s=120.0, workers=1)
        first = guard.run(loaded)
        try:
            guard.run(die)
        except ParseCrashed:
            pass
        print("workers", first, guard.run(loaded))
    """
)


def _run(main_process_starts: bool) -> list[str]:
    script = POOL_PROCESS.replace("MAIN_PROCESS_STARTS", repr(main_process_starts))
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=300)
    assert out.returncode == 0, out.stderr[-3000:]
    return out.stdout.split()


def test_the_worker_main_process_warms_before_forking_its_pool():
    got = _run(True)
    assert got[:2] == ["main", "1"]  # loaded where the pool processes fork from
    assert got[2:] == ["workers", "1", "1"]


def test_a_pool_process_that_did_not_inherit_it_warms_before_forking_parse_workers():
    """Without ``worker_init`` (another pool, a process started otherwise): the guard warms the pool process before
    its first parse worker forks, so that worker and the one that replaced it after a crash find it loaded."""
    assert _run(False) == ["workers", "1", "1"]
