"""The corrections process's own dataclasses (rows of ``copydesk.store.corrections`` become these)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from copydesk.models import Disagreement, WrittenSentence

#: What a reader may say is wrong, in the order the form lists them: slug -> label.
CATEGORIES: dict[str, str] = {
    "wrong-figure": "Wrong figure",
    "wrong-name": "Wrong name",
    "wrong-date": "Wrong date",
    "misattributed-quote": "Misattributed quote",
    "missing-context": "Missing context",
    "other": "Other",
}

#: The category of a pipeline flag, by the kind of fact two sources disagree on (verify.disagree).
CATEGORY_OF_CONFLICT = {"number": "wrong-figure", "date": "wrong-date", "name": "wrong-name"}


@dataclass(frozen=True, slots=True)
class ReportIn:
    """A report as it may be stored: every field already cleaned (``clean.clean_report``)."""

    story_id: str
    sentence_index: int | None  # None: the article as a whole
    sentence: str | None  # the sentence as the reporter saw it
    category: str
    wrong: str
    right: str
    evidence: tuple[str, ...] = ()
    email: str | None = None
    origin: str = "reader"  # reader | pipeline
    key: str | None = None  # a pipeline flag's identity, so the same conflict is filed once


@dataclass(frozen=True, slots=True)
class Report:
    id: int
    story_id: str
    sentence_index: int | None
    sentence: str | None
    category: str
    wrong: str
    right: str
    evidence: tuple[str, ...]
    email: str | None
    origin: str
    status: str  # open | accepted | rejected
    created_at: datetime
    decided_at: datetime | None = None
    decided_by: str | None = None
    decision: str | None = None

    @property
    def category_label(self) -> str:
        return CATEGORIES.get(self.category, self.category)


@dataclass(frozen=True, slots=True)
class EditorAccount:
    id: int
    name: str
    active: bool
    created_at: datetime
    failures: int
    locked_until: datetime | None
    last_login: datetime | None


@dataclass(frozen=True, slots=True)
class AuditEntry:
    id: int
    at: datetime
    editor: str
    action: str
    report_id: int | None
    story_id: str | None
    detail: str | None


#: What refetching one source gave (``SourceRefetch.outcome``): the page's text replaced the stored one, read as it
#: was, could not be used (the stored text is kept; ``reason`` says why), or was not tried (no fetchable address).
REFETCH_OUTCOMES = ("updated", "unchanged", "failed", "not-fetchable")


@dataclass(frozen=True, slots=True)
class SourceRefetch:
    """One source of a story fetched again before an editor's check (``Desk.refetch_sources``)."""

    article_id: int
    outlet_id: str
    url: str
    outcome: str  # one of REFETCH_OUTCOMES
    reason: str | None = None  # why it failed or was not tried

    def summary(self) -> str:
        """One line for the audit log and the editor's page: "<url>: failed: fetch: HTTP 500"."""
        return f"{self.url}: {self.outcome}" + (f": {self.reason}" if self.reason else "")


@dataclass(frozen=True, slots=True)
class SentenceCheck:
    """A corrected sentence checked by the gate against the story's current sources (``Desk.check_sentence``)."""

    ok: bool
    sentence: WrittenSentence | None  # as it would be published, with the support the gate established
    reason: str | None = None  # why it fails (the gate's Dropped.reason: unsupported, quote, language)
    detail: str | None = None  # what failed
    disputes: tuple[Disagreement, ...] = ()  # facts of it an independent source states differently
    refetched: tuple[SourceRefetch, ...] = ()  # what refetching the sources gave first (empty: not asked)
