"""near.copy_kind / credited / joint_note: a credited copy is a reprint, the same text from two independent
publishers is a joint statement. Texts written for these tests."""

from __future__ import annotations

from datetime import datetime, timezone

from copydesk.dedup import DuplicateIndex, copy_kind, credited, joint_note
from copydesk.models import Article

from tests.dedup.test_near import REPRINT, WIRE

JOINT = """We, the leaders of the two states, affirm that a war between our countries cannot be won and must never be fought.
We reaffirm our commitment to the arms control agreements we have signed, and to talks on strategic stability.
Both governments will keep channels of communication open at every level, including between their militaries.
This statement is issued simultaneously in the capitals of both states on the third of January."""


def test_uncredited_copy_from_an_independent_publisher_is_joint():
    idx = DuplicateIndex()
    assert idx.add(1, "white-house", JOINT) is None
    m = idx.add(2, "kremlin", JOINT)
    assert m is not None and m.kind == "exact"  # the index only sees the same text
    assert idx.outlet_of(1) == "white-house"
    assert not credited(JOINT)
    assert copy_kind(m.kind, JOINT, same_owner=False, original_is_wire=False) == "joint"


def test_credited_copies_stay_reprints():
    idx = DuplicateIndex()
    idx.add(1, "reuters", WIRE)
    m = idx.add(2, "daily", REPRINT)
    assert m is not None and m.kind == "reprint"
    assert credited(REPRINT) and credited(WIRE)  # "(AP) -" dateline, "Reporting by ..."
    assert copy_kind("reprint", REPRINT, same_owner=False, original_is_wire=False) == "reprint"
    # no credit in the copy, but the original is a wire's, or both outlets have one owner
    assert copy_kind("exact", JOINT, same_owner=False, original_is_wire=True) == "exact"
    assert copy_kind("reprint", JOINT, same_owner=True, original_is_wire=False) == "reprint"
    assert copy_kind("near", JOINT, same_owner=False, original_is_wire=False) == "near"


def test_syndication_marks_are_credits():
    for mark in (
        "This article was originally published by The Conversation.",
        "Republished with permission from the Budapest Post.",
        "The Associated Press contributed to this report.",
    ):
        assert credited(JOINT + "\n" + mark), mark
    assert not credited("The leaders discussed the situation in Europe. Reporters asked about the agreement.")


def _art(i, outlet, kind=None, of=None):
    t = datetime(2022, 1, 3, tzinfo=timezone.utc)
    return Article(
        id=i,
        url=f"https://x.invalid/{i}",
        canonical_url=f"https://x.invalid/{i}",
        outlet_id=outlet,
        title="t",
        text=JOINT,
        summary="",
        published=t,
        first_seen=t,
        duplicate_of=of,
        duplicate_kind=kind,
    )


def test_joint_note_names_both_issuers():
    names = {"white-house": "The White House", "kremlin": "President of Russia"}
    arts = [_art(1, "white-house"), _art(2, "kremlin", "joint", 1)]
    assert joint_note(arts, names) == "The same text was issued jointly by The White House and President of Russia."
    assert joint_note([_art(1, "white-house"), _art(2, "daily", "reprint", 1)], names) is None


def test_a_copy_under_a_name_the_registry_lacks_is_never_joint():
    idx = DuplicateIndex()
    idx.add(1, "white-house", JOINT)
    m = idx.add(2, "kremlin.example", JOINT)
    # only two registry publishers issue a text jointly; an unlisted name copying it adds no voice
    assert copy_kind(m.kind, JOINT, same_owner=False, original_is_wire=False, both_registered=False) == "exact"
    assert copy_kind("reprint", JOINT, same_owner=False, original_is_wire=False, both_registered=False) == "reprint"
