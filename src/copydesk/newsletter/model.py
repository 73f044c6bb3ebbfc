"""The newsletter's own dataclasses: what the store returns and what the digest and mail code take."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

__all__ = ["Subscriber", "SendRecord", "DigestStory", "DigestSection", "Digest", "SEND_STATES"]

#: The send log's states, in order. ``pending``: intent recorded, SMTP conversation not past the message body;
#: ``committing``: the body was sent and the end-of-data dot is about to go (from here the server may accept the
#: message before we can write it down); ``sent``: the server accepted it; ``deferred``: a temporary failure
#: before acceptance (retried by the next send); ``rejected``: the server refused it for good (not retried).
SEND_STATES = ("pending", "committing", "sent", "deferred", "rejected")


@dataclass(frozen=True, slots=True)
class Subscriber:
    id: int
    email: str
    all_sections: bool
    sections: tuple[str, ...]
    status: str  # confirmed | unsubscribed
    consent_at: datetime
    consent_source: str
    created_at: datetime
    unsubscribed_at: datetime | None = None
    unsubscribe_source: str | None = None


@dataclass(frozen=True, slots=True)
class SendRecord:
    subscriber_id: int
    digest_id: str
    state: str
    started_at: datetime
    finished_at: datetime | None
    attempts: int
    message_id: str | None
    error: str | None


@dataclass(frozen=True, slots=True)
class DigestStory:
    """One story as the digest shows it: the site's headline, lede, attribution and sources, and its address."""

    slug: str
    url: str
    headline: str
    lede: str
    lede_outlets: tuple[str, ...]  # the outlets the site names for the lede ("Sources: ...")
    sources_phrase: str  # "3 independent sources" / "single source"
    notes: tuple[str, ...]
    when: str  # "Updated 1 May 2024, 12:00 UTC" as the site says it
    sources: tuple[tuple[str, str, str | None], ...]  # (outlet name, title, safe URL or None)


@dataclass(frozen=True, slots=True)
class DigestSection:
    slug: str | None
    name: str
    stories: tuple[DigestStory, ...]


@dataclass(frozen=True, slots=True)
class Digest:
    """The day's digest for one set of sections."""

    digest_id: str  # "daily-2024-05-01": with the subscriber id, the send log's key
    day: date
    site_name: str
    site_url: str
    sections: tuple[DigestSection, ...]

    @property
    def story_count(self) -> int:
        return sum(len(s.stories) for s in self.sections)
