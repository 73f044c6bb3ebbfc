"""Sentence pairs for the disagreement benchmark, built from real articles: the one generator behind
``bench/disagreement.py`` (all of it) and ``tests/verify/test_disagreement_floor.py`` (a fixed subset).

Paraphrases (negatives) are real sentences of two *different* articles about one event (an ECB+ event
cluster, an AllSides story told by left, centre and right outlets) that the embedding model puts close
together (cosine >= ``PAIR_MIN``), that are not copies of one text (character similarity below
``COPY_MAX``), and that give the same numbers, years, weekdays and months, so they state the same fact
the same way, in different words; the names in them may differ ("Biden" / "the president").

Disagreements (positives) are those pairs with one fact changed in the second sentence: a number both
sentences give (to another value), a year, weekday or month both give (to another one), or a name both
give (to a name from another event). Only a value both sentences state is changed, so the changed pair
really disagrees. Each paraphrase gives one negative and at most one positive, the kind taken in turn
among those that apply. The values to change are found with this module's own plain patterns, not with
copydesk's fact extraction, so recall is not measured only on what copydesk already finds.

Everything is seeded per pair, so a subset is exactly a subset of the full set. `split_of` divides the events:
the detector was tuned on "dev" (ECB+ train and dev topics, even AllSides stories) and is reported on "test".
"""

from __future__ import annotations

import itertools
import random
import re
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from rapidfuzz import fuzz

from copydesk.text import split_sentences

from _embedcache import embed_cached
from _wirepairs import load_corpora

#: Cosine (e5-small) from which two sentences of one event are taken to state the same fact. Read off 60
#: AllSides pairs: from 0.90 almost all were one fact in other words; 0.86-0.90 often two related facts.
PAIR_MIN = 0.90
#: Character similarity (rapidfuzz ratio) from which two sentences are one text copied, not a paraphrase.
COPY_MAX = 90
#: Candidate sentences per article (the first ones, where the facts are) and their length in words.
PER_DOC, MIN_WORDS, MAX_WORDS = 6, 8, 60

_DIGITS = re.compile(r"(?<![\w.,-])\d{1,3}(?:,\d{3})*(?:\.\d+)?(?![\w.,]\d)")
_WORDNUM = (
    "two",
    "three",
    "four",
    "five",
    "six",
    "seven",
    "eight",
    "nine",
    "ten",
    "eleven",
    "twelve",
    "fifteen",
    "twenty",
    "thirty",
    "fifty",
)
_YEAR = re.compile(r"\b(?:19[5-9]\d|20[0-3]\d)\b")
_DAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
_MONTHS = (
    "January",
    "February",
    "March",
    "April",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)  # "May" is left out: it is also a verb
_CAP = re.compile(r"(?<=[a-z,;] )[A-Z][a-z]{2,}(?= [a-z,.;]|[,.;])")
_NOT_NAMES = (
    set(_DAYS)
    | set(_MONTHS)
    | {
        "The",
        "This",
        "That",
        "President",
        "Democrats",
        "Republicans",
        "Democrat",
        "Republican",
        "Congress",
        "Senate",
        "House",
        "Court",
        "Supreme",
        "Police",
        "Government",
        "Minister",
        "Sunday",
    }
)


@dataclass(frozen=True, slots=True)
class Pair:
    a: str
    b: str
    disagree: bool
    kind: str  # "paraphrase", "number", "date" or "name"
    event: str


def sentences(doc: list[str]) -> list[str]:
    out = []
    for para in doc:
        for s in split_sentences(para):
            if MIN_WORDS <= len(s.split()) <= MAX_WORDS and s[-1:] in '.!"”':
                out.append(s)
    return out[:PER_DOC]


def _slots(s: str) -> dict[str, list[str]]:
    return {
        "number": [m for m in _DIGITS.findall(s) if not _YEAR.fullmatch(m)]
        + [w for w in _WORDNUM if re.search(rf"\b{w}\b", s, re.I)],
        "date": _YEAR.findall(s) + [d for d in _DAYS + _MONTHS if re.search(rf"\b{d}\b", s)],
        "name": [w for w in _CAP.findall(s) if w not in _NOT_NAMES],
    }


def _same_values(a: str, b: str) -> bool:
    sa, sb = _slots(a), _slots(b)
    return sorted(sa["number"]) == sorted(sb["number"]) and sorted(sa["date"]) == sorted(sb["date"])


def _change(kind: str, value: str, rng: random.Random, names: list[str]) -> str:
    if kind == "number":
        if value.lower() in _WORDNUM:
            new = rng.choice([w for w in _WORDNUM if w != value.lower()])
            return new.capitalize() if value[0].isupper() else new
        v = float(value.replace(",", ""))
        delta = max(1, round(abs(v) * rng.uniform(0.1, 0.5)))
        new_v = v + delta if rng.random() < 0.5 or v - delta <= 0 else v - delta
        if "." in value:
            return f"{new_v:.{len(value.split('.')[1])}f}"
        return f"{int(new_v):,}" if "," in value else str(int(new_v))
    if kind == "date":
        if value.isdigit():
            return str(int(value) + rng.choice([-3, -2, -1, 1, 2, 3]))
        pool = _DAYS if value in _DAYS else _MONTHS
        return rng.choice([d for d in pool if d != value])
    return rng.choice([n for n in names if n != value])


def build(
    events_by_corpus: dict[str, dict[str, list]],
    emb,
    cache: Path | None,
    seed: int = 0,
    limit_events: int | None = None,
) -> list[Pair]:
    """Paraphrase pairs and their one-fact disagreements from the loaded corpora."""
    per_event: list[tuple[str, list[list[str]]]] = []
    for corpus, events in events_by_corpus.items():
        keys = sorted(events)[:limit_events] if limit_events else sorted(events)
        for ev in keys:
            docs = [sentences(d) for d in events[ev]]
            docs = [d for d in docs if d]
            if len(docs) >= 2:
                per_event.append((f"{corpus}:{ev}", docs))
    texts = sorted({s for _, docs in per_event for d in docs for s in d})
    vecs = embed_cached(emb, texts, cache)
    index = {t: i for i, t in enumerate(texts)}
    names = sorted({n for t in texts for n in _slots(t)["name"]})

    pairs: list[Pair] = []
    for ev, docs in per_event:
        used: set[str] = set()
        for da, db in itertools.combinations(docs, 2):
            sims = vecs[[index[s] for s in da]] @ vecs[[index[s] for s in db]].T
            for i, j in zip(*np.nonzero(sims >= PAIR_MIN)):
                a, b = da[i], db[j]
                if a in used or b in used or fuzz.ratio(a, b) >= COPY_MAX or not _same_values(a, b):
                    continue
                used.update((a, b))
                pairs.append(Pair(a, b, False, "paraphrase", ev))
                rng = random.Random(f"{seed}:{ev}:{a}:{b}")
                sa, sb = _slots(a), _slots(b)
                shared = {k: [v for v in sb[k] if v in sa[k]] for k in sb}
                kinds = [k for k in ("number", "date", "name") if shared[k]]
                if not kinds:
                    continue
                kind = kinds[len(pairs) % len(kinds)]
                value = rng.choice(shared[kind])
                new = _change(kind, value, rng, names)
                changed = re.sub(rf"(?<![\w.,]){re.escape(value)}(?![\w]|[.,]\d)", new, b, count=1)
                if changed != b:
                    pairs.append(Pair(a, changed, True, kind, ev))
    return pairs


#: ECB+ topics of its test split; the rest (train and dev) tune.
ECB_TEST_TOPICS = frozenset(range(36, 46))


def split_of(event: str) -> str:
    """ "test" for ECB+ test topics and odd AllSides story ids, "dev" for the rest (ECB+ train and dev topics,
    even AllSides ids): methods are tuned on dev pairs and reported on test pairs."""
    corpus, _, ev = event.partition(":")
    if corpus == "ecb+":
        return "test" if int(ev.split("_")[0]) in ECB_TEST_TOPICS else "dev"
    if corpus == "allsides" and ev.isdigit():
        return "test" if int(ev) % 2 else "dev"
    return "test"


def evaluate(pairs: list[Pair], detect) -> dict:
    """Precision and recall of `detect(a, b) -> bool` on the pairs, with recall per kind."""
    tp = fp = fn = 0
    per_kind: dict[str, list[int]] = {}
    for p in pairs:
        hit = bool(detect(p.a, p.b))
        if p.disagree:
            per_kind.setdefault(p.kind, []).append(int(hit))
            tp += hit
            fn += not hit
        else:
            fp += hit
    prec = tp / (tp + fp) if tp + fp else 0.0
    rec = tp / (tp + fn) if tp + fn else 0.0
    return {
        "precision": round(prec, 4),
        "recall": round(rec, 4),
        "f1": round(2 * prec * rec / (prec + rec), 4) if prec + rec else 0.0,
        "pairs": len(pairs),
        "disagreements": tp + fn,
        "paraphrases": sum(not p.disagree for p in pairs),
        "false_positives": fp,
        "recall_by_kind": {k: round(sum(v) / len(v), 4) for k, v in sorted(per_kind.items())},
        "count_by_kind": {k: len(v) for k, v in sorted(per_kind.items())},
    }


__all__ = ["Pair", "build", "evaluate", "load_corpora", "split_of", "PAIR_MIN"]
