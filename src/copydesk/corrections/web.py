"""The corrections pages of the served site (never exported: a static host cannot receive a form).

Readers (with ``corrections.enabled``; the story page then links here under every sentence)::

    GET  /report/?story=<slug>&s=<index>   the form: what kind of error, what is wrong, what is right, up to three
                                           evidence links, an optional address (``s`` omitted: the whole story)
    POST /report/                          store the report (never published), thank-you page; or the form again
                                           with what to fix

Editors (accounts from ``copydesk editor add``)::

    GET  /editor/login/   POST /editor/login/   POST /editor/logout/
    GET  /editor/                               open reports, readers' and the pipeline's
    GET  /editor/report/<id>/                   the report beside the sentence, its provenance, the story's sources
    POST /editor/report/<id>/reject/            reject, with a reason
    POST /editor/report/<id>/check/             a correction (replacement sentence, or removal) checked by the gate
                                                against the current sources; shown before anything changes
    POST /editor/report/<id>/accept/            checked again, then published (Desk.correct)
    GET  /editor/audit/                         every editor action

Every form post passes ``copydesk.web.forms`` (rate limit, size limit, CSRF token; a honeypot on the reader's
form); every field of a report is sanitised on the way in (``clean.py``) and reaches a page only through Jinja's
autoescape. Editor pages need a session: a random token in a cookie (``HttpOnly``, ``SameSite=Strict``, ``Secure``
on https, path ``/editor/``, expiring after ``corrections.session_hours``) whose SHA-256 is in the database, so
logging out, disabling an account or the expiry ends it on every server process.
"""

from __future__ import annotations

import hashlib
import logging
import secrets
import threading
from collections.abc import Callable
from datetime import datetime, timedelta, timezone
from urllib.parse import quote

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse
from starlette.concurrency import run_in_threadpool

from copydesk.corrections.apply import index_of, sentence_at, text_sentences
from copydesk.corrections.auth import (
    CLIENT_FAILURE_FACTOR,
    MAX_PASSWORD,
    FailureCounter,
    hash_password,
    needs_rehash,
    verify_password,
)
from copydesk.corrections.clean import (
    MAX_BODY_BYTES,
    MAX_RIGHT,
    MAX_URL,
    MAX_WRONG,
    MAX_EVIDENCE,
    clean_report,
    clean_text,
    report_in,
)
from copydesk.corrections.model import CATEGORIES, Report, SentenceCheck
from copydesk.errors import CopydeskError, MailError
from copydesk.keys import site_secret
from copydesk.models import Edition, WrittenSentence, WrittenStory
from copydesk.newsletter.mail import Mailer, SmtpOptions, build_message
from copydesk.store.corrections import CorrectionsStore, DecisionError
from copydesk.web import render
from copydesk.web.forms import (
    CSRF_FIELD,
    HONEYPOT_FIELD,
    CsrfGuard,
    FormError,
    RateLimiter,
    client_key,
    message_page,
    no_store_html,
    read_form,
    secure_cookie,
)

__all__ = ["CorrectionsService", "corrections_router", "SESSION_COOKIE"]

log = logging.getLogger(__name__)

FIELDS = ("category", "wrong", "right", "evidence", "email")
SESSION_COOKIE = "copydesk_editor"
#: The longest note or reason an editor may write (a correction note is a sentence or two).
MAX_NOTE = 1000
#: Body limit of an editor's form post (a replacement sentence and a note, percent-encoded).
EDITOR_MAX_BODY = 32_000

#: (story id, corrected text, sentence index, refetch): ``Desk.check_sentence``; with ``refetch`` the story's sources
#: are fetched again before the check.
Checker = Callable[..., SentenceCheck]
Corrector = Callable[[int, int, "WrittenSentence | None", str, str], int]  # report, index, after, note, editor


class CorrectionsService:
    """Everything the corrections pages need, built once per server from the settings.

    ``checker`` and ``corrector`` are ``Desk.check_sentence`` and ``Desk.correct`` (the gate and the store); they
    run one at a time. ``on_change`` is called after a correction is published (the server drops its cached
    edition)."""

    def __init__(
        self,
        settings,
        store: CorrectionsStore,
        *,
        checker: Checker,
        corrector: Corrector,
        mailer_factory: Callable[[], Mailer] | None = None,
        on_change: Callable[[], None] | None = None,
        clock=None,
    ):
        secret = site_secret(settings)
        self.csrf = CsrfGuard(secret, public_url=settings.newsletter_url)
        f = settings.forms
        extra = {"clock": clock} if clock else {}
        self.limiter = RateLimiter(f.rate_per_minute, f.rate_burst, **extra)
        self.login_limiter = RateLimiter(f.rate_per_minute, f.rate_burst, **extra)
        c = settings.corrections
        self.max_failures = c.max_login_failures
        self.lockout = timedelta(minutes=c.lockout_minutes)
        self.session_length = timedelta(hours=c.session_hours)
        self.unknown_names = FailureCounter(c.max_login_failures, self.lockout.total_seconds(), **extra)
        self.clients = FailureCounter(
            c.max_login_failures * CLIENT_FAILURE_FACTOR, self.lockout.total_seconds(), **extra
        )
        self.store = store
        self.checker, self.corrector = checker, corrector
        self.from_address = c.from_address
        self.site_name = settings.site.name
        self.public_url = settings.newsletter_url
        smtp = SmtpOptions.from_settings(settings)
        self.mailer_factory = mailer_factory or (lambda: Mailer(smtp))
        self.on_change = on_change or (lambda: None)
        self._work = threading.Lock()  # one check or correction at a time (the embedder, the story's text)

    def check(self, story_id: str, text: str, index: int, refetch: bool = False) -> SentenceCheck:
        with self._work:
            return self.checker(story_id, text, index, refetch=refetch)

    def correct(self, report_id: int, index: int, after: WrittenSentence | None, note: str, editor: str) -> int:
        with self._work:
            return self.corrector(report_id, index, after, note, editor)

    def story_url(self, slug: str) -> str:
        return f"{self.public_url.rstrip('/')}/story/{quote(slug, safe='')}/"

    def mail_reporter(self, report: Report, editor: str, subject: str, text: str) -> None:
        """Answer a reporter who left an address; then forget the address. A failure is logged and audited."""
        if not report.email:
            return
        msg = build_message(
            from_address=self.from_address,
            from_name=self.site_name,
            to=report.email,
            subject=subject,
            text=text,
            headers={"Auto-Submitted": "auto-replied"},
            id_hint=f"correction-report-{report.id}",
        )
        try:
            with self.mailer_factory() as mailer:
                mailer.send(msg)
        except MailError as exc:
            log.warning("reporter mail failed", extra={"stage": "corrections", "error": str(exc)})
            self.store.audit(editor, "mail-failed", report.id, report.story_id, str(exc)[:500])
            return
        self.store.audit(editor, "mail-sent", report.id, report.story_id, "the reporter was told of the decision")
        self.store.erase_email(report.id)


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def _one(fields: dict[str, list[str]], name: str) -> str:
    values = fields.get(name)
    return values[0] if values else ""


def _int(value: str | None) -> int | None:
    value = (value or "").strip()
    return int(value) if value.isdigit() and len(value) <= 6 else None


def _find_story(edition: Edition, slug: str) -> WrittenStory | None:
    es = next((e for e in render.visible_stories(edition) if e.story.slug == slug), None)
    return es.story if es is not None else None


def corrections_router(get_edition: Callable[[], Edition], svc: CorrectionsService) -> APIRouter:
    router = APIRouter()

    # -- page helpers --------------------------------------------------------------------------------------
    def html(body: str, status: int = 200, headers: dict | None = None) -> HTMLResponse:
        return no_store_html(body, status, {"X-Robots-Tag": "noindex", **(headers or {})})

    def message(
        edition: Edition,
        root: str,
        title: str,
        lines: list[str],
        status: int = 200,
        link: dict | None = None,
        headers: dict | None = None,
    ) -> HTMLResponse:
        return message_page(edition, root, title, lines, status, link, {"X-Robots-Tag": "noindex", **(headers or {})})

    def with_csrf(request: Request, form: str, make: Callable[[str], HTMLResponse]) -> HTMLResponse:
        token, cookie = svc.csrf.issue(request, form)
        resp = make(token)
        svc.csrf.set_cookie(request, resp, cookie)
        return resp

    def refused(edition: Edition, root: str, exc: FormError, back: dict) -> HTMLResponse:
        titles = {429: "Too many requests", 413: "Too long", 403: "Form expired or not from this site"}
        headers = {"Retry-After": str(svc.limiter.retry_after())} if exc.status == 429 else None
        return message(
            edition,
            root,
            titles.get(exc.status, "Form not accepted"),
            [exc.message],
            exc.status,
            link=back,
            headers=headers,
        )

    # -- readers: report an inaccuracy ---------------------------------------------------------------------
    def report_form(
        request: Request,
        edition: Edition,
        story: WrittenStory,
        index: int | None,
        *,
        values: dict | None = None,
        errors: dict | None = None,
        status: int = 200,
    ) -> HTMLResponse:
        sentence = sentence_at(story, index).text if index is not None else None
        v = {"category": "", "wrong": "", "right": "", "evidence": ["", "", ""], "email": "", **(values or {})}
        v["evidence"] = (list(v["evidence"]) + ["", "", ""])[:MAX_EVIDENCE]
        return with_csrf(
            request,
            "report",
            lambda token: html(
                render.render_page(
                    edition,
                    "../",
                    "Report an error",
                    "report.html",
                    csrf=token,
                    story=story,
                    story_slug=quote(story.slug, safe=""),
                    index=index,
                    sentence=sentence,
                    categories=CATEGORIES,
                    v=v,
                    errors=errors or {},
                    err={k: (errors or {}).get(k, "") for k in FIELDS},
                    caps=dict(wrong=MAX_WRONG, right=MAX_RIGHT, url=MAX_URL, evidence=MAX_EVIDENCE),
                ),
                status,
            ),
        )

    def no_story(edition: Edition) -> HTMLResponse:
        return message(
            edition,
            "../",
            "No such story",
            [
                "The story you want to report on is not published (any more). Go to the story and use the link "
                "under the sentence."
            ],
            404,
            link={"href": "../", "text": "Home page"},
        )

    def no_sentence(edition: Edition, slug: str) -> HTMLResponse:
        return message(
            edition,
            "../",
            "No such sentence",
            [
                "That sentence is not in the story as it now reads (it may have been rewritten). You can report on "
                "the story as a whole."
            ],
            400,
            link={"href": f"./?story={quote(slug, safe='')}", "text": "Report an error in the story"},
        )

    @router.get("/report/", response_class=HTMLResponse)
    def report_page(request: Request, story: str = "", s: str = ""):
        edition = get_edition()
        found = _find_story(edition, story) if render.is_safe_slug(story) else None
        if found is None:
            return no_story(edition)
        index = _int(s)
        if s and (index is None or sentence_at(found, index) is None):
            return no_sentence(edition, found.slug)
        return report_form(request, edition, found, index)

    @router.post("/report/", response_class=HTMLResponse)
    async def report_post(request: Request):
        edition = get_edition()
        back = {"href": "../", "text": "Home page"}
        try:
            if not svc.limiter.allow(client_key(request)):
                raise FormError(429, "You have sent this form too often. Wait a minute and try again.")
            fields = await read_form(request, MAX_BODY_BYTES)
            svc.csrf.check(request, "report", _one(fields, CSRF_FIELD))
        except FormError as exc:
            return refused(edition, "../", exc, back)
        slug = _one(fields, "story")
        story = _find_story(edition, slug) if render.is_safe_slug(slug) else None
        if story is None:
            return no_story(edition)
        raw_index = _one(fields, "s")
        index = _int(raw_index)
        if raw_index and (index is None or sentence_at(story, index) is None):
            return no_sentence(edition, story.slug)
        thanks = message(
            edition,
            "../",
            "Thank you",
            [
                "Your report has reached the editors. An editor will check it against the sources; if the story was "
                "wrong, it will be corrected and the correction shown on the story and on the corrections page.",
                "Nothing you wrote is published.",
            ],
            link={"href": f"../story/{quote(story.slug, safe='')}/", "text": "Back to the story"},
        )
        if _one(fields, HONEYPOT_FIELD):
            log.info("honeypot filled: ignored", extra={"stage": "corrections"})
            return thanks  # answer as if it worked, so a robot learns nothing
        f = clean_report(
            _one(fields, "category"),
            _one(fields, "wrong"),
            _one(fields, "right"),
            fields.get("evidence", []),
            _one(fields, "email"),
        )
        if f.errors:
            return report_form(
                request,
                edition,
                story,
                index,
                status=400,
                errors=f.errors,
                values=dict(
                    category=f.category,
                    wrong=clean_text(_one(fields, "wrong"))[: MAX_WRONG * 2],
                    right=clean_text(_one(fields, "right"))[: MAX_RIGHT * 2],
                    evidence=[clean_text(e, one_line=True)[: MAX_URL * 2] for e in fields.get("evidence", [])],
                    email=clean_text(_one(fields, "email"), one_line=True)[:320],
                ),
            )
        sentence = sentence_at(story, index).text if index is not None else None
        rid = svc.store.add_report(report_in(story.story_id, index, sentence, f))
        log.info("report received", extra={"stage": "corrections", "story_id": story.story_id, "report_id": rid})
        return thanks

    # -- editors: session ----------------------------------------------------------------------------------
    def editor_of(request: Request):
        token = request.cookies.get(SESSION_COOKIE)
        if not token or len(token) > 100:
            return None
        return svc.store.session_editor(_token_hash(token))

    def to_login() -> RedirectResponse:
        return RedirectResponse("/editor/login/", status_code=303, headers={"Cache-Control": "no-store"})

    def login_form(
        request: Request, edition: Edition, error: str | None = None, name: str = "", status: int = 200
    ) -> HTMLResponse:
        return with_csrf(
            request,
            "login",
            lambda token: html(
                render.render_page(
                    edition, "../../", "Editors: sign in", "editor_login.html", csrf=token, error=error, name=name
                ),
                status,
            ),
        )

    @router.get("/editor/login/", response_class=HTMLResponse)
    def login_page(request: Request):
        if editor_of(request) is not None:
            return RedirectResponse("/editor/", status_code=303)
        return login_form(request, get_edition())

    @router.post("/editor/login/", response_class=HTMLResponse)
    async def login(request: Request):
        edition = get_edition()
        client = client_key(request)
        back = {"href": "./", "text": "Sign in"}
        try:
            if not svc.login_limiter.allow(client):
                raise FormError(429, "Too many sign-in attempts. Wait a minute and try again.")
            fields = await read_form(request, 4096)
            svc.csrf.check(request, "login", _one(fields, CSRF_FIELD))
        except FormError as exc:
            return refused(edition, "../../", exc, back)
        if svc.clients.blocked(client):
            return message(
                edition,
                "../../",
                "Too many failed sign-ins",
                ["Too many sign-ins from your address have failed. Try again later."],
                429,
                link=back,
                headers={"Retry-After": str(int(svc.lockout.total_seconds()))},
            )
        name = clean_text(_one(fields, "name"), one_line=True)[:100]
        password = _one(fields, "password")[:MAX_PASSWORD]
        found = svc.store.editor_login_row(name) if name else None
        account, stored = found if found is not None and found[0].active else (None, None)
        # The hash is verified in every case (a dummy hash for no account), so every answer takes as long.
        ok = await run_in_threadpool(verify_password, stored, password)
        now = datetime.now(timezone.utc)
        if account is not None:
            locked = account.locked_until is not None and account.locked_until > now
        else:
            locked = svc.unknown_names.blocked(name.lower())
        if ok and not locked and account is not None:
            token = secrets.token_urlsafe(32)
            new_hash = hash_password(password) if needs_rehash(stored) else None
            svc.store.login_ok(account.id, _token_hash(token), now + svc.session_length, client, new_hash)
            svc.clients.clear(client)
            resp = RedirectResponse("/editor/", status_code=303, headers={"Cache-Control": "no-store"})
            resp.set_cookie(
                SESSION_COOKIE,
                token,
                max_age=int(svc.session_length.total_seconds()),
                path="/editor/",
                httponly=True,
                samesite="strict",
                secure=secure_cookie(request, svc.public_url),
            )
            return resp
        if not locked:
            if account is not None:
                svc.store.login_failed(account.id, svc.max_failures, svc.lockout, client)
            else:
                svc.unknown_names.fail(name.lower())
        svc.clients.fail(client)
        return login_form(
            request,
            edition,
            status=403,
            name=name,
            error=(
                f"The name or the password is wrong, or the account is locked for {svc.lockout.seconds // 60} minutes "
                f"after {svc.max_failures} failed attempts in a row."
            ),
        )

    async def editor_post(request: Request, max_bytes: int = EDITOR_MAX_BODY):
        """(editor, fields) of an editor's form post after the rate limit, size limit and CSRF check."""
        editor = editor_of(request)
        if editor is None:
            raise FormError(403, "You are not signed in (or your session has ended). Sign in again.")
        if not svc.limiter.allow(f"editor:{editor.id}"):
            raise FormError(429, "Too many actions at once. Wait a minute and try again.")
        fields = await read_form(request, max_bytes)
        svc.csrf.check(request, "editor", _one(fields, CSRF_FIELD))
        return editor, fields

    @router.post("/editor/logout/")
    async def logout(request: Request):
        edition = get_edition()
        try:
            await editor_post(request, 4096)
        except FormError as exc:
            return refused(edition, "../../", exc, {"href": "../", "text": "Editors' queue"})
        svc.store.logout(_token_hash(request.cookies.get(SESSION_COOKIE, "")))
        resp = RedirectResponse("/editor/login/", status_code=303, headers={"Cache-Control": "no-store"})
        resp.delete_cookie(
            SESSION_COOKIE,
            path="/editor/",
            httponly=True,
            samesite="strict",
            secure=secure_cookie(request, svc.public_url),
        )
        return resp

    def editor_page(
        request: Request, edition: Edition, root: str, title: str, template: str, editor, status: int = 200, **extra
    ) -> HTMLResponse:
        return with_csrf(
            request,
            "editor",
            lambda token: html(
                render.render_page(edition, root, title, template, csrf=token, editor=editor, **extra), status
            ),
        )

    # -- editors: the queue and the decisions --------------------------------------------------------------
    def headline_of(story_id: str) -> tuple[str, str | None]:
        story = svc.store.written_story(story_id)
        return (story.headline.text, story.slug) if story is not None else ("(story no longer published)", None)

    @router.get("/editor/", response_class=HTMLResponse)
    def queue(request: Request):
        editor = editor_of(request)
        if editor is None:
            return to_login()
        edition = get_edition()
        heads = {es.story.story_id: es.story.headline.text for es in edition.stories}  # no story read per report
        gone = "(story no longer published)"
        items = [
            dict(r=r, headline=heads.get(r.story_id) or headline_of(r.story_id)[0])  # merged: the survivor's
            for r in svc.store.reports("open")
        ]
        decided = [dict(r=r, headline=heads.get(r.story_id, gone)) for r in svc.store.decided_reports(20)]
        return editor_page(
            request, edition, "../", "Editors' queue", "editor_queue.html", editor, items=items, decided=decided
        )

    def sentence_choices(story: WrittenStory) -> list[dict]:
        labels = {0: "headline", 1: "lede"}
        return [
            dict(index=i, text=s.text, label=labels.get(i, f"sentence {i}"))
            for i, s in enumerate(text_sentences(story))
        ]

    def located(report: Report, story: WrittenStory) -> int | None:
        """Where the reported sentence is in the story now (it may have moved with a rewrite)."""
        if report.sentence is None:
            return None
        return index_of(story, report.sentence, report.sentence_index)

    def support_views(edition: Edition, story: WrittenStory, ws: WrittenSentence | None) -> list[dict]:
        if ws is None:
            return []
        view = render._sentence_view(edition, story, ws)
        return [
            dict(outlet=s.outlet_name, sentence=s.sentence, title=s.title, href=s.href, raw=s.raw_url)
            for s in view.supports
        ]

    def source_views(edition: Edition, story: WrittenStory) -> list[dict]:
        return [
            dict(
                outlet=render._outlet_name(edition, link.outlet_id, story),
                title=link.title,
                href=render.safe_url(link.url),
                raw=link.url,
                published=link.published,
                date_only=link.date_only,
            )
            for link in story.sources
        ]

    def report_view(
        request: Request,
        editor,
        report_id: int,
        *,
        status: int = 200,
        error: str | None = None,
        values: dict | None = None,
    ) -> HTMLResponse:
        edition = get_edition()
        report = svc.store.report(report_id)
        if report is None:
            return message(
                edition,
                "../../../",
                "No such report",
                ["There is no report with that number."],
                404,
                link={"href": "../../", "text": "Editors' queue"},
            )
        story = svc.store.written_story(report.story_id)
        where = located(report, story) if story is not None else None
        current = sentence_at(story, where) if story is not None and where is not None else None
        evidence = [dict(url=u, href=render.safe_url(u)) for u in report.evidence]
        v = {
            "s": where if where is not None else (2 if story is not None and len(text_sentences(story)) > 2 else 1),
            "action": "replace",
            "text": current.text if current is not None else "",
            "note": "",
            "reason": "",
            "refetch": False,
            **(values or {}),
        }
        return editor_page(
            request,
            edition,
            "../../../",
            f"Report {report.id}",
            "editor_report.html",
            editor,
            status=status,
            report=report,
            story=story,
            story_slug=quote(story.slug, safe="") if story else None,
            where=where,
            current=current,
            moved=report.sentence is not None and where is None,
            supports=support_views(edition, story, current) if story is not None else [],
            sources=source_views(edition, story) if story is not None else [],
            choices=sentence_choices(story) if story is not None else [],
            evidence=evidence,
            v=v,
            error=error,
            history=svc.store.audit_log(50, report_id=report.id),
            caps=dict(note=MAX_NOTE),
        )

    @router.get("/editor/report/{report_id}/", response_class=HTMLResponse)
    def report_detail(report_id: int, request: Request):
        editor = editor_of(request)
        if editor is None:
            return to_login()
        return report_view(request, editor, report_id)

    def decision_fields(fields: dict[str, list[str]]) -> dict:
        return dict(
            s=_int(_one(fields, "s")),
            action=_one(fields, "action"),
            text=clean_text(_one(fields, "text"), one_line=True),
            note=clean_text(_one(fields, "note")),
            before=_one(fields, "before"),
            refetch=_one(fields, "refetch") in ("1", "on", "yes"),
        )

    def validate(report: Report, story: WrittenStory | None, d: dict) -> str | None:
        if report.status != "open":
            return f"This report was {report.status} by {report.decided_by}; nothing was changed."
        if story is None:
            return "The story is no longer published; it cannot be corrected. Reject the report, saying why."
        if d["s"] is None or sentence_at(story, d["s"]) is None:
            return "Choose the sentence to correct."
        if d["action"] not in ("replace", "remove"):
            return "Choose whether to replace the sentence or remove it."
        if d["action"] == "remove" and d["s"] in (0, 1):
            return "The headline and the lede can be replaced, not removed."
        if d["action"] == "replace" and not d["text"]:
            return "Write the corrected sentence."
        if d["action"] == "replace" and len(d["text"]) > MAX_WRONG:
            return f"The corrected sentence may have at most {MAX_WRONG} characters."
        if d["action"] == "replace" and d["text"] == sentence_at(story, d["s"]).text:
            return "The corrected sentence reads as the published one: change it, or remove the sentence."
        if not d["note"]:
            return "Write the public note: what was wrong (it is published with the correction)."
        if len(d["note"]) > MAX_NOTE:
            return f"The public note may have at most {MAX_NOTE} characters."
        return None

    async def decide_post(request: Request, report_id: int):
        edition = get_edition()
        try:
            editor, fields = await editor_post(request)
        except FormError as exc:
            return None, None, refused(edition, "../../../../", exc, {"href": "../", "text": "Back to the report"})
        return editor, fields, None

    @router.post("/editor/report/{report_id}/reject/", response_class=HTMLResponse)
    async def reject(report_id: int, request: Request):
        editor, fields, fail = await decide_post(request, report_id)
        if fail is not None:
            return fail
        edition = get_edition()
        reason = clean_text(_one(fields, "reason"))
        if not reason or len(reason) > MAX_NOTE:
            return report_view(
                request,
                editor,
                report_id,
                status=400,
                values={"reason": reason[: MAX_NOTE * 2]},
                error=f"Say why the report is rejected (at most {MAX_NOTE} characters).",
            )
        try:
            report = svc.store.reject(report_id, editor.name, reason)
        except DecisionError:
            return report_view(request, editor, report_id, status=409, error="This report is not open any more.")
        headline, _ = headline_of(report.story_id)
        await run_in_threadpool(
            svc.mail_reporter,
            report,
            editor.name,
            f"Your report on \u201c{headline}\u201d",
            _reject_mail(svc, headline, reason),
        )
        return message(
            edition,
            "../../../../",
            "Report rejected",
            [f"Report {report.id} is rejected; the reason is in the audit log."],
            link={"href": "../../../", "text": "Back to the queue"},
        )

    async def checked(
        request: Request, editor, report_id: int, fields
    ) -> tuple[Report | None, WrittenStory | None, dict, SentenceCheck | None, str | None]:
        report = svc.store.report(report_id)
        if report is None:
            return None, None, {}, None, "There is no report with that number."
        story = svc.store.written_story(report.story_id)
        d = decision_fields(fields)
        problem = validate(report, story, d)
        if problem is not None:
            return report, story, d, None, problem
        if d["action"] == "remove":
            return report, story, d, SentenceCheck(True, None), None
        result = await run_in_threadpool(svc.check, report.story_id, d["text"], d["s"], d["refetch"])
        if d["refetch"]:
            svc.store.audit(
                editor.name,
                "refetch",
                report.id,
                report.story_id,
                "; ".join(r.summary() for r in result.refetched)[:4000] or "the story has no sources",
            )
            if any(r.outcome == "updated" for r in result.refetched):
                svc.on_change()  # a source's text changed: the pages show the story's sources as stored
        svc.store.audit(
            editor.name,
            "check",
            report.id,
            report.story_id,
            f"{'passes' if result.ok else 'fails'} the gate: {d['text'][:300]!r}"
            + (f" ({result.reason}: {result.detail})" if not result.ok else ""),
        )
        return report, story, d, result, None

    def check_page(
        request: Request,
        editor,
        report: Report,
        story: WrittenStory,
        d: dict,
        result: SentenceCheck,
        status: int = 200,
        error: str | None = None,
    ) -> HTMLResponse:
        edition = get_edition()
        disputes = [
            dict(
                kind=x.kind,
                claims=[
                    dict(outlet=render._outlet_name(edition, c.outlet_id, story), value=c.value, sentence=c.sentence)
                    for c in x.claims
                ],
            )
            for x in result.disputes
        ]
        return editor_page(
            request,
            edition,
            "../../../../",
            f"Check the correction to report {report.id}",
            "editor_check.html",
            editor,
            status=status,
            report=report,
            story=story,
            d=d,
            before=sentence_at(story, d["s"]).text,
            result=result,
            supports=support_views(edition, story, result.sentence),
            disputes=disputes,
            error=error,
            refetched=refetch_views(edition, story, result),
        )

    def refetch_views(edition: Edition, story: WrittenStory, result: SentenceCheck) -> list[dict]:
        """Per source, what refetching it gave: shown on the check page and after publishing."""
        labels = {"updated": "updated", "unchanged": "unchanged", "failed": "failed", "not-fetchable": "not refetched"}
        return [
            dict(
                outlet=render._outlet_name(edition, r.outlet_id, story),
                url=r.url,
                href=render.safe_url(r.url),
                outcome=r.outcome,
                label=labels.get(r.outcome, r.outcome),
                reason=r.reason,
            )
            for r in result.refetched
        ]

    @router.post("/editor/report/{report_id}/check/", response_class=HTMLResponse)
    async def check(report_id: int, request: Request):
        editor, fields, fail = await decide_post(request, report_id)
        if fail is not None:
            return fail
        report, story, d, result, problem = await checked(request, editor, report_id, fields)
        if problem is not None:
            if report is None:
                return report_view(request, editor, report_id)
            return report_view(
                request,
                editor,
                report_id,
                status=400,
                error=problem,
                values={k: d[k] for k in ("s", "action", "text", "note", "refetch") if d.get(k) is not None},
            )
        return check_page(request, editor, report, story, d, result, 200 if result.ok else 422)

    @router.post("/editor/report/{report_id}/accept/", response_class=HTMLResponse)
    async def accept(report_id: int, request: Request):
        editor, fields, fail = await decide_post(request, report_id)
        if fail is not None:
            return fail
        report, story, d, result, problem = await checked(request, editor, report_id, fields)
        if problem is None and d["before"] != sentence_at(story, d["s"]).text:
            problem = "The story changed since you checked the correction: look at it again."
        if problem is not None:
            if report is None:
                return report_view(request, editor, report_id)
            return report_view(
                request,
                editor,
                report_id,
                status=409,
                error=problem,
                values={k: d[k] for k in ("s", "action", "text", "note", "refetch") if d.get(k) is not None},
            )
        if not result.ok:  # the checks are run again: nothing unchecked is ever published
            return check_page(request, editor, report, story, d, result, 422)
        refetched = refetch_views(get_edition(), story, result)
        try:
            cid = await run_in_threadpool(svc.correct, report.id, d["s"], result.sentence, d["note"], editor.name)
        except (DecisionError, CopydeskError, ValueError) as exc:
            return report_view(request, editor, report_id, status=409, error=f"Not published: {exc}")
        svc.on_change()
        edition = get_edition()
        log.info(
            "correction published",
            extra={"stage": "corrections", "story_id": story.story_id, "report_id": report.id, "correction_id": cid},
        )
        await run_in_threadpool(
            svc.mail_reporter,
            report,
            editor.name,
            f"Correction: \u201c{story.headline.text}\u201d",
            _accept_mail(
                svc,
                story,
                cid,
                sentence_at(story, d["s"]).text,
                result.sentence.text if result.sentence is not None else None,
                d["note"],
            ),
        )
        slug = quote(story.slug, safe="")
        return message(
            edition,
            "../../../../",
            "Correction published",
            [
                f"The story now carries correction {cid}; the corrections page and its feed list it.",
                *(
                    [
                        "The sources were fetched again first (kept in the audit log): "
                        + "; ".join(
                            f"{r['outlet']}: {r['label']}" + (f" ({r['reason']})" if r["reason"] else "")
                            for r in refetched
                        )
                    ]
                    if refetched
                    else []
                ),
            ],
            link={"href": f"../../../../story/{slug}/#correction-{cid}", "text": "See the corrected story"},
        )

    @router.get("/editor/audit/", response_class=HTMLResponse)
    def audit(request: Request):
        editor = editor_of(request)
        if editor is None:
            return to_login()
        return editor_page(
            request,
            get_edition(),
            "../../",
            "Audit log",
            "editor_audit.html",
            editor,
            entries=svc.store.audit_log(1000),
        )

    return router


def _accept_mail(
    svc: CorrectionsService, story: WrittenStory, cid: int, before: str, after: str | None, note: str
) -> str:
    now = f"It now reads:\n\n  \u201c{after}\u201d" if after is not None else "That sentence has been removed."
    return (
        f"Thank you for reporting an error in \u201c{story.headline.text}\u201d.\n\n"
        f"An editor checked your report against the sources and corrected the story. {note}\n\n"
        f"The story said:\n\n  \u201c{before}\u201d\n\n{now}\n\n"
        f"The correction: {svc.story_url(story.slug)}#correction-{cid}\n"
        f"Every correction: {svc.public_url.rstrip('/')}/corrections/\n\n"
        f"We keep no copy of your address now that you have this answer.\n-- {svc.site_name}\n"
    )


def _reject_mail(svc: CorrectionsService, headline: str, reason: str) -> str:
    return (
        f"Thank you for reporting an error in \u201c{headline}\u201d.\n\n"
        f"An editor checked your report against the sources and did not change the story:\n\n{reason}\n\n"
        f"If you have more evidence, you are welcome to report again from the story page.\n\n"
        f"We keep no copy of your address now that you have this answer.\n-- {svc.site_name}\n"
    )
