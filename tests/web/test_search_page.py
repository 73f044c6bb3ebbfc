"""The search page and the search box (served over a real store: SQLite, and PostgreSQL when
COPYDESK_TEST_POSTGRES_URL is set), the static export's search page, and hostile queries."""

from __future__ import annotations

import random
from dataclasses import replace
from datetime import timedelta
from urllib.parse import parse_qs, urlsplit

import pytest
from fastapi.testclient import TestClient

import sample_edition
import served
from html_check import dangers, hrefs, malformed, parse
from copydesk.models import EditionStory
from copydesk.store.search import MARK_END, MARK_START, MAX_QUERY_CHARS
from copydesk.web import render
from copydesk.web.app import SECURITY_HEADERS, create_app
from copydesk.web.export import site_files

HOSTILE = sample_edition.hostile_strings()


def _edition(extra: int = 0):
    """The sample edition (hostile strings in its stories) plus ``extra`` plain stories about trams."""
    edition = sample_edition.build_edition(HOSTILE)
    base = edition.stories[1].story
    more = tuple(
        EditionStory(
            replace(
                base,
                story_id=f"t{i}",
                slug=f"tram-{i:02d}",
                headline=replace(base.headline, text=f"Tram line {i} opens"),
                updated=base.updated - timedelta(hours=i),
            )
        )
        for i in range(extra)
    )
    return replace(edition, stories=edition.stories + more)


@pytest.fixture(params=served.DATABASES)
def site(request, tmp_path):
    edition = _edition(extra=23)
    with served.store(request.param, tmp_path) as store:
        served.publish_edition(store, edition)
        yield edition, TestClient(create_app(lambda: edition, store.search))


def _results(html: str) -> list[str]:
    """The story links of a results page, in order."""
    main = html[html.index("<main") :]
    return [h for h in hrefs(main) if h.startswith("../story/")]


def test_search_ranks_marks_and_links(site):
    edition, client = site
    r = client.get("/search/", params={"q": "bridge"})
    assert r.status_code == 200 and r.headers["content-type"] == "text/html; charset=utf-8"
    assert dangers(r.text) == [] and malformed(r.text) == []
    links = _results(r.text)
    assert links[0] == "../story/chain-bridge-closes/"  # "Bridge" in the headline and throughout the text
    assert "<mark>Bridge</mark>" in r.text and "<mark>bridge</mark>" in r.text.lower()
    assert '<meta name="robots" content="noindex">' in r.text
    assert 'value="bridge"' in r.text  # the query stays in the box


def test_snippet_from_a_hostile_story_is_escaped_then_marked(site):
    edition, client = site
    hostile = edition.stories[2].story  # headline and sentences are XSS payloads
    word = next(w for w in hostile.lede.text.replace("<", " ").replace(">", " ").split() if w.isalpha())
    r = client.get("/search/", params={"q": word})
    assert r.status_code == 200 and dangers(r.text) == [] and malformed(r.text) == []
    assert "../story/hostile-story/" in _results(r.text)
    assert "<mark>" in r.text


def test_a_story_with_an_unsafe_slug_is_listed_without_a_link(site):
    _, client = site
    r = client.get("/search/", params={"q": "escaped"})
    assert r.status_code == 200 and dangers(r.text) == []
    assert not any("etc" in h for h in hrefs(r.text))


def test_paging(site):
    _, client = site
    first = client.get("/search/", params={"q": "tram"})
    assert "23 stories found; page 1 of 3." in first.text
    seen = []
    url = "/search/?q=tram"
    for expected in (10, 10, 3):
        page = client.get(url)
        assert page.status_code == 200 and malformed(page.text) == []
        got = _results(page.text)
        assert len(got) == expected
        seen += got
        nxt = [a["href"] for tag, a in parse(page.text).tags if tag == "a" and a.get("rel") == "next"]
        if not nxt:
            break
        query = parse_qs(urlsplit(nxt[0]).query)
        assert query["q"] == ["tram"]
        url = "/search/?" + urlsplit(nxt[0]).query
    assert len(seen) == len(set(seen)) == 23
    assert seen[:2] == ["../story/tram-00/", "../story/tram-01/"]  # equal relevance: newest first
    beyond = client.get("/search/", params={"q": "tram", "page": "9"})
    assert "No results on this page" in beyond.text and _results(beyond.text) == []
    for bad in ("-1", "0", "abc", "1e9", "99999999999999999999999", "\x00"):
        r = client.get("/search/", params={"q": "tram", "page": bad})
        assert r.status_code == 200 and malformed(r.text) == [], bad


def test_every_page_has_the_search_box_and_the_csp_allows_it(site):
    edition, client = site
    assert "form-action 'self'" in SECURITY_HEADERS["Content-Security-Policy"]
    for path in ("/", "/about/", "/section/budapest/", "/story/chain-bridge-closes/", "/nope", "/search/"):
        r = client.get(path)
        forms = [a for tag, a in parse(r.text).tags if tag == "form" and a.get("role") == "search"]
        assert forms and all(
            f["method"] == "get" and (f["action"].endswith("search/") or f["action"] == "./") for f in forms
        ), path
        assert r.headers["content-security-policy"] == SECURITY_HEADERS["Content-Security-Policy"]
        assert dangers(r.text) == [], path  # no script but the story page's JSON-LD data block


def test_empty_query_shows_the_form():
    edition = _edition()
    client = TestClient(create_app(lambda: edition, lambda q, p, n: pytest.fail("searched an empty query")))
    for q in ("", "   "):
        r = client.get("/search/", params={"q": q})
        assert r.status_code == 200 and "Type one or more words" in r.text


def test_without_a_store_and_in_the_export_search_says_it_needs_the_served_site():
    edition = _edition()
    r = TestClient(create_app(lambda: edition)).get("/search/", params={"q": "bridge"})
    assert r.status_code == 200 and render.SEARCH_UNAVAILABLE in r.text
    page = site_files(edition)["search/index.html"].decode()
    assert render.SEARCH_UNAVAILABLE in page and malformed(page) == [] and dangers(page) == []
    assert 'action="./search/"' in site_files(edition)["index.html"].decode()


def test_a_failing_store_is_a_503_page_not_a_crash():
    edition = _edition()

    def broken(q, page, per_page):
        from sqlalchemy.exc import OperationalError

        raise OperationalError("SELECT ...", {}, RuntimeError("database gone"))

    r = TestClient(create_app(lambda: edition, broken)).get("/search/", params={"q": "bridge"})
    assert r.status_code == 503 and render.SEARCH_FAILED in r.text and malformed(r.text) == []


def test_marked_escapes_before_marking():
    m = render.marked(f"<b>{MARK_START}a&b{MARK_END}</b> {MARK_END}x{MARK_START}y")
    assert str(m) == "&lt;b&gt;<mark>a&amp;b</mark>&lt;/b&gt; x<mark>y</mark>"
    assert render.plain(f"{MARK_START}a{MARK_END}") == "a"


# -- hostile queries: every one answered 200 with a well-formed, script-free page ---------------------------

NASTY = [
    "",
    '"',
    '"""',
    "*",
    "^",
    "AND",
    "OR",
    "NOT",
    "NEAR(bridge tram, 2)",
    "headline:bridge",
    "{headline}: x",
    '"unbalanced bridge',
    "bri*",
    "a\x00b",
    "\x00",
    "x" * 5000,
    "bridge " * 400,
    "😀",
    "\u200b",
    f"{MARK_START}bridge{MARK_END}",
    "Árvíztűrő tükörfúrógép",
    "Мост закрыт",
    "東京都知事",
    "서울에서",
    "جسر",
    "'; DROP TABLE stories; --",
    "%",
    "%00",
    "\\",
    "<script>alert(1)</script>",
    '"><img src=x onerror=alert(1)>',
    "javascript:alert(1)",
    "&amp;&lt;",
    "\t\n\r",
    "\u202e",
    "ﬁ",
    "bm25(story_search)",
    "rank",
    "q=1&page=2",
]


def _random_queries(n: int, seed: int = 14) -> list[str]:
    """Strings drawn from an alphabet of syntax characters, words, markers and other scripts."""
    rng = random.Random(seed)
    alphabet = [
        '"',
        "'",
        "*",
        "^",
        "(",
        ")",
        ":",
        "-",
        "+",
        "{",
        "}",
        " ",
        " ",
        "\x00",
        "\x01",
        "<",
        ">",
        "&",
        "AND",
        "OR",
        "NOT",
        "NEAR",
        "bridge",
        "tram",
        "Chain",
        "é",
        "ő",
        "Ж",
        "東",
        "京",
        "😀",
        MARK_START,
        MARK_END,
        "\u200b",
        "\ufffe",
        "%",
        "\\",
        ";",
        "NEAR/2",
        "col:",
    ]
    return ["".join(rng.choice(alphabet) for _ in range(rng.randint(1, 40))) for _ in range(n)]


def test_any_query_gives_a_well_formed_page(site):
    _, client = site
    queries = NASTY + _random_queries(150) + (HOSTILE or [])
    for q in queries:
        for page in ("1", "2"):
            r = client.get("/search/", params={"q": q, "page": page})
            assert r.status_code == 200, (q, r.status_code)
            assert dangers(r.text) == [] and malformed(r.text) == [], (q, dangers(r.text), malformed(r.text))
            box = [a for tag, a in parse(r.text).tags if tag == "input" and a.get("id") == "search-q"][0]
            assert len(box.get("value") or "") <= MAX_QUERY_CHARS


def test_the_header_box_keeps_the_query_and_the_page_title_escapes_it(site):
    _, client = site
    r = client.get("/search/", params={"q": '"><script>x</script>'})
    assert "<script>x" not in r.text and "&lt;script&gt;x" in r.text
