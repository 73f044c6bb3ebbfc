"""Wire reprints and separate same-event reports built from real articles: the one generator behind
``bench/wire.py`` (all of it) and ``tests/dedup/test_reprints.py`` (a small fixed subset, with floors).

Originals are real articles of ECB+ (event clusters) and AllSides (one story told by left, centre and
right outlets), given a wire dateline (``make_wire``). From each original come reprints, one per kind
(``KINDS``), each the edit a reprinting outlet makes, alone, so every kind is measured separately:

``dateline``         the outlet's own dateline instead of the wire's
``first-paragraph``  the outlet's own first paragraph (taken from a separate report of the same event)
``last-paragraph``   the outlet's own closing paragraph instead of the wire's last one
``credit``           a byline, "Reporting by ...; Editing by ..." footers, or a credit run after the last sentence
``truncation``       the first 40-90 % of the words, cut at a sentence end
``copy-edit``        house style, spelling and tense (``SWAPS``), filler words dropped
``combined``         ``make_reprint``: one or two structural edits, copy-editing, dateline, byline, footers

An edit that would leave less than ``MIN_KEPT_SHARE`` of the wire's words is not a reprint; that
original then has no reprint of that kind (counted as "not applicable").

Negatives are *different* real articles of one gold event or story: they share names, numbers, places
and quotes. Pairs that are real copies of one text (``is_copy``: the corpora hold write-thrus of one AP
story carried by several outlets, pasted press releases) are reprints, not separate reports, and are
left out.

Everything is seeded per item (``random.Random(f"{seed}:...:{doc_id}")``), so a subset built with a
limit is exactly a subset of the full benchmark, whatever else is loaded.

The corpora are evaluation data whose texts stay the publishers' (see their READMEs): they are read
from ``../shared/data`` at run time and nothing is copied into the repository.
"""

from __future__ import annotations

import itertools
import json
import random
import re
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

from rapidfuzz import fuzz, process

from copydesk.dedup import DuplicateIndex, DupMatch, normalise_text

ECB_FILE = "ecbplus_docs.jsonl"
ALLSIDES_FILE = "allsides_articles_2021.jsonl"

# ------------------------------------------------------------------------------------------------------
# Loading
# ------------------------------------------------------------------------------------------------------


class Doc(list):
    """An article as a list of paragraphs, with the corpus's id (``doc_id`` / ``article_id``)."""

    def __init__(self, doc_id: str, paragraphs: list[str]):
        super().__init__(paragraphs)
        self.id = doc_id


Events = dict[str, list[Doc]]


def _paragraphs(text: str) -> list[str]:
    return [p.strip() for p in text.replace("\xa0", " ").split("\n") if p.strip()]


def load_ecb(path: Path) -> Events:
    """event cluster -> articles (full texts, the headline line first), in file order."""
    events: Events = {}
    with Path(path).open(encoding="utf-8") as fh:
        for line in fh:
            d = json.loads(line)
            events.setdefault(d["event_cluster"], []).append(Doc(d["doc_id"], _paragraphs(d["text"])))
    return events


def load_allsides(path: Path) -> Events:
    """story id -> articles (ledes: the first ~3 paragraphs), in file order."""
    events: Events = {}
    with Path(path).open(encoding="utf-8") as fh:
        for line in fh:
            d = json.loads(line)
            paras = _paragraphs(d.get("lede") or "")
            if paras:
                events.setdefault(str(d["story_id"]), []).append(Doc(d["article_id"], paras))
    return events


def load_jsonl(path: Path) -> Events:
    """Any JSON Lines file with ``id``, ``text`` and ``gold`` (the event label): gold -> articles."""
    events: Events = {}
    with Path(path).open(encoding="utf-8") as fh:
        for line in fh:
            if line.strip():
                d = json.loads(line)
                paras = _paragraphs(d.get("text") or "")
                if paras:
                    events.setdefault(str(d["gold"]), []).append(Doc(str(d["id"]), paras))
    return events


def load_corpora(paths: Iterable[Path]) -> dict[str, Events]:
    """name -> events, from ../shared/data (both sets), its ecbplus/ or allsides_neus/ folder, or a
    JSON Lines file of the format above."""
    out: dict[str, Events] = {}
    for p in map(Path, paths):
        if p.is_dir() and (p / ECB_FILE).exists():
            out["ecb+"] = load_ecb(p / ECB_FILE)
        elif p.is_dir() and (p / ALLSIDES_FILE).exists():
            out["allsides"] = load_allsides(p / ALLSIDES_FILE)
        elif p.is_dir() and ((p / "ecbplus" / ECB_FILE).exists() or (p / "allsides_neus" / ALLSIDES_FILE).exists()):
            out.update(load_corpora([p / "ecbplus", p / "allsides_neus"]))
        elif p.name == ECB_FILE:
            out["ecb+"] = load_ecb(p)
        elif p.name == ALLSIDES_FILE:
            out["allsides"] = load_allsides(p)
        elif p.is_file():
            out[p.stem] = load_jsonl(p)
        else:
            raise FileNotFoundError(f"wire bench: no ECB+, AllSides or JSON Lines data at {p}")
    return out


# ------------------------------------------------------------------------------------------------------
# What a reprinting outlet does to a wire report
# ------------------------------------------------------------------------------------------------------

WIRE_DATELINES = [
    "BUDAPEST (Reuters) - ",
    "WASHINGTON (Reuters) - ",
    "LONDON, May 3 (Reuters) - ",
    "NEW YORK (AP) — ",
    "PARIS (AFP) - ",
    "(CNN)",
    "SAN JUAN, Puerto Rico (AP) — ",
]
REPRINT_DATELINES = [
    "(AP) — ",
    "LOS ANGELES — ",
    "BERLIN, Jan. 5 (dpa) - ",
    "(Reuters) - ",
    "",
    "",
    "TOKYO (Kyodo) -- ",
    "MANILA, Philippines — ",
]
#: Datelines of the single-edit kinds: never empty, and some the normaliser may not know (mixed-case
#: place, "UPDATED" stamp), which must not matter: a dateline is a handful of shingles.
OUTLET_DATELINES = [d for d in REPRINT_DATELINES if d] + [
    "KYIV, Ukraine, Jan. 5 (Reuters) - ",
    "WASHINGTON — ",
    "Washington (CNN) — ",
    "ST. LOUIS (AP) — ",
    "NEW DELHI, Oct 12 (Reuters) - ",
    "UPDATED 10:42 a.m. ET — ",
]
BYLINES = ["By Jane Doe, Associated Press", "By JOHN ROE and Ana Lima", "By Maria Kowalski | Reuters"]
FOOTERS = [
    "Reporting by Anita Komuves; Editing by Andrew Heavens",
    "(Reporting by Gergely Szakacs; Writing by Krisztina Than; Editing by Alex Richardson)",
    "Additional reporting by Marton Dunai in Budapest; editing by Jason Neely",
    "Associated Press writer Pablo Gorondi in Budapest contributed to this report.",
    "© 2021 The Associated Press. All rights reserved.",
]
#: Credit runs appended to the last paragraph rather than given a line of their own.
TRAILING_CREDITS = [
    "Reporting by Humeyra Pamuk; Editing by Mary Milliken",
    "(Reporting by David Shepardson; Editing by Chizu Nomiyama)",
]
# Copy-desk edits: house style, spelling, tense.
SWAPS = {
    "said": "says",
    "says": "said",
    "percent": "per cent",
    "U.S.": "US",
    "Mr.": "Mr",
    "Mrs.": "Mrs",
    "organization": "organisation",
    "center": "centre",
    "favor": "favour",
    "color": "colour",
    "program": "programme",
    "labor": "labour",
    "defense": "defence",
    "told": "said to",
    "about": "around",
    "more than": "over",
    "two": "2",
    "three": "3",
    "people": "persons",
    "killed": "left dead",
}
FILLERS = {"also", "just", "that", "very", "still", "now", "already"}


def copy_edit(paragraph: str, rng: random.Random, rate: float) -> str:
    words = paragraph.split(" ")
    out: list[str] = []
    for w in words:
        if rng.random() < rate:
            bare = w.strip(",.;:\"'")
            if bare in SWAPS:
                out.append(w.replace(bare, SWAPS[bare]))
                continue
            if bare.lower() in FILLERS:
                continue  # dropped
        out.append(w)
    return " ".join(out)


def strip_dateline(paragraph: str) -> str:
    return re.sub(r"^(?:[A-Z][A-Z ,.a-z]*?\([A-Za-z]+\) [-—]+ |\(CNN\))", "", paragraph)


def make_wire(paras: list[str], rng: random.Random) -> list[str]:
    return [rng.choice(WIRE_DATELINES) + paras[0], *paras[1:]]


#: A reprint keeps at least this share of the wire report's words (before copy-editing); below it the
#: outlet has written its own story around a quotation of the wire, which is not a reprint.
MIN_KEPT_SHARE = 0.6


def _structural_edit(body: list[str], rng: random.Random, own: list[str], edits: list[str]) -> list[str]:
    if "truncate" in edits and len(body) >= 4:
        body = body[: max(3, round(len(body) * rng.uniform(0.6, 0.9)))]
    if "drop-last" in edits and len(body) >= 3:
        body = body[:-1]
    if "intro" in edits:  # the outlet writes its own first paragraph (here: from a same-event report)
        body = [rng.choice(own), *body[1:]]
    if "outro" in edits:  # ... or adds a closing paragraph of its own
        body = [*body, rng.choice(own)]
    return body


def make_reprint(wire: list[str], rng: random.Random, others: list[list[str]]) -> list[str]:
    """An outlet's reprint of ``wire`` with several edits at once (kind "combined"); ``others`` are other
    outlets' reports of the same event."""
    wire_body = [strip_dateline(wire[0]), *wire[1:]]
    own = [p for o in others for p in o[1:]] or ["The report could not be independently verified."]
    edits = rng.sample(["intro", "outro", "drop-last", "truncate"], k=rng.choice([1, 1, 2]))
    body = _structural_edit(wire_body, rng, own, edits)
    if _words([p for p in body if p in wire_body]) < MIN_KEPT_SHARE * _words(wire_body):
        body = _structural_edit(wire_body, rng, own, [rng.choice(["intro", "outro"])])
        if _words([p for p in body if p in wire_body]) < MIN_KEPT_SHARE * _words(wire_body):
            body = _structural_edit(wire_body, rng, own, ["outro"])
    body = [copy_edit(p, rng, rate=0.3) for p in body]
    body[0] = rng.choice(REPRINT_DATELINES) + body[0]
    if rng.random() < 0.3:
        body = [rng.choice(BYLINES), *body]
    if rng.random() < 0.8:
        body = [*body, *rng.sample(FOOTERS, k=rng.choice([1, 2]))]
    return body


KINDS = ("dateline", "first-paragraph", "last-paragraph", "credit", "truncation", "copy-edit", "combined")
_SENT_RE = re.compile(r"(?<=[.!?])\s+(?=[A-Z\"“])")


def _truncate(body: list[str], share: float) -> list[str]:
    """The first ``share`` of the words, cut after the sentence that reaches it."""
    target, acc, out = share * _words(body), 0, []
    for p in body:
        kept = []
        for s in _SENT_RE.split(p):
            kept.append(s)
            acc += len(s.split())
            if acc >= target:
                break
        out.append(" ".join(kept))
        if acc >= target:
            break
    return out


def with_credit(body: list[str], rng: random.Random) -> list[str]:
    """Add one or two credit lines: a byline on top, footers below, or a credit run after the last sentence."""
    how = rng.sample(["byline", "footer", "trailing"], k=rng.choice([1, 1, 2]))
    if "byline" in how:
        body = [rng.choice(BYLINES), *body]
    if "trailing" in how:
        body = [*body[:-1], f"{body[-1]} {rng.choice(TRAILING_CREDITS)}"]
    if "footer" in how:
        body = [*body, *rng.sample(FOOTERS, k=rng.choice([1, 2]))]
    return body


def make_reprint_kind(wire: list[str], rng: random.Random, own: list[str], kind: str) -> list[str] | None:
    """A reprint of ``wire`` with the one edit ``kind`` (see the module docstring); ``own`` are paragraphs
    of separate reports of the same event, the outlet's "own" writing. None when the edit would keep
    less than ``MIN_KEPT_SHARE`` of the wire's words, or cannot be made (a one-sentence text)."""
    body = [strip_dateline(wire[0]), *wire[1:]]
    dated = wire[0][: len(wire[0]) - len(body[0])]  # the wire's own dateline, kept unless replaced
    total = _words(body)
    own = own or ["The report could not be independently verified."]
    if kind == "combined":
        return make_reprint(wire, rng, [["", *own]])
    if kind == "dateline":
        return [rng.choice(OUTLET_DATELINES) + body[0], *body[1:]]
    if kind == "credit":
        return with_credit([dated + body[0], *body[1:]], rng)
    if kind == "copy-edit":
        out = [copy_edit(p, rng, rate=0.3) for p in body]
        return [dated + out[0], *out[1:]]
    if kind == "truncation":
        out = _truncate(body, rng.uniform(0.4, 0.9))
        if _words(out) >= total:
            return None
        return [dated + out[0], *out[1:]]
    if len(body) < 2:
        return None
    if kind == "first-paragraph":
        out = [rng.choice(OUTLET_DATELINES) + rng.choice(own), *body[1:]]
        kept = _words(body[1:])
    elif kind == "last-paragraph":
        out = [dated + body[0], *body[1:-1], rng.choice(own)]
        kept = _words(body[:-1])
    else:
        raise ValueError(f"unknown reprint kind {kind!r}")
    return out if kept >= MIN_KEPT_SHARE * total else None


# ------------------------------------------------------------------------------------------------------
# Gold: which real pairs are copies of one text
# ------------------------------------------------------------------------------------------------------

#: Gold label "copy": at least this share of the shorter article's sentences (of >= 8 words) are in
#: the other article too, allowing light edits (rapidfuzz ratio >= COPY_SENTENCE_RATIO). Both corpora
#: hold such pairs (outlets carrying different write-thrus of one AP story, a press release, a blog
#: pasting the wire); they are reprints, not separate reports, so they are kept out of the negatives.
COPY_SENTENCE_SHARE = 0.5
COPY_SENTENCE_RATIO = 85


def _sentences(paras: list[str]) -> list[str]:
    out = [normalise_text(s) for p in paras for s in _SENT_RE.split(p)]
    return [s for s in out if len(s.split()) >= 8]


#: Pairs the sentence-level rule misses, read by hand and labelled copies (doc ids).
HAND_LABELLED_COPIES: dict[frozenset[str], str] = {
    frozenset({"26_2ecbplus", "26_9ecbplus"}): "two write-thrus of one AP obituary (Gigante), re-ordered",
    frozenset({"38_1ecbplus", "38_10ecbplus"}): "Patch and another site both carry the same two-paragraph"
    " quake bulletin, each adding its own lines",
    frozenset({"3_2ecbplus", "3_3ecbplus"}): "blog post: own three-sentence intro, then three paragraphs"
    " pasted verbatim from the other article",
    frozenset({"45_7ecbplus", "45_8ecbplus"}): "the same story truncated mid-sentence after the lede",
    frozenset({"28_6ecbplus", "28_9ecbplus"}): "one AP obituary (Fred LaRue): Fox News carries it whole, the"
    " Sun-Sentinel a condensed, lightly re-worded cut of its first nine paragraphs (found by bench/wire.py)",
}


def is_copy(a: list[str], b: list[str]) -> bool:
    """Gold: are two real articles copies of one text (see COPY_SENTENCE_SHARE)?"""
    if isinstance(a, Doc) and isinstance(b, Doc) and frozenset({a.id, b.id}) in HAND_LABELLED_COPIES:
        return True
    sa, sb = _sentences(a), _sentences(b)
    if not sa or not sb:
        return False
    if len(sa) > len(sb):
        sa, sb = sb, sa
    best = process.cdist(sa, sb, scorer=fuzz.ratio, score_cutoff=COPY_SENTENCE_RATIO).max(axis=1)
    return (best >= COPY_SENTENCE_RATIO).mean() >= COPY_SENTENCE_SHARE


def _words(paras: list[str]) -> int:
    return sum(len(p.split()) for p in paras)


def copy_pairs(events: Events) -> set[frozenset[str]]:
    """Doc-id pairs within one event that the gold calls copies of one text."""
    return {
        frozenset({a.id, b.id}) for arts in events.values() for a, b in itertools.combinations(arts, 2) if is_copy(a, b)
    }


class LazyCopies:
    """``copy_pairs(events)`` as a set that labels a pair only when asked (a sample needs few labels)."""

    def __init__(self, events: Events) -> None:
        self._docs = {d.id: d for arts in events.values() for d in arts}
        self._known: dict[frozenset[str], bool] = {}

    def __contains__(self, pair: frozenset[str]) -> bool:
        if pair not in self._known:
            a, b = (self._docs[i] for i in pair)
            self._known[pair] = is_copy(a, b)
        return self._known[pair]


# ------------------------------------------------------------------------------------------------------
# The fixed 200 + 200 set the thresholds in copydesk/dedup/near.py were calibrated on
# ------------------------------------------------------------------------------------------------------

N_PAIRS = 200  # positives and negatives each
SEED = 20240601


def build_pairs(
    ecb: dict[str, list[list[str]]], allsides: dict[str, list[list[str]]], n: int = N_PAIRS
) -> tuple[list[tuple[str, str]], list[tuple[str, str]]]:
    """(positives, negatives): pairs of texts (earlier, later); 3/4 from ECB+, 1/4 from AllSides; every
    positive is a "combined" reprint. Kept unchanged: it is the calibration set of near.py."""
    rng = random.Random(SEED)
    pos: list[tuple[str, str]] = []
    neg: list[tuple[str, str]] = []
    for events, share in ((ecb, n - n // 4), (allsides, n // 4)):
        docs = [(eid, i) for eid, arts in sorted(events.items()) for i, a in enumerate(arts) if _words(a) >= 60]
        for eid, i in rng.sample(docs, share):
            wire = make_wire(events[eid][i], rng)
            others = [a for j, a in enumerate(events[eid]) if j != i]
            pos.append(("\n".join(wire), "\n".join(make_reprint(wire, rng, others))))
        same_event = [
            (eid, i, j) for eid, arts in sorted(events.items()) for i, j in itertools.combinations(range(len(arts)), 2)
        ]
        rng.shuffle(same_event)
        taken = 0
        for eid, i, j in same_event:
            a, b = events[eid][i], events[eid][j]
            if is_copy(a, b):
                continue
            neg.append(("\n".join(make_wire(a, rng)), "\n".join(make_wire(b, rng))))
            taken += 1
            if taken == share:
                break
    return pos, neg


def is_reprint(earlier: str, later: str, index_factory: Callable[[], DuplicateIndex] = DuplicateIndex) -> bool:
    """Does a fresh index, given ``earlier`` (from the wire) then ``later`` (from an outlet), call the
    later one an exact copy or reprint of the earlier?"""
    index = index_factory()
    index.add(1, "wire", earlier)
    match = index.add(2, "outlet", later)
    return match is not None and match.kind in ("reprint", "exact") and match.of == 1


def score(pos, neg, index_factory=DuplicateIndex) -> tuple[float, float, int, int]:
    tp = sum(is_reprint(a, b, index_factory) for a, b in pos)
    fp = sum(is_reprint(a, b, index_factory) for a, b in neg)
    precision = tp / (tp + fp) if tp + fp else 1.0
    return precision, tp / len(pos), tp, fp


# ------------------------------------------------------------------------------------------------------
# The per-kind benchmark
# ------------------------------------------------------------------------------------------------------

#: An original needs this many words to be reprinted (a one-line brief is not a wire report).
MIN_WIRE_WORDS = 60
BENCH_SEED = 20240601


@dataclass(frozen=True, slots=True)
class Pair:
    corpus: str
    kind: str  # a KINDS entry for a reprint, "separate" for two separate reports of one event
    earlier_id: str
    later_id: str
    earlier: str
    later: str
    #: Separate reports of the event whose paragraph the reprint carries as the outlet's "own" writing.
    donors: tuple[str, ...] = ()

    @property
    def positive(self) -> bool:
        return self.kind != "separate"


def _rng(seed: int, *parts: str) -> random.Random:
    return random.Random(":".join([str(seed), *parts]))  # str seeds hash with SHA-512: stable across runs


def wire_version(doc: Doc, seed: int = BENCH_SEED) -> list[str]:
    """The article as the wire sends it (a wire dateline on its first line); one fixed version per article."""
    return make_wire(doc, _rng(seed, "wire", doc.id))


#: Kinds that put a paragraph of a separate report of the event into the reprint.
USES_OWN = ("first-paragraph", "last-paragraph", "combined")


def _donors(body: list[str], wire: list[str], own_by: list[tuple[str, str]]) -> tuple[str, ...]:
    """Ids of the reports whose paragraph (perhaps copy-edited) is in ``body`` but not in the wire."""
    if not own_by:
        return ()
    extra = [normalise_text(p) for p in body if p not in wire]
    if not extra:
        return ()
    # partial: the paragraph may carry an outlet dateline the normaliser keeps ("UPDATED 10:42 a.m. ET —")
    scores = process.cdist(extra, [normalise_text(p) for _, p in own_by], scorer=fuzz.partial_ratio, score_cutoff=85)
    hit = scores.max(axis=0) >= 85
    return tuple(sorted({own_by[i][0] for i in range(len(own_by)) if hit[i]}))


def build_benchmark(
    corpora: dict[str, Events],
    seed: int = BENCH_SEED,
    kinds: Iterable[str] = KINDS,
    max_wires: int | None = None,
    max_separate: int | None = None,
    copies: dict[str, set[frozenset[str]]] | None = None,
) -> tuple[list[Pair], dict[str, dict[str, int]]]:
    """(pairs, not_applicable[corpus][kind]) over every corpus.

    Positives: every original of at least ``MIN_WIRE_WORDS`` words, reprinted once per kind ("own"
    paragraphs come from separate reports of its event, never from a gold copy of it). Negatives: every
    pair of articles of one event that is not a gold copy, both as wire versions, earlier in file order
    first. ``max_wires`` / ``max_separate`` draw a seeded sample per corpus (the CI subset). ``copies``:
    corpus -> ``copy_pairs(events)`` when already computed; else pairs are labelled as needed."""
    kinds = tuple(kinds)
    pairs: list[Pair] = []
    not_applicable: dict[str, dict[str, int]] = {}
    for name, events in corpora.items():
        gold = copies[name] if copies is not None and name in copies else LazyCopies(events)
        na = not_applicable.setdefault(name, dict.fromkeys(kinds, 0))
        wires = [(eid, a) for eid, arts in sorted(events.items()) for a in arts if _words(a) >= MIN_WIRE_WORDS]
        if max_wires is not None and max_wires < len(wires):
            wires = _rng(seed, "sample-wires", name).sample(wires, max_wires)
        for eid, doc in wires:
            wire = wire_version(doc, seed)
            own_by = [
                (o.id, p) for o in events[eid] if o is not doc and frozenset({o.id, doc.id}) not in gold for p in o[1:]
            ]
            own = [p for _, p in own_by]
            for kind in kinds:
                body = make_reprint_kind(wire, _rng(seed, kind, doc.id), own, kind)
                if body is None:
                    na[kind] += 1
                    continue
                donors = _donors(body, wire, own_by) if kind in USES_OWN else ()
                pairs.append(Pair(name, kind, doc.id, f"{doc.id}/{kind}", "\n".join(wire), "\n".join(body), donors))
        candidates = [(a, b) for _, arts in sorted(events.items()) for a, b in itertools.combinations(arts, 2)]
        if max_separate is not None:
            _rng(seed, "sample-separate", name).shuffle(candidates)
        separate: list[tuple[Doc, Doc]] = []
        for a, b in candidates:
            if max_separate is not None and len(separate) >= max_separate:
                break
            if frozenset({a.id, b.id}) not in gold:
                separate.append((a, b))
        for a, b in separate:
            pairs.append(
                Pair(name, "separate", a.id, b.id, "\n".join(wire_version(a, seed)), "\n".join(wire_version(b, seed)))
            )
    return pairs, not_applicable


@dataclass(frozen=True, slots=True)
class Judged:
    pair: Pair
    match: DupMatch | None  # what the index said of the later text

    @property
    def flagged(self) -> bool:
        return self.match is not None and self.match.kind in ("reprint", "exact") and self.match.of == 1


def judge(
    pairs: Iterable[Pair], index_factory: Callable[[], DuplicateIndex] = DuplicateIndex
) -> tuple[list[Judged], float]:
    """Each pair through a fresh index, earlier (outlet "wire") then later (outlet "outlet");
    returns the verdicts and the seconds spent in ``DuplicateIndex.add``."""
    out: list[Judged] = []
    spent = 0.0
    for p in pairs:
        index = index_factory()
        t0 = time.perf_counter()
        index.add(1, "wire", p.earlier)
        m = index.add(2, "outlet", p.later)
        spent += time.perf_counter() - t0
        out.append(Judged(p, m))
    return out, spent


def summarise(judged: list[Judged]) -> dict:
    """precision, recall, f1, counts, and recall per kind (and per corpus and kind)."""
    tp = sum(j.flagged for j in judged if j.pair.positive)
    fn = sum(not j.flagged for j in judged if j.pair.positive)
    fp = sum(j.flagged for j in judged if not j.pair.positive)
    tn = sum(not j.flagged for j in judged if not j.pair.positive)
    precision = tp / (tp + fp) if tp + fp else 1.0
    recall = tp / (tp + fn) if tp + fn else 1.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    per_kind: dict[str, list[int]] = {}
    per_corpus_kind: dict[str, list[int]] = {}
    for j in judged:
        if j.pair.positive:
            for key, table in ((j.pair.kind, per_kind), (f"{j.pair.corpus}/{j.pair.kind}", per_corpus_kind)):
                hit = table.setdefault(key, [0, 0])
                hit[0] += j.flagged
                hit[1] += 1
    return {
        "precision": precision,
        "recall": recall,
        "f1": f1,
        "pairs_positive": tp + fn,
        "pairs_negative": fp + tn,
        "tp": tp,
        "fp": fp,
        "fn": fn,
        "tn": tn,
        "false_positive_rate": fp / (fp + tn) if fp + tn else 0.0,
        "recall_by_kind": {k: v[0] / v[1] for k, v in per_kind.items()},
        "pairs_by_kind": {k: v[1] for k, v in per_kind.items()},
        "recall_by_corpus_kind": {k: v[0] / v[1] for k, v in per_corpus_kind.items()},
        "pairs_by_corpus_kind": {k: v[1] for k, v in per_corpus_kind.items()},
    }


# ------------------------------------------------------------------------------------------------------
# Ten outlets reprint one wire report; three outlets write their own
# ------------------------------------------------------------------------------------------------------

N_REPRINTS = 10
N_INDEPENDENT = 3
#: Edits of the reprinting outlets beyond their own dateline and credit line, one per outlet.
OUTLET_EDITS = (
    None,
    None,
    None,
    None,
    None,
    "first-paragraph",
    "last-paragraph",
    "truncation",
    "copy-edit",
    "combined",
)


@dataclass(frozen=True, slots=True)
class Scenario:
    corpus: str
    event: str
    wire_id: str
    independent_ids: tuple[str, ...]
    texts: tuple[tuple[str, str, bool], ...]  # (outlet, text, is a copy of the wire) in arrival order


def build_scenarios(
    corpora: dict[str, Events],
    seed: int = BENCH_SEED,
    max_events: int | None = None,
    copies: dict[str, set[frozenset[str]]] | None = None,
) -> list[Scenario]:
    """One scenario per event that has an original of ``MIN_WIRE_WORDS`` words and ``N_INDEPENDENT``
    other reports that are gold copies neither of it nor of each other: the wire, ``N_REPRINTS``
    outlets' copies (each its own dateline and credit, half also one more edit) and the independent
    reports, in a seeded arrival order (a reprint may come in before the wire itself)."""
    out: list[Scenario] = []
    for name, events in corpora.items():
        gold = copies[name] if copies is not None and name in copies else LazyCopies(events)
        for eid, arts in sorted(events.items()):
            for wire_doc in arts:
                if _words(wire_doc) < MIN_WIRE_WORDS:
                    continue
                picked: list[Doc] = []
                for o in arts:
                    if o is wire_doc or any(frozenset({o.id, x.id}) in gold for x in [wire_doc, *picked]):
                        continue
                    picked.append(o)
                    if len(picked) == N_INDEPENDENT:
                        break
                if len(picked) == N_INDEPENDENT:
                    break
            else:
                continue
            rng = _rng(seed, "scenario", wire_doc.id)
            wire = wire_version(wire_doc, seed)
            # the outlets' own paragraphs come from reports of the event that are not in the scenario
            own = [
                p
                for o in arts
                if o is not wire_doc and o not in picked and frozenset({o.id, wire_doc.id}) not in gold
                for p in o[1:]
            ]
            texts = [("wire", "\n".join(wire), True)]
            for k, edit in enumerate(OUTLET_EDITS[:N_REPRINTS]):
                body = make_reprint_kind(wire, rng, own, edit) if edit else None
                body = body or [strip_dateline(wire[0]), *wire[1:]]
                if edit not in ("first-paragraph", "combined"):  # these bring their own dateline
                    body = [rng.choice(OUTLET_DATELINES) + strip_dateline(body[0]), *body[1:]]
                if edit != "combined":  # ... and this one its own credits
                    body = with_credit(body, rng)
                texts.append((f"reprint-{k}", "\n".join(body), True))
            texts += [(f"independent-{k}", "\n".join(wire_version(o, seed)), False) for k, o in enumerate(picked)]
            rng.shuffle(texts)
            out.append(Scenario(name, eid, wire_doc.id, tuple(o.id for o in picked), tuple(texts)))
            if max_events is not None and len(out) >= max_events:
                break
    return out


@dataclass(frozen=True, slots=True)
class ScenarioResult:
    scenario: Scenario
    wire_groups: int  # distinct groups among the wire and its reprints: 1 expected
    groups: int  # distinct groups among all texts: 1 + N_INDEPENDENT expected
    independents_merged: int  # independent reports put into a group with another text: 0 expected

    @property
    def ok(self) -> bool:
        return self.wire_groups == 1 and self.groups == 1 + N_INDEPENDENT and self.independents_merged == 0


def run_scenario(s: Scenario, index_factory: Callable[[], DuplicateIndex] = DuplicateIndex) -> ScenarioResult:
    index = index_factory()
    groups: list[tuple[int, bool]] = []
    for key, (outlet, text, _) in enumerate(s.texts):
        index.add(key, outlet, text)
    for key, (_, _, is_wire_copy) in enumerate(s.texts):
        groups.append((index.group_of(key), is_wire_copy))
    wire_groups = {g for g, w in groups if w}
    sizes: dict[int, int] = {}
    for g, _ in groups:
        sizes[g] = sizes.get(g, 0) + 1
    merged = sum(1 for g, w in groups if not w and sizes[g] > 1)
    return ScenarioResult(s, len(wire_groups), len(sizes), merged)
