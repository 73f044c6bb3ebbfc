"""Language through the whole pipeline (issue 12 item 7), on real translations of one news passage (FLORES,
tests/data/lang): an English, a German and a Spanish report of one event make one English story whose every
sentence is English, with the German and Spanish reports counted and listed with their language; a story only
German sources reported is not published but queued as "not yet in English", and is published once an English
report arrives. Every import line claims English, as the feed did in the incident behind this."""

from __future__ import annotations

import json
from pathlib import Path

from copydesk.config import load_settings, render_config
from copydesk.lang.detect import in_language
from copydesk.pipeline import Desk
from copydesk.text import split_sentences
from copydesk.web import render
from copydesk.web.export import site_files
from testsupport import registry

SAMPLE = Path(__file__).resolve().parent.parent / "data" / "lang" / "flores_sample.jsonl"
ROWS = {r["id"]: r for r in map(json.loads, SAMPLE.open(encoding="utf-8"))}

OUTLETS = registry(
    {
        "Alpha News": "alpha.test",
        "Beta Zeitung": "beta.test",
        "Gamma Diario": "gamma.test",
        "Delta Nachrichten": "delta.test",
    }
)


def line(
    gold: str, lang: str, outlet: str, n: int, title: str | None = None, when: str = "2005-04-08T12:00:00Z"
) -> str:
    r = ROWS[f"flores-wikinews-{gold}-{lang}"]
    first = split_sentences(r["text"])[0].rstrip(".")
    return json.dumps(
        {
            "url": f"https://{outlet.split()[0].lower()}.test/{n}",
            "outlet": outlet,
            "title": title or first,
            "text": r["text"],
            "published": when,
            "language": "en",
        },
        ensure_ascii=False,
    )


def test_foreign_reports_count_and_are_listed_but_only_english_is_published(tmp_path):
    (tmp_path / "copydesk.toml").write_text(render_config(), encoding="utf-8")
    d = Desk(load_settings(tmp_path / "copydesk.toml"), OUTLETS)  # registry outlets: each an independent source
    try:
        imp = d.import_lines(
            [
                line("018", "en", "Alpha News", 1, ROWS["flores-wikinews-018-en"]["source_title_en"]),
                line("018", "de", "Beta Zeitung", 2, when="2005-04-08T13:00:00Z"),
                line("018", "es", "Gamma Diario", 3, when="2005-04-08T14:00:00Z"),
                line("029", "de", "Delta Nachrichten", 4, when="2011-03-12T09:00:00Z"),
            ]
        )
        assert imp.counts["stored"] == 4
        assert imp.counts["language-not-as-claimed"] == 3  # every line said "en"; three are not
        d.process()
        rep = d.write()
        assert rep.counts.get("untranslated") == 1 and rep.counts.get("written") == 1

        ed = d.edition()
        [es] = ed.stories
        story = es.story
        by_url = {s.url: s for s in story.sources}
        english_id = by_url["https://alpha.test/1"].article_id
        assert story.language == "en"
        assert {s.language for s in story.sources} == {"en", "de", "es"}
        assert story.independent_sources == 3 and not story.single_source
        sentences = [story.headline, story.lede] + [s for sec in story.body for s in sec.sentences]
        for ws in sentences:
            assert in_language(ws.text, "en"), ws.text
            assert ws.support[0].article_id == english_id  # published text comes from the English report
            assert not ws.attribution or ws.attribution == "Alpha News"

        page = render.render_story(ed, story.slug)
        assert "in German" in page and "in Spanish" in page
        assert 'lang="de"' in page
        api = render.story_json(es, ed)
        assert {s["language"] for s in api["sources"]} == {"en", "de", "es"}

        # The German-only story: kept, not a page, on the queue in the API and the export.
        [queued] = ed.untranslated
        assert queued.languages == ("de",) and len(queued.sources) == 1
        assert render.resolve_redirect(ed, queued.slug) is None and render.render_story(ed, queued.slug) is None
        q = render.untranslated_json(ed)
        assert q["title"] == "Not yet in English" and [s["slug"] for s in q["stories"]] == [queued.slug]
        assert render.edition_json(ed)["untranslated"] == q
        files = site_files(ed)
        assert json.loads(files["api/queue/untranslated.json"]) == q
        assert f"story/{queued.slug}/index.html" not in files
        # ...and on the readers' page of the queue, linked from the home page, with the German original title
        page = files["queue/untranslated/index.html"].decode()
        src = queued.sources[0]
        assert f'<a href="{src.url}" rel="nofollow noopener noreferrer" lang="de">{src.title}</a>' in page
        assert "in German" in page and 'href="./queue/untranslated/"' in files["index.html"].decode()
        from fastapi.testclient import TestClient

        from copydesk.web.app import create_app

        client = TestClient(create_app(lambda: ed))
        assert client.get("/api/queue/untranslated.json").json() == q
        assert client.get(f"/story/{queued.slug}/").status_code == 404

        # An English report of the queued event arrives: the story is published and leaves the queue.
        d.import_lines(
            [
                line(
                    "029",
                    "en",
                    "Alpha News",
                    5,
                    ROWS["flores-wikinews-029-en"]["source_title_en"],
                    when="2011-03-12T10:00:00Z",
                )
            ]
        )
        d.process()
        assert d.write().counts.get("written") == 1
        ed = d.edition()
        assert not ed.untranslated
        assert "No story is waiting" in render.render_untranslated(ed)
        fuku = next(e.story for e in ed.stories if e.story.story_id == queued.story_id)
        assert {s.language for s in fuku.sources} == {"de", "en"}
        assert all(in_language(s.text, "en") for sec in fuku.body for s in sec.sentences)
    finally:
        d.close()


def test_edition_language_is_the_site_setting(tmp_path):
    """With `[site] language = "de"` the German report is the one written from, and the English one waits."""
    (tmp_path / "copydesk.toml").write_text(
        render_config().replace('language = "en"', 'language = "de"'), encoding="utf-8"
    )
    d = Desk(load_settings(tmp_path / "copydesk.toml"), {})
    try:
        d.import_lines([line("018", "de", "Beta Zeitung", 2), line("030", "en", "Alpha News", 6)])
        d.process()
        assert d.write().counts == {"written": 1, "revised": 1, "untranslated": 1}
        ed = d.edition()
        [es] = ed.stories
        assert es.story.language == "de"
        assert all(in_language(s.text, "de") for sec in es.story.body for s in sec.sentences)
        assert render.untranslated_json(ed)["title"] == "Not yet in German"
    finally:
        d.close()
