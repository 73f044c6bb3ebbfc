"""One writer per data directory: `copydesk run`, `import` and `demo` hold an exclusive lock on
``DATA_DIR/.copydesk.lock`` while they work, so two of them never interleave their writes.

The lock is an advisory ``flock`` on the file, released by the operating system when the process ends (a crash
leaves no stale lock). The file records who holds it (pid, command, start time, host), so a second command can say
who is in the way.
"""

from __future__ import annotations

import fcntl
import json
import os
import socket
import time
from datetime import datetime, timezone
from pathlib import Path

from copydesk.errors import CopydeskError

LOCK_NAME = ".copydesk.lock"


class LockHeld(CopydeskError):
    """Another process holds the data directory's lock."""


class DataDirLock:
    """``with DataDirLock(data_dir, "copydesk run"):`` -- raises `LockHeld` at once, or waits with ``wait=True``."""

    def __init__(
        self, data_dir: Path, command: str, wait: bool = False, poll_s: float = 0.5, name: str = LOCK_NAME
    ) -> None:
        self.path = Path(data_dir) / name  # another name: a lock of its own beside the writers' one
        self.command = command
        self.wait = wait
        self.poll_s = poll_s
        self._fd: int | None = None

    def holder(self) -> str:
        """Who holds the lock, as the file says ("pid 123, `copydesk run`, since 2026-12-04 17:00 UTC")."""
        try:
            info = json.loads(self.path.read_text(encoding="utf-8") or "{}")
        except (OSError, ValueError):
            return "another process"
        return (
            f"pid {info.get('pid', '?')} on {info.get('host', '?')}, `{info.get('command', '?')}`, "
            f"since {info.get('since', '?')}"
        )

    def acquire(self) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if not self.wait:
                    who = self.holder()
                    os.close(fd)
                    raise LockHeld(
                        f"lock: {self.path.parent} is in use by {who}; wait for it to finish, or pass "
                        "--wait to queue behind it"
                    ) from None
                time.sleep(self.poll_s)
        os.ftruncate(fd, 0)
        since = datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M:%S UTC")
        os.write(
            fd,
            json.dumps(
                {"pid": os.getpid(), "host": socket.gethostname(), "command": self.command, "since": since}
            ).encode(),
        )
        self._fd = fd

    def release(self) -> None:
        if self._fd is not None:
            try:
                os.ftruncate(self._fd, 0)
                fcntl.flock(self._fd, fcntl.LOCK_UN)
            finally:
                os.close(self._fd)
                self._fd = None

    def __enter__(self) -> DataDirLock:
        self.acquire()
        return self

    def __exit__(self, *exc: object) -> None:
        self.release()
