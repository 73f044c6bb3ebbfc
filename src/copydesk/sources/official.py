"""Official sources: what the page says about a government press office and about a story only the parties back.

A press office (registry ``kind = "government"``) speaks for a party to the events it reports. Its texts are shown
as "official statement, not independent reporting", and a story whose every source is such an office is not
independently confirmed, however many offices issued it. Plain functions over the registry's ``Outlet``; the
writer or page assembler calls them (``official_label`` per source, ``balance_note`` per story).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from copydesk.models import Outlet

#: Registry kinds whose outlets speak for a party to the events (a government's press office), not report on them.
PARTY_KINDS = frozenset({"government"})
#: What the page says next to such a source.
OFFICIAL_LABEL = "official statement, not independent reporting"


def is_party(outlet: Outlet | None) -> bool:
    """Whether an outlet is a party's own press office (registry kind in PARTY_KINDS)."""
    return outlet is not None and outlet.kind in PARTY_KINDS


def official_label(outlet: Outlet | None) -> str | None:
    """The label to show next to a source of this outlet, or None for an independent outlet."""
    return OFFICIAL_LABEL if is_party(outlet) else None


def balance_note(outlet_ids: Iterable[str], outlets: Mapping[str, Outlet]) -> str | None:
    """The balance panel's note when every outlet backing a story is a party's press office, else None.

    "Backed only by official statements of the parties themselves (The White House, President of Russia); not
    independently confirmed." An outlet missing from the registry counts as independent (no note is claimed for
    what the registry does not say)."""
    ids = list(dict.fromkeys(outlet_ids))
    if not ids or not all(is_party(outlets.get(i)) for i in ids):
        return None
    names = ", ".join(outlets[i].name for i in ids)
    return f"Backed only by official statements of the parties themselves ({names}); not independently confirmed."
