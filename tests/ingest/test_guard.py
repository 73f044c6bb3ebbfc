"""The parse deadline (copydesk.ingest.guard): a worker that overruns is killed and replaced, and the caller
gets ``ParseTimeout`` within the deadline plus a small margin; the pool keeps working afterwards."""

from __future__ import annotations

import os
import time

import pytest

from copydesk.errors import FeedError
from copydesk.ingest.guard import ParseCrashed, ParseGuard, ParseTimeout
from copydesk.ingest.work import prepare_page, read_feed
from copydesk.models import FeedEntry, FetchResult
from testsupport import slow_page

#: Seconds past the deadline a timed-out call may take to come back (killing the worker and answering); the
#: machine is shared by several test runs, so this is generous, but far below the 6 s the slow page costs.
MARGIN_S = 2.0


def _sleep(seconds: float) -> int:
    time.sleep(seconds)
    return os.getpid()


def _pid() -> int:
    return os.getpid()


def _die() -> None:
    os._exit(3)


def test_an_overrun_is_interrupted_within_the_deadline_and_the_pool_goes_on():
    guard = ParseGuard(deadline_s=0.5, workers=1)
    before = guard.run(_pid)
    t0 = time.monotonic()
    with pytest.raises(ParseTimeout, match="0.5 s deadline"):
        guard.run(_sleep, 30, what="page: http://slow.test/")
    assert time.monotonic() - t0 < 0.5 + MARGIN_S
    after = guard.run(_pid)  # a fresh worker took the killed one's place
    assert after != before


def test_a_worker_that_dies_is_reported_and_replaced():
    guard = ParseGuard(deadline_s=5, workers=1)
    with pytest.raises(ParseCrashed, match="exit code 3"):
        guard.run(_die)
    assert guard.run(_sleep, 0) > 0


def test_errors_of_the_parse_itself_come_back_as_raised():
    guard = ParseGuard(deadline_s=5, workers=1)
    with pytest.raises(FeedError, match="not an RSS, Atom or JSON feed"):
        guard.run(read_feed, b"<html>not a feed</html>", "http://x.test/feed", "text/html")


def test_the_34_byte_page_times_out_within_the_deadline():
    page = slow_page()
    entry = FeedEntry(url="http://x.test/bomb", title="A page that takes seconds", summary="The summary.")
    fetch = FetchResult(url=entry.url, outcome="ok", status=200, body=page, content_type="text/html")
    guard = ParseGuard(deadline_s=3.0, workers=1)
    t0 = time.monotonic()
    with pytest.raises(ParseTimeout):
        guard.run(prepare_page, entry, "x", fetch, "en", ("en",))
    assert time.monotonic() - t0 < 3.0 + MARGIN_S
    # its first 20 KB are an ordinary page (a fresh worker; a generous deadline for a loaded machine)
    small = FetchResult(url=entry.url, outcome="ok", status=200, body=page[:20_000], content_type="text/html")
    assert ParseGuard(30, workers=1).run(prepare_page, entry, "x", small, "en", ("en",)).article.url == entry.url


def test_no_workers_parses_in_process():
    assert ParseGuard(deadline_s=1, workers=0).run(_pid) == os.getpid()


def _detector_models_loaded() -> int:
    from copydesk.lang.detect import _detector

    return _detector.cache_info().currsize


def test_a_workers_first_parse_finds_the_language_detector_loaded():
    """The workers fork from a server that ran one small parse of each kind (copydesk.ingest.warm): what a parse
    loads on first use is there before a worker's first page, also in a worker that replaced a dead one."""
    from copydesk.lang.detect import _detector

    _detector.cache_clear()  # this process's own cache says nothing of the workers'
    guard = ParseGuard(deadline_s=30.0, workers=1)
    assert guard.run(_detector_models_loaded) >= 1
    with pytest.raises(ParseCrashed):
        guard.run(_die)
    assert guard.run(_detector_models_loaded) >= 1  # a new worker, forked from the same warmed server


def _meet(path: str, role: str) -> bool:
    """Role "make" creates `path`; role "wait" says whether `path` appeared within 3 s: only if the two ran at once."""
    if role == "make":
        open(path, "w").close()
        return True
    end = time.monotonic() + 3
    while time.monotonic() < end:
        if os.path.exists(path):
            return True
        time.sleep(0.02)
    return False


def test_many_parses_run_side_by_side_in_order_and_an_overrun_stands_alone(tmp_path):
    guard = ParseGuard(deadline_s=5, workers=2)
    flag = str(tmp_path / "flag")
    assert guard.run_many(_meet, [(flag, "wait"), (flag, "make")]) == [True, True]  # one after the other: False
    guard = ParseGuard(deadline_s=0.5, workers=2)
    out = guard.run_many(_sleep, [(0,), (30,), (0,)], ["a", "page: http://slow.test/", "c"])
    assert [isinstance(r, int) for r in out] == [True, False, True]
    assert isinstance(out[1], ParseTimeout) and "page: http://slow.test/" in str(out[1])


def test_many_parses_without_workers_run_in_process():
    assert ParseGuard(deadline_s=1, workers=0).run_many(_pid, [(), ()]) == [os.getpid()] * 2
