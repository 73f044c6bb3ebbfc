"""articles: where the date came from and whether it has a time, the claimed language, the page verdict
(article or not, and why) and the fetch outcome

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-04 17:40:00
"""

from alembic import op
import sqlalchemy as sa

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("articles", schema=None) as batch_op:
        batch_op.add_column(sa.Column("date_only", sa.Boolean(), nullable=True, server_default=sa.false()))
        batch_op.add_column(sa.Column("published_from", sa.String(length=20), nullable=True))
        batch_op.add_column(sa.Column("language_hint", sa.String(length=10), nullable=True))
        batch_op.add_column(sa.Column("page_class", sa.String(length=30), nullable=True))
        batch_op.add_column(sa.Column("page_class_reason", sa.Text(), nullable=True))
        batch_op.add_column(sa.Column("fetch_outcome", sa.String(length=30), nullable=True))
        batch_op.create_index("ix_articles_page_class", ["page_class"])


def downgrade() -> None:
    with op.batch_alter_table("articles", schema=None) as batch_op:
        batch_op.drop_index("ix_articles_page_class")
        for c in ("fetch_outcome", "page_class_reason", "page_class", "language_hint", "published_from", "date_only"):
            batch_op.drop_column(c)
