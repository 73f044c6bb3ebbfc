"""Database tables (SQLAlchemy 2 declarative). Changes go through an Alembic migration in `migrations/`."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import (
    JSON,
    Boolean,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    Text,
    false,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column


class Base(DeclarativeBase):
    pass


class OutletRow(Base):
    """A registry entry as last loaded, or an outlet met in an import that the registry lacks."""

    __tablename__ = "outlets"
    id: Mapped[str] = mapped_column(String(100), primary_key=True)
    name: Mapped[str] = mapped_column(String(300))
    data: Mapped[dict] = mapped_column(JSON)  # the Outlet fields
    in_registry: Mapped[bool] = mapped_column(Boolean, default=True)
    # an unlisted outlet's identity: SHA-256 of the exact name its import gave (migration 0010); None for the registry's
    import_key: Mapped[str | None] = mapped_column(String(64), unique=True, index=True, nullable=True)


class FeedRow(Base):
    """Polling state and health of one feed."""

    __tablename__ = "feeds"
    url: Mapped[str] = mapped_column(String(2000), primary_key=True)
    outlet_id: Mapped[str] = mapped_column(String(100), index=True)
    etag: Mapped[str | None] = mapped_column(String(500))
    last_modified: Mapped[str | None] = mapped_column(String(100))
    last_fetch: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    last_success: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    last_outcome: Mapped[str | None] = mapped_column(String(40))
    last_error: Mapped[str | None] = mapped_column(Text)
    consecutive_errors: Mapped[int] = mapped_column(Integer, default=0)
    articles: Mapped[int] = mapped_column(Integer, default=0)
    # when a scheduled poll was last let through (migration 0009): one poll per feed per interval, however many
    # schedulers send it (Store.claim_poll)
    poll_claimed: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class EventRow(Base):
    """Every fetch outcome and every rejected input, per source: the run's audit log."""

    __tablename__ = "events"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), index=True)
    stage: Mapped[str] = mapped_column(String(20))  # feed, page, import, write, ...
    outlet_id: Mapped[str | None] = mapped_column(String(100), index=True)
    url: Mapped[str | None] = mapped_column(String(2000))
    outcome: Mapped[str] = mapped_column(String(40))
    status: Mapped[int | None] = mapped_column(Integer)
    message: Mapped[str | None] = mapped_column(Text)
    elapsed_s: Mapped[float | None] = mapped_column(Float)


class ArticleRow(Base):
    __tablename__ = "articles"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    url: Mapped[str] = mapped_column(String(2000))
    canonical_url: Mapped[str] = mapped_column(String(2000), unique=True)
    outlet_id: Mapped[str] = mapped_column(String(100), index=True)
    title: Mapped[str] = mapped_column(Text)
    text: Mapped[str] = mapped_column(Text, default="")
    summary: Mapped[str] = mapped_column(Text, default="")
    published: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    first_seen: Mapped[datetime] = mapped_column(DateTime(timezone=True), index=True)
    language: Mapped[str | None] = mapped_column(String(10))
    author: Mapped[str | None] = mapped_column(String(500))
    partial: Mapped[bool] = mapped_column(Boolean, default=False)
    categories: Mapped[list] = mapped_column(JSON, default=list)
    origin: Mapped[str] = mapped_column(String(20), default="feed")
    license: Mapped[str | None] = mapped_column(Text)
    # nullable as migration 0003 made it (rows from before it read false: server default)
    date_only: Mapped[bool] = mapped_column(Boolean, default=False, nullable=True, server_default=false())
    published_from: Mapped[str | None] = mapped_column(String(20))
    language_hint: Mapped[str | None] = mapped_column(String(10))
    page_class: Mapped[str | None] = mapped_column(String(30), index=True)
    page_class_reason: Mapped[str | None] = mapped_column(Text)
    fetch_outcome: Mapped[str | None] = mapped_column(String(30))
    # why the page body is only what decoded (a broken compressed stream; migration 0012), null when whole
    body_partial: Mapped[str | None] = mapped_column(Text)
    # filled by processing
    processed: Mapped[bool] = mapped_column(Boolean, default=False, index=True)
    story_id: Mapped[str | None] = mapped_column(ForeignKey("stories.id"), index=True)
    duplicate_of: Mapped[int | None] = mapped_column(Integer)
    duplicate_kind: Mapped[str | None] = mapped_column(String(20))
    wire_group: Mapped[int | None] = mapped_column(Integer)
    text_hash: Mapped[str | None] = mapped_column(String(64))
    minhash: Mapped[bytes | None] = mapped_column(LargeBinary)
    # the one text per article the model embeds (the clusterer's); sentence and title vectors are in text_vectors
    # (the per-article title_vector and sentence_vectors columns were dropped by migration 0013)
    embedding: Mapped[bytes | None] = mapped_column(LargeBinary)


class TextVectorRow(Base):
    """The embedding of one text (a source sentence or title) by one model, made the first time a check needed it:
    keyed by the SHA-256 of the model's name and the text, so an unchanged article, or a wire copy's identical
    sentence, is never embedded again (migration 0011)."""

    __tablename__ = "text_vectors"
    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    vector: Mapped[bytes] = mapped_column(LargeBinary)  # float16, normalised


class StoryRow(Base):
    __tablename__ = "stories"
    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    slug: Mapped[str] = mapped_column(String(200), unique=True)
    created: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    first_when: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    last_when: Mapped[datetime] = mapped_column(DateTime(timezone=True), index=True)
    centroid: Mapped[bytes] = mapped_column(LargeBinary)
    n_articles: Mapped[int] = mapped_column(Integer, default=0)
    dirty: Mapped[bool] = mapped_column(Boolean, default=True, index=True)
    merged_into: Mapped[str | None] = mapped_column(String(40))
    follows: Mapped[str | None] = mapped_column(String(40))  # the earlier development's story (migration 0004)
    written: Mapped[dict | None] = mapped_column(JSON)  # WrittenStory as JSON
    written_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    write_error: Mapped[str | None] = mapped_column(Text)


class StoryRevisionRow(Base):
    """One published version of a story (migration 0007), append-only: a trigger refuses UPDATE and DELETE (and
    TRUNCATE on PostgreSQL), so a version once published stays as it was. Written only by ``Store.save_written``,
    in the transaction that publishes the text."""

    __tablename__ = "story_revisions"
    story_id: Mapped[str] = mapped_column(ForeignKey("stories.id"), primary_key=True)
    n: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)  # 1, 2, ... per story
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), index=True)
    reason: Mapped[str] = mapped_column(String(20), index=True)  # coverage | correction | editor
    note: Mapped[str | None] = mapped_column(Text)
    editor: Mapped[str | None] = mapped_column(String(200))
    written: Mapped[dict] = mapped_column(JSON)  # WrittenStory as JSON, as published then
    changes: Mapped[list] = mapped_column(JSON, default=list)  # what changed against revision n - 1, for readers


class RedirectRow(Base):
    """An old story address that now points at the story it merged into."""

    __tablename__ = "redirects"
    old_slug: Mapped[str] = mapped_column(String(200), primary_key=True)
    story_id: Mapped[str] = mapped_column(String(40))


Index("ix_articles_story_when", ArticleRow.story_id, ArticleRow.first_seen)


# -- newsletter (migration 0006) ---------------------------------------------------------------------------


class SubscriberRow(Base):
    """A confirmed (or since unsubscribed) newsletter address, with the consent it gave: when and from which form."""

    __tablename__ = "newsletter_subscribers"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    email: Mapped[str] = mapped_column(String(320))  # as email-validator normalised it; mail goes here
    email_key: Mapped[str] = mapped_column(String(320), unique=True)  # lower-cased: one subscription per mailbox
    all_sections: Mapped[bool] = mapped_column(Boolean, default=True)
    sections: Mapped[list] = mapped_column(JSON, default=list)  # section slugs when not all_sections
    status: Mapped[str] = mapped_column(String(20), index=True)  # confirmed | unsubscribed
    consent_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    consent_source: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    unsubscribed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    unsubscribe_source: Mapped[str | None] = mapped_column(String(40))


class ConfirmationRow(Base):
    """One confirmation mail sent: the address only as a keyed hash (an unconfirmed address is not kept), the
    token's nonce (so a link confirms once) and where the request came from."""

    __tablename__ = "newsletter_confirmations"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    nonce: Mapped[str] = mapped_column(String(64), unique=True)
    email_hash: Mapped[str] = mapped_column(String(64), index=True)
    source: Mapped[str] = mapped_column(String(200))
    requested_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), index=True)
    confirmed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class SendLogRow(Base):
    """One digest to one subscriber: intent recorded before the SMTP conversation, completion after."""

    __tablename__ = "newsletter_send_log"
    subscriber_id: Mapped[int] = mapped_column(
        Integer, ForeignKey("newsletter_subscribers.id", ondelete="CASCADE"), primary_key=True
    )
    digest_id: Mapped[str] = mapped_column(String(60), primary_key=True)
    state: Mapped[str] = mapped_column(String(20), index=True)  # pending | committing | sent | deferred | rejected
    started_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    finished_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    message_id: Mapped[str | None] = mapped_column(String(300))
    error: Mapped[str | None] = mapped_column(Text)


# -- corrections (migration 0008) --------------------------------------------------------------------------


class ReportRow(Base):
    """A report that a story (or one sentence of it) is inaccurate: from a reader, or flagged by the pipeline when a
    later source contradicts a published sentence. Never published; an editor decides."""

    __tablename__ = "correction_reports"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    story_id: Mapped[str] = mapped_column(ForeignKey("stories.id"), index=True)
    sentence_index: Mapped[int | None] = mapped_column(Integer)  # None: the article as a whole
    sentence: Mapped[str | None] = mapped_column(Text)  # the sentence as the reporter saw it
    category: Mapped[str] = mapped_column(String(30))
    wrong: Mapped[str] = mapped_column(Text)
    right: Mapped[str] = mapped_column(Text)
    evidence: Mapped[list] = mapped_column(JSON, default=list)
    email: Mapped[str | None] = mapped_column(String(320))  # erased once the reporter has been answered
    origin: Mapped[str] = mapped_column(String(20))  # reader | pipeline
    key: Mapped[str | None] = mapped_column(String(64), unique=True)  # a pipeline flag's identity (filed once)
    status: Mapped[str] = mapped_column(String(20), index=True)  # open | accepted | rejected
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), index=True)
    decided_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    decided_by: Mapped[str | None] = mapped_column(String(100))
    decision: Mapped[str | None] = mapped_column(Text)  # the editor's reason (a rejection) or public note


class CorrectionRow(Base):
    """A published correction. Append-only: triggers refuse UPDATE and DELETE (migration 0008)."""

    __tablename__ = "corrections"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    report_id: Mapped[int] = mapped_column(ForeignKey("correction_reports.id"), unique=True)
    story_id: Mapped[str] = mapped_column(ForeignKey("stories.id"), index=True)
    slug: Mapped[str] = mapped_column(String(200))
    category: Mapped[str] = mapped_column(String(30))
    before: Mapped[str] = mapped_column(Text)
    after: Mapped[dict | None] = mapped_column(JSON)  # the new sentence (text and support) or None: removed
    note: Mapped[str] = mapped_column(Text)
    editor: Mapped[str] = mapped_column(String(100))
    revision: Mapped[int | None] = mapped_column(Integer)
    corrected_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), index=True)


class EditorRow(Base):
    """An editor's account: an argon2 hash of the password, never the password."""

    __tablename__ = "editors"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    name: Mapped[str] = mapped_column(String(100), unique=True)
    password_hash: Mapped[str] = mapped_column(String(300))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    failures: Mapped[int] = mapped_column(Integer, default=0)  # wrong passwords since the last sign-in
    locked_until: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    last_login: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class EditorSessionRow(Base):
    """A signed-in editor: the cookie holds a random token, the database only its SHA-256."""

    __tablename__ = "editor_sessions"
    token_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    editor_id: Mapped[int] = mapped_column(ForeignKey("editors.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    expires_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    revoked_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class AuditRow(Base):
    """Every editor action, append-only (triggers refuse UPDATE and DELETE)."""

    __tablename__ = "editor_audit"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), index=True)
    editor: Mapped[str] = mapped_column(String(100))  # an editor's name, "cli" or "pipeline"
    action: Mapped[str] = mapped_column(String(40))
    report_id: Mapped[int | None] = mapped_column(Integer, index=True)
    story_id: Mapped[str | None] = mapped_column(String(40))
    detail: Mapped[str | None] = mapped_column(Text)
