"""ingest/classify: real recorded pages (tests/data/pages, bench/data/pages) and title+text items as imports give
them. The quality floor runs a small fixed subset of bench/data/pages_labels.jsonl (skips without ../shared/data)."""

from __future__ import annotations

import gzip
import json
from pathlib import Path

import pytest

from copydesk.ingest.classify import KINDS, classify_page
from copydesk.ingest.extract import extract_article

TESTS = Path(__file__).resolve().parents[1]
REPO = TESTS.parent
PAGES = TESTS / "data" / "pages"
BENCH_PAGES = REPO / "bench" / "data" / "pages"


def verdict_of(path: Path, url: str = "https://example.org/story"):
    html = gzip.decompress(path.read_bytes())
    page = extract_article(html, url)
    return classify_page(url, page.title if page else "", page.text if page else "", html=html)


def test_real_articles_are_articles():
    for name in ("sciencealert-europa-plumes.html.gz", "aljazeera-afghanistan-crash.html.gz"):
        v = verdict_of(PAGES / name)
        assert v.kind == "article", (name, v)


def test_a_paywall_teaser_is_not_an_article():
    v = verdict_of(PAGES / "barrons-home-depot-paywall.html.gz")
    assert not v.is_article and v.kind in KINDS


@pytest.mark.parametrize(
    "name",
    [
        "cloudscraper-js_challenge_26_05_2020.html.gz",
        "cloudscraper-cf_recaptcha_15_04_2019.html.gz",
        "cloudscraper-js_challenge_05-03-2020.html.gz",
    ],
)
def test_real_bot_checks_are_error_pages(name):
    v = verdict_of(BENCH_PAGES / name)
    assert v.kind == "error-page", v


def test_a_real_home_page_is_an_index_page():
    v = verdict_of(BENCH_PAGES / "newspaper-cnn_main_site.html.gz", "http://edition.cnn.com/")
    assert v.kind == "index-page" and "headline links" in v.reason


def test_http_errors_are_error_pages_whatever_the_text():
    v = classify_page(
        "https://x.test/a", "A title", "A long enough sentence that would otherwise read as prose.", status=404
    )
    assert v.kind == "error-page" and "404" in v.reason


@pytest.mark.parametrize(
    "title,text,kind",
    [
        ("Yahoo", "Yahoo! - 999 Unable to process request at this time -- error 999", "error-page"),
        ("Page not found", "Sorry, the page you are looking for does not exist.", "error-page"),
        (
            "Member Center",
            "Member Center\nSign in to your account\nEmail or username\nForgot your password?",
            "login-wall",
        ),
        (
            "The Example Times",
            "Registering for The Example Times is free.\nAlready registered? Log in",
            "registration-wall",
        ),
        (
            "Before you continue to Yahoo",
            "We and our partners use cookies\nAccept all\nReject all\nManage privacy settings",
            "consent-wall",
        ),
        ("Anmelden", "Benutzername\nPasswort vergessen?\nAngemeldet bleiben\nJetzt anmelden", "login-wall"),
        ("Az oldal nem található", "404\nAz oldal nem található.", "error-page"),
        ("Opinion", "Opinion\nBy Jane Doe\nContinue reading\nPhoto: John Roe/Reuters", "chrome-only"),
        ("A title", "", "empty"),
    ],
)
def test_title_and_text_only(title, text, kind):
    v = classify_page("https://x.test/a", title, text)
    assert v.kind == kind, v


def test_an_import_with_one_real_sentence_is_an_article():
    v = classify_page(
        "https://x.test/a",
        "Bridge closes",
        "The city council voted on Tuesday to close the old bridge for eighteen months of repairs.",
    )
    assert v.is_article


def test_an_article_about_errors_or_logins_stays_an_article():
    text = (
        "Thousands of users saw an error page on Monday when the bank's login service failed for six hours. "
        "Customers who tried to sign in were told the page could not be found, the bank said in a statement. "
        "Engineers restored the service by the evening and said no accounts had been accessed by anyone else. "
        "The bank apologised and said it would refund any fees caused by the outage, which began at 9 a.m."
    )
    v = classify_page("https://x.test/bank-outage", "Bank login outage: customers see 'page not found'", text)
    assert v.is_article, v


def test_odd_input_never_raises():
    for html in (b"", b"\x00\xff", b"<html>", "<p>unicode é</p>"):
        assert classify_page("", "", "", html=html).kind in KINDS


# -- quality floor on a small fixed subset --------------------------------------------------------------------


def _subset():
    rows = [json.loads(x) for x in (REPO / "bench" / "data" / "pages_labels.jsonl").read_text().splitlines() if x]
    scored = [r for r in rows if r["label"] != "excluded" and r["split"] == "test"]
    # the first 24 articles and every non-article of the test split, in file order
    return [r for r in scored if r["label"] == "article"][:24] + [r for r in scored if r["label"] != "article"]


def test_floor_on_labelled_pages(shared_data):
    import sys

    sys.path.insert(0, str(REPO / "bench"))
    from pages import page_bytes, score  # bench/pages.py

    truth, ours, base = [], [], []
    for row in _subset():
        html = page_bytes(row, shared_data)
        page = extract_article(html, row["url"] if row["url"].startswith("http") else "https://example.org/")
        text, title = (page.text, page.title or "") if page else ("", "")
        truth.append(row["label"] == "article")
        ours.append(classify_page(row["url"], title, text, html=html).is_article)
        base.append(bool(text))
    got, baseline = score(truth, ours), score(truth, base)
    # floors from the run of 2026-12-04 on this subset; lowering one is a visible, explained commit
    assert got["article_precision"] >= 0.95
    assert got["non_article_recall"] >= 0.85
    assert got["non_article_recall"] > baseline["non_article_recall"] + 0.5


# -- second pass: real pages of more kinds (bench/data/pages, origin in its README) -----------------------------


@pytest.mark.parametrize(
    "name,url",
    [
        ("htmldate-cache-bayern.de.html.gz", "https://bayern.de/"),
        ("htmldate-cache-stuttgart.de.html.gz", "http://www.stuttgart.de/"),
        ("htmldate-cache-deutschland.de.en.html.gz", "https://www.deutschland.de/en"),
        ("newspaper4k-html-wired_main_site.html.gz", "https://www.wired.com/"),
        ("htmldate-cache-austria.info.html.gz", "https://www.austria.info/"),  # og:type "article" on a home page
        ("htmldate-cache-blog.wordpress.com.html.gz", "https://en.blog.wordpress.com/"),  # 13 headline links
    ],
)
def test_real_home_pages_with_teaser_prose_are_index_pages(name, url):
    # these carry 500-4,000 characters of teaser prose: the prose bound alone let them through
    v = verdict_of(BENCH_PAGES / name, url)
    assert v.kind == "index-page", v


def test_the_same_home_page_under_an_article_url_needs_its_structure():
    # without the root URL the Bavarian portal has no listing markup: the verdict rests on the URL, so an article
    # URL must not make every link-heavy page an index page
    v = verdict_of(BENCH_PAGES / "htmldate-cache-bayern.de.html.gz", "https://bayern.de/2018/05/some-story/")
    assert v.kind == "article", v


def test_a_declared_listing_page_is_an_index_page():
    v = verdict_of(
        BENCH_PAGES / "htmldate-test_set-1579141678.html.gz",
        "http://feedproxy.google.com/~r/NoticiaAlDia/~3/_k8dJ5xnwYw/",
    )
    assert v.kind == "index-page" and "collectionpage" in v.reason, v


def test_a_front_page_marked_og_article_but_declared_a_collection_is_an_index_page():
    v = verdict_of(BENCH_PAGES / "readability-nytimes-5.html.gz", "https://www.nytimes.com/es/")
    assert v.kind == "index-page", v
    # the listing markup decides, not the URL
    v = verdict_of(BENCH_PAGES / "readability-nytimes-5.html.gz", "https://www.nytimes.com/es/2022/02/03/a.html")
    assert v.kind == "index-page" and "collectionpage" in v.reason, v


def test_a_real_section_page_is_an_index_page():
    v = verdict_of(
        BENCH_PAGES / "trafilatura-cache-chip.de.tests.html.gz",
        "https://www.chip.de/tests/akkuschrauber-werkzeug-co,82197",
    )
    assert v.kind == "index-page", v


@pytest.mark.parametrize(
    "name",
    [
        "htmldate-test_set-1685765130.html.gz",  # Incapsula "Request unsuccessful"
        "htmldate-eval-thelocal.se.tattooed.html.gz",  # Project Shield interstitial
        "cloudscraper-js_challenge_02_11_2021.html.gz",
    ],
)  # challenge with 544 chars
def test_real_block_pages_are_not_articles(name):
    v = verdict_of(BENCH_PAGES / name)
    assert not v.is_article, v


def test_incapsula_block_wording_is_an_error_page():
    v = classify_page("https://x.test/a", "", "Request unsuccessful. Incapsula incident ID: 703000160143928249-19")
    assert v.kind == "error-page", v


@pytest.mark.parametrize(
    "name", ["htmldate-eval-camping.info-ligurien.html.gz", "htmldate-eval-wevolver.com.vehicle.html.gz"]
)
def test_real_script_shells_are_empty(name):
    v = verdict_of(BENCH_PAGES / name)
    assert v.kind == "empty", v


@pytest.mark.parametrize(
    "name",
    [
        "newspaper4k-html-thai_article.html.gz",
        "newspaper4k-html-burmese_article.html.gz",
        "fundus-resources-parser-test_data-kr-MBN_2025_06_03.html.gz",
    ],
)
def test_real_thai_burmese_korean_articles_are_articles(name):
    v = verdict_of(BENCH_PAGES / name)
    assert v.kind == "article", v


def test_a_recaptcha_footer_does_not_make_an_article_an_error_page():
    v = verdict_of(
        BENCH_PAGES / "htmldate-eval-northernirelandworld.com-theft.html.gz",
        "https://www.northernirelandworld.com/news/crime/woman-fined-for-theft-of-cat-treats",
    )
    assert v.kind != "error-page", v


# -- third pass: real consent interstitials, login pages and live blogs (bench/data/pages, origin in its README) --


@pytest.mark.parametrize(
    "name,url",
    [
        ("embed-www.google.es.maps-place-tordoia-2024.html.gz", "https://www.google.es/maps/place/Tordoia"),  # Spanish
        ("embed-www.youtube.com.watch.878f5352-2021.html.gz", "https://www.youtube.com/watch?v=eiHXASgRTcA"),
        (
            "youtube-transcript-api-youtube_consent_page.html.gz",
            "https://www.youtube.com/watch?v=GJLlxj_dtq8",
        ),  # German
    ],
)
def test_real_consent_interstitials_are_consent_walls(name, url):
    # each explains cookies in 771-862 characters of prose: more than MIN_PROSE_CHARS, so only the consent title
    # and wording tell them from a short article
    v = verdict_of(BENCH_PAGES / name, url)
    assert v.kind == "consent-wall", v


def test_a_consent_title_alone_does_not_make_a_wall():
    text = (
        "Before you continue reading, the minister said on Tuesday, know that the bridge will close for repairs. "
        "The council approved the closure after engineers found cracks in two of the supporting piers last month."
    )
    v = classify_page("https://x.test/bridge", "Before you continue: the bridge closes in May", text)
    assert v.is_article, v


def test_a_page_without_a_declared_charset_is_read_as_utf8():
    # lxml alone reads undeclared bytes as Latin-1 ("sesiÃ³n"); the visible text must keep the accents
    from copydesk.ingest.classify import page_signals

    sig = page_signals("<html><body><p>Iniciar sesión antes de ir a Google</p></body></html>".encode("utf-8"))
    assert "sesión" in sig.visible_text


@pytest.mark.parametrize(
    "name,url",
    [
        ("embed-snipplr.com.view-72914.html.gz", "http://snipplr.com/view/72914/better-html-5-basic-starter-template"),
        (
            "embed-www.meetup.com.es-gpul-labs-events-248885422.html.gz",
            "https://www.meetup.com/es/gpul-labs/events/248885422/",
        ),
    ],
)
def test_real_login_pages_are_login_walls(name, url):
    v = verdict_of(BENCH_PAGES / name, url)
    assert v.kind == "login-wall", v


@pytest.mark.parametrize(
    "name",
    ["fundus-resources-parser-test_data-uk-TheGuardian_2023_05_15.html.gz", "htmldate-test_set-1727473717.html.gz"],
)
def test_live_blogs_with_their_updates_in_the_page_are_articles(name):
    # LiveBlogPosting pages whose updates are in the served HTML (the second is thin: a toss and a preview)
    v = verdict_of(BENCH_PAGES / name, "https://example.org/live/story")
    assert v.is_article, v
