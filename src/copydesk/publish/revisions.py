"""What changed between two published versions of a story, in words for readers (pure).

``describe_changes(before, after, reason, note)`` is computed once, when the store records a revision
(``Store.save_written``), and kept with it: the story page shows it as "Updated <time>: <what changed>", the API
as a revision's ``changes``. In order:

- the reason, when it is not new coverage: "a correction: <note>", "an editor's edit: <note>";
- "headline changed";
- sources: "2 new sources: Reuters, AP", "a source no longer used: Daily" (by article; outlets named once);
- figures: in sentences that are the same sentence in both versions (aligned by their words, see ``ALIGN_MIN``)
  a number that changed, "a figure changed: 9 dead -> 12 dead";
- sentences: "a sentence added", "2 sentences removed", "a sentence reworded";
- when none of these (the provenance behind the same text changed, say a support score): "sources' details
  updated".

The first version is "first published".
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import replace
from difflib import SequenceMatcher

from copydesk.models import Revision, Section, WrittenStory
from copydesk.verify.facts import STOPWORDS, Quantity, quantities

__all__ = ["ALIGN_MIN", "FIRST", "describe_changes", "share_versions", "story_sentences"]

#: Two sentences, one of each version, are the same sentence changed when difflib's ratio over their words is at
#: least this (0.5: they share at least half their words, in order). An editorial choice, not tuned: "At least 9
#: people died" and "At least 12 people died, officials said" (0.78) are one sentence whose figure changed, two
#: different sentences of one story rarely share half their words. tests/publish/test_revisions.py pins both sides.
ALIGN_MIN = 0.5
#: The changes of a story's first version.
FIRST = "first published"

_WORD = re.compile(r"\w+(?:[.,']\w+)*")
_NEXT_WORD = r"\s+([A-Za-z][\w-]*)"


def story_sentences(w: WrittenStory) -> list[str]:
    """The text of a story as readers see it, sentence by sentence (the headline apart): lede, then the body."""
    return [w.lede.text] + [s.text for sec in w.body for s in sec.sentences]


def _plural(n: int, one: str, many: str) -> str:
    return f"a {one}" if n == 1 else f"{n} {many}"


def _words(s: str) -> list[str]:
    return [w.lower() for w in _WORD.findall(s)]


def _align(before: list[str], after: list[str]) -> tuple[list[tuple[str, str]], list[str], list[str]]:
    """(pairs of one sentence changed, sentences removed, sentences added); unchanged sentences are left out,
    wherever they moved."""
    left = Counter(before)
    removed, added = [], []
    for s in after:
        if left[s] > 0:
            left[s] -= 1
        else:
            added.append(s)
    rest = Counter(before) - Counter(after)
    for s in before:
        if rest[s] > 0:
            rest[s] -= 1
            removed.append(s)
    scored = sorted(
        (
            (SequenceMatcher(None, _words(a), _words(b), autojunk=False).ratio(), i, j)
            for i, a in enumerate(removed)
            for j, b in enumerate(added)
        ),
        reverse=True,
    )
    pairs, used_a, used_b = [], set(), set()
    for ratio, i, j in scored:
        if ratio < ALIGN_MIN:
            break
        if i in used_a or j in used_b:
            continue
        used_a.add(i)
        used_b.add(j)
        pairs.append((i, j))
    pairs.sort(key=lambda p: p[1])
    return (
        [(removed[i], added[j]) for i, j in pairs],
        [s for i, s in enumerate(removed) if i not in used_a],
        [s for j, s in enumerate(added) if j not in used_b],
    )


def _shown(q: Quantity, sentence: str) -> str:
    """A figure as readers know it: the number as written with the word it counts ("9 dead", "more than 180")."""
    text = q.text[0].lower() + q.text[1:] if q.text[:1].isupper() else q.text  # "At least 9" mid-sentence
    m = re.search(re.escape(q.text) + _NEXT_WORD, sentence)
    return f"{text} {m.group(1)}" if m and m.group(1).lower() not in STOPWORDS else text


def _figures(a: str, b: str) -> list[str]:
    """ "9 dead -> 12 dead" for each number of ``a`` that ``b`` gives differently (matched by the word counted)."""
    qa, qb = list(quantities(a)), list(quantities(b))
    key = lambda q: (q.value, q.unit)  # noqa: E731
    same = Counter(map(key, qa)) & Counter(map(key, qb))
    gone, new = [], []
    for qs, out in ((qa, gone), (qb, new)):
        left = Counter(same)
        for q in qs:
            if left[key(q)] > 0:
                left[key(q)] -= 1
            else:
                out.append(q)
    changed = []
    for q in gone:
        match = next((n for n in new if n.unit == q.unit), None) or (new[0] if new else None)
        if match is None:
            continue
        new.remove(match)
        changed.append(f"{_shown(q, a)} -> {_shown(match, b)}")
    return changed


def describe_changes(
    before: WrittenStory | None, after: WrittenStory, reason: str = "coverage", note: str | None = None
) -> tuple[str, ...]:
    """What changed from ``before`` (the previous published version; None: there was none) to ``after``."""
    out: list[str] = []
    note = " ".join(note.split()) if note else None
    if reason == "correction":
        out.append(f"a correction: {note}" if note else "a correction")
    elif reason == "editor":
        out.append(f"an editor's edit: {note}" if note else "an editor's edit")
    if before is None:
        return (FIRST, *out)
    if before.headline.text != after.headline.text:
        out.append("headline changed")
    old_ids = {s.article_id for s in before.sources}
    new_ids = {s.article_id for s in after.sources}
    added_src = [s for s in after.sources if s.article_id not in old_ids]
    gone_src = [s for s in before.sources if s.article_id not in new_ids]
    if added_src:
        names = ", ".join(dict.fromkeys(s.outlet_name for s in added_src))
        out.append(f"{_plural(len(added_src), 'new source', 'new sources')}: {names}")
    if gone_src:
        names = ", ".join(dict.fromkeys(s.outlet_name for s in gone_src))
        out.append(f"{_plural(len(gone_src), 'source', 'sources')} no longer used: {names}")
    pairs, removed, added = _align(story_sentences(before), story_sentences(after))
    figures = [f for a, b in pairs for f in _figures(a, b)]
    if figures:
        out.append(f"{'a figure changed' if len(figures) == 1 else 'figures changed'}: {'; '.join(figures)}")
    reworded = sum(1 for a, b in pairs if not _figures(a, b))
    if added:
        out.append(f"{_plural(len(added), 'sentence', 'sentences')} added")
    if removed:
        out.append(f"{_plural(len(removed), 'sentence', 'sentences')} removed")
    if reworded:
        out.append(f"{_plural(reworded, 'sentence', 'sentences')} reworded")
    if not out:
        out.append("sources' details updated")
    return tuple(out)


def share_versions(current: WrittenStory, revisions: tuple[Revision, ...]) -> tuple[WrittenStory, tuple[Revision, ...]]:
    """A story's ``current`` text and ``revisions`` (as the store reads them: each a whole copy) holding what they
    have in common once: the revision equal to the version published now is ``current`` itself, and a sentence or
    a source equal in several versions is one object. Equal values, so pages and API answers do not change; an
    edition (which `serve` keeps in memory and builds again after every run) then grows with what the versions
    change, not with their number times the story's size."""
    if not revisions:
        return current, revisions
    pool: dict = {}

    def one(x):
        try:
            return pool.setdefault(x, x)
        except TypeError:  # a value that cannot be hashed (none of ours today) is kept as it is
            return x

    def parts(w: WrittenStory) -> WrittenStory:
        return replace(
            w,
            headline=one(w.headline),
            lede=one(w.lede),
            body=tuple(Section(sec.heading, tuple(one(x) for x in sec.sentences)) for sec in w.body),
            sources=tuple(one(x) for x in w.sources),
        )

    current = parts(current)
    out = []
    for r in revisions:
        w = current if r.written == current else parts(r.written)
        out.append(replace(r, written=w))
    return current, tuple(out)
