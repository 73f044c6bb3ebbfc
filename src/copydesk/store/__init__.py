"""Persistence: SQLite by default, PostgreSQL for scale. See `db.Store`."""

from copydesk.store.db import Store, StoryState, UnitOfWork, from_blob, to_blob

__all__ = ["Store", "StoryState", "UnitOfWork", "from_blob", "to_blob"]
