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


def test_workers_make_the_stories_that_copydesk_run_makes(room):
    newsroom.publish(room.server)
    room.worker("cluster", concurrency=1)
    room.worker("copydesk", concurrency=2)
    room.poll_now()
    took = room.wait_done(N, timeout=90)
    got = room.check_whole(N)
    assert got == {"articles": N, "stories": len(newsroom.EVENTS)}
    print(f"\nworkers: {N} articles into {got['stories']} stories in {took:.1f} s")
