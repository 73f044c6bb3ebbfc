"""`serve`'s edition cache: the store is asked for its fingerprint every check interval, and the edition (with the
pages the app keeps rendered for it) is rebuilt only when the fingerprint changed."""

from __future__ import annotations

import threading

from copydesk.cli import EditionCache


class FakeDesk:
    def __init__(self) -> None:
        self.state, self.built, self.checked = 1, 0, 0
        self.gate: threading.Event | None = None

    def edition_state(self):
        self.checked += 1
        return self.state

    def edition(self):
        if self.gate is not None:
            self.gate.wait(5)
        self.built += 1
        return ("edition", self.built)


def test_the_edition_is_rebuilt_only_when_the_store_changed():
    now = [0.0]
    desk = FakeDesk()
    cache = EditionCache(desk, check_s=30, clock=lambda: now[0])
    first = cache.get()
    assert first == ("edition", 1)
    now[0] = 10
    assert cache.get() is first and desk.checked == 1  # within the interval: not even a check
    now[0] = 31
    assert cache.get() is first and desk.checked == 2 and desk.built == 1  # checked, unchanged: kept
    desk.state = 2
    now[0] = 45
    assert cache.get() is first  # changed, but the interval has not passed since the last check
    now[0] = 62
    assert cache.get() == ("edition", 2) and desk.built == 2
    cache.invalidate()  # a correction was published from this server: rebuilt at once, same fingerprint or not
    assert cache.get() == ("edition", 3) and desk.built == 3


def test_other_requests_keep_serving_while_one_rebuilds():
    now = [0.0]
    desk = FakeDesk()
    cache = EditionCache(desk, check_s=30, clock=lambda: now[0])
    first = cache.get()
    desk.state, now[0], desk.gate = 2, 40, threading.Event()
    rebuilding = threading.Thread(target=cache.get)
    rebuilding.start()
    while desk.checked < 2:  # the first request is inside the rebuild
        pass
    assert cache.get() is first  # the second is not made to wait
    desk.gate.set()
    rebuilding.join(5)
    assert cache.get() == ("edition", 2)


def test_memory_is_given_back_at_the_request_after_a_new_edition():
    """The old edition (and the pages rendered from it) is let go by the requests that used it; the next request
    returns the freed memory to the system, once per new edition, never on an unchanged one."""
    now, released = [0.0], []
    desk = FakeDesk()
    cache = EditionCache(desk, check_s=30, clock=lambda: now[0], release=lambda: released.append(now[0]))
    cache.get()
    now[0] = 31
    cache.get()
    cache.get()
    assert released == [] and cache.builds == 1  # the first edition replaced nothing; unchanged: kept
    desk.state, now[0] = 2, 62
    assert cache.get() == ("edition", 2) and released == []  # this request may still hold the old one
    now[0] = 63
    cache.get()
    cache.get()
    assert released == [63] and cache.builds == 2


def test_release_memory_runs_here():
    from copydesk.cli import release_memory

    release_memory()  # glibc's malloc_trim here; nothing where the C library has none
