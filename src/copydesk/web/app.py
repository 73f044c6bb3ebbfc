"""The served site: a FastAPI app over the renderers in ``copydesk.web.render``.

Every page is the same function call the static export makes, so served and exported bytes are equal.
``get_edition`` is called once per request, so the app always serves the edition the pipeline last
published and never mutates it. The URL scheme is documented in ``copydesk.web.render``.
"""

from __future__ import annotations

from collections.abc import Callable
from importlib.resources import files
from pathlib import Path

from fastapi import FastAPI, Request
from fastapi.responses import FileResponse, HTMLResponse, JSONResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from starlette.exceptions import HTTPException as StarletteHTTPException

from copydesk.models import Edition
from copydesk.web import render

__all__ = ["create_app", "SECURITY_HEADERS", "STATIC_DIR"]

STATIC_DIR = files("copydesk.web") / "static"

#: Sent with every response. The pages use no inline script or style and load nothing from elsewhere.
SECURITY_HEADERS = {
    "Content-Security-Policy": (
        "default-src 'self'; base-uri 'none'; object-src 'none'; form-action 'none'; frame-ancestors 'none'"
    ),
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "strict-origin-when-cross-origin",
    "X-Frame-Options": "DENY",
}

_HTML = "text/html; charset=utf-8"
_ATOM = "application/atom+xml; charset=utf-8"
_RSS = "application/rss+xml; charset=utf-8"
_JSON = "application/json"


def create_app(get_edition: Callable[[], Edition]) -> FastAPI:
    app = FastAPI(title="copydesk", docs_url=None, redoc_url=None, openapi_url=None)

    @app.middleware("http")
    async def security_headers(request: Request, call_next):
        head = request.method == "HEAD"
        if head:  # crawlers and link checkers ask HEAD: answer as GET without the body
            request.scope["method"] = "GET"
        response = await call_next(request)
        for key, value in SECURITY_HEADERS.items():
            response.headers.setdefault(key, value)
        if head:
            from starlette.responses import Response

            return Response(b"", status_code=response.status_code, headers=dict(response.headers))
        return response

    def not_found(edition: Edition) -> HTMLResponse:
        return HTMLResponse(render.render_not_found(edition), status_code=404, media_type=_HTML)

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException):
        if exc.status_code == 404:
            if request.url.path.startswith("/api/"):
                return JSONResponse({"error": "not found"}, status_code=404)
            return not_found(get_edition())
        return JSONResponse({"error": exc.detail}, status_code=exc.status_code, headers=exc.headers)

    @app.get("/healthz", include_in_schema=False)
    def healthz() -> dict:
        edition = get_edition()
        return {
            "status": "ok",
            "stories": len(edition.stories),
            "generated": render.iso(edition.generated),
        }

    @app.get("/", response_class=HTMLResponse)
    def home():
        return HTMLResponse(render.render_home(get_edition()), media_type=_HTML)

    @app.get("/about/", response_class=HTMLResponse)
    def about():
        return HTMLResponse(render.render_about(get_edition()), media_type=_HTML)

    @app.get("/queue/untranslated/", response_class=HTMLResponse)
    def untranslated():
        return HTMLResponse(render.render_untranslated(get_edition()), media_type=_HTML)

    @app.get("/section/{slug}/", response_class=HTMLResponse)
    def section(slug: str):
        edition = get_edition()
        html = render.render_section(edition, slug)
        return not_found(edition) if html is None else HTMLResponse(html, media_type=_HTML)

    @app.get("/story/{slug}/", response_class=HTMLResponse)
    def story(slug: str, request: Request):
        edition = get_edition()
        html = render.render_story(edition, slug)
        if html is not None:
            return HTMLResponse(html, media_type=_HTML)
        target = render.resolve_redirect(edition, slug)
        if target is not None:
            root = request.scope.get("root_path", "").rstrip("/")
            return RedirectResponse(f"{root}/story/{target}/", status_code=301)
        return not_found(edition)

    @app.get("/api/stories.json")
    def stories_json():
        return Response(render.dumps_json(render.edition_json(get_edition())), media_type=_JSON)

    @app.get("/api/story/{slug}.json")
    def one_story_json(slug: str):
        edition = get_edition()
        es = next((e for e in render.visible_stories(edition) if e.story.slug == slug), None)
        if es is None:
            return JSONResponse({"error": "not found"}, status_code=404)
        return Response(render.dumps_json(render.story_json(es, edition)), media_type=_JSON)

    @app.get("/api/queue/untranslated.json")
    def untranslated_json():
        return Response(render.dumps_json(render.untranslated_json(get_edition())), media_type=_JSON)

    @app.get("/feed.xml")
    def feed():
        return Response(render.render_feed(get_edition()), media_type=_ATOM)

    @app.get("/podcast.xml")
    def podcast():
        return Response(render.render_podcast(get_edition()), media_type=_RSS)

    @app.get("/audio/{name}")
    def audio(name: str):
        # Only the files the edition publishes (names made from safe slugs); FileResponse answers Range requests,
        # which players use to seek.
        edition = get_edition()
        found = render.audio_file(edition, name)
        if found is None or not Path(found[0]).is_file():
            return not_found(edition)
        return FileResponse(found[0], media_type=found[1])

    app.mount("/static", StaticFiles(directory=str(STATIC_DIR)), name="static")
    return app
