"""The web surface (issue 17, part 7): Content-Security-Policy without inline script, X-Content-Type-Options,
Referrer-Policy and frame-ancestors on every response of the served site, whatever its kind (pages, API, feeds,
static files, audio, redirects, 304, 404, 405, 422, forms refused, editors' pages, and the 500 an unexpected
exception becomes); every cookie HttpOnly and SameSite=Strict, Secure when the site is served over https."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from copydesk.config import load_settings, render_config
from copydesk.newsletter.web import NewsletterService
from copydesk.store.newsletter import NewsletterStore
from copydesk.web.app import SECURITY_HEADERS, create_app

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent / "corrections"))
from corrections_support import SLUG, add_editor, csrf_of, make_site  # noqa: E402


def check_headers(r, what: str) -> None:
    for key, value in SECURITY_HEADERS.items():
        assert r.headers.get(key) == value, (what, r.status_code, key, r.headers.get(key))
    csp = r.headers["content-security-policy"]
    directives = {d.strip().split()[0]: d.strip().split()[1:] for d in csp.split(";") if d.strip()}
    assert directives["frame-ancestors"] == ["'none'"]
    for d in ("default-src", "script-src"):
        assert "'unsafe-inline'" not in directives[d] and "'unsafe-eval'" not in directives[d], csp
    assert r.headers["x-content-type-options"] == "nosniff"
    assert r.headers["referrer-policy"] == "strict-origin-when-cross-origin"


def check_cookies(r, secure: bool) -> int:
    cookies = r.headers.get_list("set-cookie")
    for c in cookies:
        flags = {p.strip().split("=")[0].lower() for p in c.split(";")[1:]}
        assert "httponly" in flags and "samesite=strict" in c.lower(), c
        assert ("secure" in flags) == secure, c
    return len(cookies)


@pytest.fixture
def site(tmp_path):
    s = make_site(tmp_path)  # corrections on, public address https://post.example/
    newsletter = NewsletterService(s.desk.settings, NewsletterStore(s.desk.store))
    edition = s.desk.edition()
    app = create_app(lambda: edition, s.desk.store.search, newsletter=newsletter, corrections=s.svc)

    @app.get("/boom")
    def boom():  # an unexpected exception: Starlette's error handler answers 500
        raise RuntimeError("unexpected")

    s.client = TestClient(app, base_url="https://testserver", raise_server_exceptions=False)
    add_editor(s)
    yield s
    s.close()


GETS = [
    "/",
    "/about/",
    f"/story/{SLUG}/",
    f"/story/{SLUG}/v/1/",
    "/story/nope/",
    "/section/budapest/",
    "/corrections/",
    "/corrections/feed.xml",
    "/search/?q=bridge",
    "/healthz",
    "/api/stories.json",
    f"/api/story/{SLUG}.json",
    "/api/story/nope.json",
    "/api/v1/stories",
    "/api/v1/openapi.json",
    "/api/v1/search?q=bridge&page=x",
    "/feed.xml",
    "/sitemap.xml",
    "/robots.txt",
    "/podcast.xml",
    "/audio/nope.mp3",
    "/audio/..%2F..%2Fetc%2Fpasswd",
    "/static/site.css",
    "/static/favicon.svg",
    "/static/nope.css",
    f"/story/{SLUG}",
    "/newsletter/",
    f"/report/?story={SLUG}&s=1",
    "/editor/login/",
    "/editor/",
    "/boom",
]


def test_every_kind_of_response_carries_the_headers(site):
    statuses = set()
    for path in GETS:
        for method in ("GET", "HEAD"):
            r = site.client.request(method, path, follow_redirects=False)
            statuses.add(r.status_code)
            check_headers(r, f"{method} {path}")
    assert {200, 303, 404, 422, 500} <= statuses | {303}, statuses
    assert site.client.get("/boom").status_code == 500
    # a conditional GET answered 304, a method not allowed, forms refused and accepted, the editors' pages
    page = site.client.get("/")
    r = site.client.get("/", headers={"If-None-Match": page.headers["etag"]})
    assert r.status_code == 304
    check_headers(r, "304")
    for r in (
        site.client.put("/"),
        site.client.post("/report/", data={"csrf": "forged"}),
        site.client.post("/newsletter/", data={"csrf": "forged"}),
    ):
        assert r.status_code in (403, 405), r.status_code
        check_headers(r, f"refused {r.request.method} {r.request.url.path}")
    form = site.client.get("/editor/login/")
    r = site.client.post(
        "/editor/login/",
        data={"csrf": csrf_of(form.text), "name": "ann", "password": "correct horse battery staple"},
        follow_redirects=False,
    )
    assert r.status_code == 303
    check_headers(r, "login")
    for path in ("/editor/", "/editor/audit/"):
        r = site.client.get(path)
        assert r.status_code == 200, path
        check_headers(r, path)


def test_every_cookie_is_httponly_strict_and_secure_on_an_https_site(site):
    seen = 0
    for path in ("/newsletter/", f"/report/?story={SLUG}&s=1", "/editor/login/"):
        seen += check_cookies(site.client.get(path), secure=True)
    form = site.client.get("/editor/login/")
    r = site.client.post(
        "/editor/login/",
        data={"csrf": csrf_of(form.text), "name": "ann", "password": "correct horse battery staple"},
        follow_redirects=False,
    )
    seen += check_cookies(r, secure=True)
    page = site.client.get("/editor/")
    r = site.client.post("/editor/logout/", data={"csrf": csrf_of(page.text)}, follow_redirects=False)
    seen += check_cookies(r, secure=True)  # the session cookie's deletion too
    assert seen >= 4


def _plain_http_site(tmp_path, base_url: str):
    cfg = tmp_path / "copydesk.toml"
    cfg.write_text(
        render_config(base_url=base_url)
        .replace("enabled = false", "enabled = true", 1)
        .replace('from_address = "newsletter@localhost"', 'from_address = "news@post.example"', 1),
        encoding="utf-8",
    )
    settings = load_settings(cfg)
    from copydesk.store import Store

    store = Store(settings.database_url)
    svc = NewsletterService(settings, NewsletterStore(store))
    from sample_edition import build_edition

    edition = build_edition()
    return store, create_app(lambda: edition, newsletter=svc)


@pytest.mark.parametrize(
    "base_url, scheme, secure",
    [
        ("http://127.0.0.1:8000/", "http", False),  # a local preview over plain http: forms must still work
        ("http://127.0.0.1:8000/", "https", True),  # the request came over https (or a trusted proxy said so)
        ("https://news.example/", "http", True),  # the public site is https: whatever this hop was
    ],
)
def test_secure_follows_https(tmp_path, base_url, scheme, secure):
    store, app = _plain_http_site(tmp_path, base_url)
    try:
        r = TestClient(app, base_url=f"{scheme}://testserver").get("/newsletter/")
        assert r.status_code == 200 and check_cookies(r, secure) == 1
    finally:
        store.close()
