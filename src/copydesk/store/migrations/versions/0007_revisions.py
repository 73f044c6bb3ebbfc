"""story_revisions: every published version of a story, append-only (a trigger refuses UPDATE and DELETE, and
TRUNCATE on PostgreSQL); revision 1 backfilled for every story already published (reason "coverage", at its
written_at)

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-12 12:00:00
"""

from alembic import op
import sqlalchemy as sa

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None

#: The message both databases give when something tries to change or remove a revision.
REFUSED = "story_revisions is append-only: a published version is never changed or deleted"

_SQLITE_TRIGGERS = {
    "story_revisions_no_update": "UPDATE",
    "story_revisions_no_delete": "DELETE",
}


def upgrade() -> None:
    op.create_table(
        "story_revisions",
        sa.Column("story_id", sa.String(length=40), nullable=False),
        sa.Column("n", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("reason", sa.String(length=20), nullable=False),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("editor", sa.String(length=200), nullable=True),
        sa.Column("written", sa.JSON(), nullable=False),
        sa.Column("changes", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(["story_id"], ["stories.id"]),
        sa.PrimaryKeyConstraint("story_id", "n"),
    )
    op.create_index("ix_story_revisions_at", "story_revisions", ["at"])
    op.create_index("ix_story_revisions_reason", "story_revisions", ["reason"])

    # Revision 1 of every story published before revisions were kept: the text as it stands, at written_at.
    conn = op.get_bind()
    stories = sa.table(
        "stories",
        sa.column("id", sa.String),
        sa.column("written", sa.JSON),
        sa.column("written_at", sa.DateTime(timezone=True)),
        sa.column("created", sa.DateTime(timezone=True)),
    )
    revisions = sa.table(
        "story_revisions",
        sa.column("story_id", sa.String),
        sa.column("n", sa.Integer),
        sa.column("at", sa.DateTime(timezone=True)),
        sa.column("reason", sa.String),
        sa.column("written", sa.JSON),
        sa.column("changes", sa.JSON),
    )
    rows = conn.execute(
        sa.select(stories.c.id, stories.c.written, stories.c.written_at, stories.c.created).where(
            stories.c.written.is_not(None)
        )
    ).all()
    values = [
        dict(
            story_id=sid, n=1, at=written_at or created, reason="coverage", written=written, changes=["first published"]
        )
        for sid, written, written_at, created in rows
        if written
    ]
    if values:
        conn.execute(revisions.insert(), values)

    if conn.dialect.name == "sqlite":
        for name, what in _SQLITE_TRIGGERS.items():
            op.execute(
                f"CREATE TRIGGER {name} BEFORE {what} ON story_revisions BEGIN SELECT RAISE(ABORT, '{REFUSED}'); END"
            )
    else:
        op.execute(
            "CREATE FUNCTION story_revisions_append_only() RETURNS trigger LANGUAGE plpgsql AS $$ "
            f"BEGIN RAISE EXCEPTION '{REFUSED} (%)', TG_OP; END $$"
        )
        op.execute(
            "CREATE TRIGGER story_revisions_no_change BEFORE UPDATE OR DELETE ON story_revisions "
            "FOR EACH ROW EXECUTE FUNCTION story_revisions_append_only()"
        )
        op.execute(
            "CREATE TRIGGER story_revisions_no_truncate BEFORE TRUNCATE ON story_revisions "
            "FOR EACH STATEMENT EXECUTE FUNCTION story_revisions_append_only()"
        )


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        for name in _SQLITE_TRIGGERS:
            op.execute(f"DROP TRIGGER IF EXISTS {name}")
    else:
        op.execute("DROP TRIGGER IF EXISTS story_revisions_no_truncate ON story_revisions")
        op.execute("DROP TRIGGER IF EXISTS story_revisions_no_change ON story_revisions")
        op.execute("DROP FUNCTION IF EXISTS story_revisions_append_only()")
    op.drop_index("ix_story_revisions_reason", table_name="story_revisions")
    op.drop_index("ix_story_revisions_at", table_name="story_revisions")
    op.drop_table("story_revisions")
