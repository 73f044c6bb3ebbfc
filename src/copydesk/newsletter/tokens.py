"""Signed tokens of the newsletter (itsdangerous, keyed by the site secret, ``copydesk.keys``), and address checks.

- A **confirmation token** carries the address, the chosen sections, where the sign-up came from and a random
  nonce, with a time stamp: it is valid for ``newsletter.confirm_hours``, and once (the nonce is recorded in the
  confirmations table). Nothing about an unconfirmed address is stored but a keyed hash of it.
- An **unsubscribe token** carries the subscriber's id; it does not expire, so the link in an old digest still
  works (RFC 8058 asks that it keep working), and it needs no login.

Each kind has its own salt, so one can never stand in for the other.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass

from email_validator import EmailNotValidError, validate_email
from itsdangerous import BadSignature, SignatureExpired, URLSafeSerializer, URLSafeTimedSerializer

__all__ = ["NewsletterTokens", "ConfirmRequest", "TokenError", "normalise_address", "AddressError"]

#: RFC 5321's limit on a forward path (254 characters of address).
MAX_ADDRESS_LEN = 254


class TokenError(Exception):
    """A token that is not ours, was altered, or has ``expired``."""

    def __init__(self, expired: bool = False):
        self.expired = expired
        super().__init__("newsletter: token expired" if expired else "newsletter: token not valid")


class AddressError(ValueError):
    """An address that cannot receive mail, with a message for the reader."""


def normalise_address(raw: str) -> str:
    """The address as email-validator normalises it (syntax only: deliverability checks, DNS, are off).

    Raises AddressError with a reader-facing reason."""
    raw = (raw or "").strip()
    if not raw:
        raise AddressError("Please enter your e-mail address.")
    if len(raw) > MAX_ADDRESS_LEN:
        raise AddressError(f"That address is longer than {MAX_ADDRESS_LEN} characters.")
    try:
        return validate_email(raw, check_deliverability=False).normalized
    except EmailNotValidError as exc:
        raise AddressError(f"That does not look like an e-mail address: {exc}") from None


@dataclass(frozen=True, slots=True)
class ConfirmRequest:
    email: str
    all_sections: bool
    sections: tuple[str, ...]
    source: str
    nonce: str


class NewsletterTokens:
    def __init__(self, secret: bytes, confirm_hours: int):
        self._secret = secret
        self._confirm = URLSafeTimedSerializer(secret, salt="copydesk-newsletter-confirm")
        self._unsub = URLSafeSerializer(secret, salt="copydesk-newsletter-unsubscribe")
        self.confirm_max_age_s = confirm_hours * 3600

    def email_hash(self, email: str) -> str:
        """A keyed hash of an address: lets us count confirmation mails per address without keeping it."""
        key = hmac.new(self._secret, b"copydesk-newsletter-address", hashlib.sha256).digest()
        return hmac.new(key, email.lower().encode("utf-8"), hashlib.sha256).hexdigest()

    def confirm_token(self, email: str, all_sections: bool, sections: tuple[str, ...], source: str) -> ConfirmRequest:
        return ConfirmRequest(email, all_sections, tuple(sections), source, secrets.token_urlsafe(18))

    def dump_confirm(self, req: ConfirmRequest) -> str:
        return self._confirm.dumps(
            {"e": req.email, "a": req.all_sections, "s": list(req.sections), "src": req.source, "n": req.nonce}
        )

    def load_confirm(self, token: str) -> ConfirmRequest:
        try:
            d = self._confirm.loads(token, max_age=self.confirm_max_age_s)
        except SignatureExpired:
            raise TokenError(expired=True) from None
        except (BadSignature, ValueError, TypeError):
            raise TokenError() from None
        try:
            return ConfirmRequest(str(d["e"]), bool(d["a"]), tuple(str(x) for x in d["s"]), str(d["src"]), str(d["n"]))
        except (KeyError, TypeError):
            raise TokenError() from None

    def unsubscribe_token(self, subscriber_id: int) -> str:
        return self._unsub.dumps(subscriber_id)

    def load_unsubscribe(self, token: str) -> int:
        try:
            sid = self._unsub.loads(token)
        except (BadSignature, ValueError, TypeError):
            raise TokenError() from None
        if not isinstance(sid, int) or isinstance(sid, bool):
            raise TokenError()
        return sid
