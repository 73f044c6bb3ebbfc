"""Where a rewrite finds that a later source contradicts a published sentence: a queue item for the editor.

The gate (``verify.gate``) keeps a sentence on which an independent source surely disagrees, and the story carries
that ``Disagreement`` with each outlet's version (its sentence and value). When a rewrite brings a disagreement the
previous version did not have, and a version of it is a sentence that version published, the new source may show
an error we published: ``contradicted`` returns one ``Flag`` per such sentence and disagreement, and the pipeline files it as a report with origin "pipeline". Nothing
is changed: an editor decides, as for a reader's report. A flag's ``key`` (story, sentence, the values in
conflict) makes the same contradiction filed once however often the story is rewritten.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from copydesk.corrections.apply import text_sentences
from copydesk.corrections.model import CATEGORY_OF_CONFLICT, ReportIn
from copydesk.models import WrittenStory

__all__ = ["Flag", "contradicted"]


@dataclass(frozen=True, slots=True)
class Flag:
    index: int
    sentence: str
    kind: str  # number | date | name
    ours: str  # the value as the published sentence gives it
    theirs: tuple[tuple[str, str, str], ...]  # (outlet id, value, the outlet's sentence) of each other version
    key: str

    def report(self, story_id: str, outlet_names: dict[str, str]) -> ReportIn:
        others = "; ".join(f"{outlet_names.get(o, o)} reports {v!r}: \u201c{s}\u201d" for o, v, s in self.theirs)
        return ReportIn(
            story_id=story_id,
            sentence_index=self.index,
            sentence=self.sentence,
            category=CATEGORY_OF_CONFLICT.get(self.kind, "other"),
            wrong=f"A later source contradicts this published sentence ({self.kind}: we say {self.ours!r}). {others}",
            right="",
            origin="pipeline",
            key=self.key,
        )


def _keys(s) -> tuple[str, ...]:
    """The texts a disagreement may name a sentence by: as published, and as its source wrote it (the gate checks
    the draft's text; the neutral step may edit a word after)."""
    return (s.text, s.support[0].sentence) if s.support else (s.text,)


def contradicted(previous: WrittenStory | None, new: WrittenStory) -> list[Flag]:
    """The sure disagreements of ``new`` that ``previous`` did not have, one flag per sentence of theirs that
    ``previous`` already published (both, when both versions were published: the editor decides which is wrong)."""
    if previous is None:
        return []
    published = {k for s in text_sentences(previous) for k in _keys(s)}
    known = [(d.kind, {c.value.lower() for c in d.claims}) for d in previous.disagreements]
    sentences = text_sentences(new)
    where: dict[str, int] = {}
    for i, s in enumerate(sentences):
        for k in _keys(s):
            where.setdefault(k, i)
    out = []
    for d in new.disagreements:
        values = {c.value.lower() for c in d.claims}
        if any(kind == d.kind and values <= old for kind, old in known):
            continue  # readers were already told that sources differ on this
        for claim in d.claims:
            own = claim.sentence
            if own not in published or own not in where:
                continue
            theirs = tuple((c.outlet_id, c.value, c.sentence) for c in d.claims if c.value != claim.value)
            if not theirs:
                continue
            ident = "\x1f".join([new.story_id, own, d.kind, claim.value, *sorted(v for _, v, _ in theirs)])
            flag = Flag(
                where[own],
                sentences[where[own]].text,
                d.kind,
                claim.value,
                theirs,
                hashlib.sha256(ident.encode("utf-8")).hexdigest(),
            )
            if all(f.key != flag.key for f in out):
                out.append(flag)
    return out
