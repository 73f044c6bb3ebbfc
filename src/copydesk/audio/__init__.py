"""Audio: each published story read aloud, and a daily briefing as a podcast (an output of the edition, like the
site and its feeds).

    narration.py   what is read: plain text from what the page says (pure)
    engines.py     speech engines: espeak-ng (default, a system program) or piper (extra ``tts``)
    encode.py      PCM -> MP3 (lameenc), duration from the sample count
    publish.py     the library in DATA_DIR/audio: narrate what changed, attach what matches to the edition
"""

from copydesk.audio.engines import ENGINES, AudioError, AudioOff, load_engine
from copydesk.audio.narration import briefing_narration, speakable, story_narration
from copydesk.audio.publish import AudioLibrary, AudioOptions, attach, briefing_days, narrate_edition

__all__ = [
    "ENGINES",
    "AudioError",
    "AudioOff",
    "AudioLibrary",
    "AudioOptions",
    "attach",
    "briefing_days",
    "briefing_narration",
    "load_engine",
    "narrate_edition",
    "speakable",
    "story_narration",
]
