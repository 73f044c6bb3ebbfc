"""story_search: the full-text index of published stories (SQLite FTS5 virtual table; PostgreSQL tsvector table
with a GIN index), filled here from the stories already written (copydesk.store.search)

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-10 12:00:00
"""

from alembic import op

from copydesk.store import search

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    conn = op.get_bind()
    search.create_index(conn)
    search.rebuild(conn)


def downgrade() -> None:
    search.drop_index(op.get_bind())
