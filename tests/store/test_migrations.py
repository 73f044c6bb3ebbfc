"""Alembic migrations on both backends (SQLite, and PostgreSQL in a schema of its own): from empty to a schema that
matches the models; from every earlier revision, with data in it, to head with the data kept and readable; a
downgrade to the first revision and back; several processes opening one empty database at once."""

from __future__ import annotations

import json
from datetime import datetime, timezone

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import create_engine, text

from testsupport import database
from copydesk.store import Store
from copydesk.store.db import migrate
from copydesk.store.schema import Base
from copydesk.store.serde import outlet_to_dict, written_to_dict
from test_db import OUT
from test_search import written

T0 = datetime(2024, 5, 1, 12, 0, tzinfo=timezone.utc)


def _config(conn) -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", "copydesk.store:migrations")
    cfg.attributes["connection"] = conn
    return cfg


def _revisions() -> list[str]:
    """Every revision, oldest first (read from the scripts, so a new migration is tested without editing this)."""
    script = ScriptDirectory.from_config(_config(None))
    return [r.revision for r in reversed(list(script.walk_revisions()))]


REVISIONS = _revisions()
HEAD = REVISIONS[-1]


def _current(url: str) -> str | None:
    eng = create_engine(url)
    try:
        with eng.connect() as conn:
            return MigrationContext.configure(conn).get_current_revision()
    finally:
        eng.dispose()


def _alembic(url: str, fn, rev: str) -> None:
    eng = create_engine(url)
    try:
        with eng.begin() as conn:
            fn(_config(conn), rev)
    finally:
        eng.dispose()


def _insert_first_revision_rows(url: str) -> None:
    """An outlet, a written story and two articles in it, using only columns revision 0001 had (as a database
    written by the first release would hold them)."""
    w = written("s1", "Harbour dredging begins", "Ships wait outside the harbour.")
    eng = create_engine(url)
    with eng.begin() as c:
        c.execute(
            text("INSERT INTO outlets (id, name, data, in_registry) VALUES ('wire', 'Wire', :d, true)"),
            {"d": json.dumps(outlet_to_dict(OUT))},
        )
        c.execute(
            text(
                "INSERT INTO stories (id, slug, created, first_when, last_when, centroid, n_articles, dirty, "
                "written, written_at) VALUES ('s1', 's1', :t, :t, :t, :c, 2, false, :w, :t)"
            ),
            {"t": T0, "c": b"\x00" * 16, "w": json.dumps(written_to_dict(w))},
        )
        for i in (1, 2):
            c.execute(
                text(
                    "INSERT INTO articles (url, canonical_url, outlet_id, title, text, summary, published, "
                    "first_seen, partial, categories, origin, processed, story_id) VALUES "
                    "(:u, :u, 'wire', :title, 'Ships wait.', '', :t, :t, false, '[]', 'feed', true, 's1')"
                ),
                {"u": f"https://wire.test/{i}", "title": f"Harbour {i}", "t": T0},
            )
    eng.dispose()


@pytest.mark.parametrize("kind", ["sqlite", "postgresql"])
def test_from_empty_the_schema_is_the_models(kind, tmp_path):
    """Opening an empty database migrates it to head, and the tables then match `copydesk.store.schema` exactly
    (autogenerate finds nothing to add, drop or alter: a model change without its migration fails here)."""
    with database(kind, tmp_path) as url:
        Store(url).close()
        assert _current(url) == HEAD
        eng = create_engine(url)
        with eng.connect() as conn:
            ctx = MigrationContext.configure(
                conn,
                opts={
                    "include_object": lambda o, name, type_, r, c: (
                        not (type_ == "table" and name and name.startswith("story_search"))
                    )
                },
            )
            diff = compare_metadata(ctx, Base.metadata)
        eng.dispose()
        assert diff == [], diff


@pytest.mark.parametrize("kind", ["sqlite", "postgresql"])
@pytest.mark.parametrize("start", REVISIONS[:-1])
def test_upgrade_from_an_earlier_revision_keeps_the_data(kind, start, tmp_path):
    with database(kind, tmp_path) as url:
        _alembic(url, command.upgrade, "0001")
        _insert_first_revision_rows(url)
        _alembic(url, command.upgrade, start)
        assert _current(url) == start
        store = Store(url)  # opening upgrades to head
        try:
            assert _current(url) == HEAD
            assert list(store.outlets()) == ["wire"]
            assert sorted(a.title for a in store.story_articles("s1")) == ["Harbour 1", "Harbour 2"]
            [(w, _)] = store.written_stories()
            assert w.headline.text == "Harbour dredging begins"
            assert [h.story_id for h in store.search("dredging").hits] == ["s1"]  # indexed by 0005 or later
            assert [r.n for r in store.revisions("s1")] == [1]  # backfilled by 0007
            assert store.counts()["articles"] == 2
        finally:
            store.close()


@pytest.mark.parametrize("kind", ["sqlite", "postgresql"])
def test_downgrade_to_the_first_revision_and_back(kind, tmp_path):
    with database(kind, tmp_path) as url:
        _alembic(url, command.upgrade, "0001")
        _insert_first_revision_rows(url)
        Store(url).close()
        _alembic(url, command.downgrade, "0001")
        assert _current(url) == "0001"
        eng = create_engine(url)
        with eng.connect() as c:
            assert c.execute(text("SELECT count(*) FROM articles WHERE story_id = 's1'")).scalar() == 2
        eng.dispose()
        store = Store(url)
        try:
            assert _current(url) == HEAD
            assert len(store.story_articles("s1")) == 2
            assert [h.story_id for h in store.search("harbour").hits] == ["s1"]
            assert [r.n for r in store.revisions("s1")] == [1]
        finally:
            store.close()


def _open(url: str, barrier) -> None:  # in a process of its own (spawned): what each service does on start
    eng = create_engine(url)
    barrier.wait(60)  # all imported and ready: they migrate at the same moment
    migrate(eng)
    eng.dispose()


@pytest.mark.parametrize("kind", ["sqlite", "postgresql"])
def test_several_processes_open_one_empty_database_at_once(kind, tmp_path):
    """Web, workers and scheduler (or `run` and `serve` on a new data directory) start together on a fresh
    database: the first to open it migrates, the others wait for it (an advisory lock; a file lock beside a SQLite
    database) instead of failing on tables that are half created ("table events already exists"). Processes, not
    threads: Alembic's `context` is global to a process."""
    import multiprocessing

    with database(kind, tmp_path) as url:
        ctx = multiprocessing.get_context("spawn")
        barrier = ctx.Barrier(4)
        procs = [ctx.Process(target=_open, args=(url, barrier)) for _ in range(4)]
        for p in procs:
            p.start()
        for p in procs:
            p.join(120)
        assert [p.exitcode for p in procs] == [0, 0, 0, 0]
        assert _current(url) == HEAD


@pytest.mark.parametrize("kind", ["sqlite", "postgresql"])
def test_0013_drops_the_unused_vector_columns_and_its_downgrade_adds_them_back(kind, tmp_path):
    """`articles.title_vector` and `articles.sentence_vectors` (read by nothing since 0011, where vectors moved to
    `text_vectors`) are gone at head, with the articles kept; going back to 0012 gives them back, empty."""
    from sqlalchemy import inspect

    def columns(url: str) -> set[str]:
        eng = create_engine(url)
        try:
            return {c["name"] for c in inspect(eng).get_columns("articles")}
        finally:
            eng.dispose()

    with database(kind, tmp_path) as url:
        _alembic(url, command.upgrade, "0012")
        _insert_first_revision_rows(url)
        eng = create_engine(url)
        with eng.begin() as c:
            c.execute(text("UPDATE articles SET title_vector = :b, sentence_vectors = :b"), {"b": b"\x01" * 8})
        eng.dispose()
        assert {"title_vector", "sentence_vectors"} <= columns(url)
        _alembic(url, command.upgrade, "0013")
        assert not {"title_vector", "sentence_vectors"} & columns(url)
        store = Store(url)
        try:
            assert sorted(a.title for a in store.story_articles("s1")) == ["Harbour 1", "Harbour 2"]
        finally:
            store.close()
        _alembic(url, command.downgrade, "0012")
        assert {"title_vector", "sentence_vectors"} <= columns(url)
        eng = create_engine(url)
        with eng.connect() as c:
            rows = c.execute(text("SELECT title_vector, sentence_vectors FROM articles")).all()
        eng.dispose()
        assert rows == [(None, None), (None, None)]
