"""copydesk on real Celery workers (subprocesses of `copydesk worker` / `copydesk scheduler`, never eager mode)
against the machine's PostgreSQL and Redis: the same stories as `copydesk run`, and faults (issue 16, part 3)."""

from __future__ import annotations

import subprocess
import time

import pytest

import newsroom
from harness import Newsroom, free_port
from localserver import server_fixture
from testsupport import service_url

pytest.importorskip("celery", reason="the `celery` extra is not installed (pip install 'copydesk[celery]')")

local_server = server_fixture()
N = len(newsroom.EVENTS) * len(newsroom.OUTLETS)


@pytest.fixture
def room(tmp_path, local_server):
    pg = service_url("COPYDESK_TEST_POSTGRES_URL")
    broker = service_url("COPYDESK_TEST_REDIS_URL")
    r = Newsroom(tmp_path, local_server, pg, broker, visibility_timeout_s=6, sweep_seconds=2, poll_seconds=3600)
    yield r
    r.close()


def _in_flight(log: str) -> int:
    """Tasks a worker's log shows received and never finished (succeeded, failed, retried or rejected)."""
    import re

    got = set(re.findall(r"Task (copydesk\.\w+\[[0-9a-f-]+\]) received", log))
    done = set(re.findall(r"Task (copydesk\.\w+\[[0-9a-f-]+\]) (?:succeeded|failed|retry|raised)", log))
    return len(got - done)


def test_a_worker_killed_mid_task_loses_duplicates_and_splits_nothing(room):
    newsroom.publish(room.server)
    room.scheduler()  # its sweep takes up what the killed worker left
    doomed = room.worker(concurrency=2, embed_delay_s=1.0)  # a slow model: the kill lands inside a task
    room.poll_now()
    room.wait(lambda s: s["articles"] >= 6 and s["processed"] < s["articles"], 60, "articles stored, processing")
    time.sleep(0.7)
    at_kill = room.state()
    room.kill(doomed)
    in_flight = _in_flight(open(doomed.log_path, errors="replace").read())
    assert in_flight >= 1, f"the kill found no task under way\n{room.logs()}"
    room.worker(concurrency=2)
    took = room.wait_done(N, timeout=90)
    got = room.check_whole(N)
    assert got["stories"] == len(newsroom.EVENTS)
    print(
        f"\nSIGKILL: {in_flight} tasks under way, {at_kill['articles']} stored / {at_kill['processed']} processed at "
        f"the kill; a new worker finished all {N} articles, {got['stories']} stories, in {took:.1f} s"
    )


@pytest.fixture
def own_redis(tmp_path):
    """A redis-server of the test's own on a free port, without persistence (a restart loses every message)."""
    import shutil

    exe = shutil.which("redis-server")
    if exe is None:
        pytest.skip("redis-server is not installed (apt-get install redis-server): the restart test needs its own")
    port = free_port()

    def start():
        p = subprocess.Popen(
            [exe, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        import redis

        for _ in range(100):
            try:
                redis.Redis(port=port, socket_timeout=0.5).ping()
                return p
            except redis.exceptions.ConnectionError:
                time.sleep(0.05)
        raise AssertionError("redis-server did not start")

    procs = [start()]
    yield port, procs, start
    for p in procs:
        p.kill()
        p.wait()


def test_a_redis_restart_loses_no_article(tmp_path, local_server, own_redis):
    port, procs, start = own_redis
    pg = service_url("COPYDESK_TEST_POSTGRES_URL")
    room = Newsroom(
        tmp_path,
        local_server,
        pg,
        f"redis://127.0.0.1:{port}/0",
        visibility_timeout_s=6,
        sweep_seconds=2,
        poll_seconds=4,
    )
    try:
        newsroom.publish(room.server, events=range(3), delay_s=0.3)  # first the morning's events, slowly served
        room.scheduler()
        room.worker(concurrency=2)
        room.poll_now()
        room.wait(lambda s: s["articles"] >= 2, 60, "the first articles stored")
        at_restart = room.state()
        procs[0].kill()  # every queued and unacknowledged message is gone with it
        procs[0].wait()
        newsroom.publish(room.server)  # meanwhile the feeds carry the rest of the day
        time.sleep(1.0)
        procs.append(start())
        took = room.wait_done(N, timeout=90)
        got = room.check_whole(N)
        assert got["stories"] == len(newsroom.EVENTS)
        print(
            f"\nRedis restart: {at_restart['articles']} of {N} articles stored when Redis died; all {N}, "
            f"{got['stories']} stories, {took:.1f} s after it came back"
        )
    finally:
        room.close()


def test_dropped_postgresql_connections_lose_and_duplicate_nothing(room):
    from sqlalchemy import text

    newsroom.publish(room.server)
    room.scheduler()
    room.worker(concurrency=2, embed_delay_s=0.3)
    room.poll_now()
    room.wait(lambda s: s["articles"] >= 3, 60, "the first articles stored")
    cut = 0
    for _ in range(3):  # three times, a second apart: every connection of this test's workers, mid-run
        with room.admin.begin() as c:
            cut += c.execute(
                text("SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE application_name = :a"),
                {"a": room.app_name},
            ).scalar()
        time.sleep(1.0)
    assert cut >= 1, "no connection of the workers was cut"
    took = room.wait_done(N, timeout=90)
    got = room.check_whole(N)
    assert got["stories"] == len(newsroom.EVENTS)
    retried = sum(open(p.log_path, errors="replace").read().count(" retry: Retry in ") for p in room.procs)
    print(
        f"\nPostgreSQL: {cut} connections cut in 3 rounds, {retried} tasks retried; all {N} articles, "
        f"{got['stories']} stories, {took:.1f} s after the first cut"
    )


def test_two_schedulers_poll_each_feed_once_per_interval(tmp_path, local_server):
    pg = service_url("COPYDESK_TEST_POSTGRES_URL")
    broker = service_url("COPYDESK_TEST_REDIS_URL")
    every = 2
    room = Newsroom(tmp_path, local_server, pg, broker, poll_seconds=every, sweep_seconds=2)
    try:
        newsroom.publish(room.server, events=range(1))  # little to do: the polls are not held up behind work
        room.worker(concurrency=2)
        room.scheduler()
        time.sleep(0.7)  # the second scheduler in another phase of the interval
        room.scheduler()
        room.wait(lambda s: s["articles"] >= 1, 60, "the schedulers' first polls")
        time.sleep(4 * every)
        feeds = [f"/{o}.xml" for o in newsroom.OUTLETS]
        offset = time.time() - time.monotonic()
        polls = {f: [offset + r.time for r in room.server.hits(f)] for f in feeds}
        skipped = room.q("SELECT count(*) FROM events WHERE outcome = 'poll-skipped'", strict=True)[0][0]
        made = sum(len(v) for v in polls.values())
        assert made >= 2 * len(feeds), polls
        # no two polls of a feed in one interval (aligned on the clock), leaving 0.2 s at the edges for the time
        # between the claim and the request
        for f, ts in polls.items():
            slots = [int(t // every) for t in ts if 0.2 < t % every < every - 0.2]
            assert len(slots) == len(set(slots)), f"{f} polled twice in one interval: {ts}"
        # ... while the two schedulers did send a poll each
        # (the first and last intervals may hear from one scheduler only)
        assert skipped >= max(len(feeds), made - 2 * len(feeds)), (made, skipped)
        print(
            f"\ntwo schedulers: {made + skipped} poll messages, {made} polls made, {skipped} refused "
            f"(one per feed per {every} s interval)"
        )
    finally:
        room.close()
