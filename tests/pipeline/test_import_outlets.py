"""Imported items from sites the registry lacks get a readable, unrated outlet; items from a registry outlet's
site are that outlet's, whatever the import line calls it."""

from __future__ import annotations

import json

import pytest

from copydesk.config import load_settings, render_config
from copydesk.models import UNRATED, Outlet, Rating
from copydesk.pipeline import Desk


@pytest.fixture
def desk(tmp_path):
    (tmp_path / "copydesk.toml").write_text(render_config(), encoding="utf-8")
    reuters = Outlet(
        "reuters",
        "Reuters",
        "https://www.reuters.test/",
        (),
        "en",
        "GB",
        "Thomson Reuters",
        Rating("center", "test"),
        Rating("high", "test"),
        "none",
        "wire",
    )
    d = Desk(load_settings(tmp_path / "copydesk.toml"), {"reuters": reuters})
    yield d
    d.close()


def line(url: str, outlet: str, **extra) -> str:
    return json.dumps({"url": url, "title": "A title", "outlet": outlet, "text": "One sentence here.", **extra})


def test_unlisted_sites_get_readable_unrated_names_and_registry_sites_their_outlet(desk):
    desk.store.ensure_outlet("latimes.com", "https://www.latimes.com/", "latimes.com")  # met before under a bare domain
    rep = desk.import_lines(
        [
            line("https://www.theguardian.com/world/a", "theguardian.com"),
            line("https://www.nytimes.com/b", "nytimes.com", site_name="The New York Times"),
            line("https://www.reuters.test/c", "reuters.test"),
            line("https://blog.example/d", "Some Blog"),
            line("https://www.latimes.com/e", "latimes.com"),
        ]
    )
    assert rep.counts["stored"] == 5
    outlets = desk.store.outlets()
    names = {o.id: o.name for o in outlets.values()}
    assert names["theguardian.com"] == "The Guardian"  # ids from the article's domain, never from the name
    assert names["nytimes.com"] == "The New York Times"
    assert names["blog.example"] == "Some Blog"
    assert names["latimes.com"] == "LA Times"
    assert "reuters.test" not in names  # the registry's Reuters, found by its site
    assert all(
        outlets[k].lean.value == UNRATED and not outlets[k].registered
        for k in ("theguardian.com", "nytimes.com", "blog.example")
    )
    assert rep.counts["outlets-not-in-registry"] == 3  # the guardian, the new york times, the blog
