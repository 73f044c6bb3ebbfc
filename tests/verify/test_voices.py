"""verify.gate.voice_of / independent: registry owners count separately; every outlet the registry lacks is one
voice, UNLISTED, which counts only when no registry outlet is behind the same text (issue 17, part 4)."""

from __future__ import annotations

from datetime import datetime, timezone

from copydesk.models import Article, Outlet, Rating
from copydesk.verify.gate import UNLISTED, independent, voice_of

T0 = datetime(2026, 11, 3, tzinfo=timezone.utc)


def _o(oid: str, owner: str, registered: bool = True) -> Outlet:
    return Outlet(
        oid,
        oid.title(),
        f"https://{oid}.test/",
        (),
        "en",
        "GB",
        owner,
        Rating("unrated"),
        Rating("unrated"),
        registered=registered,
    )


def _a(aid: int, outlet: str, wire_group: int | None = None) -> Article:
    return Article(
        id=aid,
        url=f"https://x.test/{aid}",
        canonical_url=f"https://x.test/{aid}",
        outlet_id=outlet,
        title="T",
        text="Text.",
        summary="",
        published=None,
        first_seen=T0,
        wire_group=wire_group,
    )


def test_voices():
    outlets = {
        o.id: o
        for o in (
            _o("wire", "Wire Group"),
            _o("paper", "Wire Group"),
            _o("gazette", "Gazette Co"),
            _o("copy.example", "", registered=False),
            _o("clone.example", "Clone", False),
        )
    }
    arts = [
        _a(1, "wire"),
        _a(2, "paper"),
        _a(3, "gazette"),
        _a(4, "copy.example"),
        _a(5, "clone.example"),
        _a(6, "nowhere"),
        _a(7, "copy.example", wire_group=1),
    ]
    by_id = {a.id: a for a in arts}
    v = {a.id: voice_of(a, by_id, outlets) for a in arts}
    assert v[1] == v[2] == "owner:wire group" and v[3] == "owner:gazette co"
    assert v[4] == v[5] == v[6] == UNLISTED  # unlisted, whatever owner it claims, or not stored at all
    assert v[7] == v[1]  # a copy of the wire's report stands for the wire
    assert independent([v[4], v[5], v[6]]) == {UNLISTED}
    assert independent([v[1], v[4], v[5]]) == {"owner:wire group"}
    assert len(independent(x for x in (v[1], v[3], v[4]))) == 2  # a generator too
