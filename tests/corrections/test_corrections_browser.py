"""The whole corrections loop in Chromium against the real served site (issue 15 part 6).

`copydesk serve` runs as a separate process on 127.0.0.1 over a data directory filled the way a publisher fills it
(`copydesk import`: two outlets that give the bridge's cost differently; `copydesk editor add --password-stdin`),
with `corrections.enabled` and the reporter's mail going to a real SMTP server on loopback (aiosmtpd). A reader
reports a sentence; a forged post (no CSRF token, or a wrong one) is refused; an editor signs in after a wrong
password, opens the report beside the sentence and its sources, tries a correction the gate refuses (a figure no
source gives), then one it accepts, and publishes it; the correction shows on the article, in its JSON-LD, on
/corrections/ and in the corrections feed, and the reporter gets a mail. A second account locks after its limit of
wrong passwords and then refuses the right one. Screenshots of every step are kept under the test's temporary
folder (`--basetemp` keeps them as artefacts).
"""

from __future__ import annotations

import json
from html import escape
import os
import subprocess
import sys
import time
import urllib.request
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from browser import chromium_page
from copydesk.config import render_config
from html_check import dangers, json_ld
from testsupport import outlet_toml

pytestmark = [pytest.mark.slow, pytest.mark.timeout(600)]

smtpserver = pytest.importorskip("smtpserver", reason="aiosmtpd is missing (pip install '.[test]')")

DAY = "2026-12-03"
PASSWORD = "a long enough passphrase"
GAZETTE = (
    "The city council approved a plan on Tuesday to rebuild the Chain Bridge over the Danube by 2029. The mayor "
    "said the work would cost 48 billion forints and close one lane at a time. Engineers found corrosion in the "
    "bridge's main cables during an inspection last spring. The council's opposition groups voted against the "
    "plan, saying the cost estimate was too low."
)
COURIER = (
    "Budapest's city council voted on Tuesday to renovate the Chain Bridge, with the work to be finished by "
    "2029. According to the mayor, the renovation will cost 52 billion forints. Traffic on the bridge will be "
    "limited to buses and trams from March, the transport authority said. Inspectors discovered corroded "
    "cables on the bridge last spring."
)
WRONG = "48 billion forints"
FIXED = "According to the mayor, the renovation will cost 52 billion forints."
NOTE = "The story gave the cost as 48 billion forints; the mayor's office gives 52 billion."


def _articles() -> list[dict]:
    return [
        {
            "url": "https://gazette.example.org/bridge",
            "title": "Council approves plan to rebuild the Chain Bridge",
            "outlet": "Harbour Gazette",
            "published": f"{DAY}T06:00:00Z",
            "language": "en",
            "text": GAZETTE,
        },
        {
            "url": "https://courier.example.org/bridge",
            "title": "Chain Bridge renovation approved by council",
            "outlet": "River Courier",
            "published": f"{DAY}T07:00:00Z",
            "language": "en",
            "text": COURIER,
        },
    ]


def _cli(*args: str, env: dict, cwd: Path, stdin: str | None = None) -> subprocess.CompletedProcess:
    out = subprocess.run(
        [sys.executable, "-m", "copydesk", *args],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
        input=stdin,
    )
    assert out.returncode == 0, (args, out.stdout[-2000:], out.stderr[-3000:])
    return out


def _free_port() -> int:
    return smtpserver.free_port()


def _get(url: str) -> tuple[int, bytes]:
    try:
        with urllib.request.urlopen(url, timeout=10) as r:
            return r.status, r.read()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read()


def _wait_http(url: str, proc: subprocess.Popen, seconds: float = 60) -> None:
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        assert proc.poll() is None, proc.stderr.read().decode()[-3000:]
        try:
            if _get(url)[0] == 200:
                return
        except OSError:
            time.sleep(0.2)
    raise AssertionError(f"{url} did not answer")


def _wait_for(pred, what: str, seconds: float = 20):
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        got = pred()
        if got:
            return got
        time.sleep(0.1)
    raise AssertionError(f"timed out waiting for {what}")


def _config(base: str, smtp_port: int) -> str:
    head, tail = render_config(base_url=base + "/").split("\n[corrections]\n", 1)
    tail = tail.replace("enabled = false", "enabled = true", 1)
    tail = tail.replace('from_address = "corrections@localhost"', 'from_address = "corrections@post.example"', 1)
    tail = tail.replace("port = 25\n", f"port = {smtp_port}\n", 1)
    return head + "\n[corrections]\n" + tail


def test_a_reader_reports_an_editor_corrects_and_the_correction_is_public(tmp_path):
    shots = tmp_path / "screenshots"
    shots.mkdir()
    port = _free_port()
    base = f"http://127.0.0.1:{port}"
    with smtpserver.SmtpServer() as smtp:
        paper = tmp_path / "paper"
        paper.mkdir()
        (paper / "copydesk.toml").write_text(_config(base, smtp.port), encoding="utf-8")
        (paper / "sources.toml").write_text(
            outlet_toml("wire", "Wire Agency", "https://wire.test/feed"), encoding="utf-8"
        )
        lines = tmp_path / "articles.jsonl"
        lines.write_text("".join(json.dumps(a) + "\n" for a in _articles()), encoding="utf-8")
        env = {
            **os.environ,
            "COPYDESK_FORMS__SECRET_KEY": "corrections-" + "k" * 40,
            "COPYDESK_AUDIO__ENABLED": "false",
        }
        _cli("import", str(lines), env=env, cwd=paper)
        _cli("editor", "add", "ann", "--password-stdin", env=env, cwd=paper, stdin=PASSWORD + "\n")
        _cli("editor", "add", "bob", "--password-stdin", env=env, cwd=paper, stdin=PASSWORD + " too\n")
        server = subprocess.Popen(
            [sys.executable, "-m", "copydesk", "serve", "--port", str(port)],
            cwd=paper,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
        )
        try:
            _wait_http(base + "/healthz", server)
            [story] = json.loads(_get(base + "/api/stories.json")[1])["stories"]
            slug = story["slug"]
            with chromium_page(width=1200) as page:
                # a reader reports the sentence with the wrong figure, from the link under it
                page.goto(f"{base}/story/{slug}/")
                sentence = page.locator("div.sentence", has_text=WRONG)
                assert sentence.count() == 1
                before = sentence.locator("p").first.inner_text()
                sentence.locator("a", has_text="Report an error in this sentence").click()
                page.wait_for_load_state()
                assert "/report/" in page.url and before in page.locator("blockquote").inner_text()
                page.check("#category-wrong-figure")
                page.fill("#wrong", "The cost is 52 billion forints, not 48.")
                page.fill("#right", "52 billion forints, as the mayor's office says.")
                page.fill("#evidence-1", "https://courier.example.org/bridge")
                page.fill("#email", "reader@example.org")
                page.screenshot(path=str(shots / "1-report-form.png"), full_page=True)
                page.click("form.report-form button[type='submit']")
                page.wait_for_load_state()
                assert "Thank you" in page.locator("h1").inner_text()
                page.screenshot(path=str(shots / "2-thanks.png"), full_page=True)
                # forged posts: the browser's own cookies, but no token or a wrong one
                form = {"story": slug, "s": "2", "category": "other", "wrong": "forged"}
                assert page.request.post(base + "/report/", form=form).status == 403
                assert page.request.post(base + "/report/", form={**form, "csrf": "x.y.z"}).status == 403
                # the editor signs in (after a wrong password) and opens the queue
                page.goto(base + "/editor/")
                assert page.url.endswith("/editor/login/")
                page.fill("#name", "ann")
                page.fill("#password", PASSWORD + "!")
                page.click("form.editor-form button[type='submit']")
                page.wait_for_load_state()
                assert "password is wrong" in page.locator("#form-error").inner_text()
                page.fill("#name", "ann")
                page.fill("#password", PASSWORD)
                page.click("form.editor-form button[type='submit']")
                page.wait_for_load_state()
                assert page.url.endswith("/editor/") and "Signed in as" in page.locator("main").inner_text()
                assert page.context.cookies()[0]["httpOnly"] is True
                page.screenshot(path=str(shots / "3-queue.png"), full_page=True)
                page.locator("main table a", has_text="Report").first.click()
                page.wait_for_load_state()
                main = page.locator("main").inner_text()
                assert "The cost is 52 billion forints, not 48." in main and before in main
                assert "River Courier" in main and "Harbour Gazette" in main  # provenance and the sources
                page.screenshot(path=str(shots / "4-report.png"), full_page=True)
                # a figure no source gives fails the gate and cannot be published
                page.fill("#text", "The mayor said the work would cost 75 billion forints.")
                page.fill("#note", NOTE)
                page.click("form[action$='/check/'] button[type='submit']")
                page.wait_for_load_state()
                assert "fails the checks" in page.locator("#check-result").inner_text()
                assert "75 billion" in page.locator("#check-result").inner_text()
                assert page.locator("form[action$='/accept/']").count() == 0
                page.screenshot(path=str(shots / "5-check-fails.png"), full_page=True)
                page.go_back()
                page.wait_for_load_state()
                page.fill("#text", FIXED)
                page.fill("#note", NOTE)
                page.click("form[action$='/check/'] button[type='submit']")
                page.wait_for_load_state()
                assert "passes the checks" in page.locator("#check-result").inner_text()
                page.screenshot(path=str(shots / "6-check-passes.png"), full_page=True)
                assert f"<p>{escape(before)}</p>" in _get(f"{base}/story/{slug}/")[1].decode()  # nothing changed yet
                page.click("form[action$='/accept/'] button[type='submit']")
                page.wait_for_load_state()
                assert "Correction published" in page.locator("h1").inner_text()
                page.locator("main a", has_text="See the corrected story").click()
                page.wait_for_load_state()
                # the correction is public: on the article, in its JSON-LD, on /corrections/, in the feed
                notes = page.locator("section.corrections-notes")
                assert notes.is_visible() and NOTE in notes.inner_text() and FIXED in notes.inner_text()
                assert page.locator("div.sentence > p", has_text=WRONG).count() == 0
                html = page.content()
                assert dangers(html) == []
                [ld] = json_ld(html)
                [comment] = ld["correction"]
                assert comment["@type"] == "CorrectionComment" and NOTE in comment["text"]
                assert ld["dateModified"] == comment["datePublished"]
                page.screenshot(path=str(shots / "7-corrected-article.png"), full_page=True)
                page.goto(base + "/corrections/")
                assert NOTE in page.locator("main").inner_text()
                page.screenshot(path=str(shots / "8-corrections-page.png"), full_page=True)
                feed = ET.fromstring(_get(base + "/corrections/feed.xml")[1])
                entries = feed.findall("{http://www.w3.org/2005/Atom}entry")
                assert len(entries) == 1 and NOTE in entries[0].find("{http://www.w3.org/2005/Atom}summary").text
                page.goto(base + "/editor/audit/")
                audit = page.locator("main").inner_text()
                for action in ("login-failed", "login", "check", "accept", "mail-sent"):
                    assert f"\t{action}\t" in audit or f" {action} " in audit or action in audit, action
                page.screenshot(path=str(shots / "9-audit.png"), full_page=True)
                # the reporter's answer
                mail = _wait_for(
                    lambda: [m for m in smtp.recorder.parsed() if m["To"] == "reader@example.org"],
                    "the reporter's mail",
                )[0]
                body = mail.get_body(("plain",)).get_content()
                assert FIXED in body and f"{base}/story/{slug}/#correction-" in body
                # another editor locks after the limit, then the right password is refused too
                page.request.post(
                    base + "/editor/logout/",
                    form={
                        "csrf": page.locator("form[action$='/editor/logout/'] input[name='csrf']").get_attribute(
                            "value"
                        )
                    },
                )
                for i in range(5):
                    page.goto(base + "/editor/login/")
                    page.fill("#name", "bob")
                    page.fill("#password", f"not the password {i}")
                    page.click("form.editor-form button[type='submit']")
                    page.wait_for_load_state()
                    assert "/editor/login/" in page.url
                page.fill("#name", "bob")
                page.fill("#password", PASSWORD + " too")
                page.click("form.editor-form button[type='submit']")
                page.wait_for_load_state()
                assert "/editor/login/" in page.url and "locked" in page.locator("#form-error").inner_text()
                page.screenshot(path=str(shots / "10-locked.png"), full_page=True)
                expected = ("403", "422")  # the forged posts, the wrong passwords, the refused correction
                assert [
                    p for p in page.problems if not any(f"HTTP {c} " in p or f"status of {c} " in p for c in expected)
                ] == []
        finally:
            server.terminate()
            server.wait(timeout=10)
    listed = _cli("editor", "list", env=env, cwd=paper).stdout
    assert "ann\tactive" in listed and "bob\tactive" in listed
    assert all((shots / f).stat().st_size > 5_000 for f in os.listdir(shots))
