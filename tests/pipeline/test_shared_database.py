"""Several desks on one database (SQLite, and PostgreSQL from COPYDESK_TEST_POSTGRES_URL): the dedup index and the
clusterer's recent stories are rebuilt from the database, so a restarted desk, or a second one working beside the
first, sees the stories and texts the other stored. The configuration names no database: the environment's
COPYDESK_DATABASE__URL alone chooses the backend."""

from __future__ import annotations

import json
from datetime import datetime, timezone

import pytest

from copydesk.config import load_settings, render_config
from copydesk.pipeline import Desk
from test_story_lifecycle import FIRST, LATER, OTHER

_EPOCH = datetime(2000, 1, 1, tzinfo=timezone.utc)


@pytest.fixture
def settings(db_url, tmp_path, monkeypatch):
    monkeypatch.setenv("COPYDESK_DATABASE__URL", db_url)
    (tmp_path / "copydesk.toml").write_text(render_config(), encoding="utf-8")
    s = load_settings(tmp_path / "copydesk.toml")
    assert s.database_url == db_url
    return s


def _tram_story(desk: Desk) -> tuple[str, int]:
    [(sid, n)] = [
        (s.id, s.n_articles)
        for s in desk.store.open_stories(_EPOCH, desk.embedder.dim)
        if any("tram" in a.title.lower() for a in desk.store.story_articles(s.id))
    ]
    return sid, n


def test_a_new_desk_sees_the_stories_and_texts_of_the_one_before(settings):
    first = Desk(settings, {})
    first.import_lines([FIRST])
    assert first.process().counts == {"originals": 1, "stories-new": 1}
    story_id, _ = _tram_story(first)
    embedder = first.embedder
    first.close()

    second = Desk(settings, {})  # a restarted process, or another machine
    second._embedder = embedder  # the same model, loaded once for the test
    copy = json.loads(FIRST)
    copy.update(url="https://d.test/copy", outlet="Delta Wire")  # the same text, published again elsewhere
    second.import_lines([LATER, OTHER, json.dumps(copy)])
    rep = second.process()
    assert rep.counts.get("stories-grown") == 2 and rep.counts.get("stories-new") == 1, rep.counts
    assert sum(n for k, n in rep.counts.items() if k.startswith("dup-")) == 1, rep.counts  # the index was rebuilt
    assert _tram_story(second) == (story_id, 3)  # the event's later article joined the first desk's story
    assert second.store.counts()["stories"] == 2
    second.close()


def test_two_desks_open_at_once_do_not_split_a_story(settings):
    """Desk A has built its indexes; desk B then starts the tram story; A's next article of that event joins B's
    story instead of starting a second one (A notices the other writer and rebuilds from the database). On
    PostgreSQL, where several processes share the database; two `copydesk run` on one SQLite data directory are
    kept apart by the data directory's lock instead."""
    if not settings.database_url.startswith("postgresql"):
        pytest.skip("SQLite: one writer per data directory (DataDirLock)")
    a, b = Desk(settings, {}), Desk(settings, {})
    b._embedder = a.embedder
    a.import_lines([OTHER])
    assert a.process().counts == {"originals": 1, "stories-new": 1}
    b.import_lines([FIRST])
    assert b.process().counts == {"originals": 1, "stories-new": 1}
    a.import_lines([LATER])
    rep = a.process()
    assert rep.counts.get("stories-grown") == 1 and "stories-new" not in rep.counts, rep.counts
    assert _tram_story(a)[1] == 2 and a.store.counts()["stories"] == 2
    a.close()
    b.close()
