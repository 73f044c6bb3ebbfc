"""The first writer: an extractive draft built only from source sentences.

A writer only drafts (see `copydesk.write`): this one offers every candidate sentence of the story's articles,
each claiming the source sentence it is, scored for how central it is to the story (sentence embeddings), with a
bonus for an article's first sentences and a cost for loaded words; marks the sentences that may open the story
(an article's first three that stand on their own) in order of preference; gives each a subheading group; and
offers the articles' titles as headline candidates, neutral ones first. It checks nothing: the gate
(`copydesk.verify.gate`) checks every sentence, `copydesk.neutral.desk` edits, and `copydesk.write.assemble`
fits what passed into the story.
"""

from __future__ import annotations

import re
from collections import Counter
from functools import lru_cache

import numpy as np

from copydesk.lang.boilerplate import is_boilerplate_sentence
from copydesk.lang.detect import in_language_many
from copydesk.lang.edition import in_edition
from copydesk.lang.openers import ANAPHORIC as _ANAPHORIC  # a lede must stand on its own
from copydesk.models import Article, Draft, DraftSentence, Outlet, SectionConfig, StoryMaterial, Support
from copydesk.neutral import headline_problems, loaded_words
from copydesk.neutral.detector import THRESHOLD as LOADED_THRESHOLD
from copydesk.neutral.detector import loaded_scores
from copydesk.text import split_sentences, strip_outlet_suffix
from copydesk.verify.facts import QUOTED_SPAN, REPORTING, quotes_paired
from copydesk.write.options import WriteOptions

#: Only an article's first sentences are candidates: news puts the essentials first, and it bounds the
#: sentences embedded per article (the model is the pipeline's cost). 12 covers every publishable sentence of
#: 79% of the demo corpus's articles (median 6, 90th percentile 17) and the first paragraphs of a long report.
MAX_CANDIDATES = 12
#: A candidate sentence has between these many words.
MIN_WORDS, MAX_WORDS = 6, 70
#: Score bonus for a sentence among the first three of its article (news puts the essentials first).
LEAD_BONUS = 0.03
#: Score cost per loaded word outside quotations: the writer prefers the plainer of two sentences that say the
#: same. Checked on the first 150 NeuS val stories (bench/neutral_summary.py): 0.02 gives ROUGE-1/2 40.92/16.21
#: and 12.27 loaded words per 100, 0.05 gives 40.98/16.33 and 12.28 -- no real difference; 0.02 kept.
LOADED_PENALTY = 0.02

NAME = "extractive"
METHOD = (
    "Written by copydesk's automated copy desk. Every sentence is copied from a source article listed under "
    "Sources, chosen by a sentence-embedding model ({model}) for how central it is to the story; sentences "
    "reported by one outlet alone are attributed to it in the text. No generative AI model wrote any of this "
    "text, and no human editor reviewed it before publication."
)

_STARTS_WELL = re.compile(r"^[\"“'‘(]?[A-Z0-9À-Þ]")
#: Datelines opening a sentence: "MOSCOW — ", "OSLO - ", "BRASÍLIA, Brazil – ", "November 18, USA - ",
#: "United States - ". Removed from the sentence (what remains is still a verbatim part of the source).
_DATELINE = re.compile(
    r"^(?:(?:[A-ZÀ-Þ][A-ZÀ-Þ .'-]{2,40}(?:,\s*[A-Z][\w .'-]{1,30})?|[A-Z][a-z]+ \d{1,2}, [A-Z][\w .]{1,30}|"
    r"(?:United States|United Kingdom|USA|UK))\s*(?:\([A-Za-z .]+\))?\s*[-–—]+\s+|"
    # "(CNN) - ", "New York (CNN) -- ", "(Reuters) ": the agency in brackets, with or without a place
    r"(?:[A-Z][\w .'-]{1,30}\s)?\((?:CNN|Reuters|AP|AFP|Bloomberg|dpa|ANSA|EFE|MTI)\)\s*[-–—]*\s*)"
    r"(?=[A-Z\"“])"
)
_BACKGROUND = re.compile(
    r"\b(previously|earlier|last (year|month|week)|had been|since (19|20)\d\d|in (19|20)\d\d)\b", re.I
)


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
    return list(_candidates(a.body))


@lru_cache(maxsize=4096)
def _candidates(body: str) -> tuple[str, ...]:
    """`article_sentences` of a body, split once: a story's articles are read again at every rewrite."""
    out = []
    for s in _outside_quotations(body):
        s = _DATELINE.sub("", s, count=1)
        n = len(s.split())
        if not (MIN_WORDS <= n <= MAX_WORDS):
            continue
        if not _STARTS_WELL.match(s) or s.rstrip("\"”’')").endswith("?") or is_boilerplate_sentence(s):
            continue
        if s.rstrip("\"”’')")[-1:] not in ".!":
            continue
        out.append(s)
        if len(out) >= MAX_CANDIDATES:
            break
    return tuple(out)


def pick_section(articles: tuple[Article, ...], sections: tuple[SectionConfig, ...]) -> str:
    """A provisional section by keywords alone; the pipeline files the story with the classifier over its text
    and centroid (`copydesk.publish.sections.classify`)."""
    from copydesk.publish.sections import keyword_section

    return keyword_section(articles, sections)


def outlet_title(a: Article, outlets: dict[str, Outlet]) -> str:
    """An article's title without its outlet's suffix ("Tram derails - Budapest Daily")."""
    o = outlets.get(a.outlet_id)
    return strip_outlet_suffix(a.title, o.name if o else a.outlet_id)


def headline_candidates(m: StoryMaterial, rank: dict[int, int], language: str = "en") -> tuple[DraftSentence, ...]:
    """Every report's title (also one whose text gave no usable sentence), preferred first: titles that are
    neutral headlines (no question, clickbait, shouting or judgement) before others, then the title closest to
    all the outlets' titles (the one most of them would agree with). On the first 150 NeuS val stories this
    raised ROUGE-1/2 from 41.03/16.22 (the most central article's title) to 41.45/16.70."""
    mine = [a for a in m.articles if a.duplicate_of is None and in_edition(a, language)]
    heads = [a for a, ok in zip(mine, in_language_many([a.title for a in mine], language)) if ok]
    titled = [a for a in heads if a.id in m.title_vectors]
    centre = np.mean([m.title_vectors[a.id] for a in titled], axis=0) if titled else None
    heads.sort(
        key=lambda a: (
            bool(headline_problems(outlet_title(a, m.outlets))),
            -float(m.title_vectors[a.id] @ centre)
            if centre is not None and a.id in m.title_vectors
            else rank.get(a.id, len(rank)),
        )
    )
    return tuple(
        DraftSentence(outlet_title(a, m.outlets), (Support(a.id, a.outlet_id, a.title, 1.0),), "headline")
        for a in heads
    )


def group_of(text: str) -> str:
    """The subheading group of a sentence by its words: quotations and reporting verbs, background, or events."""
    if QUOTED_SPAN.search(text) or REPORTING.search(text):
        return "What was said"
    return "Background" if _BACKGROUND.search(text) else "What happened"


def draft_story(m: StoryMaterial, opts: WriteOptions = WriteOptions()) -> Draft | None:
    """Draft one story from its articles' sentences, or None when they give no candidate sentence."""
    # Reprints and duplicates carry no text of their own worth choosing from.
    writers = [
        a for a in m.articles if a.duplicate_of is None and m.sentences.get(a.id) and in_edition(a, opts.language)
    ]  # other languages count as coverage, never as text
    cands = [(a, i, s, v) for a in writers for i, (s, v) in enumerate(zip(m.sentences[a.id], m.vectors[a.id]))]
    if not cands:
        return None
    V = np.stack([v for *_, v in cands])
    centroid = V.mean(axis=0)
    centroid /= np.linalg.norm(centroid) or 1.0
    # The sentence detector reads e5 vectors; with another embedder only the word lexicons judge.
    # Identity vectors (a one-voice story, `verify.gate.verbatim`) make every sentence equally central: the order
    # is then the articles' and the sentences' own (news first), with the lead bonus and the loaded-word cost.
    tone = loaded_scores(V) if m.embedded and "multilingual-e5-small" in opts.model_name else np.zeros(len(cands))
    scores = [
        float(v @ centroid)
        + (LEAD_BONUS if i < 3 else 0.0)
        - LOADED_PENALTY * (len(loaded_words(s)) + int(t > LOADED_THRESHOLD))  # words, and the detector
        for (_, i, s, v), t in zip(cands, tone)
    ]
    rank = {a.id: k for k, a in enumerate(sorted(writers, key=lambda a: -float(np.mean(m.vectors[a.id] @ centroid))))}
    headlines = headline_candidates(m, rank, opts.language)
    head_vec = m.title_vectors.get(headlines[0].claims[0].article_id) if headlines else None

    # Ledes: an article's first three sentences (news writes the essentials first) that stand on their own ("She
    # was taken to hospital" does not), the closest to the headline and the story first, earlier ones preferred.
    openers = [k for k, (_, i, s, _) in enumerate(cands) if i < 3 and not _ANAPHORIC.match(s)] or [0]
    near = lambda k: float(cands[k][3] @ head_vec) if head_vec is not None else 0.0  # noqa: E731
    lede_rank = {
        k: r for r, k in enumerate(sorted(openers, key=lambda k: -(scores[k] + near(k) - LEAD_BONUS * cands[k][1])))
    }

    order = sorted(range(len(cands)), key=lambda k: (rank[cands[k][0].id], cands[k][1]))
    sentences = tuple(
        DraftSentence(
            text=s,
            claims=(Support(a.id, a.outlet_id, s, 1.0),),
            role="lede" if k in lede_rank else "body",
            group=group_of(s),
            score=scores[k],
            lede_rank=lede_rank.get(k, 0),
        )
        for k in order
        for a, i, s, _ in [cands[k]]
    )
    return Draft(
        story_id=m.story_id,
        writer=NAME,
        method=METHOD.format(model=opts.model_name),
        headlines=headlines,
        sentences=sentences,
    )


def instead(m: StoryMaterial, opts: WriteOptions, why: str, draft: Draft | None = None) -> Draft | None:
    """This writer's draft (`draft`, if already made) in place of another writer's that could not be used, its
    method note saying `why`."""
    d = draft if draft is not None else draft_story(m, opts)
    if d is None:
        return None
    return Draft(d.story_id, d.writer, f"{d.method} {why.strip()}", d.headlines, d.sentences)


_SIDES = {"left": "left", "lean-left": "left", "center": "centre", "lean-right": "right", "right": "right"}


def _side(outlet: Outlet | None) -> str | None:
    """ "left", "centre" or "right" from the registry's lean rating; None when unrated or unknown."""
    return _SIDES.get(outlet.lean.value) if outlet is not None else None


def coverage_by_lean(articles: tuple[Article, ...], outlets: dict[str, Outlet]) -> tuple[tuple[str, int], ...]:
    """Outlets (not articles) per side, unrated included: (("left", 1), ("centre", 2), ("unrated", 1))."""
    seen: dict[str, str] = {}
    for a in articles:
        seen.setdefault(a.outlet_id, _side(outlets.get(a.outlet_id)) or "unrated")
    counts = Counter(seen.values())
    return tuple((k, counts[k]) for k in ("left", "centre", "right", "unrated") if counts[k])
