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

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from copydesk.verify.facts import Facts, facts

#: How many best-matching source sentences form the evidence for one sentence.
TOP_K = 3
# Weights of the penalties, and the threshold. Calibrated together by a grid search on FRANK valid
# (671 summaries, balanced accuracy of min-over-sentences; bench/faithfulness.py --calibrate).
W_NOVEL_TOP = 0.20  # share of content words absent from the best-matching source sentences
W_NOVEL_ALL = 0.60  # share of content words absent from every source sentence
W_NUMBER = 0.10  # a number, year or date no source states
W_NAME = 0.05  # a name no source states
W_NEGATION = 0.03  # negation on one side only (sentence vs its best match)
#: Score at which a sentence counts as supported (FRANK valid, best balanced accuracy).
SUPPORTED = 0.62


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
    numbers: int
    names: int
    negation: int
    problems: tuple[str, ...]
    evidence: tuple[int, ...]

    def score(self, w_top: float = W_NOVEL_TOP, w_all: float = W_NOVEL_ALL, w_num: float = W_NUMBER,
              w_name: float = W_NAME, w_neg: float = W_NEGATION) -> float:
        return (self.dense - w_top * self.novel_top - w_all * self.novel_all - w_num * min(self.numbers, 2)
                - w_name * min(self.names, 2) - w_neg * self.negation)


def _values(f: Facts) -> set[float]:
    return {round(q.value, 3) for q in f.quantities}


def features(sentence: str, vec: np.ndarray, sources: Sequence[str], source_vecs: np.ndarray,
             source_facts: Sequence[Facts] | None = None) -> Features:
    """The measurements behind `check` (exposed for calibration)."""
    if not len(sources):
        return Features(0.0, 1.0, 1.0, 0, 0, 0, ("no source to check against",), ())
    sf = list(source_facts) if source_facts is not None else [facts(s) for s in sources]
    sims = source_vecs @ vec
    order = np.argsort(-sims)[:TOP_K]
    best = [int(i) for i in order]
    f = facts(sentence)
    top_words = set().union(*(sf[i].content for i in best))
    all_words = set().union(*(x.content for x in sf))
    n = max(len(f.content), 1)
    novel_top = len(f.content - top_words) / n
    novel_all = len(f.content - all_words) / n

    problems: list[str] = []
    known_values = set().union(*(_values(x) for x in sf))
    missing_numbers = [q.text for q in f.quantities if round(q.value, 3) not in known_values]
    known_years = set().union(*(x.years for x in sf))
    missing_numbers += sorted(f.years - known_years)
    known_days = set().union(*(x.days for x in sf))
    missing_numbers += sorted(d for d in f.days - known_days if d.split()[-1] not in {k.split()[-1] for k in known_days}
                              or " " in d)
    for m in missing_numbers:
        problems.append(f"{m!r} is in no source")
    haystack = " ".join(sources).lower()
    missing_names = [nm for nm in f.names if nm.lower() not in haystack and
                     not all(part.lower() in haystack for part in nm.split())]
    for nm in missing_names:
        problems.append(f"the name {nm!r} is in no source")
    negation = int(f.negated != sf[best[0]].negated)
    if negation:
        problems.append("negated in one text and not in the other")
    return Features(float(sims[best[0]]), novel_top, novel_all, len(missing_numbers), len(missing_names), negation,
                    tuple(problems), tuple(best))


def check(sentence: str, vec: np.ndarray, sources: Sequence[str], source_vecs: np.ndarray,
          source_facts: Sequence[Facts] | None = None, threshold: float = SUPPORTED) -> SupportCheck:
    """Whether `sentence` (with its normalised embedding `vec`) is supported by `sources` (one normalised
    row of `source_vecs` each)."""
    ft = features(sentence, vec, sources, source_vecs, source_facts)
    s = ft.score()
    return SupportCheck(round(s, 4), s >= threshold, ft.evidence, round(ft.dense, 4), ft.problems)


__all__ = ["SupportCheck", "Features", "check", "features", "SUPPORTED"]
