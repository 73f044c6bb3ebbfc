"""Audio through the orchestrator (Desk.narrate, Desk.edition, Desk.export): made at publish time, not again for
an unchanged story in a later run, again when its text changes; with no engine the site works and says audio off."""

from __future__ import annotations

import json

from audiosupport import need_espeak
from copydesk.config import load_settings, render_config
from copydesk.pipeline import Desk


def line(url: str, outlet: str, title: str, text: str, published: str) -> str:
    return json.dumps({"url": url, "outlet": outlet, "title": title, "text": text, "published": published})


FIRST = line(
    "https://a.test/1",
    "Alpha News",
    "Tram derails on Budapest's Margaret Bridge, 12 injured",
    "A tram derailed on the Margaret Bridge in Budapest on Monday morning, injuring 12 passengers. "
    "Firefighters freed two people who were trapped in the front carriage.",
    "2026-11-23T08:00:00+01:00",
)
LATER = line(
    "https://b.test/7",
    "Beta Radio",
    "Twelve hurt as tram leaves the rails on Margaret Bridge",
    "Twelve passengers were injured when a tram derailed on the Margaret Bridge in Budapest on Monday. "
    "Firefighters freed two people trapped in the front carriage of the tram.",
    "2026-11-23T11:30:00+01:00",
)
OTHER = line(
    "https://c.test/3",
    "Gamma Daily",
    "Hungarian central bank holds interest rate at 6.5 percent",
    "The National Bank of Hungary kept its base rate unchanged at 6.5 percent on Tuesday. "
    "The bank said inflation was expected to slow next year.",
    "2026-11-24T14:00:00+01:00",
)


def desk(tmp_path, *edit: str) -> Desk:
    """A desk whose copydesk.toml is the default one with ``edit`` (old, new) applied."""
    text = render_config()
    if edit:
        assert edit[0] in text
        text = text.replace(edit[0], edit[1])
    (tmp_path / "copydesk.toml").write_text(text, encoding="utf-8")
    return Desk(load_settings(tmp_path / "copydesk.toml"), {})


def test_audio_is_made_once_and_again_only_for_what_changed(tmp_path):
    need_espeak()
    d = desk(tmp_path)
    d.import_lines([FIRST, OTHER])
    d.process()
    d.write()
    first = d.narrate()
    assert first.counts == {"narrated": 2, "briefings-narrated": 2}, first.errors
    ed = d.edition()
    assert len(ed.audio) == 2 and len(ed.briefings) == 2
    tram_id = next(es.story.story_id for es in ed.stories if "Tram" in es.story.headline.text)
    tram_before = ed.audio[tram_id]
    d.close()

    d = desk(tmp_path)  # a later run, a new process, nothing new
    assert d.narrate().counts == {"unchanged": 2, "briefings-unchanged": 2}
    d.import_lines([LATER])  # the tram story grows: its text changes
    d.process()
    d.write()
    third = d.narrate()
    assert third.counts["narrated"] == 1 and third.counts["unchanged"] == 1, third.counts
    tram_after = d.edition().audio[tram_id]
    assert tram_after.name != tram_before.name
    assert not (d.settings.audio_dir / tram_before.audio_file).exists()
    out = d.export(tmp_path / "site")
    assert tmp_path / "site" / "audio" / tram_after.audio_file in out
    d.close()


def test_missing_engine_says_audio_off_and_the_site_still_works(tmp_path):
    d = desk(tmp_path, 'espeak_program = "espeak-ng"', 'espeak_program = "/nonexistent/espeak-ng"')
    d.import_lines([FIRST])
    d.process()
    d.write()
    rep = d.narrate()
    assert rep.counts == {"off": 1}
    assert "audio: off: espeak-ng: program not found: '/nonexistent/espeak-ng'" in rep.errors[0]
    assert [e.outcome for e in d.store.events("audio")] == ["off"]  # recorded, like any per-item failure
    ed = d.edition()
    assert ed.audio == {} and ed.briefings == ()
    d.export(tmp_path / "site")
    [page] = (tmp_path / "site" / "story").glob("*/index.html")
    html = page.read_text(encoding="utf-8")
    assert "Audio off" in html and "<audio" not in html
    assert (tmp_path / "site" / "podcast.xml").exists()
    d.close()


def test_audio_disabled_in_config(tmp_path):
    d = desk(tmp_path, "enabled = true", "enabled = false")
    rep = d.narrate()
    assert rep.counts == {"off": 1} and "audio.enabled is false" in rep.errors[0]
    d.close()
