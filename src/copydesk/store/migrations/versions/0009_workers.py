"""feeds: `poll_claimed`, when a scheduler's poll of the feed was last let through (copydesk.tasks): a second
scheduler's poll in the same interval is refused against it

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-04 23:30:00
"""

from alembic import op
import sqlalchemy as sa

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("feeds", schema=None) as batch_op:
        batch_op.add_column(sa.Column("poll_claimed", sa.DateTime(timezone=True), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("feeds", schema=None) as batch_op:
        batch_op.drop_column("poll_claimed")
