"""The narration library (copydesk.audio.publish): made once, kept while the text is the same, remade when a
sentence changes, and the replaced files deleted; the edition shows only narrations of the current text."""

from __future__ import annotations

from dataclasses import replace

import pytest

from audiosupport import Counts, need_espeak, sample_edition_module
from copydesk.audio.engines import AudioError, load_engine
from copydesk.audio.publish import AudioLibrary, AudioOptions, attach, narrate_edition
from copydesk.models import EditionStory

se = sample_edition_module()
OPTS = AudioOptions()


@pytest.fixture(scope="module")
def engine():
    need_espeak()
    return load_engine("espeak-ng", "", 1.0)


def run(edition, lib, engine, opts=OPTS) -> Counts:
    c = Counts()
    narrate_edition(edition, lib, engine, opts, c)
    return c


def files(lib):
    return {p.name: p.stat().st_mtime_ns for p in lib.dir.iterdir() if p.suffix in (".mp3", ".txt")}


def with_lede(edition, story_id, text):
    stories = tuple(
        EditionStory(replace(es.story, lede=replace(es.story.lede, text=text)), es.related, es.follows)
        if es.story.story_id == story_id
        else es
        for es in edition.stories
    )
    return replace(edition, stories=stories)


def test_unchanged_stories_are_not_narrated_again(tmp_path, engine):
    edition, lib = se.build_edition(), AudioLibrary(tmp_path / "audio")
    first = run(edition, lib, engine)
    assert first.counts == {"narrated": 3, "briefings-narrated": 2} and not first.errors
    before = files(lib)
    assert len(before) == 2 * 5  # an MP3 and a transcript each
    second = run(edition, lib, engine)
    assert second.counts == {"unchanged": 3, "briefings-unchanged": 2}
    assert files(lib) == before  # not one file written again


def test_a_changed_sentence_is_narrated_again_and_the_old_file_goes(tmp_path, engine):
    edition, lib = se.build_edition(), AudioLibrary(tmp_path / "audio")
    run(edition, lib, engine)
    old = attach(edition, lib, OPTS)
    changed = with_lede(edition, "s1", "The Chain Bridge will close for repairs on Tuesday, the city said.")
    # before narrating, the page of the changed story shows no stale narration; the others keep theirs
    stale = attach(changed, lib, OPTS)
    assert "s1" not in stale.audio and set(stale.audio) == {"s2", "s3"}
    c = run(changed, lib, engine)
    # the story and the briefing of its day are read again; the other two stories and the other day are kept
    assert c.counts == {"narrated": 1, "unchanged": 2, "briefings-narrated": 1, "briefings-unchanged": 1, "removed": 2}
    new = attach(changed, lib, OPTS)
    assert new.audio["s1"].name != old.audio["s1"].name and new.audio["s2"] == old.audio["s2"]
    assert not (lib.dir / old.audio["s1"].audio_file).exists()
    assert (lib.dir / new.audio["s1"].transcript_file).read_text(encoding="utf-8").count("on Tuesday") == 1


def test_another_voice_or_speed_makes_new_narrations(tmp_path, engine):
    edition, lib = se.build_edition(), AudioLibrary(tmp_path / "audio")
    run(edition, lib, engine)
    fast_opts = replace(OPTS, speed=1.5)
    fast = load_engine("espeak-ng", "", 1.5)
    assert attach(edition, lib, fast_opts).audio == {}  # the normal-speed files do not match the setting
    c = run(edition, lib, fast, fast_opts)
    assert c.counts["narrated"] == 3 and c.counts["removed"] == 5
    assert set(attach(edition, lib, fast_opts).audio) == {"s1", "s2", "s3"}


def test_a_story_no_longer_published_loses_its_file(tmp_path, engine):
    edition, lib = se.build_edition(), AudioLibrary(tmp_path / "audio")
    run(edition, lib, engine)
    gone = attach(edition, lib, OPTS).audio["s2"]
    fewer = replace(edition, stories=tuple(es for es in edition.stories if es.story.story_id != "s2"))
    c = run(fewer, lib, engine)
    assert c.counts["removed"] >= 1 and not (lib.dir / gone.audio_file).exists()


def test_one_failure_is_reported_and_the_rest_narrated(tmp_path, engine):
    class Flaky:
        name, voice = engine.name, engine.voice

        def version(self):
            return engine.version()

        def synthesize(self, text):
            if "Vienna" in text.splitlines()[0]:
                raise AudioError("audio: synthetic failure")
            return engine.synthesize(text)

    edition, lib = se.build_edition(), AudioLibrary(tmp_path / "audio")
    c = run(edition, lib, Flaky())
    assert c.counts["errors"] == 1 and c.counts["narrated"] == 2 and "synthetic failure" in c.errors[0]
    assert set(attach(edition, lib, OPTS).audio) == {"s1", "s3"}


def test_disabled_audio_attaches_nothing(tmp_path, engine):
    edition, lib = se.build_edition(), AudioLibrary(tmp_path / "audio")
    run(edition, lib, engine)
    off = attach(edition, lib, replace(OPTS, enabled=False))
    assert off.audio == {} and off.briefings == ()


def test_duration_and_size_are_stored(tmp_path, engine):
    edition, lib = se.build_edition(), AudioLibrary(tmp_path / "audio")
    run(edition, lib, engine)
    ed = attach(edition, lib, OPTS)
    m = lib.manifest()["stories"]["s1"]
    n = ed.audio["s1"]
    assert n.duration_s == pytest.approx(m["frames"] / m["sample_rate"], abs=0.001)
    assert n.bytes == (lib.dir / n.audio_file).stat().st_size
    assert 5 < n.duration_s < 120


def test_a_long_slug_still_gives_a_servable_name(tmp_path, engine):
    from copydesk.web.render import audio_files, is_safe_slug

    edition = se.build_edition()
    long_slug = "a" * 200
    stories = tuple(
        EditionStory(replace(es.story, slug=long_slug), es.related) if es.story.story_id == "s2" else es
        for es in edition.stories
    )
    edition = replace(edition, stories=stories)
    lib = AudioLibrary(tmp_path / "audio")
    run(edition, lib, engine)
    n = attach(edition, lib, OPTS).audio["s2"]
    assert is_safe_slug(n.name) and n.audio_file in audio_files(attach(edition, lib, OPTS))


def test_reading_several_at_once_gives_what_reading_one_by_one_gives(tmp_path, engine):
    """espeak-ng narrations run in parallel (NARRATION_WORKERS); the manifest, the files and the report must not
    depend on it."""
    import json

    class OneAtATime:
        name, voice, parallel = engine.name, engine.voice, False

        def version(self):
            return engine.version()

        def synthesize(self, text):
            return engine.synthesize(text)

    assert engine.parallel is True
    edition = se.build_edition()
    together, alone = AudioLibrary(tmp_path / "together"), AudioLibrary(tmp_path / "alone")
    a, b = run(edition, together, engine), run(edition, alone, OneAtATime())
    assert a.counts == b.counts and a.counts["narrated"] >= 3
    assert json.loads((together.dir / "manifest.json").read_text()) == json.loads(
        (alone.dir / "manifest.json").read_text()
    )
    assert {p.name: p.read_bytes() for p in together.dir.iterdir() if p.suffix in (".mp3", ".txt")} == {
        p.name: p.read_bytes() for p in alone.dir.iterdir() if p.suffix in (".mp3", ".txt")
    }
