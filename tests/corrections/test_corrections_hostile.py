"""Hostile strings from the shared corpus (``hostile/html_sanitizer``, ``sql_injection``, ``path_traversal``) posted
into every field of every form: the reader's report, the editor's sign-in, rejection and correction. The database
stays intact (SQLite's integrity check, the row counts the posts should have made, the tables all there) and every
page that shows them renders them inert (``html_check.dangers``). Skips, saying why, when the corpus is absent."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import inspect, text

from html_check import dangers, malformed
from corrections_support import SLUG, add_editor, csrf_of, login, make_site, report
from testsupport import shared_data

#: Payloads taken from each list: enough to cover the kinds (script, handlers, URLs, quotes, comments, NUL bytes,
#: encodings) while keeping the test to seconds.
PER_FILE = 6


def _lines(path, n=PER_FILE) -> list[str]:
    out = []
    for line in path.read_text(encoding="utf-8", errors="replace").splitlines():
        if line.strip() and not line.startswith("#"):
            out.append(line)
        if len(out) >= n:
            break
    return out


def _payloads() -> list[str]:
    root = shared_data("hostile")
    picked: list[str] = []
    for category in ("html_sanitizer", "sql_injection", "path_traversal"):
        folder = root / category
        if not folder.exists():
            pytest.skip(f"evaluation data not present: {folder}")
        for path in sorted(folder.rglob("*.txt")) + sorted(
            p for p in folder.rglob("*") if p.is_file() and not p.suffix and p.name != "README"
        ):
            picked += _lines(path)
    owasp = root / "html_sanitizer" / "owasp_cheatsheets" / "xss_filter_evasion_vectors.jsonl"
    if owasp.exists():
        picked += [json.loads(x)["payload"] for x in owasp.read_text(encoding="utf-8").splitlines()[:20]]
    picked += [
        "\x00\x01\x1b[31m<b>NUL</b>",
        "\u202eevil\u202c",
        "'; DROP TABLE correction_reports; --",
        "../../../../etc/passwd%00",
        "</textarea><script>alert(1)</script>",
    ]
    return list(dict.fromkeys(picked))


def _counts(site) -> dict[str, int]:
    with site.desk.store.engine.connect() as c:
        return {
            t: c.execute(text(f"SELECT count(*) FROM {t}")).scalar_one()
            for t in ("stories", "correction_reports", "corrections", "editors", "editor_audit")
        }


def _intact(site) -> None:
    with site.desk.store.engine.connect() as c:
        assert c.execute(text("PRAGMA integrity_check")).scalar_one() == "ok"
    tables = set(inspect(site.desk.store.engine).get_table_names())
    assert {
        "stories",
        "articles",
        "correction_reports",
        "corrections",
        "editors",
        "editor_sessions",
        "editor_audit",
        "story_revisions",
    } <= tables


def _inert(html: str, where: str) -> None:
    assert dangers(html) == [], (where, dangers(html)[:5])
    assert malformed(html) == [], (where, malformed(html)[:5])


def test_hostile_strings_in_every_report_field_leave_the_database_intact_and_render_inert(tmp_path):
    payloads = _payloads()
    assert len(payloads) > 100
    site = make_site(tmp_path, extra="")
    site.svc.limiter.burst = 100_000  # the rate limit is tested elsewhere; here every post must be read
    add_editor(site)
    stored = 0
    for i, p in enumerate(payloads):
        fields = dict(category=p, wrong=p, right=p, evidence=[p, p[:100], "https://ok.example/" + p[:50]], email=p)
        r = report(site, s=i % 5, **fields)  # every field hostile: refused with the form back, or stored
        assert r.status_code in (200, 400), (p, r.status_code)
        _inert(r.text, f"report answer for {p!r}")
        stored += r.status_code == 200 and "Thank you" in r.text
        r = report(site, s=i % 5, wrong=p, right=p, evidence=["https://ok.example/x"], email="")  # storable
        assert r.status_code in (200, 400), (p, r.status_code)
        _inert(r.text, f"report answer for {p!r}")
        stored += r.status_code == 200 and "Thank you" in r.text
        # the hidden fields too: story slug and sentence index
        page = site.client.get(f"/report/?story={SLUG}")
        r = site.client.post(
            "/report/", data={"csrf": csrf_of(page.text), "story": p, "s": p, "category": "other", "wrong": "x"}
        )
        assert r.status_code in (400, 404) and dangers(r.text) == []
        assert site.client.get("/report/", params={"story": p, "s": p}).status_code in (400, 404)
    assert stored > 0
    counts = _counts(site)
    assert counts["correction_reports"] == stored and counts["stories"] == 1 and counts["corrections"] == 0
    _intact(site)
    # every stored report shown to an editor: inert
    assert login(site).status_code == 303
    _inert(site.client.get("/editor/").text, "queue")
    for rep in site.store.reports()[:60]:
        _inert(site.client.get(f"/editor/report/{rep.id}/").text, f"report {rep.id}")
    # nothing of it reaches a public page
    for path in ("/", f"/story/{SLUG}/", "/corrections/"):
        page = site.client.get(path).text
        _inert(page, path)
        assert "Thank you" not in page
    site.close()


def test_hostile_strings_in_the_sign_in_and_the_editors_forms(tmp_path):
    payloads = _payloads()[::3]
    site = make_site(tmp_path)
    site.svc.limiter.burst = site.svc.login_limiter.burst = 100_000
    site.svc.clients.limit = site.svc.unknown_names.limit = 100_000
    add_editor(site)
    for p in payloads:
        r = login(site, name=p, password=p)
        assert r.status_code in (403, 413) and "copydesk_editor=" not in r.headers.get("set-cookie", "")
        _inert(r.text, f"sign-in answer for {p!r}")
    assert [e.name for e in site.store.editors()] == ["ann"]
    assert login(site).status_code == 303
    report(site, s=2)
    rid = site.store.reports()[0].id
    for p in payloads:
        page = site.client.get(f"/editor/report/{rid}/")
        token = csrf_of(page.text)
        for path, data in (
            ("check", dict(s=p, action=p, text=p, note=p, refetch=p)),
            ("check", dict(s="2", action="replace", text=p, note=p)),
            ("accept", dict(s="2", action="remove", text=p, note="", before=p)),
            ("reject", dict(reason="\x00" if len(p) % 2 else "  ")),
        ):
            r = site.client.post(f"/editor/report/{rid}/{path}/", data={"csrf": token, **data})
            assert r.status_code in (200, 400, 409, 422), (path, p, r.status_code)
            _inert(r.text, f"{path} answer for {p!r}")
    assert site.store.corrections() == [] and site.store.report(rid).status == "open"
    # a replacement made of a payload that passes the (fake) gate is published escaped
    p = "<img src=x onerror=alert(1)> costs 52'; DROP TABLE corrections; --"
    page = site.client.get(f"/editor/report/{rid}/")
    r = site.client.post(
        f"/editor/report/{rid}/accept/",
        data={
            "csrf": csrf_of(page.text),
            "s": "2",
            "action": "replace",
            "text": p,
            "note": p,
            "before": "The mayor said the work would cost 48 billion forints.",
        },
    )
    assert r.status_code == 200, r.text
    for path in (f"/story/{SLUG}/", "/corrections/", "/editor/audit/"):
        _inert(site.client.get(path).text, path)
    assert b"<img" not in site.client.get("/corrections/feed.xml").content
    assert _counts(site)["corrections"] == 1
    _intact(site)
    site.close()
