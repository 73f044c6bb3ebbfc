"""The story page's JSON-LD under the served Content-Security-Policy, in headless Chromium: the data block is not a
script the policy blocks (no violation is reported) while an inline script on the same server is, and the
browser reads the JSON-LD back as the story's data, hostile source text included."""

from __future__ import annotations

import contextlib
import socket
import threading
import time

from fastapi.responses import HTMLResponse

import sample_edition
from browser import chromium_page
from copydesk.web.app import create_app

#: Collects CSP violation reports from the page's start (an init script, which the page's CSP does not govern).
WATCH_CSP = """
window.__csp = [];
document.addEventListener("securitypolicyviolation", e => window.__csp.push(e.violatedDirective));
"""


@contextlib.contextmanager
def serve_app(app):
    """``app`` served by uvicorn on 127.0.0.1 (a free port) in a thread; yields the base URL."""
    import uvicorn

    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    server = uvicorn.Server(uvicorn.Config(app, log_level="warning", lifespan="off"))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started and time.monotonic() < deadline:
        time.sleep(0.05)
    try:
        yield f"http://127.0.0.1:{sock.getsockname()[1]}"
    finally:
        server.should_exit = True
        thread.join(10)
        sock.close()


def test_jsonld_is_allowed_by_the_csp_and_reads_back(tmp_path):
    edition = sample_edition.build_edition(sample_edition.hostile_strings())
    app = create_app(lambda: edition)

    @app.get("/csp-control/")
    def control():  # the same server and CSP, with an inline script that the policy must block
        return HTMLResponse("<!doctype html><title>x</title><script>window.ran = true</script>")

    with serve_app(app) as base, chromium_page() as page:
        page.add_init_script(WATCH_CSP)
        page.goto(base + "/csp-control/")
        page.wait_for_timeout(100)
        assert page.evaluate("window.__csp") == ["script-src-elem"] and page.evaluate("window.ran") is None
        page.problems.clear()  # the control's blocked script is logged as a console error, as it should be

        dialogs: list[str] = []
        page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
        for es in edition.stories[:3]:
            page.goto(f"{base}/story/{es.story.slug}/")
            page.wait_for_timeout(100)
            assert page.evaluate("window.__csp") == [], es.story.slug
            doc = page.evaluate(
                "JSON.parse(document.querySelector('script[type=\"application/ld+json\"]').textContent)"
            )
            assert doc["@type"] == "NewsArticle" and doc["headline"] == es.story.headline.text
            assert page.locator("h1").first.inner_text().strip() == es.story.headline.text.strip()
        page.screenshot(path=str(tmp_path / "hostile-story.png"), full_page=True)
        assert dialogs == [] and page.problems == [], page.problems
