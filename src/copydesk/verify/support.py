"""Is a sentence supported by a set of source sentences?

The check every sentence passes before publication, whatever wrote it. It combines

* meaning: the cosine between the sentence and its best-matching source sentences (sentence embeddings);
* words: the share of the sentence's content words found in those best matches, and in all the sources;
* facts: numbers, years, dates and names of the sentence that no source states, and a negation present on
  one side only.

into one score, ``dense - penalties``; a sentence is supported when the score reaches ``SUPPORTED``. The
weights and the threshold were calibrated on FRANK's validation split (``python bench/faithfulness.py
../shared/data/frank --calibrate``), where summaries of news articles were judged by people for
consistency with the article; the benchmark reports the held-out test split.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from functools import lru_cache
from dataclasses import dataclass

import numpy as np

from copydesk.verify.facts import Facts, facts, normalise

#: How many best-matching source sentences form the evidence for one sentence.
TOP_K = 3
#: Weights of the measurements in the score, calibrated on FRANK valid (671 summaries; coordinate ascent on
#: the mean of pooled, CNN/DM and XSum balanced accuracy, a summary scoring as its weakest sentence, signs fixed
#: by meaning; bench/faithfulness.py --calibrate). Positive weights reward, negative ones penalise.
WEIGHTS = {
    "dense": 1.0,  # cosine to the best-matching source sentence (fixed: sets the scale)
    "novel_top": -1.0,  # share of content words absent from the best-matching source sentences
    "novel_all": -1.0,  # share of content words absent from every source sentence
    "bigrams_top": 0.05,  # share of word pairs found in the best-matching source sentences
    "trigrams_all": 0.03,  # share of word triples found anywhere in the sources
    "numbers": -0.4,  # numbers, years and dates no source states (at most 2 counted)
    "names": -0.3,  # names no source states (at most 2 counted; FRANK's lower-cased summaries show only [UNK])
    "negation": 0.0,  # negated on one side only (sentence vs its best match): no gain on FRANK valid
}
#: Score at which a sentence counts as supported: the threshold with the best mean of pooled, CNN/DM and XSum
#: balanced accuracy on FRANK valid for the weights above (valid 0.707; test in bench/faithfulness.py).
SUPPORTED = 0.5327


@dataclass(frozen=True, slots=True)
class SupportCheck:
    """The verdict on one sentence, with what it rests on."""

    score: float
    supported: bool
    evidence: tuple[int, ...]  # indices of the best-matching source sentences, best first
    similarity: float  # cosine to the best match
    problems: tuple[str, ...]  # reader-facing reasons, e.g. "the number 12 is in no source"


@dataclass(frozen=True, slots=True)
class Features:
    dense: float
    novel_top: float
    novel_all: float
    bigrams_top: float
    trigrams_all: float
    numbers: int
    names: int
    negation: int
    problems: tuple[str, ...]
    evidence: tuple[int, ...]

    def vector(self) -> tuple[float, ...]:
        """The measurements in the order of `WEIGHTS`."""
        return (
            self.dense,
            self.novel_top,
            self.novel_all,
            self.bigrams_top,
            self.trigrams_all,
            min(self.numbers, 2),
            min(self.names, 2),
            self.negation,
        )

    def score(self, weights: dict[str, float] | None = None) -> float:
        w = weights or WEIGHTS
        return sum(w[k] * v for k, v in zip(WEIGHTS, self.vector()))


@lru_cache(maxsize=8192)
def _tokens(text: str) -> list[str]:
    return re.findall(r"\w+", normalise(text).lower())


def _ngram_share(toks: list[str], n: int, pool: set[tuple[str, ...]]) -> float:
    grams = list(zip(*(toks[i:] for i in range(n))))
    return sum(g in pool for g in grams) / len(grams) if grams else 1.0


def _ngrams(toks: list[str], n: int) -> set[tuple[str, ...]]:
    return set(zip(*(toks[i:] for i in range(n))))


@dataclass(frozen=True)
class Evidence:
    """The sources a sentence is checked against, read once (a story's sentences, an article's sentences) so
    that checking many sentences against them costs one pass over the sources, not one per sentence."""

    texts: tuple[str, ...]
    vecs: np.ndarray  # one normalised row per text
    facts: tuple[Facts, ...]
    words: frozenset[str]  # content-word stems of all the texts
    values: frozenset[float]  # every number stated
    years: frozenset[str]
    days: frozenset[str]
    haystack: str  # all the texts, lower case, for names
    trigrams: frozenset[tuple[str, ...]]

    @classmethod
    def of(cls, texts: Sequence[str], vecs: np.ndarray, source_facts: Sequence[Facts] | None = None) -> "Evidence":
        fs = tuple(source_facts) if source_facts is not None else tuple(facts(t) for t in texts)
        return cls(
            texts=tuple(texts),
            vecs=np.asarray(vecs, dtype=np.float32),
            facts=fs,
            words=frozenset().union(*(f.content for f in fs)),
            values=frozenset(round(q.value, 3) for f in fs for q in f.quantities),
            years=frozenset().union(*(f.years for f in fs)),
            days=frozenset().union(*(f.days for f in fs)),
            haystack=" ".join(texts).lower(),
            trigrams=frozenset().union(*(_ngrams(_tokens(t), 3) for t in texts)),
        )


def features(sentence: str, vec: np.ndarray, ev: Evidence) -> Features:
    """The measurements behind `check` (exposed for calibration)."""
    if not ev.texts:
        return Features(0.0, 1.0, 1.0, 0.0, 0.0, 0, 0, 0, ("no source to check against",), ())
    sims = ev.vecs @ vec
    best = [int(i) for i in np.argsort(-sims)[:TOP_K]]
    f = facts(sentence)
    top_words = set().union(*(ev.facts[i].content for i in best))
    n = max(len(f.content), 1)
    novel_top = len(f.content - top_words) / n
    novel_all = len(f.content - ev.words) / n

    missing_numbers = [q.text for q in f.quantities if round(q.value, 3) not in ev.values]
    missing_numbers += sorted(f.years - ev.years)
    known_day_words = {k.split()[-1] for k in ev.days}
    missing_numbers += sorted(d for d in f.days - ev.days if d.split()[-1] not in known_day_words or " " in d)
    problems = [f"{m!r} is in no source" for m in missing_numbers]
    missing_names = [
        nm
        for nm in f.names
        if nm.lower() not in ev.haystack and not all(part.lower() in ev.haystack for part in nm.split())
    ]
    problems += [f"the name {nm!r} is in no source" for nm in missing_names]
    negation = int(f.negated != ev.facts[best[0]].negated)
    if negation:
        problems.append("negated in one text and not in the other")
    toks = _tokens(sentence)
    bigrams_top = _ngram_share(toks, 2, set().union(*(_ngrams(_tokens(ev.texts[i]), 2) for i in best)))
    trigrams_all = _ngram_share(toks, 3, ev.trigrams)
    return Features(
        float(sims[best[0]]),
        novel_top,
        novel_all,
        bigrams_top,
        trigrams_all,
        len(missing_numbers),
        len(missing_names),
        negation,
        tuple(problems),
        tuple(best),
    )


def check(sentence: str, vec: np.ndarray, ev: Evidence, threshold: float = SUPPORTED) -> SupportCheck:
    """Whether `sentence` (with its normalised embedding `vec`) is supported by the sources in `ev`."""
    ft = features(sentence, vec, ev)
    s = ft.score()
    return SupportCheck(round(s, 4), s >= threshold, ft.evidence, round(ft.dense, 4), ft.problems)


__all__ = ["Evidence", "SupportCheck", "Features", "check", "features", "SUPPORTED", "WEIGHTS"]
