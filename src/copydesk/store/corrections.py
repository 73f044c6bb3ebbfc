"""The corrections process's tables (migration 0008): reports, corrections, editors, their sessions, the audit log.

``CorrectionsStore(store)`` shares the `Store`'s engine; its methods take and return the dataclasses of
``copydesk.corrections.model`` (and ``models.Correction``). Every method is one transaction, and every editor
action is written to the audit log in the transaction that does it. ``corrections`` and ``editor_audit`` are
append-only: the database refuses to update or delete their rows.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError

from copydesk.corrections.apply import Standing
from copydesk.corrections.model import AuditEntry, EditorAccount, Report, ReportIn
from copydesk.errors import StoreError
from copydesk.models import Correction, WrittenSentence, WrittenStory
from copydesk.store.db import Store, utcnow
from copydesk.store.schema import AuditRow, CorrectionRow, EditorRow, EditorSessionRow, ReportRow, StoryRow
from copydesk.store.serde import _sentence_from_dict, _sentence_to_dict, aware, written_from_dict

__all__ = ["CorrectionsStore", "EDITOR_NAME", "DecisionError"]

#: An editor's name: letters, digits and . _ @ - (it is shown in the audit log and typed at the sign-in form).
EDITOR_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._@-]{0,99}")


class DecisionError(StoreError):
    """A report already decided (by another editor, or twice), or one that does not exist."""


def _report(r: ReportRow) -> Report:
    return Report(
        id=r.id,
        story_id=r.story_id,
        sentence_index=r.sentence_index,
        sentence=r.sentence,
        category=r.category,
        wrong=r.wrong,
        right=r.right,
        evidence=tuple(r.evidence or ()),
        email=r.email,
        origin=r.origin,
        status=r.status,
        created_at=aware(r.created_at),
        decided_at=aware(r.decided_at),
        decided_by=r.decided_by,
        decision=r.decision,
    )


def _editor(r: EditorRow) -> EditorAccount:
    return EditorAccount(
        r.id, r.name, bool(r.active), aware(r.created_at), r.failures or 0, aware(r.locked_until), aware(r.last_login)
    )


def _audit(
    s,
    editor: str,
    action: str,
    report_id: int | None = None,
    story_id: str | None = None,
    detail: str | None = None,
    now: datetime | None = None,
) -> None:
    s.add(
        AuditRow(
            at=now or utcnow(), editor=editor, action=action, report_id=report_id, story_id=story_id, detail=detail
        )
    )


@dataclass(frozen=True, slots=True)
class StoredCorrection:
    id: int
    report_id: int
    story_id: str
    slug: str
    category: str
    before: str
    after: WrittenSentence | None
    note: str
    editor: str
    revision: int | None
    corrected_at: datetime


class CorrectionsStore:
    def __init__(self, store: Store):
        self._store = store

    def session(self):
        return self._store.session()

    # -- reports ------------------------------------------------------------------------------------------
    def add_report(self, r: ReportIn, now: datetime | None = None) -> int | None:
        """Store a report (status open); None when a pipeline flag with the same key was filed before."""
        row = ReportRow(
            story_id=r.story_id,
            sentence_index=r.sentence_index,
            sentence=r.sentence,
            category=r.category,
            wrong=r.wrong,
            right=r.right,
            evidence=list(r.evidence),
            email=r.email,
            origin=r.origin,
            key=r.key,
            status="open",
            created_at=now or utcnow(),
        )
        with self.session() as s:
            try:
                with s.begin():
                    s.add(row)
                    s.flush()
                    if r.origin == "pipeline":
                        _audit(s, "pipeline", "flag", row.id, r.story_id, r.wrong[:500])
            except IntegrityError:
                if r.key is None:
                    raise
                return None
            return row.id

    def report(self, report_id: int) -> Report | None:
        with self.session() as s:
            row = s.get(ReportRow, report_id)
            return _report(row) if row is not None else None

    def reports(self, status: str | None = "open", limit: int = 500) -> list[Report]:
        with self.session() as s:
            q = select(ReportRow).order_by(ReportRow.created_at, ReportRow.id).limit(limit)
            if status is not None:
                q = q.where(ReportRow.status == status)
            return [_report(r) for r in s.scalars(q)]

    def decided_reports(self, limit: int = 20) -> list[Report]:
        """The reports decided last (accepted or rejected), newest decision first."""
        with self.session() as s:
            q = (
                select(ReportRow)
                .where(ReportRow.status != "open")
                .order_by(ReportRow.decided_at.desc(), ReportRow.id.desc())
                .limit(limit)
            )
            return [_report(r) for r in s.scalars(q)]

    def erase_email(self, report_id: int) -> None:
        """Forget a reporter's address once they have been answered."""
        with self.session() as s, s.begin():
            s.execute(update(ReportRow).where(ReportRow.id == report_id).values(email=None))

    def reject(self, report_id: int, editor: str, reason: str, now: datetime | None = None) -> Report:
        now = now or utcnow()
        with self.session() as s, s.begin():
            row = s.get(ReportRow, report_id, with_for_update=True)
            if row is None or row.status != "open":
                raise DecisionError(f"corrections: report {report_id} is not open")
            row.status, row.decided_at, row.decided_by, row.decision = "rejected", now, editor, reason
            _audit(s, editor, "reject", row.id, row.story_id, reason, now)
            return _report(row)

    # -- stories and corrections --------------------------------------------------------------------------
    def written_story(self, story_id: str) -> WrittenStory | None:
        """The story's published text as the store has it now (None: not published). A story merged into another
        is the survivor (a report filed on it before the merge is about the survivor's text now)."""
        with self.session() as s:
            row = s.get(StoryRow, story_id)
            seen = {story_id}
            while row is not None and row.merged_into is not None and row.merged_into not in seen:
                seen.add(row.merged_into)
                row = s.get(StoryRow, row.merged_into)
            if row is None or row.written is None or row.merged_into is not None:
                return None
            from dataclasses import replace

            return replace(written_from_dict(row.written), revised=aware(row.written_at))

    def accept(
        self,
        report_id: int,
        *,
        editor: str,
        story_id: str,
        slug: str,
        category: str,
        before: str,
        after: WrittenSentence | None,
        note: str,
        revision: int | None,
        now: datetime | None = None,
    ) -> int:
        """Record a published correction, mark its report accepted and write the audit entry: one transaction (the
        caller's unit of work when there is one, so the story's corrected revision commits with it)."""
        now = now or utcnow()
        with self._store.transaction() as s:
            row = s.get(ReportRow, report_id, with_for_update=True)
            if row is None or row.status != "open":
                raise DecisionError(f"corrections: report {report_id} is not open")
            row.status, row.decided_at, row.decided_by, row.decision = "accepted", now, editor, note
            c = CorrectionRow(
                report_id=report_id,
                story_id=story_id,
                slug=slug,
                category=category,
                before=before,
                after=_sentence_to_dict(after) if after is not None else None,
                note=note,
                editor=editor,
                revision=revision,
                corrected_at=now,
            )
            s.add(c)
            s.flush()
            what = f"replaced: {before!r} -> {after.text!r}" if after is not None else f"removed: {before!r}"
            _audit(s, editor, "accept", report_id, story_id, f"correction {c.id} (revision {revision}); {what}", now)
            return c.id

    def corrections(self, story_id: str | None = None) -> list[StoredCorrection]:
        """Published corrections, oldest first (of one story, or all)."""
        with self.session() as s:
            q = select(CorrectionRow).order_by(CorrectionRow.corrected_at, CorrectionRow.id)
            if story_id is not None:
                q = q.where(CorrectionRow.story_id == story_id)
            return [
                StoredCorrection(
                    r.id,
                    r.report_id,
                    r.story_id,
                    r.slug,
                    r.category,
                    r.before,
                    _sentence_from_dict(r.after) if r.after is not None else None,
                    r.note,
                    r.editor,
                    r.revision,
                    aware(r.corrected_at),
                )
                for r in s.scalars(q)
            ]

    def mark_dirty(self, story_id: str) -> None:
        """Have the next run write the story again (in the caller's unit of work when there is one)."""
        with self._store.transaction() as s:
            s.execute(update(StoryRow).where(StoryRow.id == story_id).values(dirty=True))

    def standing(self, story_id: str) -> list[Standing]:
        """Every correction a rewrite of the story must apply again, oldest first: its own and those of the stories
        merged into it (their articles are its sources now, so their corrected sentences can come back)."""
        found = [c for sid in sorted(self.absorbed(story_id) | {story_id}) for c in self.corrections(sid)]
        return [Standing(c.before, c.after) for c in sorted(found, key=lambda c: (c.corrected_at, c.id))]

    def absorbed(self, story_id: str) -> set[str]:
        """The stories merged into this one, directly or through another merge."""
        with self.session() as s:
            merged = {
                k: v
                for k, v in s.execute(
                    select(StoryRow.id, StoryRow.merged_into).where(StoryRow.merged_into.is_not(None))
                )
            }
        out: set[str] = set()
        todo = [story_id]
        while todo:
            into = todo.pop()
            for k, v in merged.items():
                if v == into and k not in out and k != story_id:
                    out.add(k)
                    todo.append(k)
        return out

    def published(self, stories: dict[str, WrittenStory], redirects: dict[str, str]) -> tuple[Correction, ...]:
        """Every correction as the site shows it, newest first: with the story's current headline and address
        (a story merged into another: the survivor's, through ``redirects``, so its page, JSON-LD and the
        /corrections/ links carry it; its ``revision`` is then None, the number being of the absorbed story's
        history, not the survivor's). A correction of a story no longer published stays, ``withdrawn``, with the
        headline its corrected revision had: a correction is never taken out of the log."""
        by_slug = {w.slug: w for w in stories.values()}
        out = []
        for c in reversed(self.corrections()):
            story = stories.get(c.story_id)
            slug = story.slug if story is not None else c.slug
            seen = {slug}
            while story is None and slug in redirects and redirects[slug] not in seen:
                slug = redirects[slug]
                seen.add(slug)
                story = by_slug.get(slug)
            if story is None:  # withdrawn (held): its page is gone, its correction stays in the log, unlinked
                out.append(
                    Correction(
                        id=c.id,
                        story_id=c.story_id,
                        slug=c.slug,
                        headline=self._headline(c),
                        corrected_at=c.corrected_at,
                        category=c.category,
                        before=c.before,
                        after=c.after.text if c.after is not None else None,
                        note=c.note,
                        revision=c.revision,
                        withdrawn=True,
                    )
                )
                continue
            out.append(
                Correction(
                    id=c.id,
                    story_id=story.story_id,
                    slug=story.slug,
                    headline=story.headline.text,
                    corrected_at=c.corrected_at,
                    category=c.category,
                    before=c.before,
                    after=c.after.text if c.after is not None else None,
                    note=c.note,
                    revision=c.revision if story.story_id == c.story_id else None,
                )
            )
        return tuple(out)

    def _headline(self, c: StoredCorrection) -> str:
        """The headline a withdrawn story had when it was corrected (its revision keeps it)."""
        rev = self._store.revision(c.story_id, c.revision) if c.revision is not None else None
        return rev.written.headline.text if rev is not None else "A story no longer published"

    # -- editors ------------------------------------------------------------------------------------------
    def add_editor(self, name: str, password_hash: str, by: str = "cli") -> EditorAccount:
        if not EDITOR_NAME.fullmatch(name):
            raise StoreError("editor: a name is 1-100 letters, digits and . _ @ - (starting with a letter or digit)")
        with self.session() as s:
            try:
                with s.begin():
                    row = EditorRow(
                        name=name, password_hash=password_hash, active=True, created_at=utcnow(), failures=0
                    )
                    s.add(row)
                    s.flush()
                    _audit(s, by, "editor-add", detail=f"added editor {name}")
            except IntegrityError:
                raise StoreError(f"editor: {name} exists already") from None
            return _editor(row)

    def editors(self) -> list[EditorAccount]:
        with self.session() as s:
            return [_editor(r) for r in s.scalars(select(EditorRow).order_by(EditorRow.name))]

    def editor_login_row(self, name: str) -> tuple[EditorAccount, str] | None:
        """(account, password hash) by name, for signing in."""
        with self.session() as s:
            row = s.scalar(select(EditorRow).where(EditorRow.name == name))
            return (_editor(row), row.password_hash) if row is not None else None

    def disable(self, name: str, by: str = "cli") -> bool:
        """Disable an account and end its sessions; False when there is no such editor."""
        now = utcnow()
        with self.session() as s, s.begin():
            row = s.scalar(select(EditorRow).where(EditorRow.name == name))
            if row is None:
                return False
            row.active = False
            s.execute(
                update(EditorSessionRow)
                .where(EditorSessionRow.editor_id == row.id, EditorSessionRow.revoked_at.is_(None))
                .values(revoked_at=now)
            )
            _audit(s, by, "editor-disable", detail=f"disabled editor {name}", now=now)
            return True

    def login_failed(self, editor_id: int, limit: int, lockout: timedelta, client: str) -> bool:
        """Count a wrong password; lock the account at ``limit`` in a row. True when it is (now) locked."""
        now = utcnow()
        with self.session() as s, s.begin():
            row = s.get(EditorRow, editor_id, with_for_update=True)
            row.failures = (row.failures or 0) + 1
            locked = row.failures >= limit
            if locked:
                row.locked_until, row.failures = now + lockout, 0
            _audit(s, row.name, "login-locked" if locked else "login-failed", detail=f"from {client}", now=now)
            return locked

    def login_ok(
        self, editor_id: int, token_hash: str, expires: datetime, client: str, new_hash: str | None = None
    ) -> None:
        """A successful sign-in: failures reset, the session stored, the audit entry written."""
        now = utcnow()
        with self.session() as s, s.begin():
            row = s.get(EditorRow, editor_id, with_for_update=True)
            row.failures, row.locked_until, row.last_login = 0, None, now
            if new_hash:
                row.password_hash = new_hash
            s.add(EditorSessionRow(token_hash=token_hash, editor_id=editor_id, created_at=now, expires_at=expires))
            _audit(s, row.name, "login", detail=f"from {client}", now=now)

    def session_editor(self, token_hash: str) -> EditorAccount | None:
        """The active editor a live session belongs to, or None (unknown, expired, revoked, disabled)."""
        now = utcnow()
        with self.session() as s:
            row = s.get(EditorSessionRow, token_hash)
            if row is None or row.revoked_at is not None or aware(row.expires_at) <= now:
                return None
            ed = s.get(EditorRow, row.editor_id)
            return _editor(ed) if ed is not None and ed.active else None

    def logout(self, token_hash: str) -> None:
        now = utcnow()
        with self.session() as s, s.begin():
            row = s.get(EditorSessionRow, token_hash)
            if row is None or row.revoked_at is not None:
                return
            row.revoked_at = now
            ed = s.get(EditorRow, row.editor_id)
            _audit(s, ed.name if ed else "?", "logout", now=now)

    # -- audit ----------------------------------------------------------------------------------------------
    def audit(
        self,
        editor: str,
        action: str,
        report_id: int | None = None,
        story_id: str | None = None,
        detail: str | None = None,
    ) -> None:
        with self.session() as s, s.begin():
            _audit(s, editor, action, report_id, story_id, detail)

    def audit_log(self, limit: int = 500, report_id: int | None = None) -> list[AuditEntry]:
        """The newest entries first."""
        with self.session() as s:
            q = select(AuditRow).order_by(AuditRow.id.desc()).limit(limit)
            if report_id is not None:
                q = q.where(AuditRow.report_id == report_id)
            return [
                AuditEntry(r.id, aware(r.at), r.editor, r.action, r.report_id, r.story_id, r.detail)
                for r in s.scalars(q)
            ]
