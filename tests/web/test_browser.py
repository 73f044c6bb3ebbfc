"""What a reader sees, in a real browser: the exported sample edition in headless Chromium."""

from __future__ import annotations

import pytest

import sample_edition
from browser import chromium_page, serve_dir
from copydesk.web.export import export_site


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    out = tmp_path_factory.mktemp("site") / "site"
    export_site(sample_edition.build_edition(sample_edition.hostile_strings()), out)
    return out


def test_home_and_story_render_for_a_reader(site, tmp_path):
    with serve_dir(site) as base, chromium_page() as page:
        page.goto(base + "/")
        headlines = page.locator("main h2, main h3").all_inner_texts()
        assert any("Chain Bridge" in h for h in headlines), headlines
        page.screenshot(path=str(tmp_path / "home.png"), full_page=True)
        page.goto(base + "/story/chain-bridge-closes/")
        assert page.locator("h1").first.is_visible()
        body = page.locator("body").inner_text()
        assert "Sources" in body
        # hostile strings from the sources are shown as text, never run: no dialog, no script error
        dialogs = []
        page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
        page.goto(base + "/story/hostile-story/")
        page.wait_for_timeout(200)
        assert dialogs == []
        page.screenshot(path=str(tmp_path / "story.png"), full_page=True)
        assert page.problems == [], page.problems
    assert (tmp_path / "home.png").stat().st_size > 10_000
