"""articles: drop title_vector and sentence_vectors, unused since an article is embedded once

Since migration 0011 a sentence's or title's vector lives in ``text_vectors`` (keyed by model and text) and is made
only where a check needs it; ``articles.title_vector`` (migration 0002) and ``articles.sentence_vectors`` (0001) are
read and written by no code. Dropping them frees their bytes on every article row. On SQLite the articles table is
copied without them (Alembic's batch mode; the upgrade rewrites the table once, in proportion to its size); on
PostgreSQL the columns are dropped in place. The downgrade adds them back, empty (null), as 0011 left them.

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-05 22:20:00
"""

from alembic import op
import sqlalchemy as sa

revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("articles", schema=None) as batch_op:
        batch_op.drop_column("title_vector")
        batch_op.drop_column("sentence_vectors")


def downgrade() -> None:
    with op.batch_alter_table("articles", schema=None) as batch_op:
        batch_op.add_column(sa.Column("sentence_vectors", sa.LargeBinary(), nullable=True))
        batch_op.add_column(sa.Column("title_vector", sa.LargeBinary(), nullable=True))
