"""The neutral step of the write pipeline: after the gate, before assembly.

`edit_draft(gated)` edits the sentences and headline candidates that passed the gate: loaded words outside
quotations replaced or removed (`neutralize`, with a trail of every change), and a sentence that passes judgement
without saying whose judgement it is dropped with its reason (a loaded word the desk cannot take out, an
accusation in the outlet's own voice such as "liar", or a column's first or second person), since published
alone it would read as the desk's own opinion.
"""

from __future__ import annotations

from dataclasses import replace

from copydesk.models import Dropped, GatedDraft, GatedSentence
from copydesk.neutral.edit import loaded_words, neutralize, personal_or_accusing
from copydesk.verify.facts import REPORTING


def judgement(text: str) -> str | None:
    """Why a sentence is an unattributed judgement, or None when it is not one."""
    if REPORTING.search(text):
        return None  # someone is said to hold it
    fixed = [h.word for h in loaded_words(text) if h.kind in ("subjective", "sensational") and h.replacement is None]
    if fixed:
        return f"judges ({', '.join(repr(w) for w in fixed[:3])}) without saying whose judgement it is"
    if personal_or_accusing(text):
        return "written in the outlet's own first or second person, or accuses in its own voice"
    return None


def _edit(s: GatedSentence) -> GatedSentence:
    text, edits = neutralize(s.text)
    return replace(s, text=text, edits=s.edits + tuple(edits))


def edit_draft(gated: GatedDraft) -> GatedDraft:
    """The gated draft with its wording edited and its unattributed judgements dropped (each with its reason)."""
    kept, dropped = [], list(gated.dropped)
    for s in gated.sentences:
        why = judgement(s.text)
        if why is not None:
            dropped.append(Dropped(s.text, "evaluative", why))
        else:
            kept.append(_edit(s))
    return replace(
        gated, headlines=tuple(_edit(h) for h in gated.headlines), sentences=tuple(kept), dropped=tuple(dropped)
    )


__all__ = ["edit_draft", "judgement"]
