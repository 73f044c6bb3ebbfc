"""text_vectors: sentence and title embeddings cached by text, made only where a check needs them

A source sentence's (or title's) vector is keyed by the SHA-256 of the model's name and the text
(``store.Store.text_vectors``), so an unchanged article is never embedded again and a wire copy's identical
sentences are embedded once. ``articles.sentence_vectors`` (per article) is no longer read or written; its rows
are cleared here (they are re-made lazily, by text, for the stories that need them).

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-05 04:00:00
"""

from alembic import op
import sqlalchemy as sa

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "text_vectors",
        sa.Column("key", sa.String(64), primary_key=True),
        sa.Column("vector", sa.LargeBinary(), nullable=False),
    )
    op.execute(sa.text("UPDATE articles SET sentence_vectors = NULL WHERE sentence_vectors IS NOT NULL"))


def downgrade() -> None:
    op.drop_table("text_vectors")
