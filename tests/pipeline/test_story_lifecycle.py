"""A story keeps its id and address across runs and grows as coverage arrives; a different event starts a
new story."""

from __future__ import annotations

import json

from copydesk.config import load_settings, render_config
from copydesk.pipeline import Desk


def line(url: str, outlet: str, title: str, text: str, published: str) -> str:
    return json.dumps({"url": url, "outlet": outlet, "title": title, "text": text, "published": published})


FIRST = line("https://a.test/1", "Alpha News", "Tram derails on Budapest's Margaret Bridge, 12 injured",
             "A tram derailed on the Margaret Bridge in Budapest on Monday morning, injuring 12 passengers. "
             "Firefighters freed two people who were trapped in the front carriage.", "2026-11-23T08:00:00+01:00")
LATER = line("https://b.test/7", "Beta Radio", "Twelve hurt as tram leaves the rails on Margaret Bridge",
             "Twelve passengers were injured when a tram derailed on the Margaret Bridge in Budapest on Monday. "
             "Firefighters freed two people trapped in the front carriage of the tram.", "2026-11-23T11:30:00+01:00")
OTHER = line("https://c.test/3", "Gamma Daily", "Hungarian central bank holds interest rate at 6.5 percent",
             "The National Bank of Hungary kept its base rate unchanged at 6.5 percent on Tuesday. "
             "The bank said inflation was expected to slow next year.", "2026-11-24T14:00:00+01:00")


def desk(tmp_path) -> Desk:
    (tmp_path / "copydesk.toml").write_text(render_config(), encoding="utf-8")
    return Desk(load_settings(tmp_path / "copydesk.toml"), {})


def test_story_grows_across_runs_and_keeps_its_address(tmp_path):
    d = desk(tmp_path)
    d.import_lines([FIRST])
    d.process()
    d.write()
    [first] = d.edition().stories
    story_id, slug, published = first.story.story_id, first.story.slug, first.story.updated
    assert first.story.single_source and len(first.story.sources) == 1
    d.close()

    d = desk(tmp_path)  # a later run, a new process
    d.import_lines([LATER, OTHER])
    rep = d.process()
    assert rep.counts == {"originals": 2, "stories-grown": 1, "stories-new": 1}
    d.write()
    ed = d.edition()
    grown = [e.story for e in ed.stories if e.story.story_id == story_id][0]
    assert grown.slug == slug
    assert len(grown.sources) == 2 and grown.independent_sources == 2 and not grown.single_source
    assert grown.updated > published
    assert len(ed.stories) == 2
    d.close()
