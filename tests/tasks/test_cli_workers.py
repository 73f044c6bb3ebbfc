"""`copydesk worker` and `copydesk scheduler` before they start: the app they configure, and the errors they give."""

from __future__ import annotations

from datetime import timedelta

import pytest
from typer.testing import CliRunner

from copydesk.cli import app
from copydesk.config import load_settings

pytest.importorskip("celery", reason="the `celery` extra is not installed (pip install 'copydesk[celery]')")


@pytest.fixture
def paper(tmp_path, monkeypatch):
    for var in ("COPYDESK_WORKERS__BROKER_URL", "COPYDESK_WORKERS__POLL_SECONDS", "COPYDESK_SCHEDULE__POLL_MINUTES"):
        monkeypatch.delenv(var, raising=False)
    r = CliRunner().invoke(app, ["init", str(tmp_path / "paper"), "--base-url", "https://news.example.org/"])
    assert r.exit_code == 0, r.output
    return tmp_path / "paper"


def test_an_unknown_queue_exits_2_naming_the_queues(paper):
    r = CliRunner().invoke(app, ["worker", "--config", str(paper), "--queues", "copydesk,urgent"])
    assert r.exit_code == 2
    assert "unknown queue urgent" in r.output and "cluster" in r.output


def test_the_app_acknowledges_late_and_polls_each_feed_at_its_interval(paper, monkeypatch):
    from celery import Celery

    from copydesk.sources import load_registry
    from copydesk.tasks import CLUSTER_QUEUE, configure

    monkeypatch.setenv("COPYDESK_WORKERS__KEY_PREFIX", "site-a:")
    monkeypatch.setenv("COPYDESK_SCHEDULE__POLL_MINUTES", "15")
    s = load_settings(paper)
    c = configure(Celery("t", set_as_current=False), s)
    assert c.conf.task_acks_late and c.conf.task_reject_on_worker_lost and c.conf.worker_prefetch_multiplier == 1
    assert c.conf.broker_transport_options["global_keyprefix"] == "site-a:"
    assert c.conf.task_routes["copydesk.process_article"] == {"queue": CLUSTER_QUEUE}
    feeds = [(o.id, url) for o in load_registry(s.sources_path).values() for url in o.feeds]
    polls = [e for e in c.conf.beat_schedule.values() if e["task"] == "copydesk.poll_feed"]
    assert sorted(tuple(e["args"]) for e in polls) == sorted(feeds) and len(feeds) > 1
    assert {e["schedule"] for e in polls} == {timedelta(minutes=15)}
    assert "newsletter" not in c.conf.beat_schedule  # newsletter.enabled is false by default
