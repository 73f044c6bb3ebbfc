"""Helpers shared by the tests (import as `from testsupport import ...`; tests/ is on sys.path). Tests never use
the internet; data under ../shared/data is optional and its tests skip with a visible reason where it is absent."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
SHARED_DATA = Path(os.environ.get("COPYDESK_SHARED_DATA", REPO.parent / "shared" / "data"))


def shared_data(*parts: str) -> Path:
    """A path under ../shared/data, or a pytest skip naming what is missing."""
    p = SHARED_DATA.joinpath(*parts)
    if not p.exists():
        pytest.skip(f"evaluation data not present: {p}")
    return p


def service_url(var: str) -> str:
    """The URL of a service the test needs, from the environment; skip visibly (or fail under CI) if unset."""
    url = os.environ.get(var)
    if not url:
        if os.environ.get("COPYDESK_REQUIRE_SERVICES"):
            pytest.fail(f"{var} is not set but CI requires the service")
        pytest.skip(f"{var} not set: this test needs a real service (CI sets it)")
    return url


def outlet_toml(id: str, name: str, feed: str, country: str = "HU") -> str:
    """One `[[outlet]]` entry of a registry file, unrated, owned by itself."""
    return f"""
[[outlet]]
id = "{id}"
name = "{name}"
homepage = "https://{id}.test/"
feeds = ["{feed}"]
language = "en"
country = "{country}"
owner = "{name} Ltd"
lean = {{ value = "unrated" }}
reliability = {{ value = "unrated" }}
paywall = "none"
kind = "newspaper"
"""


def registry(names_hosts: dict[str, str]) -> dict:
    """Registry outlets for tests that import under outlet names: {name: host} -> {id: Outlet}, each its own
    owner (only registry outlets with different owners count as independent sources), unrated."""
    from copydesk.models import Outlet, Rating
    from copydesk.text import slugify

    return {slugify(name): Outlet(slugify(name), name, f"https://{host}/", (), "en", "GB", f"{name} owners",
                                  Rating("unrated"), Rating("unrated"), "none", "newspaper")
            for name, host in names_hosts.items()}
