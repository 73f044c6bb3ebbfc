"""stories: `follows`, the story of the earlier development a story continues (clustering bounds a story in time;
a later development is a new story that links back)

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-04 18:00:00
"""

from alembic import op
import sqlalchemy as sa

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("stories", schema=None) as batch_op:
        batch_op.add_column(sa.Column("follows", sa.String(length=40), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("stories", schema=None) as batch_op:
        batch_op.drop_column("follows")
