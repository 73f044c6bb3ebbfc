"""Audio on the site (copydesk.web): the player on the story page, the narration files served and exported, and
the daily briefing's podcast feed checked with feedparser."""

from __future__ import annotations

import re
from dataclasses import replace

import feedparser
import pytest
from fastapi.testclient import TestClient

import sample_edition
from audiosupport import Counts, need_espeak
from copydesk.audio.engines import load_engine
from copydesk.audio.publish import AudioLibrary, AudioOptions, attach, narrate_edition
from copydesk.web import render
from copydesk.web.app import create_app
from copydesk.web.export import export_site


@pytest.fixture(scope="module")
def narrated(tmp_path_factory):
    need_espeak()
    lib = AudioLibrary(tmp_path_factory.mktemp("audio"))
    edition = sample_edition.build_edition(sample_edition.hostile_strings())
    narrate_edition(edition, lib, load_engine("espeak-ng", "", 1.0), AudioOptions(), Counts())
    return attach(edition, lib, AudioOptions())


@pytest.fixture(scope="module")
def client(narrated):
    return TestClient(create_app(lambda: narrated))


def test_story_page_has_an_accessible_player(narrated):
    html = render.render_story(narrated, "chain-bridge-closes")
    n = narrated.audio["s1"]
    audio = re.search(r"<audio [^>]*>", html).group(0)
    assert "controls" in audio and 'preload="none"' in audio
    assert f'src="../../audio/{n.audio_file}"' in audio
    assert 'aria-labelledby="listen-heading"' in audio and '<h2 id="listen-heading">' in html
    assert f'href="../../audio/{n.transcript_file}"' in html and "Transcript" in html
    assert re.search(rf'<a href="../../audio/{n.audio_file}" download[^>]*>Download MP3', html)
    minutes, seconds = divmod(round(n.duration_s), 60)
    iso = f"PT{minutes}M{seconds}S" if minutes else f"PT{seconds}S"
    assert f'<time datetime="{iso}">' in html
    assert "Audio off" not in html


def test_story_without_narration_says_audio_off():
    edition = sample_edition.build_edition()
    html = render.render_story(edition, "chain-bridge-closes")
    assert "<audio" not in html and "Audio off" in html


def test_narrations_are_served_with_ranges_and_nothing_else(client, narrated):
    n = narrated.audio["s1"]
    r = client.get(f"/audio/{n.audio_file}")
    assert r.status_code == 200 and r.headers["content-type"] == "audio/mpeg"
    assert r.content == (narrated.audio_dir / n.audio_file).read_bytes()
    assert "default-src 'self'" in r.headers["content-security-policy"]  # media from 'self' allowed
    part = client.get(f"/audio/{n.audio_file}", headers={"Range": "bytes=0-99"})
    assert part.status_code == 206 and len(part.content) == 100
    t = client.get(f"/audio/{n.transcript_file}")
    assert t.headers["content-type"].startswith("text/plain") and t.text.startswith("Chain Bridge to close")
    for bad in ("/audio/manifest.json", "/audio/..%2Fmanifest.json", "/audio/nope.mp3"):
        assert client.get(bad).status_code == 404, bad


def test_podcast_feed_is_valid_rss_with_enclosures(client, narrated):
    r = client.get("/podcast.xml")
    assert r.status_code == 200 and r.headers["content-type"].startswith("application/rss+xml")
    feed = feedparser.parse(r.content)
    assert feed.bozo == 0, feed.bozo_exception
    assert feed.version == "rss20" and feed.feed.language == "en"
    # feedparser maps only "yes" and "clean"; Apple's spec now asks for "true"/"false"
    assert b"<itunes:explicit>false</itunes:explicit>" in r.content
    assert feed.feed.tags[0].term == "News"
    assert len(feed.entries) == len(narrated.briefings) == 2
    for entry, b in zip(feed.entries, narrated.briefings):
        [enc] = entry.enclosures
        assert enc.type == "audio/mpeg" and int(enc.length) == b.narration.bytes > 0
        assert enc.href == f"https://post.example/audio/{b.narration.audio_file}"
        path = enc.href.removeprefix("https://post.example")
        assert client.get(path).content == (narrated.audio_dir / b.narration.audio_file).read_bytes()
        h, m, s = (int(x) for x in entry.itunes_duration.split(":"))
        assert abs(h * 3600 + m * 60 + s - b.narration.duration_s) <= 0.5
        assert entry.guidislink is False and entry.id.endswith(b.narration.text_sha[:16])
        assert entry.published_parsed is not None
    assert feed.entries[0].title == "Daily briefing, 1 May 2024"


def test_podcast_guids_are_stable_across_rebuilds(narrated, tmp_path):
    again = replace(narrated, generated=None)
    assert render.render_podcast(again) == render.render_podcast(narrated)
    # narrated again from scratch (another run, another folder): the same episodes, the same GUIDs
    lib = AudioLibrary(tmp_path / "audio")
    base = sample_edition.build_edition(sample_edition.hostile_strings())
    narrate_edition(base, lib, load_engine("espeak-ng", "", 1.0), AudioOptions(), Counts())
    rebuilt = attach(base, lib, AudioOptions())
    ids = lambda ed: [e.id for e in feedparser.parse(render.render_podcast(ed)).entries]  # noqa: E731
    assert ids(rebuilt) == ids(narrated)


def test_podcast_without_audio_is_valid_and_empty():
    feed = feedparser.parse(render.render_podcast(sample_edition.build_edition()))
    assert feed.bozo == 0 and feed.entries == [] and "Audio is off" in feed.feed.description


def test_export_has_the_narrations_byte_for_byte(narrated, client, tmp_path):
    out = tmp_path / "site"
    written = export_site(narrated, out)
    n = narrated.audio["s1"]
    assert out / "audio" / n.audio_file in written
    for name in render.audio_files(narrated):
        assert (out / "audio" / name).read_bytes() == client.get(f"/audio/{name}").content
    assert (out / "podcast.xml").read_bytes() == client.get("/podcast.xml").content
    assert not (out / "audio" / "manifest.json").exists()
    page = (out / "story" / "chain-bridge-closes" / "index.html").read_text(encoding="utf-8")
    src = re.search(r'<audio [^>]*src="\.\./\.\./([^"]+)"', page).group(1)
    assert (out / src).is_file()


def test_story_json_gives_the_audio(client, narrated):
    data = client.get("/api/story/chain-bridge-closes.json").json()
    n = narrated.audio["s1"]
    assert data["audio"] == {
        "url": f"https://post.example/audio/{n.audio_file}",
        "type": "audio/mpeg",
        "length": n.bytes,
        "duration_s": n.duration_s,
        "transcript_url": f"https://post.example/audio/{n.transcript_file}",
        "engine": "espeak-ng",
        "voice": "en",
    }
