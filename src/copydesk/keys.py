"""The site's secret key: signs form (CSRF) tokens, newsletter confirmation links and unsubscribe links.

Where it comes from, first found wins:

1. ``COPYDESK_FORMS__SECRET_KEY`` in the environment (``forms.secret_key``; at least 32 characters; refused in
   ``copydesk.toml``, which may sit in a repository);
2. the file ``forms.secret_file`` (default ``DATA_DIR/secret.key``), which must be readable by its owner only;
3. otherwise a new random key is written to that file, created exclusively with mode 0600, so the server and
   ``copydesk newsletter send`` (separate processes) share it and links keep working across restarts.

Changing the key invalidates every outstanding confirmation and unsubscribe link and every open form.
"""

from __future__ import annotations

import os
import secrets
import stat
from pathlib import Path

from copydesk.errors import ConfigError

__all__ = ["site_secret"]

#: Bytes of randomness in a generated key (256 bits, urlsafe-base64 encoded in the file).
GENERATED_KEY_BYTES = 32
_MIN_LEN = 32


def _read(path: Path) -> bytes:
    mode = path.stat().st_mode
    if mode & (stat.S_IRWXG | stat.S_IRWXO):
        raise ConfigError(
            "forms.secret_file",
            f"{path} is readable by others (mode {stat.S_IMODE(mode):o}); "
            f"chmod 600 it, or set COPYDESK_FORMS__SECRET_KEY",
        )
    key = path.read_bytes().strip()
    if len(key) < _MIN_LEN:
        raise ConfigError("forms.secret_file", f"{path} holds fewer than {_MIN_LEN} characters")
    return key


def site_secret(settings) -> bytes:
    """The secret key (see the module docstring). Raises ConfigError on an unsafe or unusable key file."""
    if settings.forms.secret_key is not None:
        return settings.forms.secret_key.get_secret_value().encode("utf-8")
    path = Path(settings.secret_path)
    if path.exists():
        return _read(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    key = secrets.token_urlsafe(GENERATED_KEY_BYTES).encode("ascii")
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:  # another process made it first: use theirs
        return _read(path)
    with os.fdopen(fd, "wb") as f:
        f.write(key + b"\n")
    return key
