"""The corrections pages through the FastAPI app over a real store: a reader's report, the editor's sign-in, queue
and decisions, the public correction (article note, /corrections/, its feed, JSON-LD), and each way a post is
refused (CSRF missing or wrong, rate limit, size, bad input, wrong passwords and the lockout)."""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET

from html_check import dangers, json_ld
from corrections_support import PASSWORD, SLUG, add_editor, csrf_of, current_sentence, login, make_site, report

ATOM = "{http://www.w3.org/2005/Atom}"


def test_the_story_page_links_every_sentence_to_the_report_form(tmp_path):
    site = make_site(tmp_path)
    page = site.client.get(f"/story/{SLUG}/").text
    links = re.findall(r'href="\.\./\.\./report/\?story=([^"&]+)(?:&amp;s=(\d+))?"', page)
    assert ("council-approves-bridge", "") in links  # the article as a whole
    assert sorted(int(s) for _, s in links if s) == [0, 1, 2, 3, 4]  # headline, lede and the three sentences
    form = site.client.get(f"/report/?story={SLUG}&s=3")
    assert form.status_code == 200 and "Engineers found corrosion" in form.text
    assert form.headers["cache-control"] == "no-store" and "noindex" in form.text
    assert site.client.get(f"/report/?story={SLUG}&s=99").status_code == 400
    assert site.client.get("/report/?story=no-such-story&s=1").status_code == 404
    assert site.client.get("/report/?story=../../etc/passwd").status_code == 404
    site.close()


def test_a_report_is_stored_and_never_published(tmp_path):
    site = make_site(tmp_path)
    r = report(site, wrong="It says 48 billion.\r\n\r\n\r\n\r\nIt is\u202e 52.\x00", email=" Reader@Example.org ")
    assert r.status_code == 200 and "Thank you" in r.text
    [rep] = site.store.reports()
    assert rep.sentence == "The mayor said the work would cost 48 billion forints." and rep.sentence_index == 2
    assert rep.wrong == "It says 48 billion.\n\nIt is 52."  # controls and bidi overrides gone, blank lines cut
    assert rep.email == "Reader@example.org" and rep.origin == "reader" and rep.status == "open"
    assert rep.evidence == ("https://courier.example/2",)
    for path in ("/", f"/story/{SLUG}/", "/corrections/", "/corrections/feed.xml", "/feed.xml"):
        assert "It says 48 billion" not in site.client.get(path).text
    site.close()


def test_bad_fields_get_the_form_back_with_every_error(tmp_path):
    site = make_site(tmp_path)
    r = report(
        site,
        category="made-up",
        wrong="",
        right="x" * 1001,
        email="not an address",
        evidence=["javascript:alert(1)", "https://ok.example/", "ftp://x.example/", "https://4.example/"],
    )
    assert r.status_code == 400
    for words in (
        "Choose what kind of error",
        "Say what is wrong",
        "at most 1,000 characters",
        "at most 3 links",
        "does not look like an e-mail address",
    ):
        assert words in r.text, words
    assert 'value="javascript:alert(1)"' in r.text and '<a href="javascript' not in r.text
    assert dangers(r.text) == []
    assert site.store.reports() == []
    r = report(site, evidence=["https://a.example/", "javascript:alert(1)"])
    assert r.status_code == 400 and "web address starting with http" in r.text
    site.close()


def test_csrf_missing_or_wrong_is_refused(tmp_path):
    site = make_site(tmp_path)
    form = site.client.get(f"/report/?story={SLUG}&s=2")
    token = csrf_of(form.text)
    data = {"story": SLUG, "s": "2", "category": "other", "wrong": "x"}
    assert site.client.post("/report/", data=data).status_code == 403  # no token
    assert site.client.post("/report/", data={**data, "csrf": token[:-2] + "xx"}).status_code == 403  # altered
    other = make_site(tmp_path / "other")  # a token another site (another secret) signed
    foreign = csrf_of(other.client.get(f"/report/?story={SLUG}").text)
    assert site.client.post("/report/", data={**data, "csrf": foreign}).status_code == 403
    login_token = csrf_of(site.client.get("/editor/login/").text)  # made for another form
    assert site.client.post("/report/", data={**data, "csrf": login_token}).status_code == 403
    site.client.cookies.clear()  # the token without the cookie it is bound to
    assert site.client.post("/report/", data={**data, "csrf": token}).status_code == 403
    assert site.store.reports() == []
    # the editor's forms too
    add_editor(site)
    assert login(site).status_code == 303
    page = site.client.get("/editor/")
    assert site.client.post("/editor/logout/", data={"x": ""}).status_code == 403
    assert site.client.post("/editor/logout/", data={"csrf": csrf_of(page.text) + "x"}).status_code == 403
    assert site.client.get("/editor/").status_code == 200  # still signed in
    report(site, s=2)
    rid = site.store.reports()[0].id
    token = csrf_of(site.client.get(f"/editor/report/{rid}/").text)
    decision = {
        "s": "2",
        "action": "replace",
        "text": "The mayor said the work would cost 52 billion forints.",
        "note": "n",
        "before": current_sentence(site, 2),
        "reason": "r",
        "refetch": "1",
    }
    for path in ("check", "accept", "reject"):
        assert site.client.post(f"/editor/report/{rid}/{path}/", data=decision).status_code == 403, path
        assert (
            site.client.post(f"/editor/report/{rid}/{path}/", data={**decision, "csrf": token[::-1]}).status_code == 403
        ), path
    assert site.checker.calls == 0 and site.store.report(rid).status == "open" and site.store.corrections() == []
    other.close()
    site.close()


def test_a_flood_of_reports_is_rate_limited(tmp_path):
    site = make_site(tmp_path)
    burst = site.svc.limiter.burst
    codes = [report(site, wrong=f"report {i}").status_code for i in range(burst + 3)]
    assert codes[:burst] == [200] * burst and set(codes[burst:]) == {429}
    r = report(site, wrong="one more")
    assert r.status_code == 429 and int(r.headers["retry-after"]) >= 1
    assert len(site.store.reports()) == burst
    site.close()


def test_the_honeypot_is_answered_as_if_it_worked_and_ignored(tmp_path):
    site = make_site(tmp_path)
    r = report(site, website="http://spam.example/")
    assert r.status_code == 200 and "Thank you" in r.text
    assert site.store.reports() == []
    site.close()


def test_too_long_a_post_is_refused(tmp_path):
    site = make_site(tmp_path)
    r = report(site, wrong="x" * 50_000)
    assert r.status_code == 413 and site.store.reports() == []
    site.close()


def test_editor_pages_need_a_sign_in(tmp_path):
    site = make_site(tmp_path)
    report(site)
    for path in ("/editor/", "/editor/report/1/", "/editor/audit/"):
        r = site.client.get(path, follow_redirects=False)
        assert r.status_code == 303 and r.headers["location"] == "/editor/login/", path
    form = site.client.get("/editor/login/").text
    for path in ("/editor/report/1/reject/", "/editor/report/1/check/", "/editor/report/1/accept/"):
        r = site.client.post(
            path, data={"csrf": csrf_of(form), "reason": "x", "action": "remove", "s": "2", "note": "n"}
        )
        assert r.status_code == 403, path
    site.client.cookies.set("copydesk_editor", "forged-token", path="/editor/")
    assert site.client.get("/editor/", follow_redirects=False).status_code == 303
    assert site.store.reports()[0].status == "open"
    site.close()


def test_session_cookie_flags_logout_and_disabled_accounts(tmp_path):
    site = make_site(tmp_path)
    add_editor(site)
    r = login(site)
    assert r.status_code == 303 and r.headers["location"] == "/editor/"
    cookie = next(h for h in r.headers.get_list("set-cookie") if h.startswith("copydesk_editor="))
    flags = {p.strip().split("=")[0].lower() for p in cookie.split(";")}
    assert {"httponly", "secure", "samesite", "max-age", "path"} <= flags
    assert "samesite=strict" in cookie.lower() and "path=/editor/" in cookie.lower()
    token = cookie.split(";")[0].split("=", 1)[1]
    assert token not in json.dumps([e.detail for e in site.store.audit_log()])
    page = site.client.get("/editor/")
    assert page.status_code == 200 and "Signed in as" in page.text
    r = site.client.post("/editor/logout/", data={"csrf": csrf_of(page.text)}, follow_redirects=False)
    assert r.status_code == 303
    site.client.cookies.set("copydesk_editor", token, path="/editor/")  # the old cookie no longer works
    assert site.client.get("/editor/", follow_redirects=False).status_code == 303
    assert login(site).status_code == 303
    assert site.client.get("/editor/").status_code == 200
    site.store.disable("ann")
    assert site.client.get("/editor/", follow_redirects=False).status_code == 303  # the session ended
    assert login(site).status_code == 403  # and no new one
    site.close()


def test_a_wrong_password_never_signs_in_and_the_account_locks(tmp_path):
    site = make_site(tmp_path)
    add_editor(site)
    site.svc.login_limiter.burst = 10_000  # the general rate limit of form posts is tested elsewhere
    limit = site.svc.max_failures
    for i in range(limit):
        r = login(site, password=PASSWORD + str(i))
        assert r.status_code == 403 and "copydesk_editor" not in r.headers.get("set-cookie", "")
        assert "name or the password is wrong" in r.text
    r = login(site)  # the right password, but locked
    assert r.status_code == 403 and "copydesk_editor=" not in r.headers.get("set-cookie", "")
    [ann] = site.store.editors()
    assert ann.locked_until is not None
    actions = [e.action for e in site.store.audit_log()]
    assert actions.count("login-failed") == limit - 1 and actions.count("login-locked") == 1
    assert "login" not in actions
    # a name without an account locks the same way, and answers the same words
    for i in range(limit):
        assert "name or the password is wrong" in login(site, name="nobody", password="x" * 12).text
    site.close()


def test_a_client_that_fails_too_often_is_refused(tmp_path):
    site = make_site(tmp_path, extra="")
    site.svc.login_limiter.burst = 10_000  # only the failure counter is under test
    n = site.svc.clients.limit
    for i in range(n):
        login(site, name=f"guess{i}", password="y" * 12)
    add_editor(site)
    r = login(site)
    assert r.status_code == 429 and "copydesk_editor=" not in r.headers.get("set-cookie", "")
    site.close()


def _open_report(site, s=2):
    report(site, s=s, email="")
    return site.store.reports()[-1].id


def _decide(site, rid, path, **data):
    page = site.client.get(f"/editor/report/{rid}/")
    assert page.status_code == 200
    return site.client.post(f"/editor/report/{rid}/{path}/", data={"csrf": csrf_of(page.text), **data})


def test_accepting_checks_the_sentence_then_publishes_the_correction_everywhere(tmp_path):
    site = make_site(tmp_path)
    add_editor(site)
    rid = _open_report(site)
    login(site)
    queue = site.client.get("/editor/")
    assert f"/editor/report/{rid}/" in queue.text
    detail = site.client.get(f"/editor/report/{rid}/")
    assert "The cost is wrong." in detail.text and "Harbour Gazette" in detail.text  # the report and provenance
    assert "https://gazette.example/1" in detail.text and "River Courier" in detail.text  # the story's sources
    new = "The mayor said the work would cost 52 billion forints."
    note = "We gave the wrong cost."
    # check: the gate's verdict is shown, nothing changes yet
    r = _decide(site, rid, "check", s="2", action="replace", text=new, note=note)
    assert r.status_code == 200 and "passes the checks" in r.text and site.checker.calls == 1
    assert current_sentence(site, 2).startswith("The mayor said the work would cost 48")
    assert site.store.reports()[0].status == "open"
    # a replacement that fails the gate cannot be published, even posted straight to accept
    bad = _decide(site, rid, "check", s="2", action="replace", text="UNSUPPORTED claim.", note=note)
    assert bad.status_code == 422 and "fails the checks" in bad.text and "/accept/" not in bad.text
    before = current_sentence(site, 2)
    bad = _decide(site, rid, "accept", s="2", action="replace", text="UNSUPPORTED claim.", note=note, before=before)
    assert bad.status_code == 422 and site.store.corrections() == []
    # accept: checked again, then published
    r = _decide(site, rid, "accept", s="2", action="replace", text=new, note=note, before=before)
    assert r.status_code == 200 and "Correction published" in r.text, r.text
    assert site.checker.calls == 4
    assert current_sentence(site, 2) == new
    [c] = site.store.corrections()
    assert (c.before, c.after.text, c.note, c.editor) == (before, new, note, "ann")
    assert site.store.report(rid).status == "accepted"
    revs = site.desk.store.revisions("story1")
    assert revs[-1].reason == "correction" and revs[-1].note == note and revs[-1].editor == "ann"
    assert c.revision == revs[-1].n
    # public: the article, /corrections/, the feed, the JSON-LD
    page = site.client.get(f"/story/{SLUG}/").text
    assert new in page and f'id="correction-{c.id}"' in page and note in page and before in page
    # the dateline says the story was corrected, and when, beside when it was reported
    meta = page[page.index('<p class="meta">') :]
    meta = meta[: meta.index("</p>")]
    assert 'class="corrected" href="#corrections-heading">Corrected <time datetime="' in meta, meta
    [ld] = json_ld(page)
    [comment] = ld["correction"]
    assert comment["@type"] == "CorrectionComment" and note in comment["text"]
    assert ld["dateModified"] == comment["datePublished"]
    log = site.client.get("/corrections/").text
    assert note in log and f"../story/{SLUG}/#correction-{c.id}" in log
    feed = ET.fromstring(site.client.get("/corrections/feed.xml").content)
    [entry] = feed.findall(f"{ATOM}entry")
    assert note in entry.find(f"{ATOM}summary").text
    assert entry.find(f"{ATOM}link").get("href").endswith(f"/story/{SLUG}/#correction-{c.id}")
    # ... and the JSON API: the export's story file and /api/v1 (validated against its OpenAPI models)
    for path in (f"/api/story/{SLUG}.json", f"/api/v1/stories/{SLUG}"):
        [cj] = site.client.get(path).json()["corrections"]
        assert (cj["before"], cj["after"], cj["note"], cj["revision"]) == (before, new, note, c.revision), path
    # deciding twice is refused
    assert _decide(site, rid, "reject", reason="too late").status_code == 409
    audit = site.client.get("/editor/audit/").text
    for action in ("login", "check", "accept"):
        assert f"<td>{action}</td>" in audit, action
    site.close()


def test_removing_a_sentence_and_rejecting_a_report(tmp_path):
    site = make_site(tmp_path)
    add_editor(site)
    login(site)
    rid = _open_report(site, s=4)
    r = _decide(
        site,
        rid,
        "accept",
        s="4",
        action="remove",
        text="",
        note="The restriction was not announced.",
        before=current_sentence(site, 4),
    )
    assert r.status_code == 200
    page = site.client.get(f"/story/{SLUG}/").text
    assert "That sentence has been removed." in page
    assert "<p>Traffic will be limited to buses and trams from March.</p>" not in page  # gone from the text
    assert '<q class="was">Traffic will be limited' in page  # and quoted in the correction note
    rid2 = _open_report(site, s=1)
    r = _decide(site, rid2, "accept", s="1", action="remove", text="", note="n", before=current_sentence(site, 1))
    assert r.status_code == 409 and "replaced, not removed" in r.text
    assert _decide(site, rid2, "reject", reason="").status_code == 400
    assert _decide(site, rid2, "reject", reason="The sources agree with the story.").status_code == 200
    assert site.store.report(rid2).status == "rejected"
    assert len(site.store.corrections()) == 1
    site.close()


def test_the_reporter_is_mailed_and_the_address_then_forgotten(tmp_path, smtp):
    site = make_site(tmp_path, smtp.port)
    add_editor(site)
    login(site)
    report(site, s=2, email="reader@example.org")
    rid = site.store.reports()[-1].id
    new = "The mayor said the work would cost 52 billion forints."
    _decide(
        site,
        rid,
        "accept",
        s="2",
        action="replace",
        text=new,
        note="We gave the wrong cost.",
        before=current_sentence(site, 2),
    )
    [msg] = smtp.recorder.parsed()
    assert msg["To"] == "reader@example.org" and msg["From"].addresses[0].addr_spec == "corrections@post.example"
    body = msg.get_body(("plain",)).get_content()
    assert new in body and "We gave the wrong cost." in body
    assert f"https://post.example/story/{SLUG}/#correction-" in body
    assert site.store.report(rid).email is None
    assert "mail-sent" in [e.action for e in site.store.audit_log()]
    report(site, s=3, email="other@example.org")
    rid = site.store.reports()[-1].id
    _decide(site, rid, "reject", reason="The sources say so.")
    assert smtp.recorder.recipients()[-1] == "other@example.org"
    assert "The sources say so." in smtp.recorder.parsed()[-1].get_body(("plain",)).get_content()
    site.close()


def test_a_mail_server_that_is_down_does_not_undo_the_correction(tmp_path):
    from smtpserver import free_port

    site = make_site(tmp_path, free_port())  # nothing listens there
    add_editor(site)
    login(site)
    report(site, s=2, email="reader@example.org")
    rid = site.store.reports()[-1].id
    r = _decide(site, rid, "accept", s="2", action="remove", text="", note="n", before=current_sentence(site, 2))
    assert r.status_code == 200 and len(site.store.corrections()) == 1
    assert "mail-failed" in [e.action for e in site.store.audit_log()]
    assert site.store.report(rid).email == "reader@example.org"  # kept: the reporter was not answered yet
    site.close()


def test_every_corrections_url_is_documented(tmp_path):
    from pathlib import Path

    doc = (Path(__file__).resolve().parents[2] / "docs" / "CLI.md").read_text(encoding="utf-8")
    site = make_site(tmp_path)

    def walk(routes):
        for r in routes:
            yield getattr(r, "path", None) or ""
            inner = getattr(r, "original_router", None) or r  # FastAPI 0.165 wraps an included router
            yield from walk(getattr(inner, "routes", None) or [])

    paths = {re.sub(r"\{(\w+)\}", r"<\1>", p) for p in walk(site.client.app.routes)}
    ours = {p for p in paths if p.startswith(("/report/", "/editor/", "/corrections/"))}
    assert {"/report/", "/editor/", "/editor/report/<report_id>/accept/", "/corrections/feed.xml"} <= ours
    for path in ours:
        assert f"| `{path}` |" in doc, f"docs/CLI.md: served URL `{path}` is not documented"
    site.close()


def test_a_merged_story_carries_the_corrections_of_the_story_it_absorbed(tmp_path):
    from dataclasses import replace

    from copydesk.corrections.apply import text_sentences
    from corrections_support import story
    from served import publish

    site = make_site(tmp_path)
    add_editor(site)
    rid = _open_report(site)
    login(site)
    new, note = "The mayor said the work would cost 52 billion forints.", "We gave the wrong cost."
    before = current_sentence(site, 2)
    assert _decide(site, rid, "accept", s="2", action="replace", text=new, note=note, before=before).status_code == 200
    [c] = site.store.corrections()
    pending = _open_report(site, s=3)  # a report still open when the story is merged
    # A second story about the same event absorbs the corrected one (its sources and its address move over).
    other = replace(
        story(),
        story_id="story2",
        slug="bridge-rebuild-plan-approved",
        headline=replace(story().headline, text="Bridge rebuild plan approved"),
    )
    publish(site.desk.store, other)
    site.desk.store.merge_stories("story1", "story2")
    site.svc.on_change()
    old = site.client.get(f"/story/{SLUG}/", follow_redirects=False)
    assert old.status_code == 301 and old.headers["location"] == "/story/bridge-rebuild-plan-approved/"
    page = site.client.get(old.headers["location"]).text
    assert f'id="correction-{c.id}"' in page and note in page and before in page
    [ld] = json_ld(page)
    [comment] = ld["correction"]
    assert comment["url"].endswith(f"/story/bridge-rebuild-plan-approved/#correction-{c.id}")
    assert ld["dateModified"] == comment["datePublished"]
    log = site.client.get("/corrections/").text
    assert f"../story/bridge-rebuild-plan-approved/#correction-{c.id}" in log and f"../story/{SLUG}/" not in log
    assert "Bridge rebuild plan approved" in log
    feed = ET.fromstring(site.client.get("/corrections/feed.xml").content)
    [entry] = feed.findall(f"{ATOM}entry")
    assert entry.find(f"{ATOM}link").get("href").endswith(f"/story/bridge-rebuild-plan-approved/#correction-{c.id}")
    # the story's JSON lists it (without a revision number: that was the absorbed story's)
    [cj] = site.client.get("/api/v1/stories/bridge-rebuild-plan-approved").json()["corrections"]
    assert (cj["before"], cj["after"], cj["revision"]) == (before, new, None)
    # a rewrite of the survivor applies the absorbed story's correction again
    [standing] = site.store.standing("story2")
    assert (standing.before, standing.after.text) == (before, new)
    # the report still open is about the survivor now: the queue and the report page show it, and it can be decided
    assert "Bridge rebuild plan approved" in site.client.get("/editor/").text
    detail = site.client.get(f"/editor/report/{pending}/").text
    assert "story/bridge-rebuild-plan-approved/" in detail and "no longer published" not in detail
    gone = "Engineers found corrosion in the main cables last spring."
    r = _decide(site, pending, "accept", s="3", action="remove", text="", note="Not in any source.", before=gone)
    assert r.status_code == 200 and "Correction published" in r.text, r.text
    assert [(x.story_id, x.before) for x in site.store.corrections()][-1] == ("story2", gone)
    assert gone not in [s.text for s in text_sentences(site.store.written_story("story2"))]
    site.close()


def test_the_log_keeps_the_correction_of_a_story_no_longer_published(tmp_path):
    site = make_site(tmp_path)
    add_editor(site)
    rid = _open_report(site)
    login(site)
    note, before = "We gave the wrong cost.", current_sentence(site, 2)
    assert (
        _decide(
            site,
            rid,
            "accept",
            s="2",
            action="replace",
            note=note,
            before=before,
            text="The mayor said the work would cost 52 billion forints.",
        ).status_code
        == 200
    )
    [c] = site.store.corrections()
    site.desk.store.hold_story("story1", "held: withdrawn for the test")
    site.svc.on_change()
    assert site.client.get(f"/story/{SLUG}/").status_code == 404
    log = site.client.get("/corrections/").text
    assert f'id="correction-{c.id}"' in log and note in log and before in log
    assert "Council approves plan to rebuild the bridge" in log and "no longer published" in log
    assert f"story/{SLUG}/" not in log  # no link to a page that is gone
    feed = ET.fromstring(site.client.get("/corrections/feed.xml").content)
    [entry] = feed.findall(f"{ATOM}entry")
    assert entry.find(f"{ATOM}link").get("href") == f"https://post.example/corrections/#correction-{c.id}"
    site.close()
