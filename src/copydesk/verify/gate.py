"""The gate every draft passes before anything of it is published, whatever wrote it.

`gate(draft, material)` checks every sentence and every headline candidate of a `Draft` against all the
story's source text and keeps only what passes, in this order:

0. language: a sentence confidently in another language than the edition's is never the edition's text
   (`copydesk.lang.detect.in_language`; only when `GateOptions.language` is set);
1. quotations: verbatim in a source and attributed to the speaker that source names (`verify.quotes`);
2. facts: every number, date and name of the sentence stated by some source (`verify.facts`, via the measurements
   of `verify.support`): an invented figure or name fails however close the rest of the sentence is;
3. support: the support-check score (`verify.support.check`) reaches its calibrated threshold.

A sentence that fails is dropped with its reason (`Dropped`). For what passes, the gate establishes the support
itself instead of trusting the writer's claims: where the sentence comes from (a claim is kept only when the
claimed source text exists and says the same; otherwise the best-matching source sentence), the sentences of
other articles that say the same thing (close embeddings, the same numbers, no conflicting fact, no one named
in place of someone it names: `verify.disagree.names_swapped`), the
independent sources behind it (registry outlets with one owner count once; a wire reprint stands for its wire
report; outlets the registry lacks are together one source, and none when a registry outlet is behind it too),
and the facts on which an independent source disagrees (`verify.disagree`).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace

import numpy as np

from copydesk.models import (
    Article,
    Claim,
    Disagreement,
    Draft,
    DraftSentence,
    Dropped,
    GatedDraft,
    GatedSentence,
    Outlet,
    StoryMaterial,
    Support,
)
from copydesk.lang.detect import in_language_many
from copydesk.lang.edition import in_edition
from copydesk.verify import support as support_check
from copydesk.verify.disagree import Conflict, conflicts, names_swapped
from copydesk.verify.facts import facts, normalise, quotations
from copydesk.verify.quotes import check_quotes

#: Cosine (e5-small, "query:" prefix) at which a sentence of another article counts as saying the same
#: thing. Set by reading 200 sentence pairs from the AllSides left/centre/right ledes of one story: pairs
#: above 0.90 were paraphrases of one fact, 0.86-0.90 mixed, below mostly related-but-different facts.
SUPPORT_THRESHOLD = 0.90

Embed = Callable[[Sequence[str]], np.ndarray]

_NUMBER = re.compile(r"\d+(?:[.,]\d+)*")


@dataclass(frozen=True, slots=True)
class GateOptions:
    support_threshold: float = SUPPORT_THRESHOLD  # cosine at which another article's sentence says the same
    supported: float = support_check.SUPPORTED  # support-check score a sentence must reach
    language: str | None = None  # the edition's language: a sentence in another one is dropped; None: no check


def numbers(s: str) -> set[str]:
    """The digits a text states ("12", "1500" for "1,500")."""
    return {n.replace(",", "") for n in _NUMBER.findall(s)}


def origin(a: Article, by_id: dict[int, Article]) -> Article:
    """The article that wrote the report: a wire reprint's wire report, else the article itself."""
    return by_id.get(a.wire_group, a) if a.wire_group else a


#: The one voice of every outlet the registry does not list (met in an import): however many names carry a text,
#: they are one source, and they never add to the independent sources behind what a registry outlet reports.
UNLISTED = "unlisted"


def voice_of(a: Article, by_id: dict[int, Article], outlets: dict[str, Outlet]) -> str:
    """The independent source an article stands for: the owner of the registry outlet that wrote the report (a
    wire reprint stands for the wire report it copies); ``UNLISTED`` for any outlet the registry lacks."""
    oid = origin(a, by_id).outlet_id
    o = outlets.get(oid)
    if o is None or not o.registered:
        return UNLISTED
    return f"owner:{o.owner.lower()}" if o.owner else f"outlet:{oid}"


def independent(voices) -> frozenset[str]:
    """The independent sources among ``voices``: the registry's owners; the unlisted outlets only when no
    registry outlet is among them (they are then one source). Copying a text under more names, or into outlets
    the registry lacks, never raises the count."""
    voices = frozenset(voices)
    return (voices - {UNLISTED}) or voices


def _flat(s: str) -> str:
    return " ".join(normalise(s).lower().split()).rstrip(" .")


def needs_embedding(articles: Sequence[Article], outlets: dict[str, Outlet]) -> bool:
    """Whether checking a story's sentences needs a model's sentence vectors: when two or more independent
    sources (`voice_of`, `independent`) report it, a sentence of one may be supported, or disputed, by another's
    paraphrase. A story with one voice, drafted from verbatim source sentences, is checked on its text alone
    (`verbatim`): support is exact, and numbers, names, dates and quotations are textual checks."""
    by_id = {a.id: a for a in articles}
    return len(independent(voice_of(a, by_id, outlets) for a in articles)) >= 2


def verbatim(m: StoryMaterial) -> StoryMaterial:
    """`m` with identity vectors in place of a model's: each distinct source text (sentence or title, compared as
    `_flat` reads it) one unit vector, so equal texts have cosine 1 and different ones 0. The gate then finds a
    draft sentence's support only where it is a source text (a headline: part of a title), which is what an
    extractive draft of a one-voice story is; the writer ranks such a story's sentences without vectors."""
    keys: dict[str, int] = {}
    for a in m.articles:
        for t in [*m.sentences.get(a.id, ()), a.title]:
            keys.setdefault(_flat(t), len(keys))
    unit = _unit_rows(max(len(keys), 1))
    vectors = {a.id: _rows(unit, [keys[_flat(t)] for t in m.sentences.get(a.id, ())]) for a in m.articles}
    titles = {a.id: unit[keys[_flat(a.title)]] for a in m.articles}
    return replace(m, vectors=vectors, title_vectors=titles, embedded=False)


def _unit_rows(k: int) -> np.ndarray:
    """The k x k identity matrix as a read-only view of 2k - 1 numbers (row j starts j places before the one 1):
    memory in proportion to k, not k squared."""
    z = np.zeros(2 * k - 1, np.float32)
    z[k - 1] = 1.0
    return np.lib.stride_tricks.as_strided(z[k - 1 :], shape=(k, k), strides=(-z.itemsize, z.itemsize), writeable=False)


def _rows(unit: np.ndarray, ids: list[int]) -> np.ndarray:
    """The unit rows ``ids`` of `_unit_rows`: a view when they are consecutive (an article's sentences, each met
    for the first time, take the next ids), else a matrix of their own (an article repeating earlier text)."""
    if ids and ids == list(range(ids[0], ids[0] + len(ids))):
        return unit[ids[0] : ids[0] + len(ids)]
    out = np.zeros((len(ids), unit.shape[1]), np.float32)
    out[np.arange(len(ids)), ids] = 1.0
    return out


@dataclass
class _Story:
    """The story's sources, read once for all the sentences of a draft."""

    m: StoryMaterial
    by_id: dict[int, Article]
    voices: dict[int, str]
    writers: list[Article]
    texts: dict[str, np.ndarray]  # source sentence or title -> its vector
    sentence_ev: support_check.Evidence
    headline_ev: support_check.Evidence
    where: list[tuple[int, str]]  # headline_ev index -> (article id, text)
    bodies: list[str]
    bodies_and_titles: list[str]
    months: frozenset[str]
    haystack: str  # all the source text, normalised and in lower case, for names


def _read(m: StoryMaterial) -> _Story:
    by_id = {a.id: a for a in m.articles}
    writers = [a for a in m.articles if a.duplicate_of is None and m.sentences.get(a.id)]
    dim = next((v.shape[-1] for v in m.vectors.values() if len(v)), None) or next(
        (len(v) for v in m.title_vectors.values()), 384
    )
    sents = [(a.id, s) for a in writers for s in m.sentences[a.id]]
    svecs = np.concatenate([m.vectors[a.id] for a in writers]) if writers else np.zeros((0, dim), np.float32)
    heads = [a for a in m.articles if a.duplicate_of is None and a.id in m.title_vectors]
    titles = [(a.id, a.title) for a in heads]
    tvecs = np.stack([m.title_vectors[a.id] for a in heads]) if heads else np.zeros((0, dim), np.float32)
    sentence_facts = [facts(s) for _, s in sents]
    title_facts = [facts(t) for _, t in titles]
    texts: dict[str, np.ndarray] = {}
    for (_, s), v in zip(sents, svecs):
        texts.setdefault(s, v)
    for (_, t), v in zip(titles, tvecs):
        texts.setdefault(t, v)
    bodies = [a.body for a in m.articles]
    return _Story(
        m=m,
        by_id=by_id,
        voices={a.id: voice_of(a, by_id, m.outlets) for a in m.articles},
        writers=writers,
        texts=texts,
        sentence_ev=support_check.Evidence.of([s for _, s in sents], svecs, sentence_facts),
        headline_ev=support_check.Evidence.of(
            [s for _, s in sents + titles], np.concatenate([svecs, tvecs]), sentence_facts + title_facts
        ),
        where=sents + titles,
        bodies=bodies,
        bodies_and_titles=bodies + [a.title for a in m.articles],
        months=frozenset().union(*(f.months for f in sentence_facts + title_facts)),
        haystack=normalise(" ".join([s for _, s in sents + titles])).lower(),
    )


def _fails(
    text: str, vec: np.ndarray | None, st: _Story, headline: bool, opts: GateOptions
) -> tuple[str, str] | tuple[None, support_check.SupportCheck]:
    """(reason, detail) when the sentence fails a check, else (None, its support check)."""
    if vec is None:
        return "unsupported", "no embedding to check it with (not a source sentence, and no embedder given)"
    if quotations(text):
        q = check_quotes(text, st.bodies_and_titles if headline else st.bodies)
        if not q.ok:
            return "quote", "; ".join(q.problems)
    ev = st.headline_ev if headline else st.sentence_ev
    ft = support_check.features(text, vec, ev)
    problems = [p for p in ft.problems if p.startswith(("'", '"'))]  # numbers, years and days in no source
    # names against the sources as `facts` reads them (curly apostrophes and quotes made straight)
    f = facts(text)
    problems += [
        f"the name {nm!r} is in no source"
        for nm in sorted(f.names)
        if nm.lower() not in st.haystack and not all(part.lower() in st.haystack for part in nm.split())
    ]
    problems += [f"the month {mo.title()} is in no source" for mo in sorted(f.months - st.months)]
    if problems:
        return "unsupported", "; ".join(problems)
    score = ft.score()
    if score < opts.supported:
        return "unsupported", f"support score {score:.3f} below {opts.supported}"
    return None, support_check.SupportCheck(round(score, 4), True, ft.evidence, round(ft.dense, 4), ft.problems)


def _origins(
    d: DraftSentence,
    text: str,
    vec: np.ndarray,
    st: _Story,
    verdict: support_check.SupportCheck,
    headline: bool,
    opts: GateOptions,
) -> list[Support]:
    """Where the sentence comes from: the writer's claims that hold (the claimed text is the article's and says
    the same), else the source text that matches it best."""
    out = []
    flat = _flat(text)
    for c in d.claims:
        a = st.by_id.get(c.article_id)
        if a is None or any(s.article_id == a.id for s in out):
            continue
        own = st.m.sentences.get(a.id, [])
        if c.sentence not in own and c.sentence != a.title:
            continue  # the claimed text is not this article's
        if flat and flat in _flat(c.sentence):
            out.append(Support(a.id, a.outlet_id, c.sentence, 1.0))  # verbatim (a title without its suffix)
            continue
        cv = st.texts.get(c.sentence)
        sim = float(cv @ vec) if cv is not None else 0.0
        if (
            sim >= opts.support_threshold
            and not conflicts(text, c.sentence)
            and numbers(text) <= numbers(c.sentence)
            and not names_swapped(text, c.sentence)
        ):
            out.append(Support(a.id, a.outlet_id, c.sentence, round(sim, 4)))
    if not out:
        aid, src = st.where[verdict.evidence[0]]  # sentences come first in both evidences
        a = st.by_id[aid]
        out.append(Support(a.id, a.outlet_id, src, 1.0 if _flat(src) == flat else verdict.similarity))
    return out


def _corroborate(
    text: str, vec: np.ndarray, mine: list[Support], st: _Story, headline: bool, opts: GateOptions
) -> tuple[list[Support], list[tuple[Article, str, list[Conflict]]]]:
    """Sentences of the other articles (reprints included: they are listed, and add no voice) that say the same
    thing, and those that state the same fact differently (from an independent source)."""
    own = {s.article_id for s in mine}
    own_voices = {st.voices[a] for a in own}
    support, disputed = [], []
    for a in st.m.articles:
        if a.id in own:
            continue
        pool = list(st.m.sentences.get(a.id, [])) if a.id in st.m.vectors else []
        vecs = [st.m.vectors[a.id]] if pool else []
        if headline and a.id in st.m.title_vectors:
            pool.append(a.title)
            vecs.append(st.m.title_vectors[a.id][None, :])
        if not pool:
            continue
        sims = np.concatenate(vecs) @ vec
        j = int(np.argmax(sims))
        if sims[j] < opts.support_threshold:
            continue
        src = pool[j]
        # the fact checks read English-style names and numbers: no disputes read across languages
        found = conflicts(text, src) if opts.language is None or in_edition(a, opts.language) else []
        if found:
            # The same fact, told differently: not support, and shown to the reader when the other article is
            # an independent source.
            if st.voices[a.id] not in own_voices:
                disputed.append((a, src, found))
        elif numbers(text) <= numbers(src) and not names_swapped(text, src):  # not someone else's call
            support.append(Support(a.id, a.outlet_id, src, round(float(sims[j]), 4)))
    return support, disputed


def _stated(sentence: str, value: str) -> str | None:
    """`value` as `sentence` writes it ("12" for "Twelve"), or None when the sentence does not give it."""
    i = sentence.lower().find(value.lower())
    if i >= 0:
        return sentence[i : i + len(value)]
    want = {q.value for q in facts(value).quantities}
    return next((q.text for q in facts(sentence).quantities if q.value in want), None)


def _disputes(
    text: str, support: list[Support], disputed: list[tuple[Article, str, list[Conflict]]]
) -> tuple[Disagreement, ...]:
    """One Disagreement per kind of fact on which an independent source surely differs: this sentence's version
    (with the supporting articles that state the same value) and each other outlet's."""
    by_kind: dict[str, list[Claim]] = {}
    for other, src, found in disputed:
        for cf in found:
            if not cf.sure:
                continue  # withholds corroboration, but is not shown as a dispute
            claims = by_kind.get(cf.kind)
            if claims is None:
                claims = by_kind[cf.kind] = [Claim(support[0].article_id, support[0].outlet_id, cf.a, text)]
                for sup in support[1:]:
                    value = _stated(sup.sentence, cf.a)
                    if value and all(x.outlet_id != sup.outlet_id for x in claims):
                        claims.append(Claim(sup.article_id, sup.outlet_id, value, sup.sentence))
            if all(x.outlet_id != other.outlet_id for x in claims):
                claims.append(Claim(other.id, other.outlet_id, cf.b, src))
    return tuple(Disagreement(k, tuple(c)) for k, c in by_kind.items() if len(c) >= 2)


def _vectors(texts: list[str], st: _Story, embed: Embed | None) -> list[np.ndarray | None]:
    if not st.m.embedded:  # identity vectors: a source text's own, else (a headline) the title it is part of
        flat = {_flat(t): v for t, v in st.texts.items()}
        titles = [(_flat(a.title), st.texts[a.title]) for a in st.m.articles if a.title in st.texts]
        out = []
        for t in texts:
            f = _flat(t)
            out.append(flat.get(f) if f in flat else next((v for ft, v in titles if f and f in ft), None))
        return out
    unknown = list(dict.fromkeys(t for t in texts if t not in st.texts))
    fresh: dict[str, np.ndarray] = {}
    if unknown and embed is not None:
        fresh = dict(zip(unknown, np.asarray(embed(unknown), dtype=np.float32)))
    return [st.texts.get(t, fresh.get(t)) for t in texts]


def _gate_one(
    d: DraftSentence, vec: np.ndarray | None, st: _Story, headline: bool, opts: GateOptions, in_edition: bool = True
) -> GatedSentence | Dropped:
    """`in_edition`: whether the text is in the edition's language (`lang.detect.in_language`)."""
    if opts.language is not None and not in_edition:
        return Dropped(d.text, "language", f"not in the edition's language ({opts.language})", headline)
    reason, verdict = _fails(d.text, vec, st, headline, opts)
    if reason is not None:
        return Dropped(d.text, reason, verdict, headline)
    mine = _origins(d, d.text, vec, st, verdict, headline, opts)
    others, disputed = _corroborate(d.text, vec, mine, st, headline, opts)
    support = mine + others
    ordered = tuple(mine) + tuple(sorted(others, key=lambda s: -s.score))
    return GatedSentence(
        draft=d,
        text=d.text,
        support=ordered,
        voices=independent(st.voices[s.article_id] for s in support),
        check=verdict.score,
        vector=vec,
        disputes=_disputes(d.text, list(ordered), disputed),
    )


def gate(
    draft: Draft, material: StoryMaterial, embed: Embed | None = None, opts: GateOptions = GateOptions()
) -> GatedDraft:
    """Check every sentence and headline candidate of `draft` against the story's sources; keep what passes.

    `embed` (texts -> normalised rows) embeds sentences that are not source sentences (a writer that
    paraphrases); without it, or with identity vectors in `material` (`verbatim`), such a sentence cannot be
    checked and is dropped."""
    st = _read(material)
    kept_heads, kept, dropped = [], [], []
    hvecs = _vectors([h.text for h in draft.headlines], st, embed)
    svecs = _vectors([s.text for s in draft.sentences], st, embed)
    every = [d.text for d in draft.headlines + draft.sentences]
    langs = iter(in_language_many(every, opts.language) if opts.language is not None else [True] * len(every))
    for items, vecs, headline, out in (
        (draft.headlines, hvecs, True, kept_heads),
        (draft.sentences, svecs, False, kept),
    ):
        for d, v in zip(items, vecs):
            r = _gate_one(d, v, st, headline, opts, next(langs))
            (dropped if isinstance(r, Dropped) else out).append(r)
    return GatedDraft(
        draft=draft, headlines=tuple(kept_heads), sentences=tuple(kept), dropped=tuple(dropped), voices=st.voices
    )


__all__ = [
    "UNLISTED",
    "GateOptions",
    "SUPPORT_THRESHOLD",
    "gate",
    "independent",
    "needs_embedding",
    "numbers",
    "origin",
    "verbatim",
    "voice_of",
]
