"""The narration in a real browser: Chromium loads the story page's <audio> from the served app (under its
Content-Security-Policy) and finds the duration the page states."""

from __future__ import annotations

import contextlib
import socket
import threading
import time

import pytest

import sample_edition
from audiosupport import Counts, need_espeak
from browser import chromium_page
from copydesk.audio.engines import load_engine
from copydesk.audio.publish import AudioLibrary, AudioOptions, attach, narrate_edition
from copydesk.web.app import create_app


@contextlib.contextmanager
def serve_app(app):
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
        thread.join(5)


@pytest.fixture(scope="module")
def narrated(tmp_path_factory):
    need_espeak()
    lib = AudioLibrary(tmp_path_factory.mktemp("audio"))
    edition = sample_edition.build_edition()
    narrate_edition(edition, lib, load_engine("espeak-ng", "", 1.0), AudioOptions(), Counts())
    return attach(edition, lib, AudioOptions())


def test_the_player_loads_the_narration_and_knows_its_duration(narrated, tmp_path):
    n = narrated.audio["s1"]
    with serve_app(create_app(lambda: narrated)) as base, chromium_page() as page:
        page.goto(base + "/story/chain-bridge-closes/")
        player = page.locator("audio")
        assert player.count() == 1 and player.get_attribute("preload") == "none"
        assert page.get_by_role("link", name="Transcript (plain text)").is_visible()
        # preload="none": nothing is fetched until the reader asks; load() is what pressing play starts with
        duration = page.evaluate("""() => new Promise((resolve, reject) => {
            const a = document.querySelector('audio');
            a.addEventListener('loadedmetadata', () => resolve(a.duration));
            a.addEventListener('error', () => reject(new Error('media error ' + (a.error && a.error.code))));
            a.load();
        })""")
        page.screenshot(path=str(tmp_path / "story-audio.png"))
        assert page.problems == [], page.problems
    assert duration == pytest.approx(n.duration_s, abs=0.3)
