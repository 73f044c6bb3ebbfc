"""A hard deadline on every parse of untrusted input: a small pool of long-lived worker processes.

Feeds, pages and import lines are parsed (feedparser, trafilatura and htmldate, lingua, the page classifier and
the boilerplate cleaner) by ``ParseGuard.run(fn, *args)``, which sends the call to a worker process and waits at
most ``deadline_s`` for it. A worker that overruns is killed and replaced (pebble's ``ProcessPool`` does both;
the standard ``ProcessPoolExecutor`` cannot stop one stuck worker), and ``run`` raises ``ParseTimeout``; a
worker that dies (a crash in a C extension, the kernel's OOM killer) raises ``ParseCrashed``. The pool is
kept per process and shared by every ``ParseGuard`` with the same size, so a run pays the workers' start-up
(about a second: trafilatura, lxml and lingua import and load) once, not per page.

Workers are started with the ``forkserver`` method from a server that has imported ``copydesk.ingest.work``:
a fork of a clean process, never of the caller (which may hold threads, database connections or a web
server's sockets). As with any ``multiprocessing`` start method but fork, a script that parses must keep its
top-level code under ``if __name__ == "__main__":`` (the workers import the main module); `copydesk` and
``python -m copydesk`` do. ``workers=0`` runs the call in the calling process with *no* deadline: for debugging, or a
host that cannot start processes; `copydesk` never chooses it by itself.
"""

from __future__ import annotations

import atexit
import logging
import multiprocessing
import threading
import time
from concurrent.futures import TimeoutError as FutureTimeout
from typing import Any, Callable, Sequence, TypeVar

from pebble import ProcessExpired, ProcessPool

from copydesk.errors import CopydeskError

log = logging.getLogger(__name__)

T = TypeVar("T")

#: The module the worker processes import before their first task (its imports are what a parse needs).
WORKER_MODULE = "copydesk.ingest.work"
#: Imported after it by the forkserver: one small parse of each kind, so workers start with what parses load.
WARM_MODULE = "copydesk.ingest.warm"


class ParseFailed(CopydeskError):
    """A parse that gave no result; ``elapsed_s``: how long the caller waited for it."""

    def __init__(self, message: str, elapsed_s: float = 0.0):
        self.elapsed_s = elapsed_s
        super().__init__(message)


class ParseTimeout(ParseFailed):
    """A parse overran its deadline; the worker doing it was killed and replaced."""


class ParseCrashed(ParseFailed):
    """The worker process died during a parse (a crash in native code, out of memory)."""


_pools: dict[int, ProcessPool] = {}
_lock = threading.Lock()

#: How this process starts its parse workers: ``forkserver`` (a clean server that has imported the parsing code),
#: or ``fork`` where the process is itself a pool worker that must not start a server of its own (a Celery pool
#: process: copydesk.tasks sets it when the process starts). With ``fork`` the workers are warmed by warming this
#: process (``copydesk.ingest.work.warm_once``) before the first is started.
START_METHOD = "forkserver"


def _pool(workers: int) -> ProcessPool:
    with _lock:
        pool = _pools.get(workers)
        if pool is None or not pool.active:
            ctx = multiprocessing.get_context(START_METHOD)
            if START_METHOD == "forkserver":
                ctx.set_forkserver_preload([WORKER_MODULE, WARM_MODULE])
            elif START_METHOD == "fork":
                # the workers are forks of this process: warm it first (once; outside any parse's deadline), as
                # the forkserver is, so a worker's first page does not load the detector and extractor tables
                from copydesk.ingest.work import warm_once

                warm_once()
            pool = ProcessPool(max_workers=workers, context=ctx)
            _pools[workers] = pool
        return pool


def shutdown() -> None:
    """Stop every worker pool of this process (also run at exit)."""
    with _lock:
        pools = list(_pools.values())
        _pools.clear()
    for pool in pools:
        pool.stop()
        pool.join(timeout=5)


atexit.register(shutdown)


class ParseGuard:
    """Runs parses of untrusted input under a deadline of ``deadline_s`` seconds each, in ``workers`` worker
    processes (``copydesk.config.ParseSettings``)."""

    def __init__(self, deadline_s: float = 5.0, workers: int = 2):
        if deadline_s <= 0:
            raise ValueError("deadline_s must be positive")
        if workers < 0:
            raise ValueError("workers must be 0 (in-process, no deadline) or more")
        self.deadline_s = deadline_s
        self.workers = workers

    def run(self, fn: Callable[..., T], *args: Any, what: str = "parse") -> T:
        """``fn(*args)`` in a worker, or ``ParseTimeout`` / ``ParseCrashed``. ``fn`` must be a module-level
        function and its arguments and result picklable (our dataclasses are). An exception ``fn`` raises is
        raised here as it was (pebble carries it back with its traceback)."""
        (result,) = self.run_many(fn, [args], [what])
        if isinstance(result, ParseFailed):
            raise result
        return result

    def run_many(
        self, fn: Callable[..., T], calls: Sequence[tuple[Any, ...]], whats: Sequence[str] | None = None
    ) -> list[T | ParseFailed]:
        """``fn(*args)`` for each ``args`` of ``calls``, all sent to the workers at once so that they parse side by
        side; the results in the order of ``calls``, a parse that overran or crashed as its ``ParseFailed`` (returned,
        not raised: the others stand). Each call has its own deadline, counted from when a worker starts it; a
        failure's ``elapsed_s`` counts from when the batch was sent, which is how long the caller waited for it. An
        exception ``fn`` raises is raised here, as in ``run``."""
        whats = whats or ["parse"] * len(calls)
        if self.workers == 0:
            return [fn(*args) for args in calls]
        pool = _pool(self.workers)
        started = time.monotonic()
        futures = [pool.schedule(fn, args=args, timeout=self.deadline_s) for args in calls]
        out: list[T | ParseFailed] = []
        for future, what in zip(futures, whats):
            try:
                out.append(self._result(future, started, what))
            except ParseFailed as exc:
                out.append(exc)
        return out

    def _result(self, future, started: float, what: str):
        try:
            return future.result()
        except FutureTimeout:
            raise ParseTimeout(
                f"{what}: gave up after the {self.deadline_s:g} s deadline (worker killed)",
                round(time.monotonic() - started, 3),
            ) from None
        except ProcessExpired as exc:
            raise ParseCrashed(
                f"{what}: the parsing process died ({exc}, exit code {exc.exitcode})",
                round(time.monotonic() - started, 3),
            ) from None
