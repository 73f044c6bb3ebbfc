"""Assembly: the published `WrittenStory` from a draft that passed the gate and the neutral edit.

Whatever wrote the draft, assembly

1. fits the sentences into the story: the lede is the most corroborated sentence offered as a lede (then the
   writer's preference); the body takes the writer's preferred sentences (a bonus per independent outlet behind
   one) up to a budget of words and sentences, leaving out any that repeats a chosen one; every side (registry
   lean) that covered the story speaks in it; the body is read in the writer's order;
2. chooses the headline (`choose_headline`);
3. attributes: a single-source story says so once, in a note at the top, and its sentences carry no tail; in a
   story with several independent sources, a sentence carried by one of them, or stating a fact the sources
   dispute, names its outlets in a form that varies from sentence to sentence ("Reuters reported that ...",
   "..., according to Reuters.", "Reuters said ..."); the source's words are kept as they are. A sentence only
   outlets the registry lacks carry is always attributed, in a single-source story too (they count as one source
   together, and as none beside a registry outlet: ``verify.gate.independent``);
4. adds subheadings, the sources list, notes for readers (single source, one-sided coverage, disputes, partial
   sources), the merged disagreements and the verification counts.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from copydesk.lang.openers import ANAPHORIC
from copydesk.models import (
    GROUPS,
    Article,
    Disagreement,
    GatedDraft,
    GatedSentence,
    Outlet,
    Section,
    SourceLink,
    StoryMaterial,
    Verification,
    WrittenSentence,
    WrittenStory,
)
from copydesk.sources.naming import site_name
from copydesk.verify.facts import REPORTING, STOPWORDS
from copydesk.verify.gate import UNLISTED, independent, origin
from copydesk.write.extractive import _side, coverage_by_lean, pick_section
from copydesk.dedup import joint_note
from copydesk.ingest.outcome import reader_reason
from copydesk.sources.official import balance_note
from copydesk.write.dates import story_dates
from copydesk.write.headline import SentenceIn, TitleIn, title_problems, write_headline
from copydesk.write.options import WriteOptions

#: "This week, ...", "That night ...": a time, not a pointer back to an earlier sentence.
_WHEN = re.compile(
    r"^[\"“'‘(]?(?:this|that|these|those)\s+(?:week|weekend|month|year|morning|afternoon|evening|night|day|days|"
    r"spring|summer|autumn|fall|winter|season|time|past|coming)\b",
    re.I,
)
#: Score bonus per additional independent outlet behind a sentence: of two close candidates, the corroborated
#: one is published first (set with the writer's LEAD_BONUS on the demo corpus; the NeuS figures in
#: bench/neutral_summary.py are measured with it).
SUPPORT_BONUS = 0.02
#: Subheadings appear only when the body has at least this many sentences in two or more groups.
SUBHEADING_MIN_SENTENCES = 5

# Attribution forms, in the order a story cycles through them: "{lower}" is the sentence with its first word in
# lower case (only when that word is a common word); "{stem}" the sentence without its final full stop.
_FORMS = ("{stem}, according to {who}.", "{who} reported that {lower}", "{who} said {lower}")


def outlet_name(outlets: dict[str, Outlet], outlet_id: str, url: str | None = None) -> str:
    """The outlet's name as readers know it: the registry's (without a bracketed qualifier), or for an outlet
    nobody listed, a name made from its site (never a bare domain)."""
    o = outlets.get(outlet_id)
    name = o.name if o else site_name(url or f"https://{outlet_id}/", None if url else outlet_id)
    if o is not None and re.fullmatch(r"(?:https?://)?[\w.-]+\.[a-z]{2,}/?", name.strip(), re.I):
        name = site_name(o.homepage or f"https://{name}/", name)  # a bare domain stored as a name
    return re.sub(r"\s*\(.*?\)\s*$", "", name).strip() or name


#: An outlet named by an office ("President of Russia", "Ministry of Foreign Affairs", "House of Commons") takes
#: "the" in running text: "according to the President of Russia", not "according to President of Russia".
_OFFICE_NAME = re.compile(
    r"^(?:President|Prime Minister|Chancellor|Office|Ministry|Department|Government|Presidency|Embassy|Mayor|"
    r"Cabinet|Secretariat|Council|Parliament|Senate|House|Press Office|Spokesperson)\b.*\bof\b"
)


def in_text(name: str) -> str:
    """An outlet's name as running text uses it (see _OFFICE_NAME)."""
    return f"the {name}" if _OFFICE_NAME.match(name) else name


def _names(names: Sequence[str]) -> str:
    """Outlets' names listed in running text: "A", "A and B", "A, B and C", "A, B and 2 other outlets"."""
    names = [in_text(n) for n in dict.fromkeys(names)]
    if len(names) <= 1:
        return names[0] if names else ""
    if len(names) > 3:
        return f"{', '.join(names[:2])} and {len(names) - 2} other outlets"
    return f"{', '.join(names[:-1])} and {names[-1]}"


#: A sentence that opens with a short phrase and a comma ("Today, the President ...", "In Moscow, ..."): put after
#: "X said", the phrase would attach to the saying ("The White House said today, ..."), so such a sentence takes
#: the tail form.
_OPENER = re.compile(r"^[^\s,]+(?:\s+[^\s,]+){0,3},\s")


class _Attributor:
    """Adds attributions to a story's sentences, varying the form from one sentence to the next."""

    def __init__(self, m: StoryMaterial):
        self.turn = 0
        # words the sources use in lower case: a sentence's first word among them may be lower-cased after
        # "X reported that" ("Firefighters" -> "firefighters"); a name ("Budapest", "BKV") is not
        self.common = {w for a in m.articles for w in re.findall(r"\b[a-z][a-z'’-]+\b", a.body)}

    def _lowerable(self, text: str) -> bool:
        m = re.match(r"[A-Z][a-z'’-]*\b", text)
        if not m or m.group(0) == "I":
            return False
        w = m.group(0)
        return w.lower() in STOPWORDS or (w[1:].islower() and w.lower() in self.common)

    def __call__(self, text: str, who: str) -> str:
        if who.lower() in text.lower():
            return text  # the sentence already names its outlet
        body = text.rstrip()
        says = bool(REPORTING.search(body)) or "according to" in body.lower()
        usable = []
        for k, form in enumerate(_FORMS):
            if "{stem}" in form and not (body.endswith(".") and "according to" not in body.lower()):
                continue
            if "{lower}" in form and (not self._lowerable(body) or _OPENER.match(body)):
                continue  # a name; or an opening phrase ("Today, ...") that "X said today, ..." would misread
            if "said" in form and says:
                continue  # not "Reuters said the police said"
            usable.append(k)
        if not usable:
            return body[:-1] + f", {who} reported." if body.endswith(".") else body + f" (according to {who})"
        k = min(usable, key=lambda k: (k - self.turn) % len(_FORMS))
        self.turn = k + 1
        if _FORMS[k].startswith("{who}"):
            who = who[:1].upper() + who[1:]  # "The President of Russia said ..."
        return _FORMS[k].format(who=who, stem=body[:-1], lower=body[:1].lower() + body[1:])


def without_attribution(ws: WrittenSentence) -> str:
    """The sentence as its source wrote it (after the neutral edits), without the attribution assembly added."""
    who, t = ws.attribution, ws.text
    if not who:
        return t
    lead = who[:1].upper() + who[1:]  # at the start of the sentence, "the President of Russia" is capitalised
    for pre in (f"{lead} reported that ", f"{lead} said "):
        if t.startswith(pre):
            rest = t[len(pre) :]
            return rest[:1].upper() + rest[1:]
    for tail, keep in ((f", according to {who}.", "."), (f", {who} reported.", "."), (f" (according to {who})", "")):
        if t.endswith(tail):
            return t[: -len(tail)] + keep
    return t


def _pref(s: GatedSentence) -> float:
    return s.draft.score + SUPPORT_BONUS * (len(s.voices) - 1)


def fit(g: GatedDraft, m: StoryMaterial, opts: WriteOptions) -> tuple[GatedSentence, list[GatedSentence]] | None:
    """The lede and the body (in reading order) from the sentences that passed; None when none did."""
    kept = list(g.sentences)
    if not kept:
        return None
    by_id = {a.id: a for a in m.articles}
    side_of_article = {a.id: _side(m.outlets.get(origin(a, by_id).outlet_id)) for a in m.articles}

    def side(s: GatedSentence) -> str | None:
        return side_of_article.get(s.support[0].article_id)

    openers = [s for s in kept if s.draft.role == "lede"] or kept[:1]
    lede = max(openers, key=lambda s: (len(s.voices), -s.draft.lede_rank))
    chosen = [lede]
    ranked = sorted(kept, key=lambda s: -_pref(s))

    def repeats(s: GatedSentence) -> bool:
        return any(s is x or float(s.vector @ x.vector) >= opts.redundant for x in chosen)

    def out_of_context(s: GatedSentence) -> bool:
        """A source sentence that points back ("Similar requests ...", "She said ...") whose own article's
        sentence before it is not published: it would read as if about what precedes it here."""
        c = s.draft.claims[0] if s.draft.claims else None
        if c is None or c.sentence != s.draft.text or not ANAPHORIC.match(s.draft.text) or _WHEN.match(s.draft.text):
            return False  # a writer's own sentence (the llm writer's) reads in the order it was written
        own = m.sentences.get(c.article_id, [])
        k = own.index(c.sentence) if c.sentence in own else -1
        if k <= 0:
            return k == 0  # the first of its article points back to nothing published
        before = own[k - 1]
        return not any(
            x.draft.claims and x.draft.claims[0].article_id == c.article_id and x.draft.text == before for x in chosen
        )

    budget = 0
    waiting: list[GatedSentence] = []  # pointing back to a sentence not chosen yet: taken once it is
    for s in ranked:
        if len(chosen) - 1 >= opts.body_max_sentences or budget >= opts.body_words:
            break
        if repeats(s):
            continue
        if out_of_context(s):
            waiting.append(s)
            continue
        chosen.append(s)
        budget += len(s.draft.text.split())
        for w in list(waiting):
            if len(chosen) - 1 < opts.body_max_sentences and budget < opts.body_words and not out_of_context(w):
                if not repeats(w):
                    chosen.append(w)
                    budget += len(w.draft.text.split())
                waiting.remove(w)
    # Balance: every side (outlet lean from the registry) that covered the story speaks in it, with its best
    # sentence that passed, in place of the weakest body sentence when the body is full.
    for sd in sorted({x for x in side_of_article.values() if x}):
        if any(side(c) == sd for c in chosen):
            continue
        theirs = [s for s in ranked if side(s) == sd and not repeats(s) and not out_of_context(s)]
        if not theirs:
            continue
        if len(chosen) - 1 >= opts.body_max_sentences:
            # only a sentence whose side keeps another sentence (or an unrated outlet's) may make room
            removable = [c for c in chosen[1:] if sum(side(x) == side(c) for x in chosen) > 1 or side(c) is None]
            if not removable:
                continue
            weakest = min(removable, key=_pref)
            chosen = [c for c in chosen if c is not weakest]
        chosen.append(theirs[0])
    position = {id(s): k for k, s in enumerate(g.sentences)}
    return lede, sorted(chosen[1:], key=lambda s: position[id(s)])


def _written(s: GatedSentence, text: str | None = None, attribution: str | None = None) -> WrittenSentence:
    return WrittenSentence(
        text if text is not None else s.text, s.support, attribution, len(s.voices), s.check, s.edits
    )


def partial_reason(a: Article) -> str | None:
    """Why only a source's feed summary is used, in words for readers: the page's fetch outcome
    (`copydesk.ingest.outcome`); "paywall" only when one was detected. None when its full text is used."""
    if not a.partial:
        return None
    if a.fetch_outcome is None:  # imported, or stored before fetch outcomes were recorded
        return "only the summary was available"
    return reader_reason(a.fetch_outcome) or "only the feed summary is used"


def choose_headline(g: GatedDraft, lede: GatedSentence, chosen: Sequence[GatedSentence]) -> WrittenSentence:
    """The headline, written by `write.headline.write_headline` from what passed the gate: a candidate title that
    passes the neutral-headline checks (no question, label, teaser, first person, accusation or loaded word),
    the one closest to all the titles, or else a headline cut (by deletions only) from the best-supported
    lede-like published sentence; its support and edits go with it. A headline the writer wrote itself (role
    "written", not a source's title) comes first when it passed the gate and passes the same checks."""
    own = next((h for h in g.headlines if h.draft.role == "written" and h.support), None)
    if own is not None and not title_problems(own.text):
        return WrittenSentence(own.text, own.support, None, len(own.voices), own.check, own.edits)
    titles = tuple(
        TitleIn(
            h.support[0].article_id, h.support[0].outlet_id, h.text, h.vector, g.voices.get(h.support[0].article_id)
        )
        for h in g.headlines
        if h.support
    )
    sentences = tuple(
        SentenceIn(
            c.support[0].article_id,
            c.support[0].outlet_id,
            c.text,
            c.support,
            len(c.voices),
            _pref(c),
            0 if c.draft.role == "lede" else 3,
            c.check,
            c is lede,
            c.vector,
        )
        for c in chosen
        if c.support
    )
    choice = write_headline(titles, sentences)
    if not choice.text:
        return _written(lede, lede.text.rstrip("."))
    head = next(
        (
            h
            for h in g.headlines
            if h.support
            and choice.support
            and h.support[0].article_id == choice.support[0].article_id
            and choice.kind == "title"
        ),
        None,
    )
    edits = (head.edits if head is not None else ()) + choice.edits
    return WrittenSentence(choice.text, choice.support, None, choice.voices, choice.check, edits)


def _merge(chosen: Sequence[GatedSentence]) -> tuple[Disagreement, ...]:
    """The disputes of the published sentences; two sentences may carry one dispute (each outlet's version was
    chosen): one entry."""
    out: list[Disagreement] = []
    for s in chosen:
        for d in s.disputes:
            keys = {(c.article_id, c.value.lower()) for c in d.claims}
            same = next(
                (
                    i
                    for i, x in enumerate(out)
                    if x.kind == d.kind and len(keys & {(c.article_id, c.value.lower()) for c in x.claims}) >= 2
                ),
                None,
            )
            if same is None:
                out.append(d)
            else:
                known = {c.outlet_id for c in out[same].claims}
                out[same] = Disagreement(
                    d.kind, out[same].claims + tuple(c for c in d.claims if c.outlet_id not in known)
                )
    return tuple(out)


def _single_source_note(
    arts: Sequence[Article], by_id: dict[int, Article], name, aside=lambda a: False, unlisted_only: bool = False
) -> str:
    """ "Based on one report, by Reuters; not yet confirmed by other outlets." (with the outlets that reprinted it,
    or the outlets of one owner). ``aside(a)``: the article is from an outlet the registry lacks beside a registry
    outlet's report: named apart, as not counted. ``unlisted_only``: every source is an outlet the registry lacks
    (together one source)."""
    counted = [a for a in arts if not aside(a)] or list(arts)
    first = [a for a in counted if origin(a, by_id) is a]
    writers = list(dict.fromkeys(name(a) for a in first)) or [name(counted[0])]
    reprinters = [n for n in dict.fromkeys(name(a) for a in counted if origin(a, by_id) is not a) if n not in writers]
    besides = [n for n in dict.fromkeys(name(a) for a in arts if aside(a)) if n not in writers]
    tail = (
        f" Also carried by {_names(besides)}, which the registry does not list: not counted as confirmation."
        if besides
        else ""
    )
    if len(writers) == 1:
        reprinted = f" (also carried by {_names(reprinters)})" if reprinters else ""
        return f"Based on one report, by {_names(writers[:1])}{reprinted}; not yet confirmed by other outlets.{tail}"
    if unlisted_only:
        return (
            f"Based on reports by {_names(writers)}, which the registry does not list: together they count as "
            "one source; not yet confirmed by an outlet it lists."
        )
    return (
        f"Based on reports by {_names(writers)}, which have the same owner; not yet confirmed by an independent "
        f"outlet.{tail}"
    )


def assemble(g: GatedDraft, m: StoryMaterial, opts: WriteOptions = WriteOptions()) -> WrittenStory | None:
    """The published story, or None when no sentence of the draft passed the checks."""
    fitted = fit(g, m, opts)
    if fitted is None:
        return None
    lede, body = fitted
    chosen = [lede] + body
    by_id = {a.id: a for a in m.articles}

    def name_of(a: Article) -> str:
        a = origin(a, by_id)
        return outlet_name(m.outlets, a.outlet_id, a.url)

    voices = independent(g.voices.values())
    single = len(voices) == 1
    disagreements = _merge(chosen)
    attribute = _Attributor(m)

    def written(s: GatedSentence) -> WrittenSentence:
        # a sentence only outlets the registry lacks carry always names them, in a single-source story too
        if s.voices != {UNLISTED} and (single or not (len(s.voices) == 1 or s.disputes)):
            return _written(s)
        who = _names([name_of(by_id[x.article_id]) for x in s.support if x.article_id in by_id])
        return _written(s, attribute(s.text, who), who)

    lede_w = written(lede)
    rendered = [written(s) for s in body]
    groups: dict[str | None, list[WrittenSentence]] = {}
    for s, ws in zip(body, rendered):
        groups.setdefault(s.draft.group, []).append(ws)
    order = [x for x in GROUPS if x in groups] + [x for x in groups if x not in GROUPS]
    if len(body) >= SUBHEADING_MIN_SENTENCES and len(order) >= 2 and None not in groups:
        sections = tuple(Section(h, tuple(groups[h])) for h in order)
    else:
        sections = (Section(None, tuple(rendered)),) if body else ()

    rank: dict[int, int] = {}
    for d in g.draft.sentences:
        for c in d.claims[:1]:
            rank.setdefault(c.article_id, len(rank))
    sources = tuple(
        SourceLink(
            article_id=a.id,
            outlet_id=a.outlet_id,
            outlet_name=outlet_name(m.outlets, a.outlet_id, a.url),
            title=a.title,
            url=a.url,
            published=a.published,
            partial=a.partial,
            date_only=a.date_only,
            reprint_of=a.wire_group if a.wire_group and a.wire_group != a.id else None,
            language=a.language,
            partial_reason=partial_reason(a),
        )
        for a in sorted(m.articles, key=lambda a: (a.when, a.id))
    )
    outlet_ids = tuple(dict.fromkeys(a.outlet_id for a in sorted(m.articles, key=lambda a: rank.get(a.id, 999))))

    notes: list[str] = []
    if single:
        notes.append(
            _single_source_note(
                m.articles,
                by_id,
                lambda a: outlet_name(m.outlets, a.outlet_id, a.url),
                lambda a: g.voices.get(a.id) == UNLISTED and voices != {UNLISTED},
                unlisted_only=voices == {UNLISTED},
            )
        )
    elif len(lede.voices) == 1 and sum(len(c.voices) == 1 for c in chosen) * 2 >= len(chosen):
        notes.append(
            f"The core facts of this story rest on one outlet, {name_of(by_id[lede.support[0].article_id])}: "
            "other outlets covered the story but did not report them in the same terms."
        )
    by_lean = coverage_by_lean(m.articles, m.outlets)
    rated = [k for k, _ in by_lean if k != "unrated"]
    if len(rated) == 1 and not single:
        others = " or ".join(x for x in ("left", "centre", "right") if x != rated[0])
        notes.append(
            f"Covered so far only by outlets rated {rated[0]} by the registry; no outlet rated {others} "
            "has reported this story."
        )
    if disagreements:
        notes.append(
            f"Sources disagree on {len(disagreements)} point{'s' if len(disagreements) > 1 else ''}; "
            "see “Where sources differ”."
        )
    why = list(dict.fromkeys(r for r in (partial_reason(a) for a in m.articles) if r))
    if why:
        notes.append("Some sources are used only by their headline and feed summary (" + "; ".join(why) + ").")
    # joint statements (dedup.copy_kind) and stories that only the parties' press offices back (sources.official)
    notes += filter(
        None, (joint_note(m.articles, {k: o.name for k, o in m.outlets.items()}), balance_note(outlet_ids, m.outlets))
    )

    sentence_drops = [d for d in g.dropped if not d.headline]
    verification = Verification(
        checked=len(chosen),
        unsupported=sum(d.reason == "unsupported" for d in sentence_drops),
        quotes_dropped=sum(d.reason == "quote" for d in sentence_drops),
        evaluative_dropped=sum(d.reason == "evaluative" for d in sentence_drops),
        lowest_score=round(min(c.check for c in chosen), 4),
        dropped=g.dropped,
    )
    whens = [a.when for a in m.articles]
    return WrittenStory(
        story_id=m.story_id,
        slug=m.slug,
        headline=choose_headline(g, lede, chosen),
        lede=lede_w,
        body=sections,
        sources=sources,
        independent_sources=len(voices),
        outlets=outlet_ids,
        single_source=single,
        section=pick_section(m.articles, m.sections),
        published=min(whens),
        updated=max(whens),
        method=g.draft.method,
        language=opts.language,
        notes=tuple(notes),
        disagreements=disagreements,
        verification=verification,
        coverage_by_lean=by_lean,
        dates=story_dates(m.articles),
    )


__all__ = ["SUPPORT_BONUS", "assemble", "choose_headline", "fit", "outlet_name", "without_attribution"]
