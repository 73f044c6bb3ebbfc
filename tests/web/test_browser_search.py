"""Search in a real browser: the served app (uvicorn on 127.0.0.1 over a SQLite store) in headless Chromium. A
reader types into the masthead's search box and submits it; the site's Content-Security-Policy must let the
form through (`form-action 'self'`) and the results page must show the hits with the matched words marked."""

from __future__ import annotations

import contextlib
import socket
import threading
import time
from collections.abc import Iterator

import sample_edition
import served
from browser import chromium_page
from copydesk.web.app import create_app


@contextlib.contextmanager
def serve_app(app) -> Iterator[str]:
    import uvicorn

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started and time.monotonic() < deadline:
        time.sleep(0.05)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(10)


def test_a_reader_searches_from_the_masthead(tmp_path):
    edition = sample_edition.build_edition(sample_edition.hostile_strings())
    with served.store("sqlite", tmp_path) as store:
        served.publish_edition(store, edition)
        with serve_app(create_app(lambda: edition, store.search)) as base, chromium_page() as page:
            dialogs = []
            page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
            page.goto(base + "/story/mayor-visits-vienna/")
            page.get_by_role("searchbox", name="Search stories").fill("bridge repairs")
            page.keyboard.press("Enter")
            page.wait_for_url("**/search/?q=bridge+repairs", timeout=10_000)
            first = page.locator("main .search-results li").first
            assert "Chain Bridge" in first.locator("h2").inner_text()
            assert page.locator("main .search-results mark").count() >= 2
            page.screenshot(path=str(tmp_path / "search.png"), full_page=True)
            first.locator("h2 a").click()
            page.wait_for_url("**/story/chain-bridge-closes/", timeout=10_000)
            page.goto(base + "/search/?q=%22%3E%3Cscript%3Ealert(1)%3C/script%3E")
            page.wait_for_timeout(200)
            assert dialogs == [] and page.problems == [], page.problems
