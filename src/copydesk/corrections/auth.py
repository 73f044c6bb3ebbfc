"""Editors' passwords and sign-in limits.

Passwords are hashed with argon2id (argon2-cffi's ``PasswordHasher`` defaults, RFC 9106's second recommended
profile: 64 MiB, 3 passes), never stored. A sign-in for a name that has no account, or a disabled one, still
verifies the password against a fixed dummy hash, so it takes as long as a real one, and is answered with the
same words.

Lockout: ``max_login_failures`` wrong passwords in a row lock an account for ``lockout_minutes`` (in the
database, so every server process sees it); a name without an account is counted the same way in memory, so a
locked name tells nothing about whether it exists. A client address that fails ``CLIENT_FAILURE_FACTOR`` times
that many within the same window is refused altogether until the window has passed (one guesser, many names).
"""

from __future__ import annotations

import threading
import time
from collections import OrderedDict

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

__all__ = [
    "hash_password",
    "verify_password",
    "needs_rehash",
    "check_new_password",
    "FailureCounter",
    "MIN_PASSWORD",
    "MAX_PASSWORD",
    "CLIENT_FAILURE_FACTOR",
]

_hasher = PasswordHasher()
#: NIST SP 800-63B asks for at least 8 characters and lets a verifier ask more; an editor's account can change
#: what the public reads, so 12. Long passphrases are welcome up to MAX_PASSWORD (bounds the hashing work).
MIN_PASSWORD = 12
MAX_PASSWORD = 256
#: A client is refused after this many times an account's limit of failures within one lockout window.
CLIENT_FAILURE_FACTOR = 4
_DUMMY = _hasher.hash("copydesk: no such editor; this hash only makes a wrong name as slow as a wrong password")


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def verify_password(stored: str | None, password: str) -> bool:
    """True when ``password`` matches ``stored``; with ``stored=None`` verify against a dummy (same time)."""
    try:
        return _hasher.verify(stored or _DUMMY, password[:MAX_PASSWORD]) and stored is not None
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


def needs_rehash(stored: str) -> bool:
    return _hasher.check_needs_rehash(stored)


def check_new_password(password: str, name: str) -> str | None:
    """Why ``password`` may not be used, or None."""
    if len(password) < MIN_PASSWORD:
        return f"the password must have at least {MIN_PASSWORD} characters"
    if len(password) > MAX_PASSWORD:
        return f"the password may have at most {MAX_PASSWORD} characters"
    if password.strip().lower() == name.strip().lower():
        return "the password must not be the editor's name"
    return None


class FailureCounter:
    """Failed sign-ins per key (a client address, or a name with no account) within a sliding window. In memory,
    thread-safe, bounded."""

    def __init__(self, limit: int, window_s: float, clock=time.monotonic, max_keys: int = 10_000):
        self.limit, self.window_s, self.clock, self.max_keys = limit, window_s, clock, max_keys
        self._seen: OrderedDict[str, list[float]] = OrderedDict()
        self._lock = threading.Lock()

    def _recent(self, key: str, now: float) -> list[float]:
        times = [t for t in self._seen.pop(key, []) if now - t < self.window_s]
        if times:
            self._seen[key] = times
        return times

    def blocked(self, key: str) -> bool:
        with self._lock:
            return len(self._recent(key, self.clock())) >= self.limit

    def fail(self, key: str) -> None:
        now = self.clock()
        with self._lock:
            times = self._recent(key, now)
            times.append(now)
            self._seen[key] = times
            while len(self._seen) > self.max_keys:
                self._seen.popitem(last=False)

    def clear(self, key: str) -> None:
        with self._lock:
            self._seen.pop(key, None)
