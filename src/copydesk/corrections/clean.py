"""A report form's fields, sanitised on the way in. Escaping on the way out is the templates' (Jinja autoescape).

Every text field: Unicode NFC; C0 and C1 control characters (but line breaks), bidirectional overrides and
zero-width characters removed; line ends made ``\\n``; runs of blank lines cut to one; trimmed; refused (not cut)
past its cap, so nothing a reader wrote is silently changed. Evidence: at most ``MAX_EVIDENCE`` absolute http(s)
URLs (``render.safe_url``: no ``javascript:``, no control characters, a host), each at most ``MAX_URL`` characters.
The address: optional, checked by the newsletter's ``normalise_address`` (syntax only, no DNS).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from copydesk.corrections.model import CATEGORIES, ReportIn

__all__ = [
    "clean_text",
    "clean_report",
    "ReportFields",
    "MAX_WRONG",
    "MAX_RIGHT",
    "MAX_URL",
    "MAX_EVIDENCE",
    "MAX_BODY_BYTES",
]

#: Caps on what a reader may write. A paragraph or two says what is wrong and what is right; longer texts belong
#: in the evidence links. Editorial choices, not tuned.
MAX_WRONG = 1000
MAX_RIGHT = 1000
MAX_URL = 500
MAX_EVIDENCE = 3
#: The report form's body limit: every field at its cap with every character percent-encoded as 3-byte UTF-8
#: (9 bytes each) is about 33 KB; a little over that, so a legitimate report is never refused as too long.
MAX_BODY_BYTES = 40_000

_CONTROL = re.compile("[\x00-\x09\x0b-\x1f\x7f-\x9f\u200b-\u200f\u202a-\u202e\u2060-\u2069\ufeff\ufff9-\ufffb]")
_BLANKS = re.compile(r"\n{3,}")
_SPACES = re.compile(r"[ \t]+\n")


def clean_text(value: str | None, one_line: bool = False) -> str:
    """``value`` without control characters, bidi overrides or zero-width characters, trimmed (see the module)."""
    text = unicodedata.normalize("NFC", value or "").replace("\r\n", "\n").replace("\r", "\n")
    text = text.replace("\t", " ")
    text = _CONTROL.sub("", text)
    if one_line:
        text = " ".join(text.split())
    text = _BLANKS.sub("\n\n", _SPACES.sub("\n", text))
    return text.strip()


@dataclass(frozen=True, slots=True)
class ReportFields:
    """What the form sent, cleaned, and what is wrong with it (``errors``: field -> message; empty: fine)."""

    category: str
    wrong: str
    right: str
    evidence: tuple[str, ...]
    email: str
    errors: dict[str, str]


def clean_report(
    category: str | None, wrong: str | None, right: str | None, evidence: list[str], email: str | None
) -> ReportFields:
    from copydesk.newsletter.tokens import AddressError, normalise_address
    from copydesk.web.render import safe_url

    errors: dict[str, str] = {}
    cat = clean_text(category, one_line=True)
    if cat not in CATEGORIES:
        errors["category"] = "Choose what kind of error it is."
    w, r = clean_text(wrong), clean_text(right)
    if not w:
        errors["wrong"] = "Say what is wrong."
    elif len(w) > MAX_WRONG:
        errors["wrong"] = f"Say what is wrong in at most {MAX_WRONG:,} characters (you wrote {len(w):,})."
    if len(r) > MAX_RIGHT:
        errors["right"] = f"Say what is right in at most {MAX_RIGHT:,} characters (you wrote {len(r):,})."
    links: list[str] = []
    given = [clean_text(e, one_line=True) for e in evidence]
    given = [e for e in given if e]
    for e in given[:MAX_EVIDENCE]:
        if len(e) > MAX_URL or safe_url(e) is None:
            errors["evidence"] = (
                f"Each link must be a web address starting with http:// or https://, at most {MAX_URL} characters."
            )
        elif e not in links:
            links.append(e)
    if len(given) > MAX_EVIDENCE:
        errors["evidence"] = f"Give at most {MAX_EVIDENCE} links."
    addr = clean_text(email, one_line=True)
    if addr:
        try:
            addr = normalise_address(addr)
        except AddressError as exc:
            errors["email"] = str(exc)
    return ReportFields(
        cat if cat in CATEGORIES else "", w[:MAX_WRONG], r[:MAX_RIGHT], tuple(links), addr[:254], errors
    )


def report_in(story_id: str, sentence_index: int | None, sentence: str | None, f: ReportFields) -> ReportIn:
    return ReportIn(
        story_id=story_id,
        sentence_index=sentence_index,
        sentence=sentence,
        category=f.category,
        wrong=f.wrong,
        right=f.right,
        evidence=f.evidence,
        email=f.email or None,
    )
