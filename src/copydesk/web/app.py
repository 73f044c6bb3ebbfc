"""The served site: a FastAPI app over the renderers in ``copydesk.web.render``.

Every page is the same function call the static export makes, so served and exported bytes are equal.
``get_edition`` is called once per request, so the app always serves the edition the pipeline last
published and never mutates it. The URL scheme is documented in ``copydesk.web.render``.

Every page, feed, sitemap and JSON document carries a strong ETag (from its bytes) and, where it has one, a
Last-Modified (the content's last change, never the time of the request); a request with a matching
If-None-Match, or an If-Modified-Since not older than it, gets 304. Rendered bytes are kept per edition
(``ResponseCache``), so a repeated or conditional request is answered without rendering.
"""

from __future__ import annotations

import hashlib
import logging
import threading
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timezone
from email.utils import format_datetime, parsedate_to_datetime
from importlib.resources import files
from pathlib import Path

from fastapi import FastAPI, Request
from fastapi.encoders import jsonable_encoder
from fastapi.exceptions import RequestValidationError
from fastapi.openapi.utils import get_openapi
from fastapi.responses import FileResponse, HTMLResponse, JSONResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from sqlalchemy.exc import SQLAlchemyError
from starlette.datastructures import MutableHeaders
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from copydesk.errors import CopydeskError
from copydesk.models import Edition
from copydesk.store.search import SearchResults
from copydesk.web import api, discovery, render

log = logging.getLogger(__name__)

__all__ = ["create_app", "SECURITY_HEADERS", "STATIC_DIR", "ResponseCache", "Rendered", "SecurityHeaders"]

STATIC_DIR = files("copydesk.web") / "static"

#: Sent with every response (``SecurityHeaders``). The pages use no inline script or style and load nothing from
#: elsewhere (the only <script> is JSON-LD, a data block no browser runs); forms (the search box, the newsletter's,
#: the report form, the editors') submit only to this site; no page may be framed.
SECURITY_HEADERS = {
    "Content-Security-Policy": (
        "default-src 'self'; script-src 'self'; style-src 'self'; base-uri 'none'; object-src 'none'; "
        "form-action 'self'; frame-ancestors 'none'"
    ),
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "strict-origin-when-cross-origin",
    "X-Frame-Options": "DENY",
}


class SecurityHeaders:
    """ASGI middleware: ``SECURITY_HEADERS`` on the start of every HTTP response that lacks them."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_secured(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                for key, value in SECURITY_HEADERS.items():
                    headers.setdefault(key, value)
            await send(message)

        await self.app(scope, receive, send_secured)


class _Site(FastAPI):
    """The app with ``SecurityHeaders`` outside everything else, Starlette's error handler included, so a
    response is never without them: pages, API, feeds, static files, audio, 304s, redirects, 404s, and the 500
    that an unexpected exception becomes."""

    def build_middleware_stack(self) -> ASGIApp:
        return SecurityHeaders(super().build_middleware_stack())


_HTML = "text/html; charset=utf-8"
_RSS = "application/rss+xml; charset=utf-8"
_JSON = "application/json"
_XML = "application/xml; charset=utf-8"
_TEXT = "text/plain; charset=utf-8"
_FEED_TYPES = {
    name: (media if kind == "json" else f"{media}; charset=utf-8")
    for name, (kind, media, _) in discovery.FEED_FORMATS.items()
}

#: Rendered responses kept per edition (the least recently used go first), at most this many and at most
#: `CACHE_BYTES` of bodies; the cache is dropped whenever ``get_edition`` returns another edition.
CACHE_ENTRIES = 2048
#: A story page is 20-60 KB and the home page, feeds and /api/stories.json grow with the edition, so a count alone
#: let the cache grow with the data to about 100 MB (2,048 story pages) once a crawler had asked for every page.
#: 32 MiB keeps 500-1,500 story pages, every page a day's readers ask for, and bounds the cache to about a sixth of
#: `serve`'s resident set (about 210 MB in bench/soak.py). An editorial bound, not tuned: a miss costs one render.
CACHE_BYTES = 32 * 1024 * 1024
#: Sent with every cached response: caches may keep a copy but must ask again (a 304 costs no rendering).
CACHE_CONTROL = "no-cache"


@dataclass(frozen=True, slots=True)
class Rendered:
    """One rendered response and its validators: a strong ETag from the bytes, and the content's last change."""

    body: bytes
    media_type: str
    etag: str
    modified: datetime | None

    @classmethod
    def of(cls, body: bytes | str, media_type: str, modified: datetime | None) -> Rendered:
        data = body.encode("utf-8") if isinstance(body, str) else body
        etag = '"' + hashlib.sha256(data).hexdigest()[:32] + '"'
        return cls(
            data, media_type, etag, modified.astimezone(timezone.utc).replace(microsecond=0) if modified else None
        )

    def headers(self) -> dict[str, str]:
        out = {"ETag": self.etag, "Cache-Control": CACHE_CONTROL}
        if self.modified is not None:
            out["Last-Modified"] = format_datetime(self.modified, usegmt=True)
        return out


def not_modified(request: Request, r: Rendered) -> bool:
    """RFC 9110 section 13.1: If-None-Match (weak comparison) when present, else If-Modified-Since."""
    inm = request.headers.get("if-none-match")
    if inm is not None:
        tags = {t.strip().removeprefix("W/") for t in inm.split(",")}
        return "*" in tags or r.etag in tags
    ims = request.headers.get("if-modified-since")
    if ims is None or r.modified is None:
        return False
    try:
        since = parsedate_to_datetime(ims)
    except (TypeError, ValueError, IndexError):
        return False  # an unreadable date is ignored, as the RFC says
    if since.tzinfo is None:
        since = since.replace(tzinfo=timezone.utc)
    return r.modified <= since


class ResponseCache:
    """Rendered responses of one edition, by key, at most ``max_entries`` of them and ``max_bytes`` of bodies (the
    least recently used go first; a body larger than all of it is not kept). A conditional GET for a key already
    rendered is answered from its validators without rendering; a new edition (another object from
    ``get_edition``) empties the cache."""

    def __init__(self, max_entries: int = CACHE_ENTRIES, max_bytes: int = CACHE_BYTES) -> None:
        self.max_entries, self.max_bytes = max_entries, max_bytes
        self._edition: Edition | None = None  # held, so its id() cannot be reused by another object
        self._items: OrderedDict[str, Rendered] = OrderedDict()
        self._lock = threading.Lock()
        self.renders = 0  # how many times something was rendered (for tests and benchmarks)
        self.bytes = 0  # the bodies kept now

    def get(self, edition: Edition, key: str, make: Callable[[], Rendered | None]) -> Rendered | None:
        with self._lock:
            if self._edition is not edition:
                self._edition, self._items, self.bytes = edition, OrderedDict(), 0
            hit = self._items.get(key)
            if hit is not None:
                self._items.move_to_end(key)
                return hit
        made = make()  # outside the lock: two threads may render the same page once each, never wrongly
        with self._lock:
            self.renders += 1
            if made is not None and self._edition is edition and len(made.body) <= self.max_bytes:
                old = self._items.pop(key, None)
                self.bytes += len(made.body) - (len(old.body) if old is not None else 0)
                self._items[key] = made
                while len(self._items) > self.max_entries or self.bytes > self.max_bytes:
                    self.bytes -= len(self._items.popitem(last=False)[1].body)
        return made


def create_app(
    get_edition: Callable[[], Edition],
    search: Callable[[str, int, int], SearchResults] | None = None,
    newsletter=None,
    corrections=None,
    database: Callable[[], str | None] | None = None,
) -> FastAPI:
    """The site over ``get_edition`` (called once per request). ``search(query, page, per_page)`` answers the
    search page and ``/api/v1/search`` (``Store.search``); without it they say that search is not available.
    ``newsletter``: a ``copydesk.newsletter.web.NewsletterService`` to serve the sign-up pages and show the
    sign-up box on the home, section and story pages (which then differ from the export by that box).
    ``corrections``: a ``copydesk.corrections.web.CorrectionsService`` to serve the report form and the editors'
    pages and show the report links on story pages (which then differ from the export by those links).
    ``database``: a round trip to the database for ``/healthz`` (``Store.ping``, giving the schema's revision);
    when it raises, ``/healthz`` answers 503 so that a load balancer or orchestrator takes this process out."""
    app = _Site(title="copydesk", docs_url=None, redoc_url=None, openapi_url=f"{api.API_PREFIX}/openapi.json")

    def openapi() -> dict:  # the versioned API only: pages, feeds and the export's JSON files are not in it
        if app.openapi_schema is None:
            app.openapi_schema = get_openapi(
                title="copydesk API",
                version=api.API_VERSION,
                description=api.__doc__,
                routes=[r for r in app.routes if str(getattr(r, "path", "")).startswith(api.API_PREFIX + "/")],
            )
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]
    cache = ResponseCache()
    app.state.response_cache = cache
    signup = newsletter is not None
    reporting = corrections is not None

    @app.middleware("http")
    async def head_as_get(request: Request, call_next):
        head = request.method == "HEAD"
        if head:  # crawlers and link checkers ask HEAD: answer as GET without the body
            request.scope["method"] = "GET"
        response = await call_next(request)
        if head:
            return Response(b"", status_code=response.status_code, headers=dict(response.headers))
        return response

    def not_found(edition: Edition) -> HTMLResponse:
        return HTMLResponse(render.render_not_found(edition), status_code=404, media_type=_HTML)

    def answer(request: Request, r: Rendered) -> Response:
        if not_modified(request, r):
            return Response(status_code=304, headers=r.headers())
        return Response(r.body, media_type=r.media_type, headers=r.headers())

    def cached(
        request: Request,
        edition: Edition,
        key: str,
        make: Callable[[], bytes | str | None],
        media_type: str,
        modified: Callable[[], datetime | None],
    ) -> Response | None:
        """The response for ``key``, rendered once per edition; None when ``make`` finds nothing (a 404)."""

        def build() -> Rendered | None:
            body = make()
            return None if body is None else Rendered.of(body, media_type, modified())

        r = cache.get(edition, key, build)
        return None if r is None else answer(request, r)

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException):
        if exc.status_code == 404:
            if request.url.path.startswith("/api/"):
                return JSONResponse({"error": "not found"}, status_code=404)
            return not_found(get_edition())
        return JSONResponse({"error": exc.detail}, status_code=exc.status_code, headers=exc.headers)

    @app.exception_handler(RequestValidationError)
    async def bad_parameter(request: Request, exc: RequestValidationError):
        errors = jsonable_encoder(exc.errors())
        said = "; ".join(
            f"{'.'.join(str(x) for x in e.get('loc', ())[1:]) or 'request'}: {e.get('msg', 'invalid')}" for e in errors
        )
        return JSONResponse({"error": f"bad parameter: {said}", "detail": errors}, status_code=422)

    @app.get("/healthz", include_in_schema=False)
    def healthz() -> Response:
        body: dict = {"status": "ok"}
        no_store = {"Cache-Control": "no-store"}
        if database is not None:
            try:
                body["schema"] = database()
            except Exception as exc:  # noqa: BLE001 any failure to reach the database makes this process unhealthy
                log.warning("health: database unreachable", extra={"stage": "health", "error": str(exc)})
                return JSONResponse(
                    {"status": "error", "error": f"database unreachable ({type(exc).__name__})"},
                    status_code=503,
                    headers=no_store,
                )
        edition = get_edition()
        body.update(stories=len(edition.stories), generated=render.iso(edition.generated))
        return JSONResponse(body, headers=no_store)

    def page(
        request: Request,
        key: str,
        make: Callable[[Edition], str | bytes | None],
        media_type: str = _HTML,
        modified: Callable[[Edition], datetime | None] = discovery.edition_modified,
    ) -> Response:
        """A page or file of the edition, with ETag, Last-Modified and 304; the not-found page when ``make``
        gives None. Every HTML page shows the edition's last change in its footer, so that is its Last-Modified."""
        edition = get_edition()
        r = cached(request, edition, key, lambda: make(edition), media_type, lambda: modified(edition))
        return not_found(edition) if r is None else r

    @app.get("/", response_class=HTMLResponse)
    def home(request: Request):
        return page(request, "/", lambda e: render.render_home(e, newsletter=signup))

    @app.get("/about/", response_class=HTMLResponse)
    def about(request: Request):
        return page(request, "/about/", render.render_about)

    @app.get("/queue/untranslated/", response_class=HTMLResponse)
    def untranslated(request: Request):
        return page(request, "/queue/untranslated/", render.render_untranslated)

    @app.get("/section/{slug}/", response_class=HTMLResponse)
    def section(slug: str, request: Request):
        return page(request, f"/section/{slug}/", lambda e: render.render_section(e, slug, newsletter=signup))

    @app.get("/story/{slug}/", response_class=HTMLResponse)
    def story(slug: str, request: Request):
        edition = get_edition()
        r = cached(
            request,
            edition,
            f"/story/{slug}/",
            lambda: render.render_story(edition, slug, newsletter=signup, report=reporting),
            _HTML,
            lambda: discovery.edition_modified(edition),
        )
        if r is not None:
            return r
        target = render.resolve_redirect(edition, slug)
        if target is not None:
            root = request.scope.get("root_path", "").rstrip("/")
            return RedirectResponse(f"{root}/story/{target}/", status_code=301)
        return not_found(edition)

    @app.get("/story/{slug}/v/{n}/", response_class=HTMLResponse)
    def story_version(slug: str, n: str, request: Request):
        # ``n`` as text: anything but a version number is the not-found page, as any unknown path is
        if not (n.isascii() and n.isdigit()) or len(n) > 9:
            return not_found(get_edition())
        return page(request, f"/story/{slug}/v/{int(n)}/", lambda e: render.render_story_version(e, slug, int(n)))

    @app.get("/corrections/", response_class=HTMLResponse)
    def corrections_page(request: Request):
        return page(request, "/corrections/", render.render_corrections)

    @app.get("/corrections/feed.xml")
    def corrections_feed(request: Request):
        return page(
            request,
            "/corrections/feed.xml",
            discovery.render_corrections_feed,
            _FEED_TYPES["feed.xml"],
            discovery.corrections_modified,
        )

    @app.get("/search/", response_class=HTMLResponse)
    def search_page(request: Request):
        edition = get_edition()
        q = request.query_params.get("q", "")
        if search is None:
            return HTMLResponse(render.render_search(edition, q, available=False), media_type=_HTML)
        results = None
        if q.strip():
            try:
                results = search(q, render.search_page_number(request.query_params.get("page")), render.SEARCH_PER_PAGE)
            except (
                SQLAlchemyError,
                CopydeskError,
                OSError,
                ValueError,
            ):  # the database refused the query: the cause in the log
                render.log.exception("search failed", extra={"stage": "web"})
                return HTMLResponse(render.render_search(edition, q, failed=True), status_code=503, media_type=_HTML)
        return HTMLResponse(render.render_search(edition, q, results), media_type=_HTML)

    api.install(app, get_edition, search)

    # The static export's JSON files, served at the same paths (unversioned; the objects are those of /api/v1).
    @app.get("/api/stories.json")
    def stories_json(request: Request):
        return page(request, "/api/stories.json", lambda e: render.dumps_json(render.edition_json(e)), _JSON)

    @app.get("/api/story/{slug}.json")
    def one_story_json(slug: str, request: Request):
        edition = get_edition()

        def make() -> bytes | None:
            es = next((e for e in render.visible_stories(edition) if e.story.slug == slug), None)
            return None if es is None else render.dumps_json(render.story_json(es, edition))

        r = cached(
            request, edition, f"/api/story/{slug}.json", make, _JSON, lambda: discovery.edition_modified(edition)
        )
        return JSONResponse({"error": "not found"}, status_code=404) if r is None else r

    @app.get("/api/queue/untranslated.json")
    def untranslated_json(request: Request):
        return page(
            request, "/api/queue/untranslated.json", lambda e: render.dumps_json(render.untranslated_json(e)), _JSON
        )

    def feed_modified(section: str | None) -> Callable[[Edition], datetime | None]:
        return lambda e: discovery.feed_updated(discovery.feed_stories(e, section))

    def add_feed_routes(name: str) -> None:
        @app.get(f"/{name}", name=f"site {name}")
        def site_feed(request: Request):
            return page(
                request,
                f"/{name}",
                lambda e: discovery.render_feed_format(e, name),
                _FEED_TYPES[name],
                feed_modified(None),
            )

        @app.get(f"/section/{{slug}}/{name}", name=f"section {name}")
        def section_feed(slug: str, request: Request):
            return page(
                request,
                f"/section/{slug}/{name}",
                lambda e: discovery.render_feed_format(e, name, slug),
                _FEED_TYPES[name],
                feed_modified(slug),
            )

    for name in discovery.FEED_FORMATS:
        add_feed_routes(name)

    @app.get("/sitemap.xml")
    def sitemap(request: Request):
        return page(request, "/sitemap.xml", discovery.render_sitemap, _XML)

    @app.get("/sitemap-news.xml")
    def news_sitemap(request: Request):
        return page(request, "/sitemap-news.xml", discovery.render_news_sitemap, _XML)

    @app.get("/robots.txt")
    def robots(request: Request):
        return page(request, "/robots.txt", discovery.render_robots, _TEXT, lambda e: None)

    @app.get("/podcast.xml")
    def podcast(request: Request):
        return page(
            request,
            "/podcast.xml",
            render.render_podcast,
            _RSS,
            lambda e: max((b.published for b in e.briefings), default=None),
        )

    @app.get("/audio/{name}")
    def audio(name: str):
        # Only the files the edition publishes (names made from safe slugs); FileResponse answers Range requests,
        # which players use to seek.
        edition = get_edition()
        found = render.audio_file(edition, name)
        if found is None or not Path(found[0]).is_file():
            return not_found(edition)
        return FileResponse(found[0], media_type=found[1])

    if newsletter is not None:
        from copydesk.newsletter.web import newsletter_router

        app.include_router(newsletter_router(get_edition, newsletter))
    if corrections is not None:
        from copydesk.corrections.web import corrections_router

        app.include_router(corrections_router(get_edition, corrections))
    app.mount("/static", StaticFiles(directory=str(STATIC_DIR)), name="static")
    return app
