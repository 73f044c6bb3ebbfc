"""The per-item steps the workers call (no broker needed): a worker sees the stories another one made, a step run
twice changes nothing, the clustering lock excludes, and a feed is let through once per interval."""

from __future__ import annotations

import json
import threading
import time
import uuid
from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy import create_engine, text

import newsroom
from copydesk.config import load_settings, render_config
from copydesk.models import FeedEntry
from copydesk.pipeline import Desk
from copydesk.store import Store
from testsupport import service_url


def line(e: int, k: int) -> str:
    o = newsroom.OUTLETS[k]
    facts = newsroom.EVENTS[e]
    return json.dumps(
        {
            "url": f"https://{o}.test/{o}-event-{e}",
            "outlet": o,
            "title": facts[k % 3].split(",")[0],
            "text": f"{facts[k % 3]}. {facts[(k + 1) % 3]}. {newsroom.FILLERS[k]}",
            "published": f"2026-12-04T{8 + e:02d}:{10 * k:02d}:00Z",
        }
    )


def desk(tmp_path, shared: bool) -> Desk:
    if not (tmp_path / "copydesk.toml").exists():
        (tmp_path / "copydesk.toml").write_text(render_config(), encoding="utf-8")
    d = Desk(load_settings(tmp_path / "copydesk.toml"), {}, shared=shared)
    d._embedder = newsroom.KeywordEmbedder()
    return d


def _ids(d: Desk) -> list[int]:
    return [a.id for a in d.store.unprocessed()]


@pytest.mark.parametrize("shared, stories", [(True, 1), (False, 2)])
def test_a_worker_sees_the_story_another_worker_made(tmp_path, shared, stories):
    """Two workers, each with its indexes built at start; one clusters the first report of an event, the other the
    second report. Shared (as workers are), the second catches up and joins the story; without the check it would
    split the event (the baseline)."""
    a, b = desk(tmp_path, shared), desk(tmp_path, shared)
    a.import_lines([line(0, 0), line(0, 1)])
    first, second = _ids(a)
    a.clusterer, b.clusterer  # both workers started before anything was clustered
    assert a.process(articles=[a.store.article(first)]).counts.get("stories-new") == 1
    rep = b.process(articles=[b.store.article(second)])
    assert rep.counts.get("caught-up", 0) == int(shared)
    n = a.store.session().execute(text("SELECT count(DISTINCT story_id) FROM articles")).scalar()
    assert n == stories
    a.close()
    b.close()


def test_processing_or_writing_twice_changes_nothing(tmp_path):
    d = desk(tmp_path, shared=True)
    d.import_lines([line(1, 0), line(1, 1), line(1, 2)])
    ids = _ids(d)
    rep = d.process_article(ids[0])  # the whole waiting batch, in one pass
    assert rep.counts.get("stories-new") == 1 and rep.counts.get("stories-grown") == 2
    for aid in ids:  # redelivered messages
        assert d.process_article(aid).counts == {"already-processed": 1}
    [sid] = d.store.dirty_stories()
    assert d.store.story_state(sid, d.embedder.dim).n_articles == 3
    assert d.write_story(sid).counts.get("written") == 1
    assert d.write_story(sid).counts == {"already-written": 1}
    assert d.store.published_revisions()[sid][-1].n == 1
    d.close()


@pytest.fixture(params=["sqlite", "postgresql"])
def store_url(request, tmp_path):
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path}/t.sqlite3"
        return
    base = service_url("COPYDESK_TEST_POSTGRES_URL")
    schema = "t_" + uuid.uuid4().hex[:10]
    eng = create_engine(base)
    with eng.begin() as c:
        c.execute(text(f"CREATE SCHEMA {schema}"))
    sep = "&" if "?" in base else "?"
    yield f"{base}{sep}options=-csearch_path%3D{schema}"
    with eng.begin() as c:
        c.execute(text(f"DROP SCHEMA {schema} CASCADE"))
    eng.dispose()


def test_one_clustering_step_at_a_time_across_processes(store_url):
    """Two stores (two workers) take the cluster lock: the second waits until the first has committed."""
    one, two = Store(store_url), Store(store_url)
    spans = []

    def step(s: Store) -> None:
        with s.exclusive("cluster"):
            t0 = time.monotonic()
            s.record_event("process", "test")
            time.sleep(0.3)
            spans.append((t0, time.monotonic()))

    threads = [threading.Thread(target=step, args=(s,)) for s in (one, two)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    (a0, a1), (b0, b1) = sorted(spans)
    assert b0 >= a1, f"the two steps overlapped: {spans}"
    one.close()
    two.close()


def test_a_feed_is_let_through_once_per_interval(store_url):
    s = Store(store_url)
    every = 1.0
    time.sleep(every - time.time() % every + 0.05)  # at the start of an interval
    mine = s.claim_poll("https://a.test/feed", "a", every)
    assert mine is not None
    assert s.claim_poll("https://a.test/feed", "a", every) is None  # a second scheduler, same interval
    assert s.claim_poll("https://a.test/feed", "a", every, mine=mine) == mine  # the first one's retry
    assert s.claim_poll("https://b.test/feed", "b", every)  # another feed
    time.sleep(every)
    assert s.claim_poll("https://a.test/feed", "a", every)  # the next interval
    assert s.claim_poll("https://a.test/feed", "a", every, mine=mine) is None  # an old claim is no claim
    s.close()


def test_a_dead_polls_claim_expires_and_is_taken_over_once(store_url):
    """Issue 16: a poll killed mid-way keeps its claim; once the claim is older than the poll's time limit and its
    poll never recorded the feed fetch, the next poll in the same interval takes it over (one of two that try),
    while a claim whose poll finished is never taken over in its interval."""
    from copydesk.models import FetchResult

    one, two = Store(store_url), Store(store_url)
    every, expire = 600.0, 0.5
    if every - time.time() % every < 30:  # not at the end of an interval: the test stays inside one
        time.sleep(every - time.time() % every + 0.05)
    feed = "https://a.test/feed"
    dead = one.claim_poll(feed, "a", every, expire_s=expire)  # this poll dies before recording its fetch
    assert dead is not None
    assert two.claim_poll(feed, "a", every, expire_s=expire) is None  # too young to be a dead poll's
    expires = two.poll_claim_expires(feed, expire)
    assert expires is not None and abs((expires - dead).total_seconds() - expire) < 1e-3
    time.sleep(expire + 0.2)
    assert two.claim_poll(feed, "a", every) is None  # without an expiry (as before) it would wait an interval
    got: list = []
    barrier = threading.Barrier(2)

    def take(store: Store) -> None:
        barrier.wait()
        got.append(store.claim_poll(feed, "a", every, expire_s=expire))

    threads = [threading.Thread(target=take, args=(s,)) for s in (one, two)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    taken = [c for c in got if c is not None]
    assert len(taken) == 1 and taken[0] > dead, got  # two schedulers' polls: one takes the expired claim over
    assert one.claim_poll(feed, "a", every, mine=dead, expire_s=expire) is None  # the dead poll's retry lost it
    # the poll that took over finishes: its claim is never taken over in this interval, however old
    one.record_feed_fetch("a", FetchResult(url=feed, outcome="not-modified", status=304), 0)
    time.sleep(expire + 0.2)
    assert two.claim_poll(feed, "a", every, expire_s=expire) is None
    assert two.poll_claim_expires(feed, expire) is None
    one.close()
    two.close()


def test_a_poll_task_has_a_time_limit_that_its_claim_outlives(tmp_path):
    """The poll's claim expires no sooner than Celery kills an overrunning poll, so a live poll keeps its claim."""
    import shutil
    from importlib import resources

    from copydesk.tasks.app import beat_schedule, poll_time_limit_s

    (tmp_path / "copydesk.toml").write_text(render_config(), encoding="utf-8")
    with resources.as_file(resources.files("copydesk") / "data" / "sources.toml") as registry:
        shutil.copy(registry, tmp_path / "sources.toml")
    s = load_settings(tmp_path / "copydesk.toml")
    limit = poll_time_limit_s(s)
    assert limit >= 2 * s.fetch.deadline_s + s.parse.deadline_s
    polls = [e for e in beat_schedule(s).values() if e["task"] == "copydesk.poll_feed"]
    assert polls and all(e["options"]["time_limit"] == limit for e in polls)


def test_the_poll_task_waits_for_an_unfinished_claim_then_takes_it_over(tmp_path, monkeypatch):
    """The poll task itself (called in this process, no broker): a message that finds another poll's unfinished
    claim waits for it to expire (a Retry at the expiry, event `poll-deferred`); once the claim is older than the
    poll's time limit, the task polls the feed in the same interval; a message after that finished poll is
    skipped."""
    from celery.exceptions import Retry

    from copydesk.models import Rating
    from copydesk.models import Outlet as OutletModel
    from copydesk.store.schema import FeedRow
    from copydesk.tasks import stages
    from copydesk.tasks.app import poll_time_limit_s
    from localserver import serve

    every = 24 * 3600  # the longest interval: the claim and the take-over stay inside one
    with serve() as server:
        server.robots("User-agent: *\n")
        server.add("/feed.xml", b'<rss version="2.0"><channel><title>T</title></channel></rss>')
        feed = server.url("/feed.xml")
        (tmp_path / "copydesk.toml").write_text(render_config(), encoding="utf-8")
        monkeypatch.setenv("COPYDESK_WORKERS__POLL_SECONDS", str(every))
        monkeypatch.setenv("COPYDESK_FETCH__ALLOW_PRIVATE_ADDRESSES", "true")
        o = OutletModel("a", "A", "https://a.test/", (feed,), "en", "INT", "a", Rating("unrated"), Rating("unrated"))
        d = Desk(load_settings(tmp_path / "copydesk.toml"), {"a": o}, shared=True)
        expire = poll_time_limit_s(d.settings)
        if time.time() % every < expire + 30:  # just after midnight: wait, so a backdated claim is in this interval
            time.sleep(expire + 30 - time.time() % every)
        monkeypatch.setitem(stages._desk_state, "desk", d)
        try:
            dead = d.store.claim_poll(feed, "a", every, expire_s=expire)  # a poll that dies before its fetch
            assert dead is not None
            with pytest.raises(Retry):
                stages.poll_feed("a", feed)
            deferred = [e for e in d.store.events("feed") if e.outcome == "poll-deferred"]
            assert len(deferred) == 1 and "has not finished" in deferred[0].message
            assert server.hits("/feed.xml") == []
            with d.store.session() as ses, ses.begin():  # the dead poll's claim grows older than the time limit
                ses.get(FeedRow, feed).poll_claimed = dead - timedelta(seconds=expire + 1)
            counts = stages.poll_feed("a", feed)
            assert counts.get("feeds-ok") == 1, counts
            assert len(server.hits("/feed.xml")) == 1  # polled in the same interval, not one interval late
            assert stages.poll_feed("a", feed) == {"poll-skipped": 1}  # that poll finished: one per interval
            assert len(server.hits("/feed.xml")) == 1
        finally:
            d.close()


def test_a_feed_entry_travels_as_json_and_back():
    from copydesk.tasks.stages import entry_from_json, entry_to_json

    pytest.importorskip("celery")
    e = FeedEntry(
        "https://a.test/1", "T", "S", datetime(2026, 12, 4, 8, tzinfo=timezone.utc), "A", "g", "en", ("x", "y"), True
    )
    assert entry_from_json(json.loads(json.dumps(entry_to_json(e)))) == e
