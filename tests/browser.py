"""Chromium for tests: Debian's /usr/bin/chromium driven by Playwright (never `playwright install`), and a static
folder served on 127.0.0.1. `make test` installs chromium when it is missing; elsewhere browser tests skip with the
reason, or fail when COPYDESK_REQUIRE_SERVICES=1 (CI)."""

from __future__ import annotations

import contextlib
import functools
import os
import shutil
import threading
from collections.abc import Iterator
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
#: Flags that keep Chromium off the network and quiet on a machine with no display (see ../shared/NOTES.md).
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


def need_chromium() -> None:
    """Skip (or fail in CI) when Chromium or Playwright is missing."""
    missing = []
    if not Path(CHROMIUM).exists():
        missing.append("chromium (Debian: apt-get install chromium; `make test` does this)")
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        missing.append("playwright (pip install '.[test]')")
    if missing:
        reason = "browser test needs " + " and ".join(missing)
        if os.environ.get("COPYDESK_REQUIRE_SERVICES") == "1":
            pytest.fail(reason)
        pytest.skip(reason)


class _Quiet(SimpleHTTPRequestHandler):
    def log_message(self, format, *args):  # noqa: A002 - http.server's signature
        pass


@contextlib.contextmanager
def serve_dir(folder: Path) -> Iterator[str]:
    """Serve ``folder`` on 127.0.0.1 (a free port); yields the base URL."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_Quiet, directory=str(folder)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


@contextlib.contextmanager
def chromium_page(width: int = 1200, height: int = 900):
    """A fresh Playwright page in headless Debian Chromium; console errors and off-machine requests are recorded
    on ``page.problems``."""
    need_chromium()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(viewport={"width": width, "height": height})
            problems: list[str] = []
            page.on("console", lambda m: problems.append(f"console {m.type}: {m.text}") if m.type == "error" else None)
            page.on(
                "request",
                lambda r: (
                    problems.append(f"off-machine request {r.url}")
                    if not r.url.startswith(("http://127.0.0.1", "data:", "about:"))
                    else None
                ),
            )
            page.on("response", lambda r: problems.append(f"HTTP {r.status} for {r.url}") if r.status >= 400 else None)
            page.problems = problems  # type: ignore[attr-defined]
            yield page
        finally:
            browser.close()
