"""One task per stage. Each calls the `Desk` step that `copydesk run` calls, and each is safe to run twice."""

from __future__ import annotations

import logging
from dataclasses import asdict
from datetime import datetime, timedelta, timezone

from celery.signals import worker_init, worker_process_init, worker_process_shutdown
from sqlalchemy.exc import DBAPIError

from copydesk.dedup import canonical_url
from copydesk.errors import StoreError
from copydesk.models import FeedEntry, Outlet
from copydesk.pipeline import Desk, Report
from copydesk.tasks.app import app, poll_time_limit_s, settings

log = logging.getLogger("copydesk.tasks")

#: Seconds a write waits after the clustering that dirtied its story, so the articles of one poll that join one
#: story are written together once (the tasks of one feed's entries arrive within about a second of each other in
#: tests/tasks; later ones find the story written and do nothing).
WRITE_DELAY_S = 2

#: A task that met a database that was not there (restart, failover, a dropped connection) is run again after
#: 1, 2, 4 ... up to 30 seconds, at most this many times; the sweep takes up whatever is still left after that.
DB_RETRIES = 8

_desk_state: dict = {}  # "desk": this process's Desk, made on its first task (after the pool forked)

# Every task: acknowledged once done (a task whose worker dies is delivered again), and run again later when the
# database could not be reached.
TASK = dict(
    bind=True,
    acks_late=True,
    reject_on_worker_lost=True,
    autoretry_for=(DBAPIError, StoreError),
    retry_backoff=1,
    retry_backoff_max=30,
    retry_jitter=False,
    max_retries=DB_RETRIES,
)


def desk() -> Desk:
    if "desk" not in _desk_state:
        from copydesk.sources import load_registry

        s = settings()
        outlets = load_registry(s.sources_path)
        try:
            d = Desk(s, outlets, shared=True)
        except StoreError:  # two workers starting at once both inserted a new outlet: the other one's rows stand
            d = Desk(s, outlets, shared=True)
        _desk_state["desk"] = d
    return _desk_state["desk"]


@worker_init.connect
def _warm(**_kw) -> None:
    """Run one small parse of each kind in the worker's main process, before it starts its pool (Celery forks the
    pool processes from it, and they fork their parse workers): what a parse loads on first use (the language
    detector's models, the extractor's tables: 0.35 s on a quiet machine, seconds on a loaded one) is then loaded
    once, shared by every pool process and parse worker, never paid inside a page's parse deadline. Not in
    ``worker_process_init``: Celery gives a pool process 4 s (``worker_proc_alive_timeout``) to report that it
    started, which a loaded machine may not leave for this; a pool process that did not inherit it warms itself
    before its first parse (``copydesk.ingest.guard``)."""
    from copydesk.ingest.work import warm_once

    warm_once()


@worker_process_init.connect
def _may_have_children(**_kw) -> None:
    """Celery's pool processes are daemonic, and Python refuses a daemonic process children; but the parse deadline
    (ingest/guard) runs each parse in a child process it can kill on overrun. So the pool process, once started,
    declares itself not daemonic and forks its parse workers from itself (no process server, which would re-run
    the worker's start-up). The parse workers read their work from a pipe and exit when their parent dies, so a
    killed pool process leaves none behind. They start warm: they inherit what ``_warm`` loaded in the worker's
    main process (or, failing that, ``copydesk.ingest.guard`` warms this process before forking the first)."""
    import multiprocessing

    from copydesk.ingest import guard

    multiprocessing.current_process().daemon = False
    guard.START_METHOD = "fork"


@worker_process_shutdown.connect
def _close(**_kw) -> None:
    d = _desk_state.pop("desk", None)
    if d is not None:
        d.close()


def claim_text(expires: datetime, expire_s: float) -> str:
    """The start of a claim that expires at ``expires`` (HH:MM:SS UTC)."""
    return f"{expires - timedelta(seconds=expire_s):%H:%M:%S} UTC"


def entry_to_json(e: FeedEntry) -> dict:
    d = asdict(e)
    d["published"] = e.published.isoformat() if e.published else None
    return d


def entry_from_json(d: dict) -> FeedEntry:
    d = dict(d)
    d["published"] = datetime.fromisoformat(d["published"]) if d.get("published") else None
    d["categories"] = tuple(d.get("categories") or ())
    return FeedEntry(**d)


def _outlet(d: Desk, outlet_id: str) -> Outlet | None:
    """The registry's outlet (as last synced), as `Desk.poll` reads it: a feed removed from the registry is not
    polled by a message sent before its removal either."""
    return d.store.registry_outlets().get(outlet_id)


@app.task(name="copydesk.poll_feed", **TASK)
def poll_feed(self, outlet_id: str, feed_url: str, claimed: str | None = None) -> dict:
    """Fetch one feed (once per interval, whichever scheduler sent this) and queue a fetch for each new entry.
    ``claimed``: this poll's own claim, carried by its retry after a database failure."""
    d = desk()
    outlet = _outlet(d, outlet_id)
    if outlet is None or feed_url not in outlet.feeds:
        log.warning("poll: feed not in the registry", extra={"stage": "poll", "source": outlet_id, "url": feed_url})
        return {"not-in-registry": 1}
    mine = datetime.fromisoformat(claimed) if claimed else None
    every, expire_s = d.settings.poll_interval_s, poll_time_limit_s(d.settings)
    claim = d.store.claim_poll(feed_url, outlet_id, every, mine=mine, expire_s=expire_s)
    if claim is None:
        expires = d.store.poll_claim_expires(feed_url, expire_s)
        now = datetime.now(timezone.utc)
        if expires is not None and int(expires.timestamp() // every) == int(now.timestamp() // every):
            # the claim is an unfinished poll's: if that poll died (its message redelivered here), this one takes
            # over once the claim expires, still in this interval; if it finishes first, this one is skipped then
            d.store.record_event(
                "feed",
                "poll-deferred",
                outlet_id=outlet_id,
                url=feed_url,
                message=f"feed: a poll started at {claim_text(expires, expire_s)} has not finished: asked again when "
                f"its claim expires at {expires:%H:%M:%S} UTC",
            )
            raise self.retry(countdown=max(1.0, (expires - now).total_seconds() + 0.5), max_retries=None)
        d.store.record_event(
            "feed", "poll-skipped", outlet_id=outlet_id, url=feed_url, message="feed: polled already in this interval"
        )
        return {"poll-skipped": 1}

    def queue(o: Outlet, e: FeedEntry, again: int | None, report: Report) -> bool:
        fetch_article.delay(o.id, entry_to_json(e), again)
        report.add("pages-queued")
        return True

    report = Report()
    try:
        d.poll_feed(outlet, feed_url, report, fetch=queue)
    except (DBAPIError, StoreError) as exc:
        raise self.retry(
            exc=exc,
            args=(outlet_id, feed_url),
            kwargs={"claimed": claim.isoformat()},
            countdown=min(30, 2**self.request.retries),
            max_retries=DB_RETRIES,
        )
    return report.counts


@app.task(name="copydesk.fetch_article", **TASK)
def fetch_article(self, outlet_id: str, entry: dict, again: int | None = None) -> dict:
    """Fetch, extract, classify and store one feed entry's page; queue its processing. A URL stored meanwhile (this
    message delivered twice, or the feed polled again) is not fetched again."""
    d = desk()
    e = entry_from_json(entry)
    outlet = _outlet(d, outlet_id)
    if outlet is None:
        return {"not-in-registry": 1}
    if again is None:
        try:
            if d.store.known_urls([canonical_url(e.url)]):
                return {"known": 1}
        except ValueError:
            pass  # fetch_entry records the bad URL
    report = Report()
    aid = d.fetch_entry(outlet, e, again, report)
    if aid is not None:
        process_article.delay(aid)
    return report.counts


@app.task(name="copydesk.process_article", **TASK)
def process_article(self, article_id: int) -> dict:
    """Dedup, embed and cluster the article (and the others waiting), on the "cluster" queue; queue the writing of
    the stories it changed. An article processed already is left as it is."""
    d = desk()
    report = d.process_article(article_id)
    a = d.store.article(article_id)
    if a is not None and a.page_class in (None, "article") and not d.store.is_processed(article_id):
        # the step failed and rolled back (recorded as an event): try again later, as a database error would
        raise self.retry(countdown=min(30, 2**self.request.retries), max_retries=DB_RETRIES)
    if report.counts.get("stories-new") or report.counts.get("stories-grown"):
        for sid in d.store.dirty_stories():
            write_story.apply_async((sid,), countdown=WRITE_DELAY_S)
    return report.counts


@app.task(name="copydesk.write_story", **TASK)
def write_story(self, story_id: str) -> dict:
    """Write one story if it waits to be written (one writer per story at a time)."""
    return desk().write_story(story_id).counts


@app.task(name="copydesk.narrate", **TASK)
def narrate(self) -> dict:
    """Read aloud what changed (copydesk.audio), then publish the site."""
    d = desk()
    with d.store.held("publish"):
        counts = d.narrate().counts
    publish.delay()
    return counts


@app.task(name="copydesk.publish", **TASK)
def publish(self) -> dict:
    """Write the static site to DATA_DIR/site (replaced atomically), one publisher at a time."""
    d = desk()
    with d.store.held("publish"):
        files = d.export(d.settings.data_dir / "site")
    return {"files": len(files)}


@app.task(name="copydesk.newsletter", **TASK)
def newsletter(self, day: str | None = None) -> dict:
    """Send the day's digest (UTC; default today) to every confirmed subscriber who has not had it."""
    from datetime import date

    d = desk()
    when = date.fromisoformat(day) if day else datetime.now(timezone.utc).date()
    with d.store.held("newsletter"):
        return d.send_newsletter(when).counts


@app.task(name="copydesk.sweep", **TASK)
def sweep(self) -> dict:
    """Take up what a lost message left behind (a broker restarted without its queue, a task out of retries): the
    articles waiting to be processed and the stories waiting to be written."""
    d = desk()
    every = d.settings.workers.sweep_seconds
    counts = {}
    waiting = d.store.unprocessed(limit=1)
    if waiting:
        process_article.apply_async((waiting[0].id,), expires=every)
        counts["process"] = 1
    dirty = d.store.dirty_stories()
    for sid in dirty:
        write_story.apply_async((sid,), expires=every)
    if dirty:
        counts["write"] = len(dirty)
    return counts
