"""The corrections process with the real pipeline (the embedding model, the gate, the writer): an editor's corrected
sentence is checked against the story's current sources; a correction survives a rewrite with new coverage; a
later source that contradicts a published figure is flagged for the editors, once, and changes nothing."""

from __future__ import annotations

import json

import pytest

from copydesk.config import load_settings, render_config
from copydesk.corrections.apply import text_sentences
from copydesk.corrections.model import ReportIn
from copydesk.pipeline import Desk
from testsupport import registry

pytestmark = pytest.mark.timeout(600)

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
TRIBUNE = (
    "The city council approved a plan on Tuesday to rebuild the Chain Bridge over the Danube by 2031. According "
    "to the mayor, the renovation will cost 60 billion forints. Engineers found corrosion in the bridge's main "
    "cables during an inspection last spring."
)


def _line(outlet: str, text: str, hour: int) -> str:
    host = outlet.split()[0].lower()
    return json.dumps(
        {
            "url": f"https://{host}.example.org/bridge",
            "title": f"{outlet} on the Chain Bridge plan",
            "outlet": outlet,
            "published": f"2026-12-03T0{hour}:00:00Z",
            "language": "en",
            "text": text,
        }
    )


def _story(desk):
    [es] = desk.edition().stories
    return es.story


def test_check_correct_rewrite_and_flag(tmp_path):
    (tmp_path / "copydesk.toml").write_text(render_config(), encoding="utf-8")
    # registry outlets with their own owners: independent sources, whose disagreements count
    desk = Desk(
        load_settings(tmp_path / "copydesk.toml"),
        registry(
            {
                "Harbour Gazette": "harbour.example.org",
                "River Courier": "river.example.org",
                "City Tribune": "city.example.org",
            }
        ),
    )
    desk.import_lines([_line("Harbour Gazette", GAZETTE, 6), _line("River Courier", COURIER, 7)])
    desk.process()
    desk.write()
    story = _story(desk)
    texts = [s.text for s in text_sentences(story)]
    wrong = next(i for i, t in enumerate(texts) if "48 billion" in t)
    # the gate decides what an editor may publish
    bad = desk.check_sentence(story.story_id, "The mayor said the work would cost 75 billion forints.", wrong)
    assert not bad.ok and "75 billion" in bad.detail
    good = desk.check_sentence(
        story.story_id, "According to the mayor, the renovation will cost 52 billion forints.", wrong
    )
    assert good.ok and good.sentence.support[0].outlet_id == "river-courier"
    rid = desk.corrections.add_report(ReportIn(story.story_id, wrong, texts[wrong], "wrong-figure", "48 is wrong", ""))
    desk.correct(rid, wrong, good.sentence, "The cost was wrong.", "ann")
    corrected = [s.text for s in text_sentences(_story(desk))]
    assert texts[wrong] not in corrected and good.sentence.text in corrected
    assert desk.store.dirty_stories() == [story.story_id]  # written again by the next run
    # a rewrite (the run after the correction, then new coverage) keeps the correction
    assert desk.write().counts.get("written") == 1
    assert texts[wrong] not in [s.text for s in text_sentences(_story(desk))]
    desk.import_lines([_line("City Tribune", TRIBUNE, 8)])
    desk.process()
    report = desk.write()
    after = [s.text for s in text_sentences(_story(desk))]
    assert texts[wrong] not in after and good.sentence.text in after
    # ... and the Tribune's 60 billion contradicts the published 52 billion: flagged, not changed
    flags = [r for r in desk.corrections.reports() if r.origin == "pipeline"]
    assert flags and report.counts.get("flagged-for-editors") == len(flags)
    assert all(r.category == "wrong-figure" and "60 billion" in r.wrong for r in flags)
    assert all(r.sentence in after for r in flags)
    desk.store.save_story(desk.store.story_state(story.story_id, desk.embedder.dim))  # rewrite once more
    desk.write()
    assert len([r for r in desk.corrections.reports() if r.origin == "pipeline"]) == len(flags)  # filed once
    desk.close()
