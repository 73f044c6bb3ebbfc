"""A real store behind the served site for the web tests: SQLite in a temporary folder, or PostgreSQL in a schema
of its own when COPYDESK_TEST_POSTGRES_URL is set (else those tests skip and say why)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import numpy as np

from testsupport import DATABASES, database  # DATABASES: the web tests' params
from copydesk.models import Edition, WrittenStory
from copydesk.store import Store, StoryState

__all__ = ["DATABASES", "publish", "publish_edition", "store"]


@contextmanager
def store(kind: str, tmp_path: Path) -> Iterator[Store]:
    with database(kind, tmp_path, "served") as url:
        s = Store(url)
        try:
            yield s
        finally:
            s.close()


def publish(s: Store, story: WrittenStory) -> None:
    """Write ``story`` to the store as the pipeline does (a story row, then its written text)."""
    if not s.slug_taken(story.slug):
        s.save_story(
            StoryState(story.story_id, np.ones(4, np.float32) / 2, 1, story.published, story.updated), slug=story.slug
        )
    s.save_written(story.story_id, story)


def publish_edition(s: Store, edition: Edition) -> None:
    for es in edition.stories:
        publish(s, es.story)
