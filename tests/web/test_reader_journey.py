"""A reader's journey in Chromium against the real served site (issue 14 part 7).

`copydesk serve` runs as a separate process on 127.0.0.1 over a data directory filled the way a publisher fills
it (`copydesk import`, then `copydesk export`, which narrates), with the newsletter on and its mail going to a real
SMTP server on loopback (aiosmtpd). In one browser session a reader opens the home page, a section, an article,
reveals a sentence's sources, plays the narration (the element loads and has a duration), searches, subscribes,
receives the confirmation mail, confirms, receives a digest (`copydesk newsletter send`), and unsubscribes with one
click on the link the digest carries. Screenshots of every step are kept under the test's temporary folder
(`--basetemp` keeps them as artefacts).
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import time
import urllib.request
from datetime import datetime, timezone
from pathlib import Path

import pytest

from browser import chromium_page
from test_accessibility import FAILING
from copydesk.config import render_config
from testsupport import outlet_toml

pytestmark = [pytest.mark.slow, pytest.mark.timeout(900)]

smtpserver = pytest.importorskip("newsletter.smtpserver", reason="aiosmtpd is missing (pip install '.[test]')")

TODAY = datetime.now(timezone.utc).strftime("%Y-%m-%d")
ADDRESS = "reader@example.org"

_TEXT = (
    "The city council approved a plan on {day} to rebuild the {thing} over the Danube by 2029. The mayor said "
    "the work would cost 48 billion forints and close one lane at a time. Engineers found corrosion in the "
    "{thing}'s main cables during an inspection last spring. Traffic on the {thing} will be limited to "
    "buses and trams from March, the transport authority said. The council's opposition groups voted "
    "against the plan, saying the cost estimate was too low."
)


def _articles() -> list[dict]:
    rows = []
    for i, (outlet, thing) in enumerate(
        [("Harbour Gazette", "bridge"), ("River Courier", "bridge"), ("Harbour Gazette", "tunnel")]
    ):
        rows.append(
            {
                "url": f"https://{outlet.split()[0].lower()}.example.org/{TODAY}/story-{i}",
                "title": f"Council approves plan to rebuild the {thing} over the Danube",
                "outlet": outlet,
                "published": f"{TODAY}T0{6 + i}:00:00Z",
                "language": "en",
                "text": _TEXT.format(day="Tuesday", thing=thing) + (" " + "Officials said more." * i),
            }
        )
    return rows


def _free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _cli(*args: str, env: dict, cwd: Path) -> subprocess.CompletedProcess:
    out = subprocess.run(
        [sys.executable, "-m", "copydesk", *args], cwd=cwd, env=env, capture_output=True, text=True, timeout=600
    )
    assert out.returncode == 0, (args, out.stdout[-2000:], out.stderr[-3000:])
    return out


def _wait_http(url: str, proc: subprocess.Popen, seconds: float = 60) -> None:
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        assert proc.poll() is None, proc.stderr.read().decode()[-3000:]
        try:
            with urllib.request.urlopen(url, timeout=2) as r:
                if r.status == 200:
                    return
        except OSError:
            time.sleep(0.2)
    raise AssertionError(f"{url} did not answer")


def _mail_link(message, path: str) -> str:
    body = message.get_body(("plain",)).get_content()
    m = re.search(r"(http://127\.0\.0\.1:\d+/" + re.escape(path) + r"\?t=[A-Za-z0-9_.\-]+)", body)
    assert m, f"no {path} link in the mail: {body[:2000]}"
    return m.group(1)


def _wait_for(pred, what: str, seconds: float = 20):
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        got = pred()
        if got:
            return got
        time.sleep(0.1)
    raise AssertionError(f"timed out waiting for {what}")


def test_a_reader_reads_listens_searches_subscribes_and_unsubscribes(tmp_path):
    if shutil.which("espeak-ng") is None:
        pytest.skip("espeak-ng is missing (apt-get install espeak-ng; `make test` does this): no narration to play")
    shots = tmp_path / "screenshots"
    shots.mkdir()
    port = _free_port()
    base = f"http://127.0.0.1:{port}"
    with smtpserver.SmtpServer() as smtp:
        paper = tmp_path / "paper"
        paper.mkdir()
        cfg = render_config(base_url=base + "/")
        cfg = cfg.replace("enabled = false", "enabled = true", 1)  # [newsletter] is the first table off by default
        cfg = cfg.replace("port = 25\n", f"port = {smtp.port}\n", 1)
        (paper / "copydesk.toml").write_text(cfg, encoding="utf-8")
        (paper / "sources.toml").write_text(
            outlet_toml("wire", "Wire Agency", "https://wire.test/feed"), encoding="utf-8"
        )
        lines = tmp_path / "articles.jsonl"
        lines.write_text("".join(json.dumps(a) + "\n" for a in _articles()), encoding="utf-8")
        env = {**os.environ, "COPYDESK_FORMS__SECRET_KEY": "journey-" + "k" * 40}
        _cli("import", str(lines), env=env, cwd=paper)
        _cli("export", "--out", str(tmp_path / "site"), env=env, cwd=paper)  # narrates first
        server = subprocess.Popen(
            [sys.executable, "-m", "copydesk", "serve", "--port", str(port)],
            cwd=paper,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
        )
        try:
            _wait_http(base + "/healthz", server)
            axe_module = pytest.importorskip("axe_playwright_python.sync_playwright", reason="pip install '.[test]'")
            axe, violations = axe_module.Axe(), {}

            def check_accessibility(what: str) -> None:  # the served-only pages the export-based test cannot see
                found = [(v["id"], v["impact"]) for v in axe.run(page).response["violations"] if v["impact"] in FAILING]
                if found:
                    violations[what] = found

            with chromium_page(width=1200) as page:
                # home -> a section -> an article
                page.goto(base + "/")
                page.screenshot(path=str(shots / "1-home.png"), full_page=True)
                nav = page.locator("nav a[href*='section/']").first
                section_name = nav.inner_text().strip()
                nav.click()
                page.wait_for_load_state()
                assert "/section/" in page.url and section_name in page.locator("h1").first.inner_text()
                page.screenshot(path=str(shots / "2-section.png"), full_page=True)
                page.goto(base + "/")
                page.locator("main a[href*='story/']").first.click()
                page.wait_for_load_state()
                assert "/story/" in page.url
                headline = page.locator("h1").first.inner_text()
                # reveal a sentence's sources
                reveal = page.locator("details.sources-reveal").first
                assert reveal.get_attribute("open") is None
                reveal.locator("summary").click()
                assert reveal.get_attribute("open") is not None
                assert reveal.locator("a[href^='https://']").first.is_visible()
                page.screenshot(path=str(shots / "3-article-sources.png"), full_page=True)
                # play the narration: the element loads its MP3 and knows its duration
                audio = page.locator("audio").first
                assert audio.count() == 1, "the article has no audio player"
                duration = page.evaluate("""() => new Promise((ok, fail) => {
                    const a = document.querySelector('audio');
                    a.muted = true;
                    a.addEventListener('loadedmetadata', () => ok(a.duration), {once: true});
                    a.addEventListener('error', () => fail('audio error ' + (a.error && a.error.code)), {once: true});
                    a.play().catch(() => a.load());
                })""")
                assert 5 < duration < 600, duration
                # search from the header box
                box = page.locator("header input[type='search'], header input[name='q']").first
                box.fill("corrosion cables")
                box.press("Enter")
                page.wait_for_load_state()
                assert "/search/" in page.url
                assert page.locator("mark").count() >= 1
                assert headline in page.locator("main").inner_text()
                page.screenshot(path=str(shots / "4-search.png"), full_page=True)
                check_accessibility("search results")
                # subscribe
                page.goto(base + "/newsletter/")
                check_accessibility("newsletter form")
                page.fill("#email", ADDRESS)
                page.check("#all")
                page.click("form.signup-form button[type='submit']")
                page.wait_for_load_state()
                assert "Check your inbox" in page.locator("main").inner_text()
                confirm_mail = _wait_for(
                    lambda: [m for m in smtp.recorder.parsed() if "onfirm" in m["Subject"]], "the confirmation mail"
                )[0]
                assert confirm_mail["To"] == ADDRESS
                page.goto(_mail_link(confirm_mail, "newsletter/confirm/"))
                check_accessibility("confirm page")
                page.click("main form button[type='submit']")
                page.wait_for_load_state()
                assert "You are subscribed" in page.locator("main").inner_text()
                page.screenshot(path=str(shots / "5-subscribed.png"), full_page=True)
                # the digest
                _cli("newsletter", "send", "--date", TODAY, env=env, cwd=paper)
                digests = [m for m in smtp.recorder.parsed() if m.get("List-Unsubscribe")]
                assert len(digests) == 1, [m["Subject"] for m in smtp.recorder.parsed()]
                digest = digests[0]
                assert digest["To"] == ADDRESS and digest["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
                assert headline in digest.get_body(("plain",)).get_content()
                # unsubscribe with one click on the digest's link
                page.goto(_mail_link(digest, "newsletter/unsubscribe/"))
                page.click("main form button[type='submit']")
                page.wait_for_load_state()
                assert "You are unsubscribed" in page.locator("main").inner_text()
                page.screenshot(path=str(shots / "6-unsubscribed.png"), full_page=True)
                assert page.problems == [], page.problems
                assert not violations, violations
            listed = _cli("newsletter", "list", "--all", env=env, cwd=paper).stdout
            assert not _cli("newsletter", "list", env=env, cwd=paper).stdout.strip()  # no one confirmed is left
            assert ADDRESS in listed and "unsubscribed" in listed, listed
        finally:
            server.terminate()
            server.wait(timeout=10)
    assert all((shots / f).stat().st_size > 5_000 for f in os.listdir(shots))
