"""The Celery application, configured from copydesk's settings ([workers] in copydesk.toml / COPYDESK_WORKERS__*)."""

from __future__ import annotations

import os
from datetime import timedelta
from pathlib import Path

from celery import Celery
from celery.schedules import crontab

from copydesk.config import CONFIG_NAME, Settings, load_settings

#: Queues: "copydesk" for every task that may run in parallel, "cluster" for processing (dedup, embed, cluster),
#: which one worker consumes with concurrency 1 (`copydesk worker --queues cluster --concurrency 1`).
QUEUE, CLUSTER_QUEUE = "copydesk", "cluster"

#: Seconds a poll task may take beyond its two fetches (robots.txt and the feed, each at most fetch.deadline_s)
#: and its parse (parse.deadline_s): the database writes and queueing at most fetch.max_articles_per_feed fetches,
#: under a second in tests/tasks; 60 leaves room for a slow database.
POLL_SLACK_S = 60


def poll_time_limit_s(s: Settings) -> float:
    """The hard time limit of a poll task (Celery kills its process past it: 185 s with the default settings), and
    so the age past which a claim whose poll never recorded its fetch belongs to a dead poll and is taken over by
    the next one (``Store.claim_poll``'s ``expire_s``)."""
    return 2 * s.fetch.deadline_s + s.parse.deadline_s + POLL_SLACK_S


app = Celery("copydesk", set_as_current=False)
_state: dict = {}  # "settings": the Settings the tasks of this process use


def settings() -> Settings:
    """The settings `configure` was given (`copydesk worker` and `copydesk scheduler` configure before they
    start), else those of ``COPYDESK_CONFIG`` or ./copydesk.toml."""
    if "settings" not in _state:
        path = os.environ.get("COPYDESK_CONFIG") or (CONFIG_NAME if Path(CONFIG_NAME).exists() else None)
        configure(app, load_settings(Path(path) if path else None))
    return _state["settings"]


def configure(celery: Celery, s: Settings) -> Celery:
    """Point ``celery`` at the broker of ``s`` and set what makes every task safe to run twice."""
    w = s.workers
    transport: dict = {"visibility_timeout": w.visibility_timeout_s}
    if w.key_prefix and w.broker_url.startswith(("redis", "rediss")):
        transport["global_keyprefix"] = w.key_prefix
    celery.conf.update(
        broker_url=w.broker_url,
        broker_transport_options=transport,
        broker_connection_retry_on_startup=True,
        broker_connection_max_retries=None,  # a broker that restarts is waited for, never given up on
        task_acks_late=True,  # acknowledged once done: a task whose worker dies is run again, by another
        task_reject_on_worker_lost=True,  # ... also when only the pool process running it was killed
        worker_prefetch_multiplier=1,  # a worker holds one message per process, not a backlog it may die with
        task_ignore_result=True,  # the database is the result
        task_serializer="json",
        accept_content=["json"],
        task_default_queue=QUEUE,
        task_routes={"copydesk.process_article": {"queue": CLUSTER_QUEUE}},
        timezone="UTC",
        enable_utc=True,
        worker_hijack_root_logger=False,
        beat_schedule=beat_schedule(s),
    )
    _state["settings"] = s
    return celery


def beat_schedule(s: Settings) -> dict:
    """Each registry feed every poll interval, the sweep, the site (narrations, then the static files) every poll
    interval and, when enabled, the newsletter once a day. A message a later one replaces expires."""
    from copydesk.sources import load_registry

    every = s.poll_interval_s
    sched: dict = {}
    if s.sources_path.exists():
        for o in load_registry(s.sources_path).values():
            for url in o.feeds:
                sched[f"poll {o.id} {url}"] = {
                    "task": "copydesk.poll_feed",
                    "schedule": timedelta(seconds=every),
                    "args": (o.id, url),
                    # a poll that overruns is killed, so a claim older than this limit is a dead poll's
                    # (Store.claim_poll); its retries carry the same limit
                    "options": {"expires": every, "time_limit": poll_time_limit_s(s)},
                }
    sched["sweep"] = {
        "task": "copydesk.sweep",
        "schedule": timedelta(seconds=s.workers.sweep_seconds),
        "options": {"expires": s.workers.sweep_seconds},
    }
    sched["publish"] = {"task": "copydesk.narrate", "schedule": timedelta(seconds=every), "options": {"expires": every}}
    if s.newsletter.enabled:
        sched["newsletter"] = {
            "task": "copydesk.newsletter",
            "schedule": crontab(minute=0, hour=s.workers.newsletter_hour),
        }
    return sched
