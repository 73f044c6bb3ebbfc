"""The audio renderer: narrations of an ``Edition``'s stories and daily briefings, kept in ``DATA_DIR/audio``.

    narrate_edition(edition, library, engine)   makes what is missing or changed, removes what was replaced
    attach(edition, library, options)           the edition with the narrations that match it (no engine needed)

A narration is keyed by a hash of its text, the engine and its version, the voice and the speed: an unchanged
story is not narrated again, and a changed sentence (or another voice) makes a new file under a new name whose
old file is then deleted. ``manifest.json`` maps each story id and briefing day to its file; it is replaced
atomically, so a reader of the folder (``copydesk serve``, ``copydesk export``) sees the old set or the new one.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, replace
from datetime import date
from pathlib import Path
from typing import Any, Callable

from copydesk.audio.encode import encode_mp3
from copydesk.audio.engines import DEFAULT_PIPER_VOICE, AudioError, Engine
from copydesk.audio.narration import briefing_narration, story_narration
from copydesk.models import Briefing, Edition, EditionStory, Narration
from copydesk.web.render import _utc

__all__ = [
    "AudioOptions",
    "AudioLibrary",
    "attach",
    "narrate_edition",
    "briefing_days",
    "narration_key",
    "BRIEFING_DAYS",
    "BRIEFING_STORIES",
]

log = logging.getLogger(__name__)

#: Days with a briefing in the podcast feed (the newest days that have stories). An editorial choice: a week
#: of episodes, as daily news podcasts keep; older ones are deleted.
BRIEFING_DAYS = 7
#: Stories read in one briefing, in edition order: about five minutes of espeak-ng speech. Editorial, not tuned.
BRIEFING_STORIES = 5
MANIFEST = "manifest.json"
#: Narrations made at once with an engine that runs as a separate program (espeak-ng), at most one per core: the
#: demo's 462 stories take about half the time with two (the MP3 encoder releases Python's lock for part of its work).
NARRATION_WORKERS = 4


@dataclass(frozen=True, slots=True)
class AudioOptions:
    """The ``[audio]`` settings (copydesk.config.AudioSettings), with the voice resolved."""

    enabled: bool = True
    engine: str = "espeak-ng"
    voice: str = ""  # empty: the site's language (espeak-ng) or DEFAULT_PIPER_VOICE (piper)
    speed: float = 1.0
    espeak_program: str = "espeak-ng"
    language: str = "en"

    @property
    def resolved_voice(self) -> str:
        if self.voice:
            return self.voice
        return self.language if self.engine == "espeak-ng" else DEFAULT_PIPER_VOICE


def text_sha(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def narration_key(text: str, engine: Engine, speed: float) -> str:
    """What decides the sound: the text, the engine and its version, the voice, the speed."""
    h = hashlib.sha256()
    for part in (engine.name, engine.version(), engine.voice, repr(float(speed)), text):
        h.update(part.encode("utf-8") + b"\0")
    return h.hexdigest()[:16]


def _visible(edition: Edition) -> tuple[EditionStory, ...]:
    from copydesk.web.render import visible_stories  # the stories the site publishes, and no others

    return visible_stories(edition)


def briefing_days(edition: Edition) -> list[tuple[date, list[EditionStory]]]:
    """The newest ``BRIEFING_DAYS`` days with stories (by each story's update time, UTC), newest first, each
    with its first ``BRIEFING_STORIES`` stories in edition order."""
    days: dict[date, list[EditionStory]] = {}
    for es in _visible(edition):
        days.setdefault(_utc(es.story.updated).date(), []).append(es)
    newest = sorted(days, reverse=True)[:BRIEFING_DAYS]
    return [(d, days[d][:BRIEFING_STORIES]) for d in newest]


class AudioLibrary:
    """The folder of narrations: ``<name>.mp3``, ``<name>.txt`` and ``manifest.json``."""

    def __init__(self, directory: Path) -> None:
        self.dir = Path(directory)

    def manifest(self) -> dict[str, dict[str, dict[str, Any]]]:
        try:
            data = json.loads((self.dir / MANIFEST).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            data = {}
        return {"stories": dict(data.get("stories") or {}), "briefings": dict(data.get("briefings") or {})}

    def has(self, name: str) -> bool:
        return (self.dir / f"{name}.mp3").is_file() and (self.dir / f"{name}.txt").is_file()

    def _write(self, rel: str, data: bytes) -> None:
        fd, tmp = tempfile.mkstemp(prefix=".tmp-", dir=self.dir)
        try:
            with os.fdopen(fd, "wb") as fh:
                fh.write(data)
            os.chmod(tmp, 0o644)
            os.replace(tmp, self.dir / rel)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise

    def put(self, name: str, mp3: bytes, text: str) -> None:
        self.dir.mkdir(parents=True, exist_ok=True)
        self._write(f"{name}.txt", text.encode("utf-8"))
        self._write(f"{name}.mp3", mp3)

    def save(self, manifest: dict[str, Any]) -> None:
        self.dir.mkdir(parents=True, exist_ok=True)
        self._write(MANIFEST, (json.dumps(manifest, indent=1, sort_keys=True) + "\n").encode("utf-8"))

    def clean(self, keep: set[str]) -> int:
        """Delete the narrations not in ``keep`` (names); the number of narrations deleted."""
        removed = 0
        if not self.dir.is_dir():
            return 0
        for p in self.dir.iterdir():
            if p.suffix in (".mp3", ".txt") and p.stem not in keep:
                p.unlink(missing_ok=True)
                removed += p.suffix == ".mp3"
        return removed


def _narration(entry: dict[str, Any]) -> Narration:
    return Narration(
        name=entry["name"],
        text_sha=entry["text_sha"],
        bytes=int(entry["bytes"]),
        duration_s=float(entry["duration_s"]),
        engine=entry["engine"],
        voice=entry["voice"],
    )


def _matches(entry: dict[str, Any] | None, text: str, options: AudioOptions) -> bool:
    return (
        entry is not None
        and entry.get("text_sha") == text_sha(text)
        and entry.get("engine") == options.engine
        and entry.get("voice") == options.resolved_voice
        and entry.get("speed") == options.speed
    )


def attach(edition: Edition, library: AudioLibrary, options: AudioOptions) -> Edition:
    """The edition with each story's and briefing's narration when one matching its current text, engine, voice
    and speed is in the library (no engine runs here). With audio disabled, none: every page says audio off."""
    if not options.enabled:
        return replace(edition, audio={}, briefings=(), audio_dir=library.dir)
    manifest = library.manifest()
    audio: dict[str, Narration] = {}
    for es in _visible(edition):
        entry = manifest["stories"].get(es.story.story_id)
        if entry and _matches(entry, story_narration(edition, es.story), options) and library.has(entry["name"]):
            audio[es.story.story_id] = _narration(entry)
    briefings = []
    for day, stories in briefing_days(edition):
        entry = manifest["briefings"].get(day.isoformat())
        if entry and _matches(entry, briefing_narration(edition, day, stories), options) and library.has(entry["name"]):
            briefings.append(
                Briefing(
                    day,
                    tuple(es.story.story_id for es in stories),
                    max(_utc(es.story.updated) for es in stories),
                    _narration(entry),
                )
            )
    return replace(edition, audio=audio, briefings=tuple(briefings), audio_dir=library.dir)


def _make(
    library: AudioLibrary, engine: Engine, options: AudioOptions, name: str, key: str, text: str
) -> dict[str, Any]:
    pcm = engine.synthesize(text)
    mp3 = encode_mp3(pcm)
    library.put(name, mp3, text)
    return {
        "name": name,
        "key": key,
        "text_sha": text_sha(text),
        "bytes": len(mp3),
        "duration_s": round(pcm.duration_s, 3),
        "frames": pcm.frames,
        "sample_rate": pcm.sample_rate,
        "engine": engine.name,
        "voice": options.resolved_voice,
        "speed": options.speed,
        "engine_version": engine.version(),
    }


def narrate_edition(
    edition: Edition,
    library: AudioLibrary,
    engine: Engine,
    options: AudioOptions,
    report: Any,
    progress: Callable[[str, int, int], None] = lambda *_: None,
) -> None:
    """Narrate every published story and briefing whose narration is missing or out of date; keep the rest;
    delete the files no longer referenced. Counts go to ``report`` (``narrated``, ``unchanged``,
    ``briefings-narrated``, ``briefings-unchanged``, ``removed``, ``errors``); a failure is per item."""
    t0 = time.perf_counter()
    old = library.manifest()
    new: dict[str, dict[str, Any]] = {"stories": {}, "briefings": {}}
    todo: list[tuple[str, str, str, str]] = []  # (kind, id, name stem, text)
    for es in _visible(edition):
        todo.append(("stories", es.story.story_id, es.story.slug, story_narration(edition, es.story)))
    for day, stories in briefing_days(edition):
        todo.append(
            ("briefings", day.isoformat(), f"briefing-{day.isoformat()}", briefing_narration(edition, day, stories))
        )
    work: list[tuple[str, str, str, str, str, str]] = []  # (kind, id, prefix, name, key, text): what must be read
    for kind, ident, stem, text in todo:
        prefix = "" if kind == "stories" else "briefings-"
        key = narration_key(text, engine, options.speed)
        entry = old[kind].get(ident)
        if entry and entry.get("key") == key and library.has(entry["name"]):
            new[kind][ident] = entry
            report.add(f"{prefix}unchanged")
            continue
        # a name stays a safe slug (web.render.is_safe_slug: at most 200 characters) and a short file name
        work.append((kind, ident, prefix, f"{stem[:150]}-{key[:12]}", key, text))

    def make(item):
        kind, ident, prefix, name, key, text = item
        try:
            return item, _make(library, engine, options, name, key, text)
        except AudioError as exc:
            return item, exc

    # An engine that runs as its own program (espeak-ng) reads several stories at once, one per core; the
    # results are taken in order, so the manifest and the report do not depend on the timing.
    workers = min(NARRATION_WORKERS, os.cpu_count() or 1) if getattr(engine, "parallel", False) else 1
    with ThreadPoolExecutor(max_workers=workers) as pool:
        for n, ((kind, ident, prefix, *_), made) in enumerate(pool.map(make, work), 1):
            progress("audio", n, len(work))
            if isinstance(made, AudioError):
                log.warning("narration failed", extra={"stage": "audio", "story_id": ident})
                report.errors.append(f"{ident}: {made}")
                report.add("errors")
            else:
                new[kind][ident] = made
                report.add(f"{prefix}narrated")
    library.save(new)
    keep = {e["name"] for part in new.values() for e in part.values()}
    removed = library.clean(keep)
    if removed:
        report.add("removed", removed)
    log.info("audio finished", extra={"stage": "audio", "seconds": round(time.perf_counter() - t0, 2)})
