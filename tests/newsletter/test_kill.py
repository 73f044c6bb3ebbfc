"""A crash in the middle of a send never sends a subscriber the same digest twice, and the rest are sent on restart.

A real ``copydesk newsletter send`` subprocess talks to a slow aiosmtpd server on loopback; the test SIGKILLs it at
a known step of the SMTP conversation, starts it again, and reads what the server received.

- killed while the server is slow to answer RCPT (the send log says ``pending``: the server cannot have accepted
  the message): the restart sends it, so every subscriber gets the digest exactly once;
- killed after the server has the whole message but before its 250 reached us (``committing``, the window RFC
  1047 describes): we err on the side of at most once, so the restart does not send it again; this server did
  accept it, so again every subscriber has it exactly once, and `newsletter status` names the interrupted send.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from collections import Counter
from datetime import timedelta
from pathlib import Path

import numpy as np
import pytest

import sample_edition
from helpers import write_config
from copydesk.config import load_settings
from copydesk.store import Store, StoryState
from copydesk.store.newsletter import NewsletterStore

SRC = Path(__file__).resolve().parents[2] / "src"
N_SUBSCRIBERS = 6
KILL_AT = 3  # messages the server has before the kill
DATE = "2024-05-01"


def _data_dir(tmp_path: Path, port: int) -> tuple[Path, list[str]]:
    cfg = write_config(tmp_path / "data", port)
    settings = load_settings(cfg)
    store = Store(settings.database_url)
    edition = sample_edition.build_edition()
    store.sync_outlets(edition.outlets.values())
    for es in edition.stories[:2]:
        s = es.story
        store.save_story(StoryState(s.story_id, np.ones(4, np.float32) / 2, 1, s.published, s.updated), slug=s.slug)
        store.save_written(s.story_id, s)
    nl = NewsletterStore(store)
    emails = [f"reader{i}@example.org" for i in range(N_SUBSCRIBERS)]
    for i, e in enumerate(emails):
        nl.request_confirmation(f"h{i}", f"n{i}", "test", limit=9, window=timedelta(days=1))
        nl.confirm(f"n{i}", e, True, (), "test")
    store.close()
    return cfg, emails


def _send(cfg: Path) -> subprocess.Popen:
    env = {**os.environ, "PYTHONPATH": str(SRC)}
    return subprocess.Popen(
        [sys.executable, "-m", "copydesk", "newsletter", "send", "--config", str(cfg), "--date", DATE],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def _wait(proc: subprocess.Popen, cond, timeout: float = 120.0) -> None:
    end = time.monotonic() + timeout
    while not cond():
        if proc.poll() is not None:
            raise AssertionError(f"the send ended before the kill: {proc.communicate()}")
        if time.monotonic() > end:
            raise AssertionError("timed out")
        time.sleep(0.01)


@pytest.mark.slow
@pytest.mark.parametrize("step", ["rcpt", "after-data"])
def test_kill_mid_send_then_restart(tmp_path, smtp, step):
    cfg, emails = _data_dir(tmp_path, smtp.port)
    rec = smtp.recorder
    if step == "rcpt":
        rec.delay_rcpt_s = 0.3
    else:
        rec.hold_after_data = threading.Event()
        held = {"n": 0}
        original = rec.handle_DATA

        async def hold_at_kill(server, session, envelope):  # hold only the KILL_AT-th message
            held["n"] += 1
            if held["n"] == KILL_AT:
                return await original(server, session, envelope)
            with rec.lock:
                rec.messages.append((envelope.mail_from, list(envelope.rcpt_tos), bytes(envelope.original_content)))
            return "250 OK"

        rec.handle_DATA = hold_at_kill

    proc = _send(cfg)
    try:
        if step == "rcpt":
            _wait(proc, lambda: len(rec.messages) >= KILL_AT and rec.in_rcpt.is_set())
        else:
            _wait(proc, lambda: rec.in_data.is_set())
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait(timeout=30)
    finally:
        if proc.poll() is None:
            proc.kill()
    assert proc.returncode == -signal.SIGKILL
    before = len(rec.messages)
    assert 0 < before < N_SUBSCRIBERS, "the kill must land mid-send"
    # what the killed process left in the send log: one row in flight, at the step where it was killed
    killed = NewsletterStore(Store(load_settings(cfg).database_url))
    left = Counter(r.state for r in killed.send_log(f"daily-{DATE}"))
    if step == "rcpt":
        assert left == {"sent": before, "pending": 1}, left
    else:
        assert left == {"sent": before - 1, "committing": 1}, left
    if rec.hold_after_data is not None:
        rec.hold_after_data.set()
    rec.delay_rcpt_s = 0.0

    proc = _send(cfg)
    out, err = proc.communicate(timeout=180)
    assert proc.returncode == 0, err
    got = Counter(rec.recipients())
    assert got == Counter({e: 1 for e in emails}), got  # every subscriber exactly once

    settings = load_settings(cfg)
    nl = NewsletterStore(Store(settings.database_url))
    states = Counter(r.state for r in nl.send_log(f"daily-{DATE}"))
    if step == "rcpt":
        assert states == {"sent": N_SUBSCRIBERS}
        assert f"sent {N_SUBSCRIBERS - before}" in out
    else:  # the one cut off after the server had it: not sent again, reported
        assert states == {"sent": N_SUBSCRIBERS - 1, "committing": 1}
        assert "interrupted 1" in out and "not repeated" in err
        status = subprocess.run(
            [sys.executable, "-m", "copydesk", "newsletter", "status", "--config", str(cfg), "--date", DATE],
            env={**os.environ, "PYTHONPATH": str(SRC)},
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert "committing 1" in status.stdout and ": committing" in status.stdout
    # a third run has nothing left to do
    proc = _send(cfg)
    out, err = proc.communicate(timeout=180)
    assert sum(got.values()) == len(rec.recipients()) and "sent" not in out.replace("already-sent", "")
