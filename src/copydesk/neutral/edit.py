"""Find loaded words in a sentence and take them out, keeping a trail of every change.

Only words outside quotation marks are touched: a quotation is published verbatim or not at all. A word with
a plain replacement in ``SENSATIONAL`` is replaced ("slams" -> "criticises"); an intensifier or an evaluative
adjective or adverb in front of what it qualifies is deleted ("a shocking attack" -> "an attack"); any other
loaded word is left and reported, and the writer then prefers other sentences or attributes the judgement.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from copydesk.models import Change
from copydesk.verify.facts import DEMONYM, GROUP_WORDS, QUOTED_SPAN, REPORTING, quotes_paired
from copydesk.neutral import grammar
from copydesk.neutral.lexicon import (
    CLICKBAIT,
    FIXED,
    LITERAL_AFTER,
    PEACOCK,
    SAY_VERBS,
    SENSATIONAL,
    TABLE_NOUNS,
    TERMS,
    loaded_kind,
    pattern_lexicon,
    removable,
    vader_lexicon,
)

_WORD = re.compile(r"[A-Za-z][A-Za-z'-]*")
_COPULAS = frozenset(
    "is was are were be been being seems seemed remains remained became becomes appears "
    "appeared looks looked sounds proved proves".split()
)
_LINKING = frozenset("and or but nor to for of in on at by with than as from that which who".split())
_DEGREE = frozenset("more most less least very so too as quite rather how".split())
_SUBJECTS = frozenset("he she they it who which i we you".split())
_DETERMINERS = frozenset("a an the his her its their our this that these those some any another such".split())
_INTRANSITIVE = frozenset("rise rises rose rising fall falls fell falling".split())
#: Longest text treated as a sentence (a page is not edited).
MAX_CHARS = 2000
#: A sentence with at least this many loaded words outside quotations is loaded (the shipped detector's rule;
#: 1 is the only setting that needs no training data, see bench/loaded_language.py).
LOADED_MIN_HITS = 1


@dataclass(frozen=True, slots=True)
class Hit:
    word: str
    start: int
    end: int
    kind: str  # "sensational", "say-verb", "subjective" or "emotional"
    replacement: str | None  # what replaces it ("" deletes it), None when it is left in place


Edit = Change  # one change to a source's wording: before, after ("" = removed), reason


def _quoted_spans(text: str) -> list[tuple[int, int]]:
    return [m.span() for m in QUOTED_SPAN.finditer(text)]


_FIXED = re.compile(r"(?<![\w-])(?:" + "|".join(re.escape(f) for f in FIXED) + r")(?![\w-])", re.I)


def _part_of_word(text: str, start: int, end: int) -> bool:
    before, after = text[start - 1 : start] if start else "", text[end : end + 1]
    return (
        any(c.isalnum() or c in "_/@#" for c in before + after)
        or after in ("-", "'", "’")
        and text[end + 1 : end + 2].isalnum()
    )


#: Sentences whose `loaded_words` are kept: the writer, the gate's neutral step and the headline checks read a
#: story's sentences again at every rewrite (a 1,500-article replay asked 28,230 times about 8,632 sentences).
#: Bounds the memory (a few MB), not tuned.
LOADED_CACHE = 16384


@lru_cache(maxsize=LOADED_CACHE)
def loaded_words(text: str) -> tuple[Hit, ...]:
    """Loaded words outside quotations, with what would replace each. A sentence with an unclosed quotation
    (one part of a quotation that runs over several sentences) is not touched at all. An edit the word lists
    allow is kept only when the parser finds that it leaves a well-formed phrase (`grammar`); otherwise the
    word is reported and left (replacement None). Cached: a pure function of the text (a Hit is immutable)."""
    hits = _lexical_hits(text)
    if not any(h.replacement is not None for h in hits):
        return tuple(hits)
    doc = grammar.parse(text)
    out = []
    for h in hits:
        if h.replacement is not None:
            low = h.word.lower()
            if doc is None:
                fits = False
            elif h.replacement == "":
                fits = grammar.deletion_fits(doc, h.start, h.end)
            else:
                part = (
                    "say-verb"
                    if h.kind == "say-verb"
                    else "noun"
                    if low in TABLE_NOUNS
                    else "intransitive"
                    if h.replacement.split()[0] in _INTRANSITIVE
                    else "verb"
                )
                fits = grammar.replacement_fits(doc, h.start, h.end, part)
            if not fits:
                h = Hit(h.word, h.start, h.end, h.kind, None)
        out.append(h)
    return tuple(out)


def _lexical_hits(text: str) -> list[Hit]:
    """Loaded words found by the word lists alone, with the edit the lists allow (before the parser's check)."""
    if len(text) > MAX_CHARS or not quotes_paired(text):
        return []  # longer than any sentence: not a sentence, left alone
    quoted = _quoted_spans(text) + [m.span() for m in _FIXED.finditer(text)]
    words = list(_WORD.finditer(text))
    reported = bool(REPORTING.search(text))
    hits = []
    for k, m in enumerate(words):
        if any(a <= m.start() < b for a, b in quoted):
            continue
        if k and m.group(0)[:1].isupper():
            continue  # a name ("Supreme Court", "Magic Kingdom"), not a judgement
        if _part_of_word(text, m.start(), m.end()):
            continue  # "naïve", "Zürich", "COVID19": the letters around it make another word
        kind = loaded_kind(m.group(0))
        if kind is None:
            continue
        low = m.group(0).lower()
        prev_word = words[k - 1].group(0) if k else ""
        nxt_word = words[k + 1].group(0).lower() if k + 1 < len(words) else ""
        if (low, nxt_word) in TERMS or (prev_word.lower(), low) in TERMS:
            continue  # "grand jury", "precious metals", "sanctions regime": the name of a thing
        if kind == "say-verb":
            # "claimed that" is a verb; "claims that" only after who says it ("he claims that", "Smith alleges
            # that"): "Republican claims that" and "the claims that" are the noun
            named = prev_word[:1].isupper() and prev_word.lower() not in GROUP_WORDS and not DEMONYM.search(prev_word)
            says = low.endswith("ed") or prev_word.lower() in _SUBJECTS or named
            if nxt_word == "that" and says:
                hits.append(Hit(m.group(0), m.start(), m.end(), kind, SAY_VERBS[low]))
            continue
        replacement: str | None = SENSATIONAL.get(low)
        if replacement and nxt_word in LITERAL_AFTER:
            replacement = None  # "the car slammed into a wall": meant literally
        # A word is deleted only in front of the word it qualifies ("a shocking attack", "extremely
        # rare"); "the attack was horrific." keeps it (deleting would break the sentence) and is flagged.
        follows = text[m.end() : m.end() + 1] == " " and k + 1 < len(words) and words[k + 1].start() == m.end() + 1
        nxt = words[k + 1].group(0) if follows else ""
        qualifies = nxt[:1].isalpha() and nxt.lower() not in _LINKING
        prev = words[k - 1].group(0).lower() if k else ""
        if (
            replacement == ""
            and low == "so-called"
            and (
                loaded_kind(nxt_word) is not None
                or vader_lexicon().get(nxt_word, 0.0)
                or pattern_lexicon().get(nxt_word, (0.0, 0.0))[0] >= 0.5
            )
        ):
            replacement = None  # "so-called immoral activities": the words keep the judgement at a distance
        elif replacement == "" and prev in _DEGREE:
            replacement = None  # "the more prestigious post", "one of the most dramatic": nothing left to compare
        elif replacement == "" and (not qualifies or prev in _COPULAS):
            replacement = None  # "the policy is controversial due to ...": deleting would change what it says
        elif replacement is None and reported:
            pass  # someone's words reported ("told officers that biting was an effective ..."): left as said
        elif replacement is None and prev not in _COPULAS:
            attributive = prev in _DETERMINERS and qualifies and nxt[:1].islower() and loaded_kind(nxt) is None
            replacement = "" if attributive and removable(low) else None
        hits.append(Hit(m.group(0), m.start(), m.end(), kind, replacement))
    return hits


def is_loaded(text: str) -> bool:
    return len(_lexical_hits(text)) >= LOADED_MIN_HITS


def _match_case(new: str, old: str) -> str:
    return new[:1].upper() + new[1:] if old[:1].isupper() and new else new


_ARTICLE_BEFORE = re.compile(r"(?:^|(?<=\s))([Aa]n?) $")
_NEXT_WORD = re.compile(r"[A-Za-z][A-Za-z'-]*")
#: Words spelt with a vowel that sound a consonant ("a unique", "a one-off") and the reverse ("an hour").
_VOWEL_AS_CONSONANT = re.compile(r"(?:uni|use|usu|uti|ura|ure|uro|eu|ewe|one\b|one-|once|ubiq|utop)", re.I)
_SILENT_H = re.compile(r"(?:hour|honest|honou?r|heir)", re.I)


def _article_for(word: str) -> str:
    vowel = word[:1].lower() in "aeiou"
    if vowel and _VOWEL_AS_CONSONANT.match(word) or not vowel and not _SILENT_H.match(word):
        return "a"
    return "an"


def _fix_article(text: str, at: int) -> str:
    """ "a attack" -> "an attack", "an large" -> "a large" where an edit at ``at`` changed the next word. Only
    the article right before the edit is touched: the rest of the sentence stays as its source wrote it."""
    m = _ARTICLE_BEFORE.search(text[:at])
    nxt = _NEXT_WORD.match(text, at)
    if not m or not nxt:
        return text
    want = _article_for(nxt.group(0))
    if m.group(1).lower() == want:
        return text
    return text[: m.start(1)] + _match_case(want, m.group(1)) + text[m.end(1) :]


#: Why a word was changed, as the story page's audit trail shows it ("“claimed” → “said” (a verb of saying
#: that takes sides)", "“shocking” removed (sensational word)").
REASONS = {
    "sensational": "sensational word",
    "subjective": "a judgement, not a fact",
    "emotional": "emotive word",
    "say-verb": "a verb of saying that takes sides",
    "promotional": "promotional word",
    "intensifier": "intensifier",
}
_INTENSIFIERS = frozenset("absolutely utterly totally truly incredibly dramatically stunningly shockingly".split())


def _reason(h: Hit) -> str:
    low = h.word.lower()
    kind = (
        "intensifier"
        if low in _INTENSIFIERS
        else "promotional"
        if h.kind == "sensational" and low in PEACOCK
        else h.kind
    )
    return REASONS.get(kind, f"{kind} word")


def neutralize(text: str) -> tuple[str, tuple[Edit, ...]]:
    """The sentence with its replaceable loaded words replaced or deleted, and the edits made. Nothing else in
    the sentence changes: a deletion takes the word and the space after it, a replacement only the word, and
    an "a"/"an" right before either is made to agree with the word that now follows it."""
    hits = [h for h in loaded_words(text) if h.replacement is not None]
    if not hits:
        return text, ()
    out, pos, marks, edits = "", 0, [], []
    for h in hits:
        new = _match_case(h.replacement or "", h.word)
        end = h.end
        if not new:
            if text[h.end : h.end + 1] != " ":
                continue  # a deletion always has a word after it (see loaded_words); anything else stays
            end += 1
        out += text[pos : h.start]
        marks.append(len(out))
        out += new
        pos = end
        edits.append(Edit(h.word, new, _reason(h)))
    out += text[pos:]
    for at in reversed(marks):
        out = _fix_article(out, at)
    if marks and marks[0] == 0 and out[:1].islower() and text[:1].isupper():
        out = out[0].upper() + out[1:]  # the first word went: the next one starts the sentence
    return out, tuple(edits)


_HEADLINE_QUOTE = re.compile(r"(?<![A-Za-z])['‘][^'‘’]+['’](?![A-Za-z])")
_OPINION_LABEL = re.compile(
    r"^\s*(?:opinion|analysis|commentary|editorial|op-ed|column|letters?|review|perspective|"
    r"view|fact ?check(?:ing)?|good news|bad news|watch|listen)\s*[:|—–-]",
    re.I,
)
#: A writer's own person: a column ("We don't know where the virus came from", "Imagine if you took your car
#: into the shop"), not a report. Quotations are taken out before it is looked for.
_PERSONAL = re.compile(
    r"\b(?:I|I'm|I’m|I've|I’ve|I'll|I’ll|I'd|I’d|me|my|we|We|we're|We're|we’re|We’re|we've|"
    r"We've|we’ve|We’ve|our|Our|us|you|You|your|Your|you're|You're|you’re|You’re)\b"
)
_PRESCRIPTIVE = re.compile(r"\b(?:must|should|ought to|needs? to)\b", re.I)
#: Accusations a headline of ours does not make in its own voice (an outlet's "Biden Lies Again and Again").
ACCUSATIONS = frozenset(
    "lie lies lied liar liars lying falsehood falsehoods smear smears hoax scam sham disgrace "
    "disgraceful hypocrisy hypocrite hypocrites".split()
)


def own_voice(text: str) -> str:
    """The text without its quotations: the words the outlet (or our headline) says in its own voice."""
    return _HEADLINE_QUOTE.sub(" ", QUOTED_SPAN.sub(" ", text))


def _personal(own: str) -> bool:
    for m in _PERSONAL.finditer(own):
        if m.group(0) != "I":
            return True
        if own[m.end() : m.end() + 1] in ("'", "’"):
            return True  # "I'm", "I’ve"
        before, after = own[: m.start()].split()[-1:], own[m.end() :].split()[:1]
        # "World War I", "Elizabeth I", "Class I" are numerals; "I think" is a person
        if not (before and before[0][:1].isupper()) and after and after[0][:1].islower():
            return True
    return False


def _accusing(own: str) -> bool:
    return any(w.lower().strip("'’-") in ACCUSATIONS for w in _WORD.findall(own))


def personal_or_accusing(text: str) -> bool:
    """Whether a text, in its own voice, speaks in the first or second person (a column) or accuses ("Joe Biden
    is a career liar", "Biden Lies Again and Again")."""
    own = own_voice(text)
    return _personal(own) or _accusing(own)


def headline_problems(title: str) -> list[str]:
    """Why a title is not a neutral headline: a question, clickbait, shouting, loaded words or accusations, or
    an opinion (labelled so, in the first person, or saying what someone must do)."""
    problems = []
    t = title.strip()
    own = own_voice(t)  # quotations are someone's words; headlines quote with single marks, short ones too
    if "?" in own:
        problems.append("a question")
    low = t.lower()
    if any(c in low for c in CLICKBAIT) or t.endswith("!"):
        problems.append("clickbait")
    if sum(w.isupper() and len(w) > 3 for w in t.split()) >= 2:
        problems.append("capitals")
    words = own.split()
    title_case = sum(w[:1].isupper() for w in words) > 0.6 * max(len(words), 1)
    # In Title Case every word has a capital, so loaded words are looked for in lower case too
    if any(h.replacement is None for h in loaded_words(own)) or (
        title_case and any(h.replacement is None or h.kind == "sensational" for h in loaded_words(own.lower()))
    ):
        problems.append("loaded words")
    if _accusing(own):
        problems.append("accusation")
    if _OPINION_LABEL.match(t) or _personal(own) or _PRESCRIPTIVE.search(own):
        problems.append("opinion")
    return problems


__all__ = [
    "Edit",
    "Hit",
    "headline_problems",
    "is_loaded",
    "loaded_words",
    "neutralize",
    "own_voice",
    "personal_or_accusing",
]
