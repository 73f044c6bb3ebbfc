"""Corrections: readers report inaccuracies, editors decide, corrections are published and never deleted.

    model.py   the report, editor and audit dataclasses; the fixed list of report categories
    clean.py   a report form's fields sanitised on the way in (length caps, control characters, URLs, address)
    apply.py   a story's sentences by index; a correction applied to a WrittenStory (and again after a rewrite)
    flags.py   a rewrite's sure disagreements that touch a published sentence: queue items for the editor
    refetch.py what fetching a story's source again gave, before an editor's check (updated, unchanged, failed)
    auth.py    editors' passwords (argon2), sign-in lockout per account and per client
    web.py     the served pages: /report/ (readers), /editor/ (login, queue, decide, audit)

The tables live in ``copydesk.store.corrections``; checking a replacement sentence against the story's current
sources and saving the corrected story are ``pipeline.Desk.check_sentence`` and ``Desk.correct``.
"""

from copydesk.corrections.model import CATEGORIES, AuditEntry, EditorAccount, Report, ReportIn

__all__ = ["CATEGORIES", "AuditEntry", "EditorAccount", "Report", "ReportIn"]
