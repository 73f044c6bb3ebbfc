"""Story history in the store, on SQLite and (when COPYDESK_TEST_POSTGRES_URL is set) PostgreSQL: a revision is
recorded with the story in one transaction, only when the published text changes; revisions are append-only,
guarded by the database itself; migration 0007 backfills revision 1; a unit of work commits or rolls back whole."""

from __future__ import annotations

import dataclasses
import json
import uuid
from datetime import timedelta

import numpy as np
import pytest
from sqlalchemy import create_engine, func, select, text
from sqlalchemy.exc import DBAPIError

from testsupport import service_url
from copydesk.errors import StoreError
from copydesk.models import ArticleIn, Change, Dropped, SourceLink, Verification
from copydesk.store import Store, StoryState
from copydesk.store import search as S
from copydesk.store.schema import StoryRevisionRow, StoryRow
from test_search import T0, written


def _pg_url() -> tuple[str, str, str]:
    base = service_url("COPYDESK_TEST_POSTGRES_URL")
    schema = "t_" + uuid.uuid4().hex[:10]
    with create_engine(base).begin() as c:
        c.execute(text(f"CREATE SCHEMA {schema}"))
    return base, schema, f"{base}{'&' if '?' in base else '?'}options=-csearch_path%3D{schema}"


def _drop(base: str, schema: str) -> None:
    eng = create_engine(base)
    with eng.begin() as c:
        c.execute(text(f"DROP SCHEMA {schema} CASCADE"))
    eng.dispose()


@pytest.fixture
def store(db_url):
    """A store on each backend (the `db_url` fixture of tests/conftest.py: SQLite, then a fresh PostgreSQL schema)."""
    s = Store(db_url)
    yield s
    s.close()


def new_story(store: Store, sid: str = "a") -> None:
    store.save_story(StoryState(sid, np.ones(4, np.float32) / 2, 1, T0, T0), slug=sid)


def stored(store: Store, sid: str = "a") -> dict | None:
    """The story's published JSON as the database holds it (read past the store's methods)."""
    with store.session() as s:
        return s.get(StoryRow, sid).written


def revision_count(store: Store) -> int:
    with store.session() as s:
        return s.scalar(select(func.count()).select_from(StoryRevisionRow))


FIRST = written("a", "Flood kills 9", "At least 9 people died in the flood.")
SECOND = dataclasses.replace(
    written("a", "Flood kills 12", "At least 12 people died in the flood, officials said."),
    sources=FIRST.sources + (SourceLink(2, "ap", "AP", "Flood toll rises", "https://ap.example/2", T0),),
)


def test_a_revision_is_recorded_only_when_the_published_text_changes(store):
    new_story(store)
    assert store.save_written("a", FIRST) == 1
    assert store.save_written("a", FIRST) is None  # the same text again: nothing new published
    assert store.save_written("a", None, error="write: failed") is None  # a failed rewrite keeps the page
    assert store.save_written("a", SECOND, reason="correction", note="The toll is 12, not 9.", editor="ed") == 2
    revs = store.revisions("a")
    assert [r.n for r in revs] == [1, 2]
    assert revs[0].reason == "coverage" and revs[0].changes == ("first published",) and revs[0].editor is None
    assert revs[0].written.headline.text == "Flood kills 9" and revs[0].written.sources == FIRST.sources
    assert revs[1].reason == "correction" and revs[1].note == "The toll is 12, not 9." and revs[1].editor == "ed"
    assert revs[1].changes == (
        "a correction: The toll is 12, not 9.",
        "headline changed",
        "a new source: AP",
        "a figure changed: at least 9 people -> at least 12 people",
    )
    assert revs[1].written.lede.support == SECOND.lede.support  # per-sentence provenance as published
    assert revs[0].at.tzinfo is not None and revs[0].at <= revs[1].at
    assert store.revision("a", 2) == revs[1] and store.revision("a", 3) is None
    # the current story's "revised" time is its last revision's
    [(w, _)] = store.written_stories()
    assert w.revised == revs[1].at and w.headline.text == "Flood kills 12"
    assert store.published_revisions() == {"a": tuple(revs)}


def test_the_same_story_written_again_is_no_revision_whatever_its_fields(store):
    # tuples inside the story (a Verification's dropped sentences, a sentence's edits) come back from the database
    # as lists: the same story must still compare equal, or every rewrite would be a "revision"
    w = dataclasses.replace(
        FIRST,
        verification=Verification(checked=1, dropped=(Dropped("x", "unsupported", "d"),)),
        lede=dataclasses.replace(FIRST.lede, edits=(Change("slammed", "criticised", "loaded"),)),
    )
    new_story(store)
    assert store.save_written("a", w) == 1
    at = store.written_stories()[0][0].revised
    assert store.save_written("a", w) is None
    assert store.written_stories()[0][0].revised == at and len(store.revisions("a")) == 1


def test_unknown_reason_is_refused(store):
    new_story(store)
    with pytest.raises(StoreError, match="unknown revision reason"):
        store.save_written("a", FIRST, reason="whim")
    assert stored(store) is None and revision_count(store) == 0


def test_the_story_and_its_revision_commit_together_or_not_at_all(store, monkeypatch):
    new_story(store)
    store.save_written("a", FIRST)

    class Boom(Exception):
        pass

    # a failure after the story was written, in the same unit of work: neither the text nor the revision stays
    with pytest.raises(Boom):
        with store.unit_of_work():
            assert store.save_written("a", SECOND) == 2
            assert len(store.revisions("a")) == 2  # the unit sees its own writes
            raise Boom
    assert stored(store)["headline"]["text"] == "Flood kills 9" and [r.n for r in store.revisions("a")] == [1]

    # a failure inside save_written itself, after the story row and the revision (the search index fails)
    def broken(*a, **k):
        raise Boom

    monkeypatch.setattr(S, "index_story", broken)
    with pytest.raises(Boom):
        store.save_written("a", SECOND)
    monkeypatch.undo()
    assert stored(store)["headline"]["text"] == "Flood kills 9" and revision_count(store) == 1
    assert store.search("flood").total == 1 and store.search("officials").total == 0
    assert store.save_written("a", SECOND) == 2  # and the next try numbers it 2, as if nothing had happened


@pytest.mark.parametrize(
    "sql",
    [
        "UPDATE story_revisions SET note = 'rewritten history'",
        "UPDATE story_revisions SET written = written",
        "DELETE FROM story_revisions",
        "DELETE FROM story_revisions WHERE n = 1",
    ],
)
def test_revisions_are_append_only_in_the_database(store, sql):
    new_story(store)
    store.save_written("a", FIRST)
    store.save_written("a", SECOND)
    before = store.revisions("a")
    with pytest.raises(DBAPIError, match="append-only"):
        with store.session() as s, s.begin():
            s.execute(text(sql))
    with pytest.raises(DBAPIError, match="append-only"):  # through the ORM too
        with store.session() as s, s.begin():
            s.get(StoryRevisionRow, ("a", 1)).note = "x"
    assert store.revisions("a") == before
    if store.engine.dialect.name == "postgresql":
        with pytest.raises(DBAPIError, match="append-only"):
            with store.session() as s, s.begin():
                s.execute(text("TRUNCATE story_revisions"))
        assert store.revisions("a") == before


def test_a_unit_of_work_is_one_transaction(store):
    aid = store.add_article(
        ArticleIn(url="https://wire.test/a", outlet_id="wire", title="T", text="Body."), "https://wire.test/a"
    )
    with pytest.raises(RuntimeError):
        with store.unit_of_work():
            new_story(store, "s1")
            with store.unit_of_work():  # joins the outer unit
                store.mark_processed(
                    aid,
                    story_id="s1",
                    duplicate_of=None,
                    duplicate_kind=None,
                    wire_group=None,
                    text_hash="h",
                    minhash=b"\0",
                    embedding=b"\0",
                )
            assert store.story_of(aid) == "s1" and store.unprocessed() == []
            raise RuntimeError("after the article was marked")
    assert store.story_of(aid) is None and [a.id for a in store.unprocessed()] == [aid]
    assert not store.slug_taken("s1")
    with store.unit_of_work():
        new_story(store, "s1")
        store.mark_processed(
            aid,
            story_id="s1",
            duplicate_of=None,
            duplicate_kind=None,
            wire_group=None,
            text_hash="h",
            minhash=b"\0",
            embedding=b"\0",
        )
        # an article already stored, met again inside a unit: None, and the unit goes on
        assert (
            store.add_article(
                ArticleIn(url="https://wire.test/a#x", outlet_id="wire", title="T"), "https://wire.test/a"
            )
            is None
        )
    assert store.story_of(aid) == "s1" and store.unprocessed() == []


@pytest.mark.parametrize("kind", ["sqlite", "postgresql"])
def test_migration_0007_backfills_revision_1_of_every_published_story(kind, tmp_path):
    from alembic import command
    from alembic.config import Config

    from copydesk.store.serde import written_to_dict

    schema = base = None
    if kind == "sqlite":
        url = f"sqlite:///{tmp_path}/old.sqlite3"
    else:
        base, schema, url = _pg_url()
    eng = create_engine(url)
    cfg = Config()
    cfg.set_main_option("script_location", "copydesk.store:migrations")
    with eng.begin() as conn:
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, "0006")
    at = T0 + timedelta(hours=5)
    rows = [("old", FIRST, None, at), ("held", None, None, None), ("gone", None, "old", None)]
    with eng.begin() as conn:
        for sid, w, merged, when in rows:
            conn.execute(
                text(
                    "INSERT INTO stories (id, slug, created, first_when, last_when, centroid, n_articles, "
                    "dirty, written, written_at, merged_into) "
                    "VALUES (:id, :id, :t, :t, :t, :c, 1, false, :w, :at, :m)"
                ),
                {
                    "id": sid,
                    "t": T0,
                    "c": b"\x00",
                    "at": when,
                    "m": merged,
                    "w": json.dumps(written_to_dict(w)) if w else None,
                },
            )
    eng.dispose()
    store = Store(url)  # opening runs 0007
    try:
        [rev] = store.revisions("old")
        assert (rev.n, rev.reason, rev.at, rev.changes) == (1, "coverage", at, ("first published",))
        assert rev.written.headline.text == FIRST.headline.text and rev.written.sources == FIRST.sources
        assert store.revisions("held") == [] and store.revisions("gone") == []
        # the guard is installed by the migration too, and the next change is revision 2
        with pytest.raises(DBAPIError, match="append-only"):
            with store.session() as s, s.begin():
                s.execute(text("DELETE FROM story_revisions"))
        assert store.save_written("old", SECOND) == 2
        assert store.revisions("old")[1].changes[0] == "headline changed"
    finally:
        store.close()
        if schema:
            _drop(base, schema)
