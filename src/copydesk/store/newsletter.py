"""The newsletter's tables (migration 0006): subscribers, confirmation requests and the send log.

``NewsletterStore(store)`` shares the `Store`'s engine; its methods take and return the dataclasses of
``copydesk.newsletter.model``. Every method is one transaction.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import delete, func, select
from sqlalchemy.exc import IntegrityError

from copydesk.newsletter.model import SendRecord, Subscriber
from copydesk.store.db import Store, utcnow
from copydesk.store.schema import ConfirmationRow, SendLogRow, SubscriberRow
from copydesk.store.serde import aware

__all__ = ["NewsletterStore"]


def _subscriber(r: SubscriberRow) -> Subscriber:
    return Subscriber(
        id=r.id,
        email=r.email,
        all_sections=bool(r.all_sections),
        sections=tuple(r.sections or ()),
        status=r.status,
        consent_at=aware(r.consent_at),
        consent_source=r.consent_source,
        created_at=aware(r.created_at),
        unsubscribed_at=aware(r.unsubscribed_at),
        unsubscribe_source=r.unsubscribe_source,
    )


def _record(r: SendLogRow) -> SendRecord:
    return SendRecord(
        r.subscriber_id,
        r.digest_id,
        r.state,
        aware(r.started_at),
        aware(r.finished_at),
        r.attempts,
        r.message_id,
        r.error,
    )


class NewsletterStore:
    def __init__(self, store: Store):
        self._store = store

    def session(self):
        return self._store.session()

    # -- confirmations ----------------------------------------------------------------------------------
    def request_confirmation(
        self, email_hash: str, nonce: str, source: str, *, limit: int, window: timedelta, now: datetime | None = None
    ) -> bool:
        """Record a confirmation mail about to be sent; False (nothing recorded) when ``limit`` were already sent
        to this address within ``window`` (so nobody can flood someone's mailbox through the form)."""
        now = now or utcnow()
        with self.session() as s, s.begin():
            recent = s.scalar(
                select(func.count())
                .select_from(ConfirmationRow)
                .where(ConfirmationRow.email_hash == email_hash, ConfirmationRow.requested_at >= now - window)
            )
            if recent >= limit:
                return False
            s.add(ConfirmationRow(nonce=nonce, email_hash=email_hash, source=source[:200], requested_at=now))
            return True

    def confirm(
        self,
        nonce: str,
        email: str,
        all_sections: bool,
        sections: tuple[str, ...],
        source: str,
        now: datetime | None = None,
    ) -> tuple[str, Subscriber | None]:
        """Use a confirmation: ("confirmed", subscriber) the first time, ("already", subscriber) after, ("unknown",
        None) when no such request was recorded. Confirming an existing address (even an unsubscribed one) records
        the new consent and sections."""
        now = now or utcnow()
        for attempt in range(2):
            try:
                with self.session() as s, s.begin():
                    req = s.scalar(select(ConfirmationRow).where(ConfirmationRow.nonce == nonce).with_for_update())
                    if req is None:
                        return "unknown", None
                    row = s.scalar(select(SubscriberRow).where(SubscriberRow.email_key == email.lower()))
                    if req.confirmed_at is not None:
                        return "already", _subscriber(row) if row is not None else None
                    req.confirmed_at = now
                    if row is None:
                        row = SubscriberRow(email_key=email.lower(), created_at=now)
                        s.add(row)
                    row.email = email  # the spelling last confirmed
                    row.all_sections, row.sections = all_sections, list(sections)
                    row.status, row.consent_at, row.consent_source = "confirmed", now, source[:200]
                    row.unsubscribed_at, row.unsubscribe_source = None, None
                    s.flush()
                    return "confirmed", _subscriber(row)
            except IntegrityError:  # the same address confirmed twice at once: the second sees the first's row
                if attempt:
                    raise
        raise AssertionError("unreachable")

    # -- subscribers ------------------------------------------------------------------------------------
    def subscriber(self, subscriber_id: int) -> Subscriber | None:
        with self.session() as s:
            row = s.get(SubscriberRow, subscriber_id)
            return _subscriber(row) if row is not None else None

    def by_email(self, email: str) -> Subscriber | None:
        with self.session() as s:
            row = s.scalar(select(SubscriberRow).where(SubscriberRow.email_key == email.lower()))
            return _subscriber(row) if row is not None else None

    def subscribers(self, status: str | None = "confirmed") -> list[Subscriber]:
        with self.session() as s:
            q = select(SubscriberRow).order_by(SubscriberRow.id)
            if status is not None:
                q = q.where(SubscriberRow.status == status)
            return [_subscriber(r) for r in s.scalars(q)]

    def unsubscribe(self, subscriber_id: int, how: str, now: datetime | None = None) -> Subscriber | None:
        """Mark unsubscribed (idempotent: a second request keeps the first time and way)."""
        with self.session() as s, s.begin():
            row = s.get(SubscriberRow, subscriber_id)
            if row is None:
                return None
            if row.status != "unsubscribed":
                row.status, row.unsubscribed_at, row.unsubscribe_source = "unsubscribed", now or utcnow(), how[:40]
            return _subscriber(row)

    def delete(self, email: str) -> bool:
        """Erase an address and its send log (a GDPR erasure request)."""
        with self.session() as s, s.begin():
            row = s.scalar(select(SubscriberRow).where(SubscriberRow.email_key == email.lower()))
            if row is None:
                return False
            s.execute(delete(SendLogRow).where(SendLogRow.subscriber_id == row.id))
            s.delete(row)
            return True

    def export(self, email: str) -> dict[str, Any] | None:
        """Everything stored about an address (a GDPR access request), or None."""
        sub = self.by_email(email)
        if sub is None:
            return None
        with self.session() as s:
            log = [
                _record(r)
                for r in s.scalars(
                    select(SendLogRow).where(SendLogRow.subscriber_id == sub.id).order_by(SendLogRow.started_at)
                )
            ]
        iso = lambda d: d.isoformat() if d else None  # noqa: E731
        return {
            "email": sub.email,
            "status": sub.status,
            "sections": "all" if sub.all_sections else list(sub.sections),
            "consent_at": iso(sub.consent_at),
            "consent_source": sub.consent_source,
            "subscribed_first": iso(sub.created_at),
            "unsubscribed_at": iso(sub.unsubscribed_at),
            "unsubscribe_source": sub.unsubscribe_source,
            "sends": [{"digest": r.digest_id, "state": r.state, "at": iso(r.finished_at or r.started_at)} for r in log],
        }

    def counts(self) -> dict[str, int]:
        with self.session() as s:
            return {
                k: v for k, v in s.execute(select(SubscriberRow.status, func.count()).group_by(SubscriberRow.status))
            }

    # -- send log ---------------------------------------------------------------------------------------
    def claim(self, subscriber_id: int, digest_id: str, now: datetime | None = None) -> str | None:
        """Record the intent to send ``digest_id`` to a subscriber, before any byte goes to the mail server.

        Returns None when this caller may send (a new row in state ``pending``, or a ``pending``/``deferred`` one
        left by an earlier run, which never reached the end of its message), else the state that forbids it
        (``sent``, ``committing``, ``rejected``)."""
        now = now or utcnow()
        with self.session() as s, s.begin():
            row = s.get(SendLogRow, (subscriber_id, digest_id), with_for_update=True)
            if row is None:
                s.add(
                    SendLogRow(
                        subscriber_id=subscriber_id, digest_id=digest_id, state="pending", started_at=now, attempts=1
                    )
                )
                try:
                    s.flush()
                except IntegrityError:
                    return "pending"  # another sender claimed it this instant
                return None
            if row.state in ("pending", "deferred"):
                row.state, row.started_at, row.attempts, row.error = "pending", now, row.attempts + 1, None
                return None
            return row.state

    def mark(
        self,
        subscriber_id: int,
        digest_id: str,
        state: str,
        *,
        message_id: str | None = None,
        error: str | None = None,
        now: datetime | None = None,
    ) -> None:
        with self.session() as s, s.begin():
            row = s.get(SendLogRow, (subscriber_id, digest_id))
            if row is None:
                raise KeyError((subscriber_id, digest_id))
            row.state = state
            if message_id is not None:
                row.message_id = message_id[:300]
            if error is not None:
                row.error = error
            if state in ("sent", "deferred", "rejected"):
                row.finished_at = now or utcnow()

    def send_log(self, digest_id: str | None = None) -> list[SendRecord]:
        with self.session() as s:
            q = select(SendLogRow).order_by(SendLogRow.digest_id, SendLogRow.subscriber_id)
            if digest_id is not None:
                q = q.where(SendLogRow.digest_id == digest_id)
            return [_record(r) for r in s.scalars(q)]
