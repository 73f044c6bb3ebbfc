"""Helpers shared by the tests (import as `from testsupport import ...`; tests/ is on sys.path). Tests never use
the internet; data under ../shared/data is optional and its tests skip with a visible reason where it is absent."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
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


DATABASES = ("sqlite", "postgresql")  # the backends every store test runs on


@contextmanager
def database(kind: str, tmp_path: Path, name: str = "t") -> Iterator[str]:
    """The URL of an empty database of ``kind``: a SQLite file under ``tmp_path``, or a PostgreSQL schema of its own
    (from COPYDESK_TEST_POSTGRES_URL; skipped visibly without it) that is dropped afterwards, so tests never see
    each other's rows. The URL alone chooses the backend, as in production."""
    if kind == "sqlite":
        yield f"sqlite:///{tmp_path}/{name}.sqlite3"
        return
    if kind != "postgresql":
        raise ValueError(f"unknown database kind {kind!r}")
    from sqlalchemy import create_engine, text

    base = service_url("COPYDESK_TEST_POSTGRES_URL")
    schema = "t_" + uuid.uuid4().hex[:12]
    eng = create_engine(base)
    try:
        with eng.begin() as c:
            c.execute(text(f"CREATE SCHEMA {schema}"))
        yield f"{base}{'&' if '?' in base else '?'}options=-csearch_path%3D{schema}"
    finally:
        with eng.begin() as c:
            c.execute(text(f"DROP SCHEMA IF EXISTS {schema} CASCADE"))
        eng.dispose()


def slow_page() -> bytes:
    """The 34-byte brotli bomb's text, cut at the fetch cap (5 MiB), as an HTML page of one paragraph per line:
    trafilatura, htmldate and the classifier take about 40 s over it on this machine (6 s as a single paragraph),
    far beyond any deadline a test uses, however loaded the machine."""
    import brotli  # the test extra

    text = brotli.decompress((REPO / "tests" / "data" / "hostile" / "bomb-br.bin").read_bytes()).replace(
        b"This", b"<p>This"
    )
    return (b"<html><body>" + text)[: 5 * 1024 * 1024]


def registry(names_hosts: dict[str, str]) -> dict:
    """Registry outlets for tests that import under outlet names: {name: host} -> {id: Outlet}, each its own
    owner (only registry outlets with different owners count as independent sources), unrated."""
    from copydesk.models import Outlet, Rating
    from copydesk.text import slugify

    return {
        slugify(name): Outlet(
            slugify(name),
            name,
            f"https://{host}/",
            (),
            "en",
            "GB",
            f"{name} owners",
            Rating("unrated"),
            Rating("unrated"),
            "none",
            "newspaper",
        )
        for name, host in names_hosts.items()
    }
