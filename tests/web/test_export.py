"""Static export (copydesk.web.export): files written, equal to what the app serves, atomic replace."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

import sample_edition
from html_check import dangers
from copydesk.web import export as export_mod
from copydesk.web.app import create_app
from copydesk.web.export import export_site


@pytest.fixture(scope="module")
def edition():
    return sample_edition.build_edition(sample_edition.hostile_strings())


def _url_for(rel: str) -> str:
    """The served URL of an exported file (the URL scheme in copydesk.web.render)."""
    if rel == "index.html":
        return "/"
    if rel.endswith("/index.html"):
        return "/" + rel[: -len("index.html")]
    return "/" + rel


def test_export_writes_the_site(tmp_path, edition):
    out = tmp_path / "site"
    written = export_site(edition, out)
    rels = {p.relative_to(out).as_posix() for p in written}
    assert rels == {p.relative_to(out).as_posix() for p in out.rglob("*") if p.is_file()}
    for rel in [
        "index.html",
        "about/index.html",
        "404.html",
        "feed.xml",
        "api/stories.json",
        "section/budapest/index.html",
        "section/europe/index.html",
        "section/world/index.html",
        "story/chain-bridge-closes/index.html",
        "story/mayor-visits-vienna/index.html",
        "story/chain-bridge-closes/v/1/index.html",
        "story/chain-bridge-closes/v/2/index.html",
        "story/hostile-story/index.html",
        "api/story/chain-bridge-closes.json",
        "static/site.css",
        "story/bridge-closing/index.html",
        "story/older-bridge/index.html",
        "queue/untranslated/index.html",
        "api/queue/untranslated.json",
        "rss.xml",
        "feed.json",
        "section/europe/feed.xml",
        "section/europe/rss.xml",
        "section/europe/feed.json",
        "sitemap.xml",
        "sitemap-news.xml",
        "robots.txt",
    ]:
        assert rel in rels, rel
    assert "story/gone/index.html" not in rels  # redirect to a missing story
    assert "story/chain-bridge-closes/v/3/index.html" not in rels  # the current version is the story page
    assert not any("evil" in r or ".." in r for r in rels)
    assert not (tmp_path / "etc").exists()
    # nothing left behind next to the output
    assert [p.name for p in tmp_path.iterdir()] == ["site"]


def test_export_equals_served(tmp_path, edition):
    out = tmp_path / "site"
    written = export_site(edition, out)
    client = TestClient(create_app(lambda: edition))
    for path in written:
        rel = path.relative_to(out).as_posix()
        data = path.read_bytes()
        if rel == "404.html":
            r = client.get("/no-such-page")
            assert r.status_code == 404 and r.content == data
            continue
        r = client.get(_url_for(rel), follow_redirects=False)
        if rel.startswith("story/") and rel.split("/")[1] in edition.redirects:
            assert r.status_code == 301
            assert b'http-equiv="refresh"' in data and b'rel="canonical"' in data
            continue
        assert r.status_code == 200, rel
        assert r.content == data, rel
        if rel.endswith(".html"):
            assert dangers(data.decode()) == [], rel


def test_export_replaces_previous_site(tmp_path, edition):
    out = tmp_path / "site"
    out.mkdir()
    (out / "stale.html").write_text("old")
    export_site(edition, out)
    assert not (out / "stale.html").exists()
    assert (out / "index.html").exists()
    assert [p.name for p in tmp_path.iterdir()] == ["site"]


def test_failed_export_loses_nothing(tmp_path, edition, monkeypatch):
    out = tmp_path / "site"
    export_site(edition, out)
    before = {p: p.read_bytes() for p in out.rglob("*") if p.is_file()}

    real = export_mod.site_files

    def broken(ed):
        files = real(ed)
        files["zzz/../../../outside.html"] = b"x"  # refused at write time, after other files were written
        return files

    monkeypatch.setattr(export_mod, "site_files", broken)
    with pytest.raises(ValueError):
        export_site(edition, out)
    assert {p: p.read_bytes() for p in out.rglob("*") if p.is_file()} == before
    assert [p.name for p in tmp_path.iterdir()] == ["site"]

    def render_fails(ed):
        raise RuntimeError("boom")

    monkeypatch.setattr(export_mod, "site_files", render_fails)
    with pytest.raises(RuntimeError):
        export_site(edition, out)
    assert {p: p.read_bytes() for p in out.rglob("*") if p.is_file()} == before


def test_exported_links_resolve(tmp_path, edition):
    """Every relative link in every exported page points at a file of the export."""
    from html_check import parse

    out = tmp_path / "site"
    export_site(edition, out)
    for page in out.rglob("*.html"):
        if page.name == "404.html":
            continue
        for tag, attrs in parse(page.read_text()).tags:
            href = attrs.get("href") if tag in ("a", "link") else None
            if not href or href.startswith(("http://", "https://", "#")):
                continue
            target = (page.parent / href.split("#")[0]).resolve()
            if href.endswith("/"):
                target = target / "index.html"
            assert target.is_file() and target.is_relative_to(out.resolve()), (page, href)
