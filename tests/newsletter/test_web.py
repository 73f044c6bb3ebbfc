"""The newsletter's pages through the FastAPI app, against a real SMTP server on loopback (aiosmtpd): the whole
double opt-in journey, and each way a form post is refused."""

from __future__ import annotations

import os
import stat

import pytest

import sample_edition
from helpers import csrf_of, link_in, make_app
from copydesk.store.newsletter import NewsletterStore
from copydesk.web.app import SECURITY_HEADERS
from copydesk.web.export import site_files


@pytest.fixture(scope="module")
def edition():
    return sample_edition.build_edition()


def _subscribe(client, email="Reader@Example.org", sections=("budapest",), all_=False, source="section:budapest"):
    form = client.get(f"/newsletter/?section=budapest&from={source}")
    assert form.status_code == 200
    data = {"csrf": csrf_of(form.text), "from": source, "email": email, "website": "", "section": list(sections)}
    if all_:
        data["all"] = "1"
    return client.post("/newsletter/", data=data)


def test_double_opt_in_journey(tmp_path, smtp, edition):
    settings, store, svc, client = make_app(tmp_path, smtp.port, edition)
    nl = NewsletterStore(store)
    # the secret was generated into the data directory, readable by its owner only
    assert stat.S_IMODE(os.stat(settings.secret_path).st_mode) == 0o600

    r = _subscribe(client)
    assert r.status_code == 200 and "Check your inbox" in r.text
    assert nl.subscribers() == []  # nothing stored before confirmation
    [mail] = smtp.recorder.parsed()
    assert mail["To"] == "Reader@example.org"  # the domain normalised by email-validator
    assert "List-Unsubscribe" not in mail
    confirm = link_in(mail, "newsletter/confirm/")

    page = client.get(confirm)  # opening the link confirms nothing (mail scanners open links)
    assert page.status_code == 200 and "Confirm subscription" in page.text
    assert nl.subscribers() == []
    r = client.post("/newsletter/confirm/", data={"csrf": csrf_of(page.text), "t": confirm.split("t=")[1]})
    assert r.status_code == 200 and "You are subscribed" in r.text
    [sub] = nl.subscribers()
    assert sub.email == "Reader@example.org" and not sub.all_sections and sub.sections == ("budapest",)
    assert sub.consent_source == "signup-form via section:budapest" and sub.consent_at is not None
    # the link works once: a second confirmation changes nothing
    again = client.post("/newsletter/confirm/", data={"csrf": csrf_of(page.text), "t": confirm.split("t=")[1]})
    assert again.status_code == 200 and nl.subscribers()[0].consent_at == sub.consent_at

    # Re-subscribing an existing address answers exactly as for a new one, and mails a confirmation again
    existing = _subscribe(client, email="reader@example.org", sections=("europe",), source="home")
    fresh = _subscribe(client, email="other@example.org", sections=("europe",), source="home")
    assert existing.status_code == fresh.status_code == 200
    assert existing.text == fresh.text
    assert len(smtp.recorder.messages) == 3
    # ...and confirming it records the new consent and sections
    mail = smtp.recorder.parsed()[1]
    page = client.get(link_in(mail, "newsletter/confirm/"))
    client.post(
        "/newsletter/confirm/",
        data={"csrf": csrf_of(page.text), "t": link_in(mail, "newsletter/confirm/").split("t=")[1]},
    )
    got = nl.by_email("reader@example.org")
    assert got.sections == ("europe",) and got.consent_source == "signup-form via home" and got.id == sub.id


def test_one_click_unsubscribe_and_the_confirm_page(tmp_path, smtp, edition):
    settings, store, svc, client = make_app(tmp_path, smtp.port, edition)
    nl = NewsletterStore(store)
    r = _subscribe(client, email="a@example.org")
    mail = smtp.recorder.parsed()[0]
    t = link_in(mail, "newsletter/confirm/").split("t=")[1]
    page = client.get(f"/newsletter/confirm/?t={t}")
    client.post("/newsletter/confirm/", data={"csrf": csrf_of(page.text), "t": t})
    [sub] = nl.subscribers()
    url = f"/newsletter/unsubscribe/?t={svc.tokens.unsubscribe_token(sub.id)}"

    # GET shows a button and unsubscribes nothing
    page = client.get(url)
    assert page.status_code == 200 and "<button" in page.text and nl.subscribers() != []
    # RFC 8058: a POST of exactly List-Unsubscribe=One-Click, from a client with no cookie and no CSRF token
    client.cookies.clear()
    r = client.post(
        url, content=b"List-Unsubscribe=One-Click", headers={"Content-Type": "application/x-www-form-urlencoded"}
    )
    assert r.status_code == 200, r.text
    assert nl.subscribers() == [] and nl.by_email("a@example.org").unsubscribe_source == "one-click"
    # multipart, as some providers send it, is accepted too (idempotent)
    r = client.post(url, files={"List-Unsubscribe": (None, "One-Click")})
    assert r.status_code == 200
    # a forged token is refused
    r = client.post(
        url[:-3] + "xyz",
        content=b"List-Unsubscribe=One-Click",
        headers={"Content-Type": "application/x-www-form-urlencoded"},
    )
    assert r.status_code == 400 and "does not work" in r.text


def test_unsubscribe_button_needs_csrf(tmp_path, smtp, edition):
    settings, store, svc, client = make_app(tmp_path, smtp.port, edition)
    nl = NewsletterStore(store)
    assert nl.request_confirmation("h", "n", "test", limit=9, window=__import__("datetime").timedelta(days=1))
    _, sub = nl.confirm("n", "b@example.org", True, (), "test")
    url = f"/newsletter/unsubscribe/?t={svc.tokens.unsubscribe_token(sub.id)}"
    page = client.get(url)
    assert client.post(url, data={"t": "x"}).status_code == 403  # no token: not the one-click body either
    assert nl.subscribers() != []
    r = client.post(url, data={"csrf": csrf_of(page.text)})
    assert r.status_code == 200 and nl.by_email("b@example.org").unsubscribe_source == "link"


@pytest.mark.parametrize("token", [None, "garbage", "wrong-form"])
def test_csrf_rejected(tmp_path, smtp, edition, token):
    settings, store, svc, client = make_app(tmp_path, smtp.port, edition)
    form = client.get("/newsletter/")
    fields = {"email": "x@example.org", "all": "1", "from": "home"}
    if token == "garbage":
        fields["csrf"] = csrf_of(form.text)[:-4] + "AAAA"
    elif token == "wrong-form":  # a token issued for another form of the same browser
        fields["csrf"] = _token_for_other_form(svc, client)
    r = client.post("/newsletter/", data=fields)
    assert r.status_code == 403
    assert smtp.recorder.messages == []


def _token_for_other_form(svc, client):
    from starlette.requests import Request

    cookie = client.cookies.get("copydesk_csrf")
    scope = {"type": "http", "headers": [(b"cookie", f"copydesk_csrf={cookie}".encode())]}
    token, same = svc.csrf.issue(Request(scope), "confirm")
    assert same == cookie
    return token


def test_csrf_cookie_missing(tmp_path, smtp, edition):
    settings, store, svc, client = make_app(tmp_path, smtp.port, edition)
    token = csrf_of(client.get("/newsletter/").text)
    client.cookies.clear()
    r = client.post("/newsletter/", data={"csrf": token, "email": "x@example.org", "all": "1"})
    assert r.status_code == 403 and "cookie" in r.text
    assert smtp.recorder.messages == []


def test_rate_limit_per_client(tmp_path, smtp, edition):
    now = [0.0]
    settings, store, svc, client = make_app(tmp_path, smtp.port, edition, clock=lambda: now[0])
    burst = settings.forms.rate_burst
    token = csrf_of(client.get("/newsletter/").text)
    codes = [
        client.post("/newsletter/", data={"csrf": token, "email": "not an address"}).status_code
        for _ in range(burst + 2)
    ]
    assert codes[:burst] == [400] * burst and codes[burst:] == [429, 429]
    r = client.post("/newsletter/", data={"csrf": token, "email": "x"})
    assert int(r.headers["Retry-After"]) >= 1
    now[0] += 60.0 / settings.forms.rate_per_minute  # one token back after its interval
    assert client.post("/newsletter/", data={"csrf": token, "email": "x"}).status_code == 400
    assert client.post("/newsletter/", data={"csrf": token, "email": "x"}).status_code == 429


@pytest.mark.parametrize(
    "address, says",
    [
        ("no-at-sign", "must have an @-sign"),
        ("a@b", "should have a period"),
        ("", "Please enter"),
        ("x" * 300 + "@example.org", "longer than"),
        ("a b@example.org", "invalid characters"),
    ],
)
def test_bad_address_is_refused_with_a_clear_message(tmp_path, smtp, edition, address, says):
    settings, store, svc, client = make_app(tmp_path, smtp.port, edition)
    token = csrf_of(client.get("/newsletter/").text)
    r = client.post("/newsletter/", data={"csrf": token, "email": address, "all": "1"})
    assert r.status_code == 400
    assert 'role="alert"' in r.text and says in r.text, r.text
    assert smtp.recorder.messages == []


def test_no_section_chosen(tmp_path, smtp, edition):
    settings, store, svc, client = make_app(tmp_path, smtp.port, edition)
    token = csrf_of(client.get("/newsletter/").text)
    r = client.post("/newsletter/", data={"csrf": token, "email": "a@example.org", "section": "no-such"})
    assert r.status_code == 400 and "Choose at least one section" in r.text
    assert smtp.recorder.messages == []


def test_honeypot(tmp_path, smtp, edition):
    settings, store, svc, client = make_app(tmp_path, smtp.port, edition)
    token = csrf_of(client.get("/newsletter/").text)
    r = client.post(
        "/newsletter/", data={"csrf": token, "email": "bot@example.org", "all": "1", "website": "http://spam.example/"}
    )
    assert r.status_code == 200 and "Check your inbox" in r.text  # the robot learns nothing
    assert smtp.recorder.messages == []


def test_size_limit_and_content_type(tmp_path, smtp, edition):
    settings, store, svc, client = make_app(tmp_path, smtp.port, edition)
    token = csrf_of(client.get("/newsletter/").text)
    big = {"csrf": token, "email": "a@example.org", "all": "1", "pad": "x" * settings.forms.max_body_bytes}
    assert client.post("/newsletter/", data=big).status_code == 413
    r = client.post("/newsletter/", content=b'{"email": "a@example.org"}', headers={"Content-Type": "application/json"})
    assert r.status_code == 415
    assert smtp.recorder.messages == []


def test_confirmation_mails_per_address_are_capped(tmp_path, smtp, edition):
    from copydesk.newsletter.web import CONFIRM_LIMIT

    settings, store, svc, client = make_app(tmp_path, smtp.port, edition)
    token = csrf_of(client.get("/newsletter/").text)
    pages = [
        client.post("/newsletter/", data={"csrf": token, "email": "victim@example.org", "all": "1"}).text
        for _ in range(CONFIRM_LIMIT + 2)
    ]
    assert len(set(pages)) == 1  # the same answer whether or not a mail went
    assert len(smtp.recorder.messages) == CONFIRM_LIMIT


def test_expired_and_forged_confirmation_links(tmp_path, smtp, edition):
    settings, store, svc, client = make_app(tmp_path, smtp.port, edition)
    req = svc.tokens.confirm_token("a@example.org", True, (), "home")
    token = svc.tokens.dump_confirm(req)
    svc.tokens.confirm_max_age_s = -1  # every token is now too old
    r = client.get(f"/newsletter/confirm/?t={token}")
    assert r.status_code == 400 and "expired" in r.text
    assert client.get("/newsletter/confirm/?t=" + token[:-2] + "zz").status_code == 400


def test_signup_box_served_not_exported(tmp_path, smtp, edition):
    settings, store, svc, client = make_app(tmp_path, smtp.port, edition)
    for path, expect in [
        ("/", "from=home"),
        ("/section/budapest/", "section=budapest&amp;from=section%3Abudapest"),
        ("/story/chain-bridge-closes/", "section=budapest&amp;from=story%3Achain-bridge-closes"),
    ]:
        r = client.get(path)
        assert 'class="newsletter-box"' in r.text and expect in r.text, path
        assert r.headers["Content-Security-Policy"] == SECURITY_HEADERS["Content-Security-Policy"]
    assert "form-action 'self'" in SECURITY_HEADERS["Content-Security-Policy"]
    files = site_files(edition)
    assert not any(b"newsletter" in data for name, data in files.items() if name.endswith(".html"))
    assert not any(name.startswith("newsletter") for name in files)
    # the preselected section and the source reach the form
    form = client.get("/newsletter/?section=budapest&from=section:budapest").text
    assert 'value="budapest" checked' in form and 'name="from" value="section:budapest"' in form
    assert 'name="from" value="direct"' in client.get("/newsletter/?from=<script>").text
