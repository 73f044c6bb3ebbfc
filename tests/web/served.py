"""A real store behind the served site for the web tests: SQLite in a temporary folder, or PostgreSQL in a schema
of its own when COPYDESK_TEST_POSTGRES_URL is set (else those tests skip and say why)."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import numpy as np
from sqlalchemy import create_engine, text

from testsupport import service_url
from copydesk.models import Edition, WrittenStory
from copydesk.store import Store, StoryState

DATABASES = ["sqlite", "postgresql"]


@contextmanager
def store(kind: str, tmp_path: Path) -> Iterator[Store]:
    if kind == "sqlite":
        s = Store(f"sqlite:///{tmp_path}/served.sqlite3")
        try:
            yield s
        finally:
            s.close()
        return
    base = service_url("COPYDESK_TEST_POSTGRES_URL")
    schema = "t_" + uuid.uuid4().hex[:10]
    eng = create_engine(base)
    with eng.begin() as c:
        c.execute(text(f"CREATE SCHEMA {schema}"))
    sep = "&" if "?" in base else "?"
    s = Store(f"{base}{sep}options=-csearch_path%3D{schema}")
    try:
        yield s
    finally:
        s.close()
        with eng.begin() as c:
            c.execute(text(f"DROP SCHEMA {schema} CASCADE"))
        eng.dispose()


def publish(s: Store, story: WrittenStory) -> None:
    """Write ``story`` to the store as the pipeline does (a story row, then its written text)."""
    if not s.slug_taken(story.slug):
        s.save_story(StoryState(story.story_id, np.ones(4, np.float32) / 2, 1, story.published, story.updated),
                     slug=story.slug)
    s.save_written(story.story_id, story)


def publish_edition(s: Store, edition: Edition) -> None:
    for es in edition.stories:
        publish(s, es.story)
