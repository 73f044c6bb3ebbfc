"""articles.body_partial: why a fetched page's body is only what decoded (a truncated or corrupt compressed stream)

Issue 17 part 3: a truncated stream keeps what decoded, marked partial. The mark is the fetch's reason
(``FetchResult.partial``: "fetch: partial body: truncated gzip stream; kept the 8576 bytes decoded"), null for a
whole body and for imports. Rows stored before this migration read null (their bodies were whole or not recorded).

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-05 04:10:00
"""

from alembic import op
import sqlalchemy as sa

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("articles", schema=None) as batch_op:
        batch_op.add_column(sa.Column("body_partial", sa.Text(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("articles", schema=None) as batch_op:
        batch_op.drop_column("body_partial")
