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

Reader-facing text (what the site shows) never comes from these messages.
"""

from __future__ import annotations


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
