"""The newsletter's pages on the served site (never exported: a static host cannot receive a form).

    GET  /newsletter/                    sign-up form (``?section=<slug>`` preselects one, ``?from=`` the source)
    POST /newsletter/                    sign up: sends the confirmation mail; the same answer whether or not the
                                         address is already subscribed
    GET  /newsletter/confirm/?t=TOKEN    "Confirm" button (mail scanners that open links confirm nothing)
    POST /newsletter/confirm/            confirm: stores the subscriber with consent time and source
    GET  /newsletter/unsubscribe/?t=T    "Unsubscribe" button, no login
    POST /newsletter/unsubscribe/?t=T    RFC 8058 one-click (body ``List-Unsubscribe=One-Click``: no CSRF token, no
                                         rate limit, as the RFC requires), or the button's form (CSRF-checked)

Every form post goes through ``copydesk.web.forms``: per-client rate limit, size limit, CSRF token, honeypot.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable
from datetime import timedelta

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from copydesk.errors import MailError
from copydesk.keys import site_secret
from copydesk.models import Edition
from copydesk.newsletter.digest import render_confirmation
from copydesk.newsletter.mail import Mailer, SmtpOptions, build_message
from copydesk.newsletter.send import NewsletterOptions, sections_text, unsubscribe_url
from copydesk.newsletter.tokens import AddressError, NewsletterTokens, TokenError, normalise_address
from copydesk.store.newsletter import NewsletterStore
from copydesk.web import render
from copydesk.web.forms import (
    CSRF_FIELD,
    HONEYPOT_FIELD,
    HTML_TYPE,
    CsrfGuard,
    FormError,
    RateLimiter,
    client_key,
    message_page,
    read_form,
)

__all__ = ["NewsletterService", "newsletter_router"]

log = logging.getLogger(__name__)

_SOURCE = re.compile(r"(home|section:[a-z0-9][a-z0-9-]{0,99}|story:[A-Za-z0-9][A-Za-z0-9_-]{0,199})")
#: Confirmation mails one address may be sent per ``CONFIRM_WINDOW``, however many clients ask: enough for a
#: reader who lost the first mail, too few to flood someone's mailbox through our form. An editorial choice.
CONFIRM_LIMIT = 3
CONFIRM_WINDOW = timedelta(hours=24)


class NewsletterService:
    """Everything the newsletter pages need, built once per server from the settings."""

    def __init__(
        self, settings, store: NewsletterStore, mailer_factory: Callable[[], Mailer] | None = None, clock=None
    ):
        secret = site_secret(settings)
        self.opts = NewsletterOptions.from_settings(settings)
        self.tokens = NewsletterTokens(secret, settings.newsletter.confirm_hours)
        self.csrf = CsrfGuard(secret, public_url=settings.newsletter_url)
        f = settings.forms
        self.limiter = RateLimiter(f.rate_per_minute, f.rate_burst, **({"clock": clock} if clock else {}))
        self.max_body = f.max_body_bytes
        self.store = store
        smtp = SmtpOptions.from_settings(settings)
        self.mailer_factory = mailer_factory or (lambda: Mailer(smtp))

    def send_confirmation(
        self, edition: Edition, email: str, all_sections: bool, sections: tuple[str, ...], source: str
    ) -> None:
        req = self.tokens.confirm_token(email, all_sections, sections, source)
        if not self.store.request_confirmation(
            self.tokens.email_hash(email), req.nonce, source, limit=CONFIRM_LIMIT, window=CONFIRM_WINDOW
        ):
            log.info("confirmation not sent: limit for this address", extra={"stage": "newsletter"})
            return
        url = f"{self.opts.public_url}newsletter/confirm/?t={self.tokens.dump_confirm(req)}"
        subject, text = render_confirmation(
            self.opts.site_name, url, sections_text(edition, all_sections, sections), self.opts.confirm_hours
        )
        msg = build_message(
            from_address=self.opts.from_address,
            from_name=self.opts.site_name,
            to=email,
            subject=subject,
            text=text,
            headers={"Auto-Submitted": "auto-generated"},
            id_hint="confirm",
        )
        with self.mailer_factory() as mailer:
            mailer.send(msg)


def newsletter_router(get_edition: Callable[[], Edition], svc: NewsletterService) -> APIRouter:
    router = APIRouter()

    page = message_page

    def form_page(
        request: Request,
        edition: Edition,
        *,
        email: str = "",
        chosen: tuple[str, ...] = (),
        all_checked: bool = True,
        source: str = "direct",
        error: str | None = None,
        status: int = 200,
    ) -> HTMLResponse:
        token, cookie = svc.csrf.issue(request, "subscribe")
        html = render.render_page(
            edition,
            "../",
            "Newsletter",
            "newsletter.html",
            csrf=token,
            source=source,
            email=email,
            chosen=chosen,
            all_checked=all_checked,
            error=error,
        )
        resp = HTMLResponse(html, status_code=status, media_type=HTML_TYPE)
        svc.csrf.set_cookie(request, resp, cookie)
        return resp

    def action_page(
        request: Request,
        edition: Edition,
        form: str,
        title: str,
        lines: list[str],
        action: str,
        token: str,
        button: str,
    ) -> HTMLResponse:
        csrf, cookie = svc.csrf.issue(request, form)
        html = render.render_page(
            edition,
            "../../",
            title,
            "newsletter_action.html",
            lines=lines,
            action=action,
            token=token,
            button=button,
            csrf=csrf,
        )
        resp = HTMLResponse(html, media_type=HTML_TYPE)
        svc.csrf.set_cookie(request, resp, cookie)
        return resp

    def refused(edition: Edition, root: str, exc: FormError) -> HTMLResponse:
        titles = {429: "Too many requests", 413: "Too long", 403: "Form expired or not from this site"}
        headers = {"Retry-After": str(svc.limiter.retry_after())} if exc.status == 429 else None
        return page(
            edition,
            root,
            titles.get(exc.status, "Form not accepted"),
            [exc.message],
            exc.status,
            link={"href": f"{root}newsletter/", "text": "Back to the sign-up form"},
            headers=headers,
        )

    async def guarded(request: Request, form: str, limited: bool = True) -> dict[str, list[str]]:
        """Rate limit, size limit, CSRF: the checks every form post passes, in this order."""
        if limited and not svc.limiter.allow(client_key(request)):
            raise FormError(429, "You have sent this form too often. Wait a minute and try again.")
        fields = await read_form(request, svc.max_body)
        svc.csrf.check(request, form, _one(fields, CSRF_FIELD))
        return fields

    def valid_sections(edition: Edition) -> dict[str, str]:
        return {s.slug: s.name for s in render.visible_sections(edition)}

    @router.get("/newsletter/", response_class=HTMLResponse)
    def signup_form(request: Request, section: str | None = None):
        edition = get_edition()
        src = request.query_params.get("from", "")
        source = src if _SOURCE.fullmatch(src) else "direct"
        if section in valid_sections(edition):
            return form_page(request, edition, chosen=(section,), all_checked=False, source=source)
        return form_page(request, edition, source=source)

    @router.post("/newsletter/", response_class=HTMLResponse)
    async def subscribe(request: Request):
        edition = get_edition()
        try:
            fields = await guarded(request, "subscribe")
        except FormError as exc:
            return refused(edition, "../", exc)
        src = _one(fields, "from") or ""
        source = src if _SOURCE.fullmatch(src) else "direct"
        done = page(
            edition,
            "../",
            "Check your inbox",
            [
                "If that address can receive mail, a message to confirm your subscription is on its way. Open the "
                "link in it to start receiving the digest.",
                "Nothing is sent to you until you confirm. Not there in a few minutes? Look in your spam folder.",
            ],
        )
        if _one(fields, HONEYPOT_FIELD):
            log.info("honeypot filled: ignored", extra={"stage": "newsletter"})
            return done  # answer as if it worked, so a robot learns nothing
        sections_known = valid_sections(edition)
        chosen = tuple(dict.fromkeys(s for s in fields.get("section", []) if s in sections_known))
        all_sections = _one(fields, "all") == "1"
        raw = _one(fields, "email") or ""
        try:
            email = normalise_address(raw)
        except AddressError as exc:
            return form_page(
                request,
                edition,
                email=raw[:254],
                chosen=chosen,
                all_checked=all_sections,
                source=source,
                error=str(exc),
                status=400,
            )
        if not all_sections and not chosen:
            return form_page(
                request,
                edition,
                email=email,
                source=source,
                all_checked=False,
                status=400,
                error="Choose at least one section, or every section.",
            )
        try:
            svc.send_confirmation(
                edition, email, all_sections, () if all_sections else chosen, f"signup-form via {source}"
            )
        except MailError as exc:
            log.warning("confirmation mail failed", extra={"stage": "newsletter", "error": str(exc)})
            return page(
                edition,
                "../",
                "Could not send the mail",
                ["We could not send the confirmation mail just now. Please try again in a few minutes."],
                503,
            )
        return done

    @router.get("/newsletter/confirm/", response_class=HTMLResponse)
    def confirm_page(request: Request, t: str = ""):
        edition = get_edition()
        try:
            req = svc.tokens.load_confirm(t)
        except TokenError as exc:
            return _bad_link(page, edition, exc)
        names = sections_text(edition, req.all_sections, req.sections)
        return action_page(
            request,
            edition,
            "confirm",
            "Confirm your subscription",
            [f"Subscribe {req.email} to the daily digest ({names})?"],
            "./",
            t,
            "Confirm subscription",
        )

    @router.post("/newsletter/confirm/", response_class=HTMLResponse)
    async def confirm(request: Request):
        edition = get_edition()
        try:
            fields = await guarded(request, "confirm")
        except FormError as exc:
            return refused(edition, "../../", exc)
        try:
            req = svc.tokens.load_confirm(_one(fields, "t") or "")
        except TokenError as exc:
            return _bad_link(page, edition, exc)
        outcome, sub = svc.store.confirm(req.nonce, req.email, req.all_sections, req.sections, req.source)
        if outcome == "unknown" or sub is None:
            return _bad_link(page, edition, TokenError())
        unsub = unsubscribe_url(svc.opts, svc.tokens.unsubscribe_token(sub.id))
        names = sections_text(edition, sub.all_sections, sub.sections)
        return page(
            edition,
            "../../",
            "You are subscribed",
            [
                f"{sub.email} will receive the daily digest ({names}).",
                "Every digest has a link to unsubscribe at once; this is it too:",
            ],
            link={"href": unsub, "text": "Unsubscribe"},
        )

    @router.get("/newsletter/unsubscribe/", response_class=HTMLResponse)
    def unsubscribe_page(request: Request, t: str = ""):
        edition = get_edition()
        sub = _subscriber(svc, t)
        if sub is None:
            return _bad_link(page, edition, TokenError())
        if sub.status == "unsubscribed":
            return page(
                edition,
                "../../",
                "Already unsubscribed",
                [f"{sub.email} receives no more digests."],
                link={"href": "../", "text": "Subscribe again"},
            )
        return action_page(
            request,
            edition,
            "unsubscribe",
            "Unsubscribe",
            [f"Stop sending the daily digest to {sub.email}?"],
            f"./?t={t}",
            t,
            "Unsubscribe",
        )

    @router.post("/newsletter/unsubscribe/", response_class=HTMLResponse)
    async def unsubscribe(request: Request):
        edition = get_edition()
        try:
            fields = await read_form(request, svc.max_body, multipart=True)
        except FormError as exc:
            return refused(edition, "../../", exc)
        one_click = fields.get("List-Unsubscribe") == ["One-Click"] and CSRF_FIELD not in fields
        token = request.query_params.get("t") or _one(fields, "t") or ""
        if not one_click:
            try:
                if not svc.limiter.allow(client_key(request)):
                    raise FormError(429, "You have sent this form too often. Wait a minute and try again.")
                svc.csrf.check(request, "unsubscribe", _one(fields, CSRF_FIELD))
            except FormError as exc:
                return refused(edition, "../../", exc)
        sub = _subscriber(svc, token)
        if sub is None:
            return _bad_link(page, edition, TokenError())
        svc.store.unsubscribe(sub.id, "one-click" if one_click else "link")
        log.info(
            "unsubscribed",
            extra={"stage": "newsletter", "subscriber_id": sub.id, "how": "one-click" if one_click else "link"},
        )
        return page(
            edition,
            "../../",
            "You are unsubscribed",
            [f"{sub.email} will receive no more digests."],
            link={"href": "../", "text": "Subscribe again"},
        )

    return router


def _one(fields: dict[str, list[str]], name: str) -> str | None:
    values = fields.get(name)
    return values[0] if values else None


def _subscriber(svc: NewsletterService, token: str):
    try:
        return svc.store.subscriber(svc.tokens.load_unsubscribe(token))
    except TokenError:
        return None


def _bad_link(page, edition: Edition, exc: TokenError) -> HTMLResponse:
    if exc.expired:
        return page(
            edition,
            "../../",
            "This link has expired",
            ["Confirmation links work for a limited time. Sign up again to get a new one."],
            400,
            link={"href": "../", "text": "Sign up again"},
        )
    return page(
        edition,
        "../../",
        "This link does not work",
        ["The link is incomplete or was changed. Copy the whole link from the mail, or sign up again."],
        400,
        link={"href": "../", "text": "Sign-up form"},
    )
