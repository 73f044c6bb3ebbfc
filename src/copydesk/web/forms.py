"""What every reader-facing form needs: CSRF tokens, a per-client rate limit, a body size limit and a honeypot.

Used by the newsletter pages (``copydesk.newsletter.web``) and meant for every later form (report an
inaccuracy). FastAPI has no CSRF protection of its own, so:

- **CSRF**: a signed double-submit token. The form page sets a random cookie (``HttpOnly``, ``SameSite=Strict``,
  ``Secure`` on https) and puts in the form a token that signs, with the site secret (``copydesk.keys``), the
  form's name and a hash of that cookie, with a time stamp. A post is accepted only when the token's signature
  holds, it is younger than ``CSRF_MAX_AGE_S``, it was made for this form, and it matches the cookie the browser
  sent; another site can neither read the cookie nor forge the signature.
- **Rate limit**: an in-process token bucket per client address (``request.client.host``; behind a reverse proxy
  on the same host uvicorn takes it from ``X-Forwarded-For``). Enough for the embedded default, one server
  process; several processes or machines would each keep their own buckets (use the proxy's limiter, or a shared
  store, there).
- **Size**: the body is read in chunks and refused past ``forms.max_body_bytes`` (413), whatever
  ``Content-Length`` claims; only ``application/x-www-form-urlencoded`` is accepted, with at most ``MAX_FIELDS``
  fields.
- **Honeypot**: a field people do not see (``HONEYPOT_FIELD``); a post that fills it is answered as if it had
  worked and otherwise ignored.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import threading
import time
from collections import OrderedDict
from dataclasses import dataclass
from urllib.parse import parse_qsl

from itsdangerous import BadSignature, SignatureExpired, TimestampSigner
from starlette.requests import Request
from starlette.responses import HTMLResponse, Response

__all__ = [
    "HTML_TYPE",
    "no_store_html",
    "message_page",
    "CsrfGuard",
    "RateLimiter",
    "FormError",
    "read_form",
    "HONEYPOT_FIELD",
    "CSRF_FIELD",
    "client_key",
    "secure_cookie",
]

CSRF_COOKIE = "copydesk_csrf"
CSRF_FIELD = "csrf"
HONEYPOT_FIELD = "website"
#: How long a form stays valid after the page was shown: long enough to read and fill it, short enough that a
#: leaked token soon expires. An editorial choice (not tuned).
CSRF_MAX_AGE_S = 2 * 3600
#: Most fields one form post may carry (the sign-up form has about a dozen with every section ticked).
MAX_FIELDS = 50
#: Client addresses whose buckets are remembered; the least recently seen are forgotten beyond this.
MAX_TRACKED_CLIENTS = 10_000


HTML_TYPE = "text/html; charset=utf-8"


def no_store_html(body: str, status: int = 200, headers: dict | None = None) -> HTMLResponse:
    """A page that answers a form or a link with a token: HTML, never kept by a cache."""
    return HTMLResponse(
        body, status_code=status, media_type=HTML_TYPE, headers={"Cache-Control": "no-store", **(headers or {})}
    )


def message_page(
    edition,
    root: str,
    title: str,
    lines: list[str],
    status: int = 200,
    link: dict | None = None,
    headers: dict | None = None,
) -> HTMLResponse:
    """A short page of a few lines (a thank-you, an error, a confirmation) in the site's frame, never cached."""
    from copydesk.web import render  # the renderer loads the templates: only when a page is made

    return no_store_html(
        render.render_page(edition, root, title, "newsletter_message.html", lines=lines, link=link), status, headers
    )


class FormError(Exception):
    """A post refused before its fields are looked at: ``status`` (400, 403, 413, 415, 429) and reader text."""

    def __init__(self, status: int, message: str):
        self.status = status
        self.message = message
        super().__init__(f"forms: {status} {message}")


def client_key(request: Request) -> str:
    return request.client.host if request.client else "unknown"


def secure_cookie(request: Request, public_url: str | None = None) -> bool:
    """Whether a cookie gets the Secure flag: when the request came over https as the app sees it (directly, or
    through a reverse proxy whose X-Forwarded-Proto uvicorn trusts: ``FORWARDED_ALLOW_IPS``, 127.0.0.1 by
    default), or when the site's public address (``public_url``) is https, whatever this hop was. A site served
    over plain http (a local preview) keeps cookies without it, or its forms could not work at all. Every cookie
    is HttpOnly and SameSite=Strict in any case."""
    return request.url.scheme == "https" or (public_url or "").lower().startswith("https://")


class CsrfGuard:
    """Issues and checks the signed double-submit tokens for the named forms of one site secret.
    ``public_url``: the site's public address (its scheme decides the cookie's Secure flag, ``secure_cookie``)."""

    def __init__(self, secret: bytes, max_age_s: int = CSRF_MAX_AGE_S, public_url: str | None = None):
        self._signer = TimestampSigner(secret, salt="copydesk-csrf")
        self.max_age_s = max_age_s
        self.public_url = public_url

    @staticmethod
    def _bind(form: str, cookie: str) -> str:
        return f"{form}.{hashlib.sha256(cookie.encode('utf-8')).hexdigest()[:32]}"

    def issue(self, request: Request, form: str) -> tuple[str, str]:
        """(token for the form, cookie value to set): the browser's cookie is reused when it has one."""
        cookie = request.cookies.get(CSRF_COOKIE)
        if not cookie or len(cookie) > 100:
            cookie = secrets.token_urlsafe(32)
        return self._signer.sign(self._bind(form, cookie)).decode("ascii"), cookie

    def set_cookie(self, request: Request, response: Response, cookie: str) -> None:
        response.set_cookie(
            CSRF_COOKIE,
            cookie,
            httponly=True,
            samesite="strict",
            path="/",
            secure=secure_cookie(request, self.public_url),
        )
        response.headers["Cache-Control"] = "no-store"

    def check(self, request: Request, form: str, token: str | None) -> None:
        """Raise FormError(403) unless ``token`` was issued for ``form`` to this browser within the time limit."""
        cookie = request.cookies.get(CSRF_COOKIE)
        if not cookie:
            raise FormError(
                403,
                "This form needs a cookie to protect you from forged requests, and your browser did "
                "not send it. Allow cookies for this site, reload the form and try again.",
            )
        if not token or len(token) > 300:
            raise FormError(403, "This form was not sent from this site's page. Reload the form and try again.")
        try:
            value = self._signer.unsign(token, max_age=self.max_age_s).decode("utf-8")
        except SignatureExpired:
            raise FormError(403, "This form was open too long and has expired. Reload it and try again.") from None
        except BadSignature:
            raise FormError(
                403, "This form was not sent from this site's page. Reload the form and try again."
            ) from None
        if not hmac.compare_digest(value, self._bind(form, cookie)):
            raise FormError(403, "This form was not sent from this site's page. Reload the form and try again.")


@dataclass
class _Bucket:
    tokens: float
    at: float


class RateLimiter:
    """Token bucket per key: ``burst`` posts at once, refilled at ``per_minute``. Thread-safe, in memory."""

    def __init__(self, per_minute: float, burst: int, clock=time.monotonic, max_keys: int = MAX_TRACKED_CLIENTS):
        self.rate = per_minute / 60.0
        self.burst = burst
        self.clock = clock
        self.max_keys = max_keys
        self._buckets: OrderedDict[str, _Bucket] = OrderedDict()
        self._lock = threading.Lock()

    def allow(self, key: str) -> bool:
        now = self.clock()
        with self._lock:
            b = self._buckets.pop(key, None)
            if b is None:
                b = _Bucket(float(self.burst), now)
            b.tokens = min(float(self.burst), b.tokens + (now - b.at) * self.rate)
            b.at = now
            ok = b.tokens >= 1.0
            if ok:
                b.tokens -= 1.0
            self._buckets[key] = b
            while len(self._buckets) > self.max_keys:
                self._buckets.popitem(last=False)
            return ok

    def retry_after(self) -> int:
        return max(1, int(1.0 / self.rate + 0.999))


async def read_form(request: Request, max_bytes: int, multipart: bool = False) -> dict[str, list[str]]:
    """The url-encoded body as {name: [values]}, read at most ``max_bytes``; FormError on anything else.

    ``multipart``: also accept ``multipart/form-data`` without files (RFC 8058 lets a mail provider send its
    one-click unsubscribe either way)."""
    ctype = request.headers.get("content-type", "").split(";")[0].strip().lower()
    is_multipart = multipart and ctype == "multipart/form-data"
    if ctype != "application/x-www-form-urlencoded" and not is_multipart:
        raise FormError(415, "This form must be sent as a web form.")
    declared = request.headers.get("content-length")
    if declared is not None and (not declared.isdigit() or int(declared) > max_bytes):
        raise FormError(413, "What you sent is too long.")
    body = bytearray()
    async for chunk in request.stream():
        body += chunk
        if len(body) > max_bytes:
            raise FormError(413, "What you sent is too long.")
    if is_multipart:
        request._body = bytes(body)  # Starlette's parser reads the cached body instead of the spent stream
        try:
            form = await request.form(max_files=0, max_fields=MAX_FIELDS)
        except Exception:  # noqa: BLE001 malformed multipart: python-multipart and starlette raise several undocumented kinds; any is a 400
            raise FormError(400, "The form could not be read. Reload it and try again.") from None
        return {k: [v for v in form.getlist(k) if isinstance(v, str)] for k in form.keys()}
    try:
        pairs = parse_qsl(body.decode("utf-8"), keep_blank_values=True, strict_parsing=False, max_num_fields=MAX_FIELDS)
    except (UnicodeDecodeError, ValueError):
        raise FormError(400, "The form could not be read. Reload it and try again.") from None
    out: dict[str, list[str]] = {}
    for k, v in pairs:
        out.setdefault(k, []).append(v)
    return out
