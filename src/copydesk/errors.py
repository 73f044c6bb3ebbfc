"""copydesk's error vocabulary.

    CopydeskError                 base; messages start with the stage ("fetch: ...", "config: ...")
    ├── ConfigError               a wrong setting: names the key and what is allowed
    ├── RegistryError             a bad outlet entry in the source registry: names the entry
    ├── FetchError                an HTTP fetch that failed (timeout, size cap, robots, status)
    ├── FeedError                 a feed that could not be parsed at all
    ├── ExtractError              an article page that yielded no text
    ├── ImportLineError           a bad line in a JSON Lines import: carries the line number
    ├── StoreError                the database refused something
    └── MailError                 the SMTP server refused or was unreachable: ``permanent`` for a 5xx answer

Reader-facing text (what the site shows) never comes from these messages. ``describe(exc)`` formats any
exception for the operator (type and message, the database driver's cause, no help links): use it wherever an
error is printed or recorded.
"""

from __future__ import annotations

import re


class CopydeskError(Exception):
    """Base of every error copydesk raises on purpose."""


class ConfigError(CopydeskError):
    def __init__(self, key: str, message: str):
        self.key = key
        super().__init__(f"config: {key}: {message}")


class RegistryError(CopydeskError):
    def __init__(self, entry: str, message: str):
        self.entry = entry
        super().__init__(f"registry: {entry}: {message}")


class FetchError(CopydeskError):
    pass


class FeedError(CopydeskError):
    pass


class ExtractError(CopydeskError):
    pass


class ImportLineError(CopydeskError):
    def __init__(self, line: int, message: str):
        self.line = line
        super().__init__(f"import: line {line}: {message}")


class StoreError(CopydeskError):
    pass


class MailError(CopydeskError):
    """``mail: ...``; ``permanent`` when the server answered 5xx (retrying will not help)."""

    def __init__(self, message: str, permanent: bool = False):
        self.permanent = permanent
        super().__init__(f"mail: {message}")


#: How libraries end a message with a link to their help pages (SQLAlchemy: "(Background on this error at:
#: https://sqlalche.me/e/20/gkpj)"); a user reads the cause instead.
_HELP_LINK = re.compile(r"\s*\(Background on this error at: [^)]*\)\s*$")
#: SQLAlchemy appends the statement and its parameters on lines of their own: long, and may carry article text.
_SQL_DETAIL = re.compile(r"\n\[(?:SQL|parameters): .*", re.S)


def describe(exc: BaseException) -> str:
    """An exception as users and the events table see it: what failed and why, in one line.

    Our own errors are their message (it starts with the stage). Any other names its type and its message; for a
    database error the driver's own exception (SQLAlchemy's ``orig``: ``IntegrityError: UNIQUE constraint failed:
    stories.slug``), never only a library's help link, and without the SQL statement and its parameters."""
    if isinstance(exc, CopydeskError):
        return str(exc) or type(exc).__name__
    orig = getattr(exc, "orig", None)
    if isinstance(orig, BaseException) and orig is not exc:
        return f"{type(exc).__name__}: {_one_line(str(orig)) or type(orig).__name__}"
    message = _one_line(_SQL_DETAIL.sub("", _HELP_LINK.sub("", str(exc))))
    return f"{type(exc).__name__}: {message}" if message else type(exc).__name__


def _one_line(text: str) -> str:
    return " ".join(_HELP_LINK.sub("", text).split())
