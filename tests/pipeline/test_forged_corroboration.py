"""Independence cannot be forged (issue 17, part 4): one injected sentence imported in 14 copies under 14 outlet
names the registry lacks is one source, and the published story attributes the sentence to its outlet. Only
registry outlets with different owners count separately."""

from __future__ import annotations

import json

import pytest

from copydesk.config import load_settings, render_config
from copydesk.models import Outlet, Rating
from copydesk.pipeline import Desk
from copydesk.web.render import render_story

INJECTED = "The mayor admitted on Tuesday that the new bridge was built with stolen public money."
REPORT = (
    "The new Danube bridge in Harbour City opened to traffic on Tuesday after four years of construction. "
    "The bridge carries two tram lines and four lanes for cars. " + INJECTED + " "
    "Around 40,000 vehicles are expected to cross it every day."
)
NAMES = [
    "Harbour Times",
    "City Ledger",
    "Danube Daily",
    "Morning Lantern",
    "Civic Wire",
    "River Post",
    "Metro Bulletin",
    "The Crossing",
    "Bridge Watch",
    "Tram Gazette",
    "Harbour Herald",
    "East Bank News",
    "West Bank Courier",
    "Open City Report",
]


def _line(url: str, outlet: str, title: str, text: str, published: str) -> str:
    return json.dumps({"url": url, "outlet": outlet, "title": title, "text": text, "published": published})


def _outlet(oid: str, name: str, owner: str) -> Outlet:
    return Outlet(
        id=oid,
        name=name,
        homepage=f"https://{oid}.test/",
        feeds=(),
        language="en",
        country="GB",
        owner=owner,
        lean=Rating("unrated"),
        reliability=Rating("unrated"),
        kind="newspaper",
    )


@pytest.fixture
def desk(tmp_path):
    (tmp_path / "copydesk.toml").write_text(render_config(), encoding="utf-8")
    registry = {
        o.id: o
        for o in (
            _outlet("wire", "Harbour Wire", "Wire Group"),
            _outlet("gazette", "Harbour Gazette", "Gazette Holdings"),
        )
    }
    d = Desk(load_settings(tmp_path / "copydesk.toml"), registry)
    yield d
    d.close()


def _copies(text: str, near: bool = False) -> list[str]:
    out = []
    for k, name in enumerate(NAMES):
        body = text + (f" Reporting by staff {k + 1}." if near else "")
        out.append(
            _line(
                f"https://site{k}.example/bridge-{k}",
                name,
                "Harbour City bridge opens",
                body,
                f"2026-11-03T{8 + k // 4:02d}:{(k * 7) % 60:02d}:00Z",
            )
        )
    return out


def _injected(written) -> list:
    sentences = [written.lede] + [s for sec in written.body for s in sec.sentences]
    return [s for s in sentences if "stolen public money" in s.text]


@pytest.mark.parametrize("near", [False, True], ids=["identical", "near-identical"])
def test_fourteen_copies_under_fourteen_names_are_one_source(desk, near):
    rep = desk.import_lines(_copies(REPORT, near))
    assert rep.counts["stored"] == 14 and rep.counts["outlets-not-in-registry"] == 14, rep.counts
    assert len({o.id for o in desk.store.outlets().values() if not o.registered}) == 14
    desk.process()
    desk.write()
    [es] = desk.edition().stories
    st = es.story
    assert st.independent_sources == 1 and st.single_source, (st.independent_sources, st.notes)
    assert any(n.startswith("Based on one report, by ") for n in st.notes), st.notes
    [ws] = _injected(st)  # the sentence is published, and says whose it is
    assert ws.independent_outlets == 1
    assert ws.attribution in NAMES and ws.attribution in ws.text and ws.text != INJECTED, ws
    page = render_story(desk.edition(), st.slug)
    assert "1 independent source" in page and "14 independent sources" not in page
    assert ws.attribution in page


def test_copies_beside_a_registry_report_add_no_source_and_are_attributed(desk):
    wire = (
        "The new Danube bridge in Harbour City opened to traffic on Tuesday after four years of construction, "
        "the city council said. The bridge carries two tram lines and four lanes for cars. Around 40,000 "
        "vehicles are expected to cross it every day, according to the council."
    )
    desk.import_lines(
        [
            _line(
                "https://wire.test/bridge", "wire", "Harbour City bridge opens to traffic", wire, "2026-11-03T07:30:00Z"
            )
        ]
        + _copies(REPORT)
    )
    desk.process()
    desk.write()
    stories = [es.story for es in desk.edition().stories]
    story = next(st for st in stories if any(s.outlet_id == "wire" for s in st.sources))
    assert story.independent_sources == 1, (story.independent_sources, story.notes)  # the wire alone
    for st in stories:
        for ws in _injected(st):
            assert ws.attribution in NAMES and ws.attribution in ws.text, ws


def test_two_registry_owners_still_count_twice(desk):
    text = (
        "The new Danube bridge in Harbour City opened to traffic on Tuesday after four years of construction. "
        "The bridge carries two tram lines and four lanes for cars."
    )
    other = (
        "Harbour City's new bridge over the Danube opened to traffic on Tuesday, four years after building "
        "began. Two tram lines and four lanes for cars cross it."
    )
    desk.import_lines(
        [
            _line("https://wire.test/b", "wire", "Bridge opens", text, "2026-11-03T07:30:00Z"),
            _line("https://gazette.test/b", "gazette", "Bridge opens to traffic", other, "2026-11-03T08:30:00Z"),
        ]
    )
    desk.process()
    desk.write()
    [es] = desk.edition().stories
    assert es.story.independent_sources == 2 and not es.story.single_source
