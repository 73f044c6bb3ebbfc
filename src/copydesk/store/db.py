"""The store: every read and write of the database goes through `Store`.

Stage code never sees a session or a row; `Store` methods take and return our dataclasses (or plain tuples
for bulk state such as vectors). The schema is created and upgraded by Alembic (`migrate`) on open.
"""

from __future__ import annotations

import fcntl
import hashlib
import json
import logging
import os
import threading
import zlib
from contextlib import contextmanager, nullcontext
from dataclasses import dataclass, replace
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Iterable, Iterator
from urllib.parse import urlsplit

import numpy as np
from alembic import command
from alembic.config import Config
from sqlalchemy import and_, create_engine, event, func, null, or_, select, text, update
from sqlalchemy.engine import Engine
from sqlalchemy.exc import DBAPIError, IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from copydesk.errors import StoreError, describe
from copydesk.models import (
    REVISION_REASONS,
    UNRATED,
    Article,
    ArticleIn,
    FetchResult,
    Outlet,
    Rating,
    Revision,
    WrittenStory,
)
from copydesk.publish.revisions import describe_changes
from copydesk.sources.naming import display_name, looks_like_domain, outlet_domain, site_name, unlisted_ids
from copydesk.store import search as _search
from copydesk.store.schema import (
    ArticleRow,
    EventRow,
    FeedRow,
    OutletRow,
    RedirectRow,
    StoryRevisionRow,
    StoryRow,
    TextVectorRow,
)
from copydesk.store.serde import aware, outlet_from_dict, outlet_to_dict, written_from_dict, written_to_dict

log = logging.getLogger(__name__)


def utcnow() -> datetime:
    return datetime.now(timezone.utc)


def to_blob(v: np.ndarray, dtype: str = "float32") -> bytes:
    return np.ascontiguousarray(v, dtype=dtype).tobytes()


def from_blob(b: bytes, dim: int, dtype: str = "float32") -> np.ndarray:
    a = np.frombuffer(b, dtype=dtype).astype(np.float32)
    return a.reshape(-1, dim) if a.size != dim else a


#: Key set in a stored outlet's data when the outlet left the registry (a former source).
FORMER_KEY = "former_source"


@dataclass(frozen=True, slots=True)
class StoryState:
    """What clustering needs to know about an open story."""

    id: str
    centroid: np.ndarray
    n_articles: int
    first_when: datetime
    last_when: datetime


@dataclass(frozen=True, slots=True)
class FeedStatus:
    url: str
    outlet_id: str
    last_fetch: datetime | None
    last_success: datetime | None
    last_outcome: str | None
    last_error: str | None
    consecutive_errors: int
    articles: int
    etag: str | None
    last_modified: str | None


def migrate(engine: Engine) -> None:
    """Upgrade the database to the newest revision. On PostgreSQL, processes that start together (web, workers,
    scheduler) take turns under an advisory lock held for the migration's transaction: the first migrates, the
    others then find the schema at head and do nothing (without it, two would create the same tables)."""
    cfg = Config()
    cfg.set_main_option("script_location", "copydesk.store:migrations")
    db = engine.url.database if engine.dialect.name == "sqlite" else None
    # SQLite: `run` and `serve` started together on a new data directory would both create the tables ("table
    # events already exists"); a file lock beside the database makes them take turns as the advisory lock does
    with _sqlite_file_lock(db, "migrate") if db and db != ":memory:" else nullcontext(), engine.begin() as conn:
        if engine.dialect.name == "postgresql":  # workers starting together: one migrates, the others then find head
            conn.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": _lock_key("migrate")})
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, "head")


@contextmanager
def _sqlite_file_lock(db: str, name: str) -> Iterator[None]:
    """An exclusive lock on the file ``<database>.<name>.lock`` beside the SQLite database, held for the block."""
    fd = os.open(Path(db).with_name(f"{Path(db).name}.{name}.lock"), os.O_RDWR | os.O_CREAT, 0o644)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)  # closing the file releases the lock


class UnitOfWork:
    """One transaction that several `Store` calls share (``with store.unit_of_work() as uow``): every Store method
    called inside it, on this thread, reads and writes through ``uow.session`` and commits nothing; the unit
    commits when the block ends and rolls back, all of it, when the block raises. ``uow.session`` is there for a
    store module that adds tables of its own (``store.transaction()`` gives the same session)."""

    __slots__ = ("session",)

    def __init__(self, session: Session):
        self.session = session


class Store:
    def __init__(self, url: str):
        kwargs: dict = {}
        if url.startswith("sqlite"):
            kwargs["connect_args"] = {"timeout": 30}
        else:  # a server may drop connections (restart, failover, pg_terminate_backend): test each before use
            kwargs["pool_pre_ping"] = True
        self.url = url
        try:
            self.engine = create_engine(url, **kwargs)
            if url.startswith("sqlite"):
                event.listen(self.engine, "connect", _sqlite_pragmas)
            migrate(self.engine)
        except (
            Exception
        ) as exc:  # re-raised as StoreError: the URL, the driver, alembic or the OS may each refuse the database
            from sqlalchemy.exc import ArgumentError
            from sqlalchemy.engine import make_url

            try:
                shown = make_url(url).render_as_string(hide_password=True)
            except (ArgumentError, ValueError):
                shown = "the configured database"
            raise StoreError(f"store: cannot open {shown}: {describe(exc)}") from exc
        self._session = sessionmaker(self.engine, expire_on_commit=False)
        self._local = threading.local()  # .uow: the unit of work open on this thread
        self._thread_locks: dict[str, threading.Lock] = {}  # named locks of an in-memory SQLite database

    def session(self) -> Session:
        """A new session of its own (not the current unit of work's; see ``transaction``)."""
        return self._session()

    @contextmanager
    def unit_of_work(self) -> Iterator[UnitOfWork]:
        """One transaction for a whole job (processing one article, publishing one story): the Store calls made
        inside the block on this thread share it, and it commits at the end of the block or rolls back, all of
        it, when the block raises. A unit opened inside another joins it (the outer one commits)."""
        current = self._local.__dict__.get("uow")
        if current is not None:
            yield current
            return
        with self._session() as s, s.begin():
            uow = UnitOfWork(s)
            self._local.uow = uow
            try:
                yield uow
            finally:
                self._local.uow = None

    @contextmanager
    def transaction(self) -> Iterator[Session]:
        """The current unit of work's session (committed by the unit), else a new transaction committed at the
        end of the block."""
        uow = self._local.__dict__.get("uow")
        if uow is not None:
            yield uow.session
            return
        with self._session() as s, s.begin():
            yield s

    @contextmanager
    def _reading(self) -> Iterator[Session]:
        """A session to read with: the current unit of work's (so it sees the unit's own writes), else a new one."""
        uow = self._local.__dict__.get("uow")
        if uow is not None:
            yield uow.session
            return
        with self._session() as s:
            yield s

    def close(self) -> None:
        self.engine.dispose()

    # -- several processes on one database (copydesk.tasks) ---------------------------------------------------
    @property
    def is_postgresql(self) -> bool:
        return self.url.startswith("postgresql")

    @contextmanager
    def exclusive(self, name: str) -> Iterator[UnitOfWork]:
        """A unit of work that holds the lock ``name`` until it commits or rolls back, so one holder at a time, in
        every process and on every machine using this database, reads and decides on what the last holder
        committed (clustering: two workers never split a story). PostgreSQL: a transaction-level advisory lock,
        released with the transaction even when the connection is cut; SQLite: a file lock beside the database
        file, taken before the transaction starts."""
        if self.is_postgresql:
            with self.unit_of_work() as uow:
                uow.session.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": _lock_key(name)})
                yield uow
            return
        with self._file_lock(name), self.unit_of_work() as uow:
            yield uow

    @contextmanager
    def held(self, name: str) -> Iterator[None]:
        """Hold the lock ``name`` for a job of several transactions (writing one story): PostgreSQL a
        session-level advisory lock on a connection of its own, SQLite a file lock (one per kind of job: the part
        of ``name`` before a colon, since SQLite has one writer anyway)."""
        if not self.is_postgresql:
            with self._file_lock(name.split(":", 1)[0]):
                yield
            return
        key = _lock_key(name)
        with self.engine.connect() as conn:
            conn.execute(text("SELECT pg_advisory_lock(:k)"), {"k": key})
            conn.commit()
            try:
                yield
            finally:
                try:
                    conn.execute(text("SELECT pg_advisory_unlock(:k)"), {"k": key})
                    conn.commit()
                except DBAPIError:  # the connection is gone, and the server released its locks with it
                    conn.invalidate()

    @contextmanager
    def _file_lock(self, name: str) -> Iterator[None]:
        db = self.engine.url.database
        if not db or db == ":memory:":
            lock = self._thread_locks.setdefault(name, threading.Lock())
            with lock:
                yield
            return
        with _sqlite_file_lock(db, name):
            yield

    def claim_poll(
        self, url: str, outlet_id: str, interval_s: float, mine: datetime | None = None, expire_s: float | None = None
    ) -> datetime | None:
        """Let a scheduled poll of the feed ``url`` through (its claim time, recorded) unless one went through in
        the same interval (None). Intervals are aligned on the clock (multiples of ``interval_s`` since the epoch),
        so two schedulers in any phase make one poll per feed per interval between them. ``mine``: the claim this
        poll made before it failed (a retry carries on under its own claim, which no other poll has replaced).

        ``expire_s``: a claim older than this whose poll never recorded its feed fetch (``last_fetch`` before the
        claim) belongs to a poll that died (killed mid-way; a live one is stopped by its time limit, which
        ``expire_s`` must not be below), and is taken over, so the feed is not polled one interval late. A claim
        whose poll finished is never taken over within its interval. The take-over is one conditional UPDATE: of
        two polls that find the same expired claim, one takes it."""
        if mine is not None:
            with self._reading() as s:
                if aware(s.scalar(select(FeedRow.poll_claimed).where(FeedRow.url == url))) == mine:
                    return mine
        now = utcnow()
        start = now - timedelta(seconds=now.timestamp() % interval_s)
        free = [FeedRow.poll_claimed.is_(None), FeedRow.poll_claimed < start]
        if expire_s is not None:
            free.append(
                and_(
                    FeedRow.poll_claimed < now - timedelta(seconds=expire_s),
                    or_(FeedRow.last_fetch.is_(None), FeedRow.last_fetch < FeedRow.poll_claimed),
                )
            )
        with self.session() as s:
            with s.begin():
                n = s.execute(update(FeedRow).where(FeedRow.url == url, or_(*free)).values(poll_claimed=now)).rowcount
            if n:
                return now
            try:
                with s.begin():
                    if s.get(FeedRow, url) is not None:
                        return None
                    s.add(FeedRow(url=url, outlet_id=outlet_id, consecutive_errors=0, articles=0, poll_claimed=now))
            except IntegrityError:  # another scheduler's poll made the row first
                return None
            return now

    def poll_claim_expires(self, url: str, expire_s: float) -> datetime | None:
        """When the feed's current claim expires (``claim_poll``'s ``expire_s``) if its poll has not recorded its
        fetch yet; None when there is no claim or its poll finished."""
        with self._reading() as s:
            row = s.execute(select(FeedRow.poll_claimed, FeedRow.last_fetch).where(FeedRow.url == url)).first()
        if row is None or row[0] is None:
            return None
        claimed, fetched = aware(row[0]), aware(row[1])
        if fetched is not None and fetched >= claimed:
            return None
        return claimed + timedelta(seconds=expire_s)

    def processed_count(self) -> int:
        """How many articles are processed: it changes whenever any process clusters an article (the mark by
        which a worker knows that its in-memory indexes are behind the database)."""
        with self._reading() as s:
            return s.scalar(select(func.count()).select_from(ArticleRow).where(ArticleRow.processed.is_(True)))

    def article(self, article_id: int) -> Article | None:
        with self._reading() as s:
            r = s.get(ArticleRow, article_id)
            return _article(r) if r is not None else None

    def is_processed(self, article_id: int) -> bool:
        with self._reading() as s:
            return bool(s.scalar(select(ArticleRow.processed).where(ArticleRow.id == article_id)))

    def story_dirty(self, story_id: str) -> bool:
        """Whether the story waits to be (re)written: False once written, merged away or unknown."""
        with self._reading() as s:
            return bool(s.scalar(select(StoryRow.dirty).where(StoryRow.id == story_id, StoryRow.merged_into.is_(None))))

    # -- outlets --------------------------------------------------------------------------------------------
    def sync_outlets(self, outlets: Iterable[Outlet]) -> None:
        """Make the stored outlets the registry's: these are in it (with their feeds as now listed), and an outlet
        stored from an earlier registry that is no longer in it becomes a former source (``FORMER_KEY`` in its
        data): not polled any more, its articles kept. An outlet met in an import before migration 0010, whose id a
        registry entry now has, moves to an id of its own first (its articles and events with it, its stories
        rewritten): the registry entry never takes another outlet's articles."""
        with self.transaction() as s:
            listed = set()
            for o in outlets:
                listed.add(o.id)
                row = s.get(OutletRow, o.id)
                if row is not None and not row.in_registry and not (row.data or {}).get(FORMER_KEY):
                    self._move_unlisted(s, row)  # a former source coming back is the same outlet, not moved
                    row = None
                if row is None:
                    s.add(OutletRow(id=o.id, name=o.name, data=outlet_to_dict(o), in_registry=True))
                else:
                    row.name, row.data, row.in_registry = o.name, outlet_to_dict(o), True
            for row in s.scalars(select(OutletRow).where(OutletRow.in_registry.is_(True))):
                if row.id not in listed:
                    row.in_registry, row.data = False, {**row.data, FORMER_KEY: True}

    @staticmethod
    def _move_unlisted(s: Session, row: OutletRow) -> None:
        old = outlet_from_dict(row.data)
        oid = next(i for i in unlisted_ids(outlet_domain(old.homepage)) if s.get(OutletRow, i) is None)
        key, row.import_key = row.import_key, None
        s.flush()
        s.add(
            OutletRow(
                id=oid,
                name=row.name,
                data=outlet_to_dict(replace(old, id=oid, registered=False)),
                in_registry=False,
                import_key=key,
            )
        )
        s.flush()
        s.execute(update(ArticleRow).where(ArticleRow.outlet_id == old.id).values(outlet_id=oid))
        s.execute(update(EventRow).where(EventRow.outlet_id == old.id).values(outlet_id=oid))
        s.delete(row)
        s.flush()
        stories = select(ArticleRow.story_id).where(ArticleRow.outlet_id == oid, ArticleRow.story_id.is_not(None))
        s.execute(update(StoryRow).where(StoryRow.id.in_(stories)).values(dirty=True))
        log.warning(
            "outlet %s moved to %s: the registry now has an entry with its id", old.id, oid, extra={"stage": "registry"}
        )

    def outlets(self) -> dict[str, Outlet]:
        """Every stored outlet by id: the registry's and those met in imports (``Outlet.registered`` False)."""
        with self._reading() as s:
            return {
                r.id: replace(outlet_from_dict(r.data), registered=bool(r.in_registry))
                for r in s.scalars(select(OutletRow))
            }

    def outlet(self, outlet_id: str) -> Outlet | None:
        """One stored outlet by id (a row read, not the whole table as `outlets` does)."""
        with self._reading() as s:
            r = s.get(OutletRow, outlet_id)
            return None if r is None else replace(outlet_from_dict(r.data), registered=bool(r.in_registry))

    def registry_outlets(self) -> dict[str, Outlet]:
        """The outlets of the registry as last synced: what a poll fetches."""
        with self._reading() as s:
            return {
                r.id: replace(outlet_from_dict(r.data), registered=True)
                for r in s.scalars(select(OutletRow).where(OutletRow.in_registry.is_(True)))
            }

    def former_outlet_ids(self) -> set[str]:
        """Outlets that were in the registry once and are no longer (their articles stay)."""
        with self._reading() as s:
            return {
                r.id
                for r in s.scalars(select(OutletRow).where(OutletRow.in_registry.is_(False)))
                if (r.data or {}).get(FORMER_KEY)
            }

    def ensure_outlet(self, key: str, url: str, name: str | None = None) -> tuple[Outlet, bool]:
        """The outlet an import calls `key` when the registry lacks it, and whether it was created now.

        `key` is the outlet's identity, exactly as given: two keys that differ in any character are two outlets.
        A new one's id is the normalised domain of its first article's `url` (``sources.naming.outlet_domain``),
        with a suffix when that id is taken (``unlisted_ids``), never made from the name. It is unrated, has no
        known owner and is not registered (it counts as no independent source of its own). `name` is what
        readers see (default: `key` as ``display_name`` shows it, else a name made from the host); an outlet met
        before under a bare domain as its name gets the readable `name` now given."""
        import_key = hashlib.sha256(key.encode("utf-8", "surrogatepass")).hexdigest()
        shown = display_name(name or key) or site_name(url)
        with self.transaction() as s:
            row = s.scalar(select(OutletRow).where(OutletRow.import_key == import_key))
            if row is not None:
                o = replace(outlet_from_dict(row.data), registered=bool(row.in_registry))
                if not row.in_registry and shown != o.name and (o.name == key or looks_like_domain(o.name)):
                    o = replace(o, name=shown)
                    row.name, row.data = shown, outlet_to_dict(o)
                return o, False
            domain = outlet_domain(url)
            oid = next(i for i in unlisted_ids(domain) if s.get(OutletRow, i) is None)
            parts = urlsplit(url.strip())
            o = Outlet(
                id=oid,
                name=shown,
                homepage=f"{parts.scheme.lower()}://{parts.netloc}/",
                feeds=(),
                language="und",
                country="INT",
                owner="",
                lean=Rating(UNRATED),
                reliability=Rating(UNRATED),
                kind="other",
                registered=False,
            )
            s.add(OutletRow(id=oid, name=shown, data=outlet_to_dict(o), in_registry=False, import_key=import_key))
            s.flush()
            return o, True

    # -- feeds and events -----------------------------------------------------------------------------------
    def feed_state(self, url: str) -> tuple[str | None, str | None]:
        with self._reading() as s:
            row = s.get(FeedRow, url)
            return (row.etag, row.last_modified) if row else (None, None)

    def record_feed_fetch(
        self,
        outlet_id: str,
        result: FetchResult,
        new_articles: int,
        parse_error: str | None = None,
        warning: str | None = None,
    ) -> None:
        """Update a feed's health. A feed read despite problems (`warning`) counts as a success whose
        outcome is "ok-warnings" and whose last error says what was tolerated."""
        now = utcnow()
        ok = result.outcome in ("ok", "not-modified") and parse_error is None
        with self.transaction() as s:
            row = s.get(FeedRow, result.url)
            if row is None:
                row = FeedRow(url=result.url, outlet_id=outlet_id, consecutive_errors=0, articles=0)
                s.add(row)
            row.outlet_id = outlet_id
            row.last_fetch = now
            row.last_outcome = "parse-error" if parse_error else result.outcome
            if ok:
                row.last_success = now
                row.consecutive_errors = 0
                row.last_error = warning
                if warning:
                    row.last_outcome = "ok-warnings"
                if result.outcome == "ok":
                    row.etag, row.last_modified = result.etag, result.last_modified
            else:
                row.consecutive_errors = (row.consecutive_errors or 0) + 1
                row.last_error = parse_error or result.error
            row.articles = (row.articles or 0) + new_articles

    def record_event(
        self,
        stage: str,
        outcome: str,
        *,
        outlet_id: str | None = None,
        url: str | None = None,
        status: int | None = None,
        message: str | None = None,
        elapsed_s: float | None = None,
    ) -> None:
        with self.transaction() as s:
            s.add(
                EventRow(
                    at=utcnow(),
                    stage=stage,
                    outcome=outcome,
                    outlet_id=outlet_id,
                    url=url,
                    status=status,
                    message=message,
                    elapsed_s=elapsed_s,
                )
            )

    def events(self, stage: str | None = None, limit: int = 1000) -> list[EventRow]:
        with self._reading() as s:
            q = select(EventRow).order_by(EventRow.id.desc()).limit(limit)
            if stage:
                q = q.where(EventRow.stage == stage)
            return list(s.scalars(q))

    def feed_statuses(self) -> list[FeedStatus]:
        with self._reading() as s:
            return [
                FeedStatus(
                    r.url,
                    r.outlet_id,
                    aware(r.last_fetch),
                    aware(r.last_success),
                    r.last_outcome,
                    r.last_error,
                    r.consecutive_errors or 0,
                    r.articles or 0,
                    r.etag,
                    r.last_modified,
                )
                for r in s.scalars(select(FeedRow).order_by(FeedRow.outlet_id, FeedRow.url))
            ]

    def non_article_counts_by_outlet(self) -> dict[str, int]:
        """Stored items classified as not an article, per outlet."""
        with self._reading() as s:
            return dict(
                s.execute(
                    select(ArticleRow.outlet_id, func.count()).where(~_IS_ARTICLE).group_by(ArticleRow.outlet_id)
                ).all()
            )

    def fetch_outcome_counts_by_outlet(self) -> dict[str, dict[str, int]]:
        """Polled articles per outlet and page fetch outcome ("fetched", "robots-unreachable", ...)."""
        out: dict[str, dict[str, int]] = {}
        with self._reading() as s:
            rows = s.execute(
                select(ArticleRow.outlet_id, ArticleRow.fetch_outcome, func.count())
                .where(ArticleRow.fetch_outcome.is_not(None))
                .group_by(ArticleRow.outlet_id, ArticleRow.fetch_outcome)
            ).all()
        for outlet_id, outcome, n in rows:
            out.setdefault(outlet_id, {})[outcome] = n
        return out

    def partial_body_counts_by_outlet(self) -> dict[str, int]:
        """Polled articles per outlet whose page body broke off (only what decoded was read: ``body_partial``)."""
        with self._reading() as s:
            return dict(
                s.execute(
                    select(ArticleRow.outlet_id, func.count())
                    .where(ArticleRow.body_partial.is_not(None))
                    .group_by(ArticleRow.outlet_id)
                ).all()
            )

    def article_counts_by_outlet(self) -> dict[str, int]:
        with self._reading() as s:
            return dict(s.execute(select(ArticleRow.outlet_id, func.count()).group_by(ArticleRow.outlet_id)).all())

    # -- articles -------------------------------------------------------------------------------------------
    def known_urls(self, canonical_urls: Iterable[str]) -> set[str]:
        urls = list(canonical_urls)
        found: set[str] = set()
        with self._reading() as s:
            for i in range(0, len(urls), 500):
                chunk = urls[i : i + 500]
                found.update(s.scalars(select(ArticleRow.canonical_url).where(ArticleRow.canonical_url.in_(chunk))))
        return found

    def to_refetch(self, canonical_urls: Iterable[str], outcomes: Iterable[str]) -> dict[str, int]:
        """Canonical URL -> article id of the stored articles among ``canonical_urls`` whose page fetch ended with
        one of ``outcomes`` (a site that did not answer: worth another try)."""
        urls, wanted = list(canonical_urls), list(outcomes)
        found: dict[str, int] = {}
        with self._reading() as s:
            for i in range(0, len(urls), 500):
                q = select(ArticleRow.canonical_url, ArticleRow.id).where(
                    ArticleRow.canonical_url.in_(urls[i : i + 500]), ArticleRow.fetch_outcome.in_(wanted)
                )
                found.update(dict(s.execute(q).all()))
        return found

    def refetched(self, article_id: int, a: ArticleIn) -> None:
        """A page fetched again: its text, verdict and outcome replace the old ones; a story it is already part of
        is written again (its sentences are recomputed)."""
        with self.transaction() as s:
            row = s.get(ArticleRow, article_id)
            if row is None:
                return
            row.text, row.partial, row.fetch_outcome = a.text, a.partial, a.fetch_outcome
            row.body_partial = a.body_partial
            row.page_class, row.page_class_reason = a.page_class, a.page_class_reason
            if a.published and not row.published:
                row.published, row.date_only, row.published_from = a.published, a.date_only, a.published_from
            if row.story_id:
                s.execute(update(StoryRow).where(StoryRow.id == row.story_id).values(dirty=True))

    def add_article(self, a: ArticleIn, canonical_url: str) -> int | None:
        """Store a new article; None when its canonical URL is already stored (a duplicate)."""
        row = ArticleRow(
            url=a.url,
            canonical_url=canonical_url,
            outlet_id=a.outlet_id,
            title=a.title,
            text=a.text,
            summary=a.summary,
            published=a.published,
            first_seen=utcnow(),
            language=a.language,
            author=a.author,
            partial=a.partial,
            categories=list(a.categories),
            origin=a.origin,
            license=a.license,
            date_only=a.date_only,
            published_from=a.published_from,
            language_hint=a.language_hint,
            page_class=a.page_class,
            page_class_reason=a.page_class_reason,
            fetch_outcome=a.fetch_outcome,
            body_partial=a.body_partial,
        )
        uow = self._local.__dict__.get("uow")
        if uow is not None:  # inside a unit of work: a failed INSERT would end its transaction, so look first
            s = uow.session
            if s.scalar(select(ArticleRow.id).where(ArticleRow.canonical_url == canonical_url)) is not None:
                return None
            s.add(row)
            s.flush()
            return row.id
        with self.session() as s:
            try:
                with s.begin():
                    s.add(row)
            except IntegrityError:
                return None
            return row.id

    def unprocessed(self, limit: int | None = None) -> list[Article]:
        """New articles in arrival order: publication time where given, else when first seen. Items classified as
        not an article (``page_class`` other than "article") are never returned: they stay ``processed=False``
        with no story, kept for the record and the counts."""
        with self._reading() as s:
            q = select(ArticleRow).where(ArticleRow.processed.is_(False), _IS_ARTICLE)
            if limit:  # the oldest first in SQL too, so a worker's batch does not read the whole backlog
                q = q.order_by(func.coalesce(ArticleRow.published, ArticleRow.first_seen), ArticleRow.id).limit(limit)
            rows = list(s.scalars(q))
        arts = sorted((_article(r) for r in rows), key=lambda a: (a.when, a.id))
        return arts[:limit] if limit else arts

    def dedup_state(self, since: datetime | None = None) -> Iterator[tuple[int, str, bytes, str, datetime | None]]:
        """(id, outlet_id, signature, text_hash, when) of processed articles seen or published since `since`, in
        arrival order, to rebuild the dedup index; `when` is the publication time, else when first seen (the time
        processing gave the index, `Article.when`, so a restored article leaves the window as it would have)."""
        with self._reading() as s:
            q = (
                select(
                    ArticleRow.id,
                    ArticleRow.outlet_id,
                    ArticleRow.minhash,
                    ArticleRow.text_hash,
                    ArticleRow.published,
                    ArticleRow.first_seen,
                )
                .where(ArticleRow.processed.is_(True), ArticleRow.minhash.is_not(None))
                .order_by(ArticleRow.id)
            )
            if since is not None:
                q = q.where(
                    or_(
                        ArticleRow.published >= since,
                        and_(ArticleRow.published.is_(None), ArticleRow.first_seen >= since),
                    )
                )
            for r in s.execute(q):
                yield r[0], r[1], r[2], r[3], aware(r[4]) or aware(r[5])

    def latest_when(self) -> datetime | None:
        """The newest publication (or first-seen) time among processed articles."""
        with self._reading() as s:
            p = s.scalar(select(func.max(ArticleRow.published)).where(ArticleRow.processed.is_(True)))
            f = s.scalar(
                select(func.max(ArticleRow.first_seen)).where(
                    ArticleRow.processed.is_(True), ArticleRow.published.is_(None)
                )
            )
        vals = [aware(x) for x in (p, f) if x is not None]
        return max(vals) if vals else None

    def nth_latest_when(self, n: int) -> datetime | None:
        """The publication (or first-seen) time of the `n`-th newest clustered article, None when there are
        fewer: from it on, `recent_clustered` reads back at least the last `n` (the clusterer's IDF articles)."""
        when = func.coalesce(ArticleRow.published, ArticleRow.first_seen)
        with self._reading() as s:
            t = s.scalar(
                select(when)
                .where(
                    ArticleRow.processed.is_(True),
                    ArticleRow.story_id.is_not(None),
                    ArticleRow.embedding.is_not(None),
                )
                .order_by(when.desc())
                .offset(max(n - 1, 0))
                .limit(1)
            )
        return aware(t) if t is not None else None

    def mark_processed(
        self,
        article_id: int,
        *,
        story_id: str | None,
        duplicate_of: int | None,
        duplicate_kind: str | None,
        wire_group: int | None,
        text_hash: str | None,
        minhash: bytes | None,
        embedding: bytes | None,
    ) -> None:
        with self.transaction() as s:
            s.execute(
                update(ArticleRow)
                .where(ArticleRow.id == article_id)
                .values(
                    processed=True,
                    story_id=story_id,
                    duplicate_of=duplicate_of,
                    duplicate_kind=duplicate_kind,
                    wire_group=wire_group,
                    text_hash=text_hash,
                    minhash=minhash,
                    embedding=embedding,
                )
            )

    def story_articles(self, story_id: str) -> list[Article]:
        with self._reading() as s:
            rows = s.scalars(select(ArticleRow).where(ArticleRow.story_id == story_id))
            return sorted((_article(r) for r in rows), key=lambda a: (a.when, a.id))

    def story_of(self, article_id: int) -> str | None:
        with self._reading() as s:
            return s.scalar(select(ArticleRow.story_id).where(ArticleRow.id == article_id))

    def text_vectors(self, keys: Iterable[str]) -> dict[str, bytes]:
        """key -> vector blob, for the keys cached (``text_vectors``: sentences and titles embedded before)."""
        keys = list(dict.fromkeys(keys))
        out: dict[str, bytes] = {}
        with self._reading() as s:
            for i in range(0, len(keys), 500):
                q = select(TextVectorRow.key, TextVectorRow.vector).where(TextVectorRow.key.in_(keys[i : i + 500]))
                out.update(dict(s.execute(q).all()))
        return out

    def save_text_vectors(self, vectors: dict[str, bytes]) -> None:
        """Cache vectors by key; a key already there is left as it is. Called outside a unit of work: when another
        worker caches one of these texts in between, this insert is given up (theirs is the same vector)."""
        if not vectors:
            return
        try:
            with self.transaction() as s:
                have = set()
                keys = list(vectors)
                for i in range(0, len(keys), 500):
                    have.update(s.scalars(select(TextVectorRow.key).where(TextVectorRow.key.in_(keys[i : i + 500]))))
                s.add_all(TextVectorRow(key=k, vector=v) for k, v in vectors.items() if k not in have)
        except IntegrityError:
            log.info("text vectors cached by another process meanwhile: kept theirs", extra={"stage": "write"})

    # -- stories --------------------------------------------------------------------------------------------
    def open_stories(self, since: datetime, dim: int) -> list[StoryState]:
        with self._reading() as s:
            q = select(StoryRow).where(StoryRow.merged_into.is_(None), StoryRow.last_when >= since)
            return [
                StoryState(r.id, from_blob(r.centroid, dim), r.n_articles, aware(r.first_when), aware(r.last_when))
                for r in s.scalars(q)
            ]

    def story_state(self, story_id: str, dim: int) -> StoryState:
        with self._reading() as s:
            r = s.get(StoryRow, story_id)
            if r is None:
                raise StoreError(f"store: no story {story_id}")
            return StoryState(r.id, from_blob(r.centroid, dim), r.n_articles, aware(r.first_when), aware(r.last_when))

    def recent_clustered(self, since: datetime) -> Iterator[tuple[Article, bytes, str]]:
        """(article, cluster embedding, story id) of processed articles from `since` on, in arrival order: what
        the online clusterer needs to rebuild its state."""
        with self._reading() as s:
            q = select(ArticleRow).where(
                ArticleRow.processed.is_(True),
                ArticleRow.story_id.is_not(None),
                ArticleRow.embedding.is_not(None),
                or_(
                    ArticleRow.published >= since, and_(ArticleRow.published.is_(None), ArticleRow.first_seen >= since)
                ),
            )
            rows = [(_article(r), r.embedding, r.story_id) for r in s.scalars(q)]
        rows.sort(key=lambda t: (t[0].when, t[0].id))
        yield from rows

    def save_story(self, st: StoryState, slug: str | None = None, follows: str | None = None) -> None:
        """Create a story (slug given; `follows`: the story of the earlier development it continues) or update its
        centroid, size and times; marks it for rewriting."""
        with self.transaction() as s:
            row = s.get(StoryRow, st.id)
            if row is None:
                if slug is None:
                    raise StoreError(f"store: story {st.id} does not exist")
                row = StoryRow(id=st.id, slug=slug, created=utcnow(), follows=follows)
                s.add(row)
            row.centroid = to_blob(st.centroid)
            row.n_articles = st.n_articles
            row.first_when, row.last_when = st.first_when, st.last_when
            row.dirty = True

    def free_slug(self, base: str) -> str:
        """`base`, else `base-2`, `base-3`, ...: the first not taken, in one indexed query (a title that recurs,
        "Weather" or "Live updates", would otherwise cost one query per earlier story of that title)."""
        start = 1
        with self._reading() as s:
            while True:  # candidates by equality, 64 a query: the unique index answers on every database
                names = [base if n == 1 else f"{base}-{n}" for n in range(start, start + 64)]
                taken = set(s.scalars(select(StoryRow.slug).where(StoryRow.slug.in_(names))))
                free = next((x for x in names if x not in taken), None)
                if free is not None:
                    return free
                start += 64

    def slug_taken(self, slug: str) -> bool:
        with self._reading() as s:
            return s.scalar(select(func.count()).select_from(StoryRow).where(StoryRow.slug == slug)) > 0

    def dirty_stories(self) -> list[str]:
        with self._reading() as s:
            return list(
                s.scalars(
                    select(StoryRow.id)
                    .where(StoryRow.dirty.is_(True), StoryRow.merged_into.is_(None))
                    .order_by(StoryRow.last_when)
                )
            )

    def story_slug(self, story_id: str) -> str:
        with self._reading() as s:
            row = s.get(StoryRow, story_id)
            if row is None:
                raise StoreError(f"store: no story {story_id}")
            return row.slug

    def save_written(
        self,
        story_id: str,
        written: WrittenStory | None,
        error: str | None = None,
        *,
        reason: str = "coverage",
        note: str | None = None,
        editor: str | None = None,
    ) -> int | None:
        """Store a story as (re)written, with ``error`` (None: written fine) and without its dirty mark.

        When the published text changed (``written`` differs from what is stored; ``written_at`` moves only then),
        a new revision is appended in the same transaction, with what changed against the previous one
        (``copydesk.publish.revisions.describe_changes``) and ``reason`` (one of ``REVISION_REASONS``: "coverage",
        "correction", "editor"), ``note`` (a short text of what changed) and ``editor``; its number (1, 2, ...) is
        returned. None when nothing new was published. The search index follows in the same transaction."""
        if reason not in REVISION_REASONS:
            raise StoreError(f"store: unknown revision reason {reason!r} (one of {', '.join(REVISION_REASONS)})")
        with self.transaction() as s:
            row = s.get(StoryRow, story_id)
            if row is None:
                raise StoreError(f"store: no story {story_id}")
            row.dirty = False
            row.write_error = error
            n = None
            if written is not None:
                # As the database gives it back (tuples as lists), so that the same story compares equal.
                text = json.loads(json.dumps(written_to_dict(written)))
                if row.written != text:  # written_at is when the published text last changed, not the last rewrite
                    now = utcnow()
                    row.written = text
                    row.written_at = now
                    n = self._append_revision(s, story_id, written, now, reason, note, editor)
                if row.merged_into is None:
                    _search.index_story(s, row.id, row.slug, row.written)  # same transaction as the story
            return n

    def _append_revision(
        self,
        s: Session,
        story_id: str,
        written: WrittenStory,
        at: datetime,
        reason: str,
        note: str | None,
        editor: str | None,
    ) -> int:
        last = s.scalar(
            select(StoryRevisionRow)
            .where(StoryRevisionRow.story_id == story_id)
            .order_by(StoryRevisionRow.n.desc())
            .limit(1)
        )
        before = written_from_dict(last.written) if last is not None else None
        n = (last.n if last is not None else 0) + 1
        s.add(
            StoryRevisionRow(
                story_id=story_id,
                n=n,
                at=at,
                reason=reason,
                note=note,
                editor=editor,
                written=written_to_dict(written),
                changes=list(describe_changes(before, written, reason, note)),
            )
        )
        s.flush()  # a second writer numbering the same revision fails here, and its whole transaction with it
        return n

    def revisions(self, story_id: str) -> list[Revision]:
        """Every published version of a story, oldest first (the last is the one published now, unless the
        story was held or merged since)."""
        with self._reading() as s:
            q = select(StoryRevisionRow).where(StoryRevisionRow.story_id == story_id).order_by(StoryRevisionRow.n)
            return [_revision(r) for r in s.scalars(q)]

    def revision(self, story_id: str, n: int) -> Revision | None:
        with self._reading() as s:
            r = s.get(StoryRevisionRow, (story_id, n))
            return _revision(r) if r is not None else None

    def published_revisions(self) -> dict[str, tuple[Revision, ...]]:
        """Story id -> its revisions, oldest first, for every story published now (what an edition shows)."""
        out: dict[str, list[Revision]] = {}
        with self._reading() as s:
            q = (
                select(StoryRevisionRow)
                .join(StoryRow, StoryRow.id == StoryRevisionRow.story_id)
                .where(StoryRow.written.is_not(None), StoryRow.merged_into.is_(None))
                .order_by(StoryRevisionRow.story_id, StoryRevisionRow.n)
            )
            for r in s.scalars(q):
                out.setdefault(r.story_id, []).append(_revision(r))
        return {k: tuple(v) for k, v in out.items()}

    def search(self, query: str, page: int = 1, per_page: int = 10) -> _search.SearchResults:
        """Published stories matching every word of ``query`` (any string: see ``store.search``), best first."""
        with self._reading() as s:
            return _search.search(s, query, page, per_page)

    def rebuild_search_index(self) -> int:
        """Index every published story again; returns how many (migration 0005 does this once)."""
        with self.transaction() as s:
            return _search.rebuild(s)

    def hold_story(self, story_id: str, reason: str) -> None:
        """Keep a story unpublished (its articles stay; a page written earlier is withdrawn) with the reason."""
        with self.transaction() as s:
            row = s.get(StoryRow, story_id)
            # SQL NULL, not the JSON text 'null' a plain None would store (queries test `written IS NOT NULL`)
            row.dirty, row.write_error, row.written = False, reason, null()
            _search.unindex_story(s, story_id)

    def held_stories(self, reason_prefix: str) -> list[tuple[str, str]]:
        """(id, slug) of the stories held with a reason starting `reason_prefix`, latest coverage first."""
        with self._reading() as s:
            q = (
                select(StoryRow.id, StoryRow.slug)
                .where(
                    StoryRow.write_error.startswith(reason_prefix, autoescape=True),
                    StoryRow.merged_into.is_(None),
                    StoryRow.written.is_(None),
                )
                .order_by(StoryRow.last_when.desc())
            )
            return [(i, slug) for i, slug in s.execute(q)]

    def publication_state(self) -> tuple:
        """A cheap fingerprint of everything an edition is built from (stories written, held, merged, their
        coverage, redirects, outlets): equal fingerprints mean an equal edition, so a server can keep the one it
        has (and its rendered pages) instead of rebuilding it."""
        with self.session() as s:
            stories = s.execute(
                select(
                    func.count(),
                    func.count(StoryRow.written),
                    func.max(StoryRow.written_at),
                    func.max(StoryRow.last_when),
                    func.sum(StoryRow.n_articles),
                    func.count(StoryRow.merged_into),
                    func.count(StoryRow.write_error),
                )
            ).one()
            redirects = s.scalar(select(func.count()).select_from(RedirectRow))
            outlets = s.scalar(select(func.count()).select_from(OutletRow))
        return (*stories, redirects, outlets)

    def written_stories(self) -> list[tuple[WrittenStory, np.ndarray]]:
        with self._reading() as s:
            q = select(StoryRow).where(StoryRow.written.is_not(None), StoryRow.merged_into.is_(None))
            out = []
            for r in s.scalars(q):
                if r.written is None:  # a story held before hold_story stored SQL NULL (JSON 'null' then)
                    continue
                c = np.frombuffer(r.centroid, dtype=np.float32)
                out.append((replace(written_from_dict(r.written), revised=aware(r.written_at)), c))
            return out

    def merge_stories(self, absorbed: str, surviving: str, surviving_state: StoryState | None = None) -> None:
        """Two stories turned out to be one event: move `absorbed`'s articles into `surviving`, keep its address
        as a redirect to the survivor (and re-point redirects that led to it), and mark the survivor for
        rewriting. The absorbed story row stays, with `merged_into` set, so its id is never reused."""
        if absorbed == surviving:
            return
        with self.transaction() as s:
            old = s.get(StoryRow, absorbed)
            new = s.get(StoryRow, surviving)
            if old is None or new is None:
                raise StoreError(f"store: cannot merge {absorbed} into {surviving}: no such story")
            s.execute(update(ArticleRow).where(ArticleRow.story_id == absorbed).values(story_id=surviving))
            s.execute(update(RedirectRow).where(RedirectRow.story_id == absorbed).values(story_id=surviving))
            s.merge(RedirectRow(old_slug=old.slug, story_id=surviving))
            old.merged_into = surviving
            old.dirty = False
            old.written = None
            _search.unindex_story(s, absorbed)
            if surviving_state is not None:
                new.centroid = to_blob(surviving_state.centroid)
                new.n_articles = surviving_state.n_articles
                new.first_when, new.last_when = surviving_state.first_when, surviving_state.last_when
            else:
                new.n_articles = (new.n_articles or 0) + (old.n_articles or 0)
                new.first_when = min(aware(new.first_when), aware(old.first_when))
                new.last_when = max(aware(new.last_when), aware(old.last_when))
            new.dirty = True

    def story_follows(self) -> dict[str, str]:
        """Story id -> the story of the earlier development it continues (through merges to the survivor)."""
        with self._reading() as s:
            merged = {
                k: v
                for k, v in s.execute(
                    select(StoryRow.id, StoryRow.merged_into).where(StoryRow.merged_into.is_not(None))
                )
            }
            out = {}
            for sid, prev in s.execute(select(StoryRow.id, StoryRow.follows).where(StoryRow.follows.is_not(None))):
                seen = set()
                while prev in merged and prev not in seen:
                    seen.add(prev)
                    prev = merged[prev]
                if prev != sid:
                    out[sid] = prev
            return out

    def redirects(self) -> dict[str, str]:
        with self._reading() as s:
            q = select(RedirectRow.old_slug, StoryRow.slug).join(StoryRow, StoryRow.id == RedirectRow.story_id)
            return {k: v for k, v in s.execute(q)}

    def ping(self) -> str | None:
        """A round trip to the database (a health check): the schema's Alembic revision. Raises when the database
        cannot be reached."""
        with self.engine.connect() as conn:
            return conn.execute(text("SELECT version_num FROM alembic_version")).scalar()

    def counts(self) -> dict[str, int]:
        with self._reading() as s:
            return {
                "articles": s.scalar(select(func.count()).select_from(ArticleRow)),
                "stories": s.scalar(select(func.count()).select_from(StoryRow).where(StoryRow.merged_into.is_(None))),
                "published": s.scalar(select(func.count()).select_from(StoryRow).where(StoryRow.written.is_not(None))),
                "duplicates": s.scalar(
                    select(func.count()).select_from(ArticleRow).where(ArticleRow.duplicate_of.is_not(None))
                ),
            }


# An item is an article unless ingest classified it as something else (rows from before migration 0003: None).
_IS_ARTICLE = or_(ArticleRow.page_class.is_(None), ArticleRow.page_class == "article")


def _article(r: ArticleRow) -> Article:
    return Article(
        id=r.id,
        url=r.url,
        canonical_url=r.canonical_url,
        outlet_id=r.outlet_id,
        title=r.title,
        text=r.text or "",
        summary=r.summary or "",
        published=aware(r.published),
        first_seen=aware(r.first_seen),
        language=r.language,
        author=r.author,
        partial=r.partial,
        categories=tuple(r.categories or ()),
        story_id=r.story_id,
        duplicate_of=r.duplicate_of,
        duplicate_kind=r.duplicate_kind,
        wire_group=r.wire_group,
        license=r.license,
        date_only=bool(r.date_only),
        published_from=r.published_from,
        language_hint=r.language_hint,
        page_class=r.page_class,
        page_class_reason=r.page_class_reason,
        fetch_outcome=r.fetch_outcome,
        body_partial=r.body_partial,
        origin=r.origin or "feed",
    )


def _revision(r: StoryRevisionRow) -> Revision:
    at = aware(r.at)
    return Revision(
        story_id=r.story_id,
        n=r.n,
        at=at,
        reason=r.reason,
        note=r.note,
        editor=r.editor,
        written=replace(written_from_dict(r.written), revised=at),
        changes=tuple(r.changes or ()),
    )


def _lock_key(name: str) -> int:
    """A PostgreSQL advisory lock key for ``name`` (stable across processes, unlike hash())."""
    return zlib.crc32(f"copydesk:{name}".encode())


def _sqlite_pragmas(dbapi_conn, _record) -> None:
    cur = dbapi_conn.cursor()
    cur.execute("PRAGMA journal_mode=WAL")
    # In WAL mode NORMAL syncs at checkpoints, not at every commit: the database stays consistent and every
    # transaction whole after a crash of the process or the machine; only the last commits before a power loss
    # may roll back (they are re-polled or re-run). Measured here: 7.7 ms a commit with FULL, 0.05 ms with NORMAL;
    # the pipeline commits about three times an article (import, process, write), one transaction per job.
    cur.execute("PRAGMA synchronous=NORMAL")
    cur.execute("PRAGMA busy_timeout=30000")
    cur.execute("PRAGMA foreign_keys=ON")
    cur.close()
