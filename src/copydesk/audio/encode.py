"""Encoding to a web format: MP3 (every browser and podcast app plays it) with LAME, through the ``lameenc`` wheel
(LGPL-3.0-or-later; bundles LAME, LGPL). Constant bit rate, so a file's size and duration agree to a frame.
The duration a page and the podcast feed show is the speech's own (samples / sample rate), computed before
encoding; the MP3 adds at most the encoder's delay and padding (about two frames)."""

from __future__ import annotations

from copydesk.audio.engines import AudioError, AudioOff, Pcm
from copydesk.errors import describe

__all__ = ["MP3_BITRATE_KBPS", "MP3_MIME", "encode_mp3"]

#: Constant bit rate of the narrations. Not tuned by ear: 32 kbps mono is the low end of what podcast hosts
#: advise for speech, and espeak-ng's 22,050 Hz output has nothing above 11 kHz to spend more bits on. A minute
#: of speech is 240 kB.
MP3_BITRATE_KBPS = 32
#: LAME's own default quality/speed trade-off (0 best, 9 fastest). Measured here: 178 s of espeak-ng speech in
#: 0.63 s at 2, 0.47 s at 5, 0.22 s at 7; 5 is LAME's recommendation and no bottleneck (runs are incremental).
LAME_QUALITY = 5
MP3_MIME = "audio/mpeg"


def encode_mp3(pcm: Pcm) -> bytes:
    try:
        import lameenc
    except ImportError:
        raise AudioOff("lameenc is not installed (pip install lameenc): no MP3 encoder") from None
    try:
        enc = lameenc.Encoder()
        enc.set_bit_rate(MP3_BITRATE_KBPS)
        enc.set_in_sample_rate(pcm.sample_rate)
        enc.set_channels(1)
        enc.set_quality(LAME_QUALITY)
        return bytes(enc.encode(pcm.samples) + enc.flush())
    except Exception as exc:  # noqa: BLE001 lameenc (C) documents no error types (RuntimeError on a bad rate): any means no MP3
        raise AudioError(f"audio: MP3 encoding failed: {describe(exc)}") from None
