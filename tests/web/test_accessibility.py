"""Pages that work for people (issue 14 part 6), checked in headless Chromium on the exported sample edition (its
hostile source strings included): axe-core finds no serious or critical violation on any kind of page, and on a
375 px wide phone no page scrolls sideways (the outlet table included)."""

from __future__ import annotations

import pytest

import sample_edition
from browser import chromium_page, serve_dir
from copydesk.web.export import export_site

#: One page of each kind the site has.
PAGES = (
    "/",
    "/section/budapest/",
    "/story/chain-bridge-closes/",
    "/story/chain-bridge-closes/v/2/",
    "/story/hostile-story/",
    "/about/",
    "/queue/untranslated/",
    "/no-such-page/",
)
#: axe-core impacts that fail the test; "moderate" and "minor" ones are reported in the failure message only.
FAILING = {"serious", "critical"}
PHONE = 375


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    out = tmp_path_factory.mktemp("site") / "site"
    export_site(sample_edition.build_edition(sample_edition.hostile_strings()), out)
    return out


@pytest.mark.parametrize("width", [1200, PHONE])
def test_no_serious_accessibility_violation(site, width):
    axe_module = pytest.importorskip("axe_playwright_python.sync_playwright", reason="pip install '.[test]'")
    axe = axe_module.Axe()
    found = {}
    with serve_dir(site) as base, chromium_page(width=width) as page:
        for path in PAGES:
            target = base + path if path != "/no-such-page/" else base + "/404.html"
            page.goto(target)
            results = axe.run(page).response
            bad = [
                (v["id"], v["impact"], len(v["nodes"]), v["help"])
                for v in results["violations"]
                if v["impact"] in FAILING
            ]
            if bad:
                found[path] = bad
            assert results["testEngine"]["name"] == "axe-core" and results["url"].startswith(base)
    assert not found, found


def test_no_page_scrolls_sideways_on_a_phone(site, tmp_path):
    wide = {}
    with serve_dir(site) as base, chromium_page(width=PHONE, height=800) as page:
        for path in PAGES:
            page.goto(base + path if path != "/no-such-page/" else base + "/404.html")
            overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
            if overflow > 0:
                culprits = page.evaluate(
                    f"""[...document.querySelectorAll('body *')].filter(e => e.getBoundingClientRect().right > {PHONE} + 1)
                        .slice(0, 5).map(e => e.tagName + '.' + e.className + ' ' + Math.round(e.getBoundingClientRect().right))"""
                )
                wide[path] = (overflow, culprits)
                page.screenshot(
                    path=str(tmp_path / (path.strip("/").replace("/", "_") or "home") + ".png"), full_page=True
                )
        page.goto(base + "/story/chain-bridge-closes/")
        assert page.locator("table").count() >= 1, "the story page has an outlet table to check"
    assert not wide, wide
