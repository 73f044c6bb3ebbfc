"""Sending the daily digest: the one place where the newsletter meets the store and the mail server.

Every send is idempotent, keyed by (subscriber, digest id) in the send log:

1. ``claim``: the intent (state ``pending``) is committed before any byte goes to the server. A row already
   ``sent``, ``committing`` or ``rejected`` means: do not send.
2. The SMTP conversation up to the end of the message body; then the state ``committing`` is committed, and only
   then the end-of-data dot goes out (``Mailer.send``'s ``before_commit``).
3. The server's 250: state ``sent`` (with the server's answer); a refusal: ``rejected`` (5xx) or ``deferred``
   (4xx, lost connection), from which the next run tries again.

A crash (kill, power loss) leaves at most one row not in a final state. On restart, ``pending`` and ``deferred``
rows are sent again: the server cannot have accepted a message whose end-of-data it never got. A ``committing`` row
is the one ambiguous case: the crash came between our dot and our record of the server's answer, so the server may
or may not have accepted it. We err on the side of **at most once**: such a row is not sent again, only reported
(``interrupted`` in the report, ``copydesk newsletter status``), because a reader who gets the same digest twice
is told nothing new by the second, while the window is one round trip long; ``--resend-interrupted`` sends them
again when the operator knows (from the mail server's log) that they were not delivered.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import date

from copydesk.errors import MailError
from copydesk.models import Edition
from copydesk.newsletter.digest import DigestLinks, build_digest, digest_id_for, render_digest
from copydesk.newsletter.mail import Mailer, build_message
from copydesk.newsletter.model import Subscriber
from copydesk.newsletter.tokens import NewsletterTokens
from copydesk.store.newsletter import NewsletterStore

__all__ = ["NewsletterOptions", "SendReport", "send_digests", "sections_text", "unsubscribe_url", "list_headers"]

log = logging.getLogger(__name__)

#: Temporary failures in a row after which a send stops (the server is down or refusing us): the subscribers not
#: yet tried keep no row and the next run sends to them. An operational choice, not tuned.
MAX_CONSECUTIVE_DEFERRALS = 3


@dataclass(frozen=True, slots=True)
class NewsletterOptions:
    site_name: str
    public_url: str  # the served site's address, ending in "/"
    from_address: str
    unsubscribe_mailto: str
    confirm_hours: int
    stories_per_section: int

    @classmethod
    def from_settings(cls, settings) -> "NewsletterOptions":
        n = settings.newsletter
        return cls(
            settings.site.name,
            settings.newsletter_url,
            n.from_address,
            n.unsubscribe_mailto,
            n.confirm_hours,
            n.stories_per_section,
        )


@dataclass
class SendReport:
    digest_id: str
    counts: dict[str, int] = field(default_factory=dict)
    errors: list[str] = field(default_factory=list)

    def add(self, key: str) -> None:
        self.counts[key] = self.counts.get(key, 0) + 1


def unsubscribe_url(opts: NewsletterOptions, token: str) -> str:
    return f"{opts.public_url}newsletter/unsubscribe/?t={token}"


def list_headers(opts: NewsletterOptions, token: str) -> dict[str, str]:
    """RFC 2369 List-Unsubscribe (the https URL, and a mailto when configured) and RFC 8058 one-click."""
    targets = [f"<{unsubscribe_url(opts, token)}>"]
    if opts.unsubscribe_mailto:
        targets.append(f"<mailto:{opts.unsubscribe_mailto}?subject=unsubscribe>")
    return {
        "List-Unsubscribe": ", ".join(targets),
        "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
        "List-Id": f"{opts.site_name} daily digest <daily.{opts.from_address.rsplit('@', 1)[-1]}>",
        "Precedence": "bulk",
    }


def sections_text(edition: Edition, all_sections: bool, sections: tuple[str, ...]) -> str:
    if all_sections:
        return "every section"
    names = {s.slug: s.name for s in edition.sections}
    return ", ".join(names.get(s, s) for s in sections) or "no section"


def _digest_for(edition: Edition, sub: Subscriber, day: date, per_section: int):
    return build_digest(edition, day, None if sub.all_sections else sub.sections, per_section)


def send_digests(
    edition: Edition,
    store: NewsletterStore,
    tokens: NewsletterTokens,
    mailer: Mailer,
    opts: NewsletterOptions,
    day: date,
    resend_interrupted: bool = False,
) -> SendReport:
    """Send ``day``'s digest to every confirmed subscriber who has not had it (see the module docstring)."""
    report = SendReport(digest_id_for(day))
    digest_id = report.digest_id
    deferrals = 0
    digests: dict = {}  # one digest per choice of sections, however many readers made it
    for sub in store.subscribers("confirmed"):
        choice = None if sub.all_sections else sub.sections
        if choice not in digests:
            digests[choice] = _digest_for(edition, sub, day, opts.stories_per_section)
        digest = digests[choice]
        if not digest.story_count:
            report.add("empty")  # nothing in this reader's sections today: no mail, nothing recorded
            continue
        blocked = store.claim(sub.id, digest_id)
        if blocked == "committing" and resend_interrupted:
            store.mark(sub.id, digest_id, "deferred", error="resent after an interrupted send (--resend-interrupted)")
            blocked = store.claim(sub.id, digest_id)
        if blocked is not None:
            report.add("interrupted" if blocked == "committing" else f"already-{blocked}")
            continue
        token = tokens.unsubscribe_token(sub.id)
        links = DigestLinks(
            unsubscribe=unsubscribe_url(opts, token),
            manage=f"{opts.public_url}newsletter/",
            sections_text=sections_text(edition, sub.all_sections, sub.sections),
        )
        subject, html, text = render_digest(digest, links)
        msg = build_message(
            from_address=opts.from_address,
            from_name=opts.site_name,
            to=sub.email,
            subject=subject,
            text=text,
            html=html,
            headers=list_headers(opts, token),
            id_hint=f"{digest_id}.{sub.id}",
        )
        try:
            answer = mailer.send(msg, before_commit=lambda: store.mark(sub.id, digest_id, "committing"))
        except MailError as exc:
            state = "rejected" if exc.permanent else "deferred"
            store.mark(sub.id, digest_id, state, error=str(exc))
            report.add(state)
            report.errors.append(f"newsletter: subscriber {sub.id}: {exc}")
            log.warning(
                "digest not sent",
                extra={
                    "stage": "newsletter",
                    "subscriber_id": sub.id,
                    "digest_id": digest_id,
                    "outcome": state,
                    "error": str(exc),
                },
            )
            deferrals = 0 if exc.permanent else deferrals + 1
            if deferrals >= MAX_CONSECUTIVE_DEFERRALS:
                report.errors.append(
                    f"newsletter: stopped after {deferrals} temporary failures in a row; run the send again later"
                )
                report.add("stopped")
                break
            continue
        deferrals = 0
        store.mark(sub.id, digest_id, "sent", message_id=msg["Message-ID"], error=None)
        report.add("sent")
        log.info(
            "digest sent",
            extra={"stage": "newsletter", "subscriber_id": sub.id, "digest_id": digest_id, "answer": answer[:200]},
        )
    return report
