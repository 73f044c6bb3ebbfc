"""sources.official: government press offices are parties; a story only they back is not independently confirmed."""

from __future__ import annotations

from copydesk.demo import DEMO_CORPORA, demo_file
from copydesk.models import Outlet, Rating
from copydesk.sources import OFFICIAL_LABEL, balance_note, is_party, official_label, registry_from_data


def _outlet(oid, kind):
    return Outlet(
        id=oid,
        name=oid.upper(),
        homepage=f"https://{oid}.invalid/",
        feeds=(),
        language="en",
        country="US",
        owner=oid,
        lean=Rating("unrated"),
        reliability=Rating("unrated"),
        kind=kind,
    )


def test_balance_note_only_when_every_source_is_a_party():
    outlets = {"wh": _outlet("wh", "government"), "kr": _outlet("kr", "government"), "ap": _outlet("ap", "wire")}
    note = balance_note(["wh", "kr"], outlets)
    assert note and "WH, KR" in note and "not independently confirmed" in note
    assert balance_note(["wh", "ap"], outlets) is None
    assert balance_note(["wh", "unknown"], outlets) is None  # not in the registry: nothing claimed
    assert balance_note([], outlets) is None
    assert official_label(outlets["wh"]) == OFFICIAL_LABEL and official_label(outlets["ap"]) is None


def test_demo_registry_marks_both_publishers_as_government():
    import tomllib

    data = tomllib.loads(demo_file(DEMO_CORPORA["statements"].registry).read_text(encoding="utf-8"))
    outlets = registry_from_data(data)
    assert len(outlets) == 2 and all(is_party(o) and o.owner for o in outlets.values())
    assert len({o.owner for o in outlets.values()}) == 2  # two independent publishers, not one owner
