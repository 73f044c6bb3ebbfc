"""End to end: `copydesk demo --corpus wikinews --no-serve` on the bundled Wikinews corpus, then the pages it wrote
(the default corpus, statements, is tested in test_demo_statements.py)."""

from __future__ import annotations

import html
import json
import re
import subprocess
import sys
from datetime import UTC, datetime
from html.parser import HTMLParser
from importlib import resources
from pathlib import Path

import pytest

from copydesk.neutral import neutralize
from copydesk.models import WrittenSentence
from copydesk.write.assemble import without_attribution

pytestmark = [pytest.mark.slow, pytest.mark.timeout(900)]


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    d = tmp_path_factory.mktemp("demo")
    out = subprocess.run(
        [sys.executable, "-m", "copydesk", "demo", "--corpus", "wikinews", "--no-serve", "--data-dir", str(d)],
        capture_output=True,
        text=True,
        timeout=900,
    )
    assert out.returncode == 0, out.stderr[-3000:]
    return d, out.stdout


def corpus() -> list[dict]:
    text = resources.files("copydesk.data").joinpath("demo/wikinews_en_2004.jsonl").read_text(encoding="utf-8")
    return [json.loads(line) for line in text.splitlines()]


class Page(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict]] = []
        self.text: list[str] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))

    def handle_data(self, data):
        self.text.append(data)


def parse(path: Path) -> Page:
    p = Page()
    p.feed(path.read_text(encoding="utf-8"))
    return p


def test_demo_reports_and_writes_site(demo):
    d, stdout = demo
    m = re.search(
        r"demo: (\d+) stories published, (\d+) with more than one independent source, (\d+) from a single outlet",
        stdout,
    )
    assert m, stdout
    total, multi, single = map(int, m.groups())
    assert total >= 90 and multi + single == total
    site = d / "site"
    stories = json.loads((site / "api" / "stories.json").read_text())["stories"]
    assert len(stories) == total
    assert len(list((site / "story").iterdir())) == total
    home = parse(site / "index.html")
    assert "Budapest Post" in "".join(home.text)


def test_every_published_sentence_is_traced_to_its_source_text(demo):
    d, _ = demo
    texts = {r["url"]: html.unescape(r["text"]) for r in corpus()}  # import decodes "&mdash;"
    site = d / "site"
    checked = 0
    for f in sorted((site / "api" / "story").glob("*.json")):
        st = json.loads(f.read_text())
        urls = {s["article_id"]: s["url"] for s in st["sources"]}
        sentences = [st["lede"]] + [s for sec in st["body"] for s in sec["sentences"]]
        for s in sentences:
            assert s["support"], f"{f.name}: a sentence without support"
            for sup in s["support"]:
                assert sup["article_id"] in urls
                # the supporting sentence is really in that article's text (up to whitespace)
                src = re.sub(r"\s+", " ", texts[urls[sup["article_id"]]])
                assert sup["sentence"] in src, (f.name, sup["sentence"][:80])
            bare = without_attribution(WrittenSentence(s["text"], (), s["attribution"]))
            # the published text is the source's sentence with exactly the listed wording edits applied
            assert bare == neutralize(s["support"][0]["sentence"])[0]
            assert [(e["before"], e["after"]) for e in s["edits"]] == [
                (e.before, e.after) for e in neutralize(s["support"][0]["sentence"])[1]
            ]
            if st["single_source"]:  # said once in the notes, not on every sentence
                assert s["attribution"] is None and st["notes"][0].startswith("Based on")
            elif s["independent_outlets"] == 1:  # attributed in the text (or the sentence names the outlet itself)
                assert s["attribution"] and s["attribution"].lower() in s["text"].lower()
            checked += 1
    assert checked > 300


def test_story_page_shows_provenance_and_honest_single_source(demo):
    d, _ = demo
    site = d / "site"
    page = next((site / "story").glob("colin-powell-resigns*/index.html"))
    html = page.read_text(encoding="utf-8")
    p = parse(page)
    text = " ".join(" ".join(p.text).split())
    assert "Colin Powell Resigns as U.S. Secretary of State" in text
    assert (
        "Based on one report, by Wikinews; not yet confirmed by other outlets." in text or "independent sources" in text
    )
    assert "written by software" in text.lower()
    assert html.count("<details") >= 2  # per-sentence sources, no JavaScript needed
    hrefs = [a.get("href", "") for t, a in p.tags if t == "a"]
    assert (
        "https://en.wikinews.org/wiki/Colin_Powell_Resigns_as_U.S._Secretary_of_State%2C_Rice_Likely_Successor" in hrefs
    )
    assert any(t == "time" and a.get("datetime") for t, a in p.tags)
    for path in site.rglob("*.html"):
        body = path.read_text(encoding="utf-8").lower()
        body = re.sub(r'<script type="application/ld\+json">[^<]*</script>', "", body)  # JSON-LD: data, no "<"
        assert "<script" not in body and "javascript:" not in body, path


def test_demo_again_is_idempotent(demo):
    d, stdout = demo
    out = subprocess.run(
        [sys.executable, "-m", "copydesk", "demo", "--corpus", "wikinews", "--no-serve", "--data-dir", str(d)],
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert out.returncode == 0, out.stderr[-2000:]
    assert "duplicate-url 106" in out.stdout
    first = re.search(r"demo: (\d+) stories", stdout).group(1)
    assert re.search(r"demo: (\d+) stories", out.stdout).group(1) == first


def test_dates_are_the_sources_never_the_import_time(demo):
    """A 2004-2005 corpus imported today: every date shown is a source's own (a day, for this corpus's date-only
    rows), a story no source dates says so, and the import time appears nowhere but as the edition's own time."""
    d, _ = demo
    site = d / "site"
    now_year = str(datetime.now(UTC).year)
    rows = {r["url"]: r for r in corpus()}
    stories = json.loads((site / "api" / "stories.json").read_text())["stories"]
    known = 0
    for st in stories:
        dates = st["dates"]
        for value in (st["published"], st["updated"], dates["first_reported"], dates["last_updated"]):
            assert value is None or value[:4] in ("2004", "2005"), (st["slug"], value)
        for src in st["sources"]:
            given = rows[src["url"]]["published"]
            if given:  # the import line's date, shown as the date it is
                assert (src["published"], src["date_only"]) == (given, True), (st["slug"], src)
            else:  # none, or the dateline at the top of the text (one State Department transcript)
                assert src["published"] is None or src["published"].startswith(("2004", "2005")), src
        assert dates["known"] == any(s["published"] for s in st["sources"])
        known += dates["known"]
        page = (site / "story" / st["slug"] / "index.html").read_text(encoding="utf-8")
        main = page.split("<footer")[0]  # the footer's "Edition of ..." is this site's own time, labelled so
        assert now_year not in main and "00:00 UTC" not in main, st["slug"]
        assert ("Date not given by the sources" in main) is not dates["known"], st["slug"]
    assert known >= 50, known  # 54 of 97 stories: 58 dated rows + 1 dateline; the rest give no date
    home = (site / "index.html").read_text(encoding="utf-8").split("<footer")[0]
    assert now_year not in home and "00:00 UTC" not in home
    briefing = next(s for s in stories if any("remarks/38190" in (x["url"] or "") for x in s["sources"]))
    assert briefing["published"] == "2004-11-15T18:05:00+00:00"  # "November 15, 2004 (1:05 p.m. EST)"
