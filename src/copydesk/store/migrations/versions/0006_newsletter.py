"""newsletter: subscribers (with consent time and source), confirmation requests, and the send log that makes a
digest send idempotent

Revision ID: 0006
Revises: 0004 (the lead re-chains it after 0005)
Create Date: 2026-12-10 12:00:00
"""

from alembic import op
import sqlalchemy as sa

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "newsletter_subscribers",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("email", sa.String(length=320), nullable=False),
        sa.Column("email_key", sa.String(length=320), nullable=False),
        sa.Column("all_sections", sa.Boolean(), nullable=False),
        sa.Column("sections", sa.JSON(), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("consent_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("consent_source", sa.String(length=200), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("unsubscribed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("unsubscribe_source", sa.String(length=40), nullable=True),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("email_key"),
    )
    op.create_index("ix_newsletter_subscribers_status", "newsletter_subscribers", ["status"])
    op.create_table(
        "newsletter_confirmations",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("nonce", sa.String(length=64), nullable=False),
        sa.Column("email_hash", sa.String(length=64), nullable=False),
        sa.Column("source", sa.String(length=200), nullable=False),
        sa.Column("requested_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("confirmed_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("nonce"),
    )
    op.create_index("ix_newsletter_confirmations_email_hash", "newsletter_confirmations", ["email_hash"])
    op.create_index("ix_newsletter_confirmations_requested_at", "newsletter_confirmations", ["requested_at"])
    op.create_table(
        "newsletter_send_log",
        sa.Column("subscriber_id", sa.Integer(), nullable=False),
        sa.Column("digest_id", sa.String(length=60), nullable=False),
        sa.Column("state", sa.String(length=20), nullable=False),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("finished_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("message_id", sa.String(length=300), nullable=True),
        sa.Column("error", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(["subscriber_id"], ["newsletter_subscribers.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("subscriber_id", "digest_id"),
    )
    op.create_index("ix_newsletter_send_log_state", "newsletter_send_log", ["state"])


def downgrade() -> None:
    op.drop_index("ix_newsletter_send_log_state", table_name="newsletter_send_log")
    op.drop_table("newsletter_send_log")
    op.drop_index("ix_newsletter_confirmations_requested_at", table_name="newsletter_confirmations")
    op.drop_index("ix_newsletter_confirmations_email_hash", table_name="newsletter_confirmations")
    op.drop_table("newsletter_confirmations")
    op.drop_index("ix_newsletter_subscribers_status", table_name="newsletter_subscribers")
    op.drop_table("newsletter_subscribers")
