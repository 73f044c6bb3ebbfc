"""The default writer: an extractive summary built only from source sentences.

Every sentence it publishes is a sentence of a source article (plus, where one outlet alone backs it, an
in-text attribution). For each chosen sentence it records the source sentences of *other* articles that
support it, and counts the independent outlets behind it: reprints of one wire report count once, and
outlets with the same owner count once.

Steps, in order: candidate sentences -> support between articles -> scoring -> lede and body selection
(redundancy removed) -> subheadings -> attribution -> headline -> sources list and notes. The support check
here is the embedding match plus agreement of numbers; `copydesk.verify` deepens it.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from dataclasses import dataclass, field

import numpy as np

from copydesk.models import (
    Article,
    Claim,
    Disagreement,
    Outlet,
    Section,
    SectionConfig,
    SourceLink,
    Support,
    Verification,
    WrittenSentence,
    WrittenStory,
)
from copydesk.text import split_sentences, strip_outlet_suffix, words
from copydesk.neutral import headline_problems, loaded_words, neutralize
from copydesk.neutral.edit import personal_or_accusing
from copydesk.neutral.detector import THRESHOLD as LOADED_THRESHOLD
from copydesk.neutral.detector import loaded_scores
from copydesk.verify import support as support_check
from copydesk.verify.disagree import Conflict, conflicts
from copydesk.verify.facts import QUOTED_SPAN, REPORTING, facts, quotations, quotes_paired
from copydesk.verify.quotes import check_quotes
from copydesk.dedup import joint_note  # issue 13: joint statements
from copydesk.sources.official import balance_note  # issue 13: stories only the parties back

#: Cosine (e5-small, "query:" prefix) at which a sentence of another article counts as saying the same
#: thing. Set by reading 200 sentence pairs from the AllSides left/centre/right ledes of one story: pairs
#: above 0.90 were paraphrases of one fact, 0.86-0.90 mixed, below mostly related-but-different facts.
SUPPORT_THRESHOLD = 0.90
#: Two chosen sentences more similar than this say the same thing; the later one is dropped.
REDUNDANT = 0.93
#: "Just enough yet essential": the body stops at this many words (lede not counted) ...
BODY_WORDS = 170
#: ... or this many sentences.
BODY_MAX_SENTENCES = 8
#: Subheadings appear only when the body has at least this many sentences in two or more groups.
SUBHEADING_MIN_SENTENCES = 5
#: Only an article's first sentences are candidates: news puts the essentials first, and it bounds the
#: sentences embedded per article (the model is the pipeline's cost). 12 covers every publishable sentence of
#: 79% of the demo corpus's articles (median 6, 90th percentile 17) and the first paragraphs of a long report.
MAX_CANDIDATES = 12
#: A sentence used as the headline (when no title states what happened) has at most this many words.
HEADLINE_MAX_WORDS = 18
#: A candidate sentence has between these many words.
MIN_WORDS, MAX_WORDS = 6, 70
#: Score bonus for a sentence among the first three of its article (news puts the essentials first), and
#: per additional independent outlet supporting it.
LEAD_BONUS, SUPPORT_BONUS = 0.03, 0.02
#: Score cost per loaded word outside quotations: the writer prefers the plainer of two sentences that say the
#: same. Checked on the first 150 NeuS val stories (bench/neutral_summary.py): 0.02 gives ROUGE-1/2 40.92/16.21
#: and 12.27 loaded words per 100, 0.05 gives 40.98/16.33 and 12.28 -- no real difference; 0.02 kept.
LOADED_PENALTY = 0.02

METHOD = (
    "Written by copydesk's automated copy desk. Every sentence is copied from a source article listed under "
    "Sources, chosen by a sentence-embedding model ({model}) for how central it is to the story; sentences "
    "reported by one outlet alone are attributed to it in the text. No generative AI model wrote any of this "
    "text, and no human editor reviewed it before publication."
)

_BOILERPLATE = re.compile(
    r"(click here|subscribe|sign up|newsletter|all rights reserved|copyright|cookie|follow us|read more|"
    r"share this|advertisement|terms of (use|service)|privacy policy|this story has been|is a stub|"
    r"contributed to this report|^photo:|^image:|javascript)",
    re.I,
)
_STARTS_WELL = re.compile(r"^[\"“'‘(]?[A-Z0-9À-Þ]")
#: A lede must make sense on its own: not open with a word that points back to something unseen.
_ANAPHORIC = re.compile(
    r"^[\"“'‘(]?(this|that|these|those|it|its|he|she|they|them|his|her|their|however|but|and|also|meanwhile|"
    r"moreover|furthermore|still|yet|so|then|there|here|such|both|the latter|the former|in addition|instead)\b",
    re.I,
)
#: Datelines opening a sentence: "MOSCOW — ", "OSLO - ", "BRASÍLIA, Brazil – ", "November 18, USA - ",
#: "United States - ". Removed from the sentence (what remains is still a verbatim part of the source).
_DATELINE = re.compile(
    r"^(?:(?:[A-ZÀ-Þ][A-ZÀ-Þ .'-]{2,40}(?:,\s*[A-Z][\w .'-]{1,30})?|[A-Z][a-z]+ \d{1,2}, [A-Z][\w .]{1,30}|"
    r"(?:United States|United Kingdom|USA|UK))\s*(?:\([A-Za-z .]+\))?\s*[-–—]+\s+|"
    # "(CNN) - ", "New York (CNN) -- ", "(Reuters) ": the agency in brackets, with or without a place
    r"(?:[A-Z][\w .'-]{1,30}\s)?\((?:CNN|Reuters|AP|AFP|Bloomberg|dpa|ANSA|EFE|MTI)\)\s*[-–—]*\s*)"
    r"(?=[A-Z\"“])"
)
_BACKGROUND = re.compile(r"\b(previously|earlier|last (year|month|week)|had been|since (19|20)\d\d|in (19|20)\d\d)\b", re.I)
_NUMBER = re.compile(r"\d+(?:[.,]\d+)*")


@dataclass(frozen=True, slots=True)
class WriteOptions:
    model_name: str = "multilingual-e5-small"
    support_threshold: float = SUPPORT_THRESHOLD
    redundant: float = REDUNDANT
    body_words: int = BODY_WORDS
    body_max_sentences: int = BODY_MAX_SENTENCES


@dataclass(frozen=True, slots=True)
class StoryMaterial:
    """Everything the writer reads about one story; built by the orchestrator."""

    story_id: str
    slug: str
    articles: tuple[Article, ...]
    sentences: dict[int, list[str]]  # article id -> sentences (see `article_sentences`)
    vectors: dict[int, np.ndarray]  # article id -> one normalised row per sentence
    outlets: dict[str, Outlet]
    sections: tuple[SectionConfig, ...]
    title_vectors: dict[int, np.ndarray] = field(default_factory=dict)  # article id -> title vector


def _outside_quotations(body: str) -> list[str]:
    """The body's sentences, without those that are part of a quotation running over several sentences ("I've
    got news for the Democratic establishment." inside Sanders's tweet): published alone, they would read as the
    outlet's own words. A sentence whose own quotation marks do not pair up is left out too."""
    out = []
    for para in re.split(r"\n\s*\n", body):
        open_quote = False
        for s in split_sentences(para):
            if not open_quote and quotes_paired(s):
                out.append(s)
            curly, straight = s.count("“") - s.count("”"), s.count('"') % 2
            if curly > 0 or (straight and not open_quote):
                open_quote = True
            elif curly < 0 or (straight and open_quote):
                open_quote = False
    return out


def article_sentences(a: Article) -> list[str]:
    """The sentences of an article that may be published: complete, not boilerplate, not questions."""
    out = []
    for s in _outside_quotations(a.body):
        s = _DATELINE.sub("", s, count=1)
        n = len(s.split())
        if not (MIN_WORDS <= n <= MAX_WORDS):
            continue
        if not _STARTS_WELL.match(s) or s.rstrip("\"”’')").endswith("?") or _BOILERPLATE.search(s):
            continue
        if not s.rstrip("\"”’')")[-1:] in ".!":
            continue
        out.append(s)
        if len(out) >= MAX_CANDIDATES:
            break
    return out


@dataclass
class _Cand:
    article: Article
    index: int
    text: str
    vec: np.ndarray
    score: float = 0.0
    support: list[Support] = field(default_factory=list)
    voices: set[str] = field(default_factory=set)
    conflicts: list[tuple[Article, str, list[Conflict]]] = field(default_factory=list)
    check: float | None = None


def _origin(a: Article, by_id: dict[int, Article]) -> Article:
    """The article that wrote the report: a wire reprint's wire report, else the article itself."""
    return by_id.get(a.wire_group, a) if a.wire_group else a


def voice_of(a: Article, by_id: dict[int, Article], outlets: dict[str, Outlet]) -> str:
    """The independent source an article stands for: the owner of the outlet that wrote the report (a wire
    reprint stands for the wire report it copies)."""
    origin = _origin(a, by_id)
    o = outlets.get(origin.outlet_id)
    return f"owner:{o.owner.lower()}" if o and o.owner else f"outlet:{origin.outlet_id}"


def outlet_name(outlets: dict[str, Outlet], outlet_id: str) -> str:
    o = outlets.get(outlet_id)
    return o.name if o else outlet_id


def _short_name(name: str) -> str:
    return re.sub(r"\s*\(.*?\)\s*$", "", name).strip() or name


def _numbers(s: str) -> set[str]:
    return {n.replace(",", "") for n in _NUMBER.findall(s)}


def _attribute(text: str, name: str) -> str:
    """Name the one outlet that reports this sentence, unless the sentence already names it. A sentence
    that already attributes a speaker ("According to the police, ...") gets ", <outlet> reported."."""
    if name.lower() in text.lower():
        return text
    stripped = text.rstrip()
    if stripped.endswith("."):
        tail = f", {name} reported." if "according to" in stripped.lower() else f", according to {name}."
        return stripped[:-1] + tail
    return stripped + f" (according to {name})"


def pick_section(articles: tuple[Article, ...], sections: tuple[SectionConfig, ...]) -> str:
    """The section whose keywords the story's titles, text and categories mention most; the first section
    without keywords (or the first section) otherwise."""
    counts = defaultdict(int)
    bag: list[str] = []
    for a in articles:
        bag += words(a.title) * 3 + words(a.body[:3000]) + [w for c in a.categories for w in words(c)] * 2
    text = " " + " ".join(bag) + " "
    for sec in sections:
        for kw in sec.keywords:
            counts[sec.slug] += text.count(f" {kw} ")
    best = max(sections, key=lambda s: counts[s.slug])
    if counts[best.slug] > 0:
        return best.slug
    fallback = next((s for s in sections if not s.keywords), sections[0])
    return fallback.slug


def write_story(m: StoryMaterial, opts: WriteOptions = WriteOptions()) -> WrittenStory | None:
    """Write one story, or None when its articles give no publishable sentence."""
    by_id = {a.id: a for a in m.articles}
    voices = {a.id: voice_of(a, by_id, m.outlets) for a in m.articles}
    # Reprints and duplicates carry no text of their own worth choosing from; their voice is the original's.
    writers = [a for a in m.articles if a.duplicate_of is None and m.sentences.get(a.id)]
    if not writers:
        return None

    bodies = [a.body for a in m.articles]
    cands: list[_Cand] = []
    quotes_dropped = 0
    for a in writers:
        for i, (s, v) in enumerate(zip(m.sentences[a.id], m.vectors[a.id])):
            if quotations(s) and not check_quotes(s, bodies).ok:
                quotes_dropped += 1  # not verbatim, or its speaker is not named as the source names them
                continue
            c = _Cand(a, i, s, v)
            c.support.append(Support(a.id, a.outlet_id, s, 1.0))
            c.voices.add(voices[a.id])
            cands.append(c)
    if not cands:
        return None
    V = np.stack([c.vec for c in cands])

    # Support from other articles (including reprints, which add no voice but are listed).
    for a in m.articles:
        if a.id not in m.vectors or not len(m.vectors[a.id]):
            continue
        sims = V @ m.vectors[a.id].T  # (cands, sentences of a)
        for ci, c in enumerate(cands):
            if c.article.id == a.id:
                continue
            j = int(np.argmax(sims[ci]))
            if sims[ci, j] >= opts.support_threshold:
                src = m.sentences[a.id][j]
                found = conflicts(c.text, src)
                if found:
                    # The same fact, told differently: not support, and shown to the reader when the other
                    # article is an independent source.
                    if voices[a.id] != voices[c.article.id]:
                        c.conflicts.append((a, src, found))
                elif _numbers(c.text) <= _numbers(src):
                    c.support.append(Support(a.id, a.outlet_id, src, round(float(sims[ci, j]), 4)))
                    c.voices.add(voices[a.id])

    centroid = V.mean(axis=0)
    centroid /= np.linalg.norm(centroid) or 1.0
    evaluative_dropped = 0
    kept = []
    # The sentence detector reads e5 vectors; with another embedder only the word lexicons judge.
    tone = loaded_scores(V) if "multilingual-e5-small" in opts.model_name else np.zeros(len(cands))
    for c, t in zip(cands, tone):
        hits = loaded_words(c.text)
        # A judgement the desk cannot take out and that nobody is said to hold is the outlet's opinion: dropped.
        if (any(h.kind in ("subjective", "sensational") and h.replacement is None for h in hits)
                or personal_or_accusing(c.text)) and not REPORTING.search(c.text):
            # So is a column's first or second person ("We don't know where the virus came from", "Imagine if
            # you took your car into the shop") and an accusation in the outlet's own voice ("Joe Biden is a
            # career liar").
            evaluative_dropped += 1
            continue
        loaded = len(hits) + int(t > LOADED_THRESHOLD)  # loaded words, and the sentence detector's verdict
        c.score = (float(c.vec @ centroid) + (LEAD_BONUS if c.index < 3 else 0.0)
                   + SUPPORT_BONUS * (len(c.voices) - 1) - LOADED_PENALTY * loaded)
        kept.append(c)
    if not kept:
        return None
    cands = kept

    # The headline is the title closest to all the outlets' titles (the one most of them would agree with) among
    # those that are neutral headlines (no question, clickbait, shouting or judgement). On the first 150 NeuS val
    # stories this raised ROUGE-1/2 from 41.03/16.22 (the most central article's title) to 41.45/16.70.
    rank = {a.id: i for i, a in enumerate(sorted(writers, key=lambda a: -float(
        np.mean(m.vectors[a.id] @ centroid))))}
    # every report's title may head the story, also one whose text gave no usable sentence
    heads = [a for a in m.articles if a.duplicate_of is None]
    titled = [a for a in heads if a.id in m.title_vectors]
    title_centre = np.mean([m.title_vectors[a.id] for a in titled], axis=0) if titled else None
    head_art = min(heads, key=lambda a: (bool(headline_problems(
        strip_outlet_suffix(a.title, outlet_name(m.outlets, a.outlet_id)))),
        -float(m.title_vectors[a.id] @ title_centre) if title_centre is not None and a.id in m.title_vectors
        else rank.get(a.id, len(rank))))
    head_vec = m.title_vectors.get(head_art.id)

    # Lede: one of the articles' first three sentences (news writes the essentials first) that stands on its
    # own ("She was taken to hospital" does not): the most corroborated, then the closest to the headline and
    # the story, earlier sentences preferred.
    openers = [c for c in cands if c.index < 3 and not _ANAPHORIC.match(c.text)] or cands[:1]

    def lede_key(c: _Cand) -> tuple[int, float]:
        near_head = float(c.vec @ head_vec) if head_vec is not None else 0.0
        return (len(c.voices), c.score + near_head - LEAD_BONUS * c.index)

    # The support check, last before a sentence is chosen: every sentence against all the story's source
    # sentences (an extractive sentence is one of them; the check is the same whatever wrote the sentence).
    evidence = support_check.Evidence.of([s for a in writers for s in m.sentences[a.id]],
                                         np.concatenate([m.vectors[a.id] for a in writers]))
    unsupported = 0

    def passes(c: _Cand) -> bool:
        nonlocal unsupported
        if c.check is None:
            verdict = support_check.check(c.text, c.vec, evidence)
            c.check = verdict.score if verdict.supported else -1.0
            unsupported += not verdict.supported
        return c.check >= 0

    openers = [c for c in openers if passes(c)] or [c for c in cands if passes(c)][:1]
    if not openers:
        return None
    lede = max(openers, key=lede_key)
    chosen = [lede]
    budget = 0
    for c in sorted(cands, key=lambda c: -c.score):
        if len(chosen) - 1 >= opts.body_max_sentences or budget >= opts.body_words:
            break
        if any(float(c.vec @ x.vec) >= opts.redundant for x in chosen) or not passes(c):
            continue
        chosen.append(c)
        budget += len(c.text.split())
    # Balance: every side (outlet lean from the registry) that covered the story speaks in it, with its
    # best sentence that passes the checks, in place of the weakest body sentence when the body is full.
    side_of = {a.id: _side(m.outlets.get(_origin(a, by_id).outlet_id)) for a in m.articles}
    for side in sorted({x for x in side_of.values() if x}):
        if any(side_of[c.article.id] == side for c in chosen):
            continue
        theirs = [c for c in sorted(cands, key=lambda c: -c.score) if side_of[c.article.id] == side and c not in chosen
                  and not any(float(c.vec @ x.vec) >= opts.redundant for x in chosen) and passes(c)]
        if not theirs:
            continue
        if len(chosen) - 1 >= opts.body_max_sentences:
            # only a sentence whose side keeps another sentence (or an unrated outlet's) may make room
            removable = [c for c in chosen[1:] if sum(side_of[x.article.id] == side_of[c.article.id]
                                                      for x in chosen) > 1 or side_of[c.article.id] is None]
            if not removable:
                continue
            chosen.remove(min(removable, key=lambda c: c.score))
        chosen.append(theirs[0])
    body = chosen[1:]
    body.sort(key=lambda c: (rank[c.article.id], c.index))

    n_voices = len(set(voices.values()))
    story_voice_names: dict[str, str] = {}
    for a in m.articles:
        story_voice_names.setdefault(voices[a.id], outlet_name(m.outlets, _origin(a, by_id).outlet_id))

    def render(c: _Cand) -> WrittenSentence:
        text, edits = neutralize(c.text)
        attribution = None
        if len(c.voices) == 1:
            attribution = _short_name(story_voice_names[next(iter(c.voices))])
            text = _attribute(text, attribution)
        return WrittenSentence(text, _ordered(c.support), attribution, len(c.voices), c.check, edits)

    rendered = [render(c) for c in body]
    groups: dict[str, list[WrittenSentence]] = {"What happened": [], "What was said": [], "Background": []}
    for c, ws in zip(body, rendered):
        said = QUOTED_SPAN.search(c.text) or REPORTING.search(c.text)
        key = "What was said" if said else "Background" if _BACKGROUND.search(c.text) else "What happened"
        groups[key].append(ws)
    non_empty = [(h, s) for h, s in groups.items() if s]
    if len(body) >= SUBHEADING_MIN_SENTENCES and len(non_empty) >= 2:
        sections = tuple(Section(h, tuple(s)) for h, s in non_empty)
    else:
        sections = (Section(None, tuple(rendered)),) if body else ()

    # Headline: the chosen title (see head_art), without the outlet's suffix.
    head_text = strip_outlet_suffix(head_art.title, outlet_name(m.outlets, head_art.outlet_id))
    head_support = [Support(head_art.id, head_art.outlet_id, head_art.title, 1.0)]
    head_voices = {voices[head_art.id]}
    if head_vec is not None:
        for a in m.articles:
            if a.id != head_art.id and a.id in m.title_vectors:
                sim = float(m.title_vectors[a.id] @ head_vec)
                if sim >= opts.support_threshold and _numbers(head_text) <= _numbers(a.title):
                    head_support.append(Support(a.id, a.outlet_id, a.title, round(sim, 4)))
                    head_voices.add(voices[a.id])
    head_text, head_edits = neutralize(head_text)
    headline = WrittenSentence(head_text, tuple(head_support), None, len(head_voices), None, head_edits)
    if set(headline_problems(head_text)) - {"capitals"}:
        # No outlet's title states what happened: the lede, or else the most central chosen sentence, short
        # enough to be a headline takes its place (its own source and support go with it).
        short = [c for c in chosen if len(c.text.split()) <= HEADLINE_MAX_WORDS and not headline_problems(c.text)]
        if short:
            c = lede if lede in short else max(short, key=lambda c: c.score)
            text, edits = neutralize(c.text.rstrip("."))
            headline = WrittenSentence(text, _ordered(c.support), None, len(c.voices), c.check, edits)

    sources = tuple(
        SourceLink(
            article_id=a.id, outlet_id=a.outlet_id, outlet_name=outlet_name(m.outlets, a.outlet_id), title=a.title,
            url=a.url, published=a.published, partial=a.partial,
            reprint_of=a.wire_group if a.wire_group and a.wire_group != a.id else None,
        )
        for a in sorted(m.articles, key=lambda a: (a.when, a.id))
    )
    outlet_ids = tuple(dict.fromkeys(a.outlet_id for a in sorted(m.articles, key=lambda a: rank.get(a.id, 999))))
    notes: list[str] = []
    if n_voices == 1:
        notes.append(
            f"Only one outlet, {_short_name(story_voice_names[next(iter(voices.values()))])}, has reported this "
            "story so far. Nothing in it has been confirmed by an independent source."
        )
    elif len(lede.voices) == 1 and sum(len(c.voices) == 1 for c in chosen) * 2 >= len(chosen):
        notes.append(
            f"The core facts of this story rest on one outlet, "
            f"{_short_name(story_voice_names[next(iter(lede.voices))])}: other outlets covered the story but "
            "did not report them in the same terms."
        )
    by_lean = coverage_by_lean(m.articles, m.outlets)
    rated = [k for k, _ in by_lean if k != "unrated"]
    if len(rated) == 1 and n_voices > 1:
        others = " or ".join(x for x in ("left", "centre", "right") if x != rated[0])
        notes.append(f"Covered so far only by outlets rated {rated[0]} by the registry; no outlet rated {others} "
                     "has reported this story.")
    disagreements = _disagreements(chosen)
    if disagreements:
        notes.append(f"Sources disagree on {len(disagreements)} point{'s' if len(disagreements) > 1 else ''}; "
                     "see “Where sources differ”.")
    if any(a.partial for a in m.articles):
        notes.append("Some sources were available only as a headline and summary (paywall or blocked page).")
    # joint statements (dedup.copy_kind) and stories only the parties' press offices back (sources.official)
    notes += filter(None, (joint_note(m.articles, {k: o.name for k, o in m.outlets.items()}), balance_note(outlet_ids, m.outlets)))
    scores = [c.check for c in chosen if c.check is not None]
    verification = Verification(checked=len(chosen), unsupported=unsupported, quotes_dropped=quotes_dropped,
                                evaluative_dropped=evaluative_dropped,
                                lowest_score=round(min(scores), 4) if scores else None)

    whens = [a.when for a in m.articles]
    return WrittenStory(
        story_id=m.story_id,
        slug=m.slug,
        headline=headline,
        lede=render(lede),
        body=sections,
        sources=sources,
        independent_sources=n_voices,
        outlets=outlet_ids,
        single_source=n_voices == 1,
        section=pick_section(m.articles, m.sections),
        published=min(whens),
        updated=max(whens),
        method=METHOD.format(model=opts.model_name),
        language=next((a.language for a in writers if a.language), "en") or "en",
        notes=tuple(notes),
        disagreements=disagreements,
        verification=verification,
        coverage_by_lean=by_lean,
    )


def _ordered(support: list[Support]) -> tuple[Support, ...]:
    """The sentence's own source first, then the other supporting sentences, closest first."""
    return (support[0],) + tuple(sorted(support[1:], key=lambda s: -s.score))


_SIDES = {"left": "left", "lean-left": "left", "center": "centre", "lean-right": "right", "right": "right"}


def _side(outlet: Outlet | None) -> str | None:
    """"left", "centre" or "right" from the registry's lean rating; None when unrated or unknown."""
    return _SIDES.get(outlet.lean.value) if outlet is not None else None


def coverage_by_lean(articles: tuple[Article, ...], outlets: dict[str, Outlet]) -> tuple[tuple[str, int], ...]:
    """Outlets (not articles) per side, unrated included: (("left", 1), ("centre", 2), ("unrated", 1))."""
    seen: dict[str, str] = {}
    for a in articles:
        seen.setdefault(a.outlet_id, _side(outlets.get(a.outlet_id)) or "unrated")
    counts = Counter(seen.values())
    return tuple((k, counts[k]) for k in ("left", "centre", "right", "unrated") if counts[k])


def _stated(sentence: str, value: str) -> str | None:
    """`value` as `sentence` writes it ("12" for "Twelve"), or None when the sentence does not give it."""
    i = sentence.lower().find(value.lower())
    if i >= 0:
        return sentence[i:i + len(value)]
    want = {q.value for q in facts(value).quantities}
    return next((q.text for q in facts(sentence).quantities if q.value in want), None)


def _disagreements(chosen: list[_Cand]) -> tuple[Disagreement, ...]:
    """One entry per published sentence and kind of fact on which an independent source differs."""
    out = []
    for c in chosen:
        by_kind: dict[str, list[Claim]] = {}
        for other, src, found in c.conflicts:
            for cf in found:
                if not cf.sure:
                    continue  # withholds corroboration, but is not shown as a dispute
                claims = by_kind.get(cf.kind)
                if claims is None:
                    # Our sentence's version, and the articles that support it and state the same value.
                    claims = by_kind[cf.kind] = [Claim(c.article.id, c.article.outlet_id, cf.a, c.text)]
                    for sup in c.support[1:]:
                        value = _stated(sup.sentence, cf.a)
                        if value and all(x.outlet_id != sup.outlet_id for x in claims):
                            claims.append(Claim(sup.article_id, sup.outlet_id, value, sup.sentence))
                if all(x.outlet_id != other.outlet_id for x in claims):
                    claims.append(Claim(other.id, other.outlet_id, cf.b, src))
        for kind, claims in by_kind.items():
            if len(claims) < 2:
                continue
            # Two published sentences may carry one dispute (each outlet's version was chosen): one entry.
            keys = {(c.article_id, c.value.lower()) for c in claims}
            same = next((i for i, d in enumerate(out) if d.kind == kind and
                         len(keys & {(c.article_id, c.value.lower()) for c in d.claims}) >= 2), None)
            if same is None:
                out.append(Disagreement(kind, tuple(claims)))
            else:
                known = {c.outlet_id for c in out[same].claims}
                out[same] = Disagreement(kind, out[same].claims + tuple(c for c in claims if c.outlet_id not in known))
    return tuple(out)
