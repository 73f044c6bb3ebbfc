"""Which language an article or a sentence is written in, from its text (lingua).

What a feed, a page's ``lang`` attribute or an import line claims is a *hint*: outlets mislabel (an English
feed carrying German and Portuguese reports was the reason for this module). The rule, in order:

1. the text (title and the start of the body) when the detector's confidence in its top language is at least
   `ARTICLE_CONFIDENCE` and the text has at least `MIN_LETTERS` letters;
2. else the hint (feed entry, page or import line);
3. else the outlet's registry language (unless "und", an outlet met only in an import);
4. else the detector's uncertain top guess, or None when the text gives none.

`in_language` is the guard the writer applies to each sentence: a sentence that the detector confidently puts
in another language is not published as the edition's text.

Everything here is pure apart from building the detector once per process (lingua's models load from the
installed package; no network).
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, replace
from functools import lru_cache
from typing import Sequence

from lingua import IsoCode639_1, Language, LanguageDetectorBuilder

from copydesk.models import ArticleIn

__all__ = [
    "ARTICLE_CONFIDENCE",
    "LANGUAGES",
    "Detection",
    "article_language",
    "detect",
    "in_language",
    "in_language_many",
    "language_name",
    "with_language",
]

#: Languages the detector chooses among (ISO 639-1): the registry's (en, hu, de, it), the edition language, the
#: EU and neighbouring languages, and the major world languages whose script or vocabulary a news feed may
#: carry. Low-accuracy mode (lingua's 1- to 3-gram models). Measured on this machine (2 cores, lingua 2.1.1) on
#: flores_xling (4,496 passages of 2-6 sentences in 16 languages), first sentences of the same passages, and
#: 2,000 Tatoeba sentences (short, everyday):
#:   18 languages, low accuracy:  load 0.5 s, 107 MB RSS; passages 0.999 (763/s), sentences 0.979, Tatoeba 0.825
#:   all 75, low accuracy:        load 0.9 s, 191 MB;     passages 0.996 (209/s), sentences 0.956, Tatoeba 0.728
#:   18 languages, high accuracy: load 15 s,  623 MB;     passages 0.999 (327/s), sentences 0.991, Tatoeba 0.914
#:   all 75, high accuracy:       more than 1.3 GB RSS after 45 s of loading (stopped).
#: Articles are passages or longer, where low accuracy is as good as high; the model memory and start-up of
#: high accuracy are not worth it. Restricting the set helps accuracy too (fewer near neighbours such as
#: Bosnian for Croatian). These 31 languages, by `bench/language.py` on the test split (FLORES Wikinews, 1,600
#: passages, each claiming English): accuracy 0.998 (all 75 languages: 0.993; trusting the claim: 0.063).
LANGUAGES = (
    "en",
    "de",
    "fr",
    "es",
    "pt",
    "it",
    "nl",
    "hu",
    "pl",
    "cs",
    "sk",
    "ro",
    "hr",
    "sl",
    "sr",
    "uk",
    "bg",
    "ru",
    "el",
    "tr",
    "sv",
    "da",
    "nb",
    "fi",
    "et",
    "lv",
    "lt",
    "ar",
    "he",
    "zh",
    "ja",
)
#: Lowest confidence (lingua's, 0-1) in the top language at which an article's text decides its language; below
#: it, the hint decides. Calibrated by `bench/language.py --calibrate` on the dev split (FLORES Wikivoyage and
#: Wikibooks passages, 16 languages, cut to 3 words, 8 words, the first sentence and whole): detections of 20+
#: letters were right 0.37 of the time at confidence 0.3-0.5, 0.51 at 0.5-0.7, 0.69 at 0.7-0.9, 0.87 at
#: 0.9-0.99 and 0.997 at 0.99 or more (8,747 of 9,525). A feed's or page's claim is right for most of an
#: outlet's articles, so below 0.99 it is the better bet; the writer's per-sentence guard still catches a
#: foreign sentence in an article the hint mislabelled.
ARTICLE_CONFIDENCE = 0.99
#: Fewer letters than this and the text is not detected at all: on the same dev fragments, texts of 10-20
#: letters were detected right 0.74 of the time, 20-30 letters 0.88, 50-100 letters 0.99.
MIN_LETTERS = 20
#: A sentence is dropped as "not in the edition's language" when the detector's confidence that it is in that
#: language is below this. Calibrated on the dev split (even Tatoeba rows and FLORES dev sentences, 6+ words, as
#: the writer's candidates are; English edition): at 0.01 0.35 % of 1,128 English sentences were dropped and
#: 99.54 % of 11,322 others caught; 0.05: 0.80 % / 99.76 %; 0.10: 1.15 % / 99.80 %; 0.30: 1.95 % / 99.90 %.
SENTENCE_CONFIDENCE = 0.05
#: Characters of an article's text read for detection: enough for the 2-6 sentence passages the figures above
#: come from, and it bounds the time a very long article costs.
MAX_CHARS = 2000


@dataclass(frozen=True, slots=True)
class Detection:
    """An article's language and how it was decided."""

    language: str | None
    source: str  # "text", "hint", "outlet", "guess" (uncertain text, nothing better) or "none"
    confidence: float = 0.0  # the detector's confidence in its top language (0 when it was not run)


def _code(lang: Language) -> str:
    return lang.iso_code_639_1.name.lower()


def _language(code: str) -> Language | None:
    member = getattr(IsoCode639_1, code.upper(), None) if code and len(code) == 2 else None
    return Language.from_iso_code_639_1(member) if member is not None else None


@lru_cache(maxsize=8)
def _detector(extra: tuple[str, ...] = ()):
    langs = {lg for c in LANGUAGES + extra if (lg := _language(c)) is not None}
    return LanguageDetectorBuilder.from_languages(*langs).with_low_accuracy_mode().build()


def _letters(text: str) -> int:
    return sum(ch.isalpha() for ch in text)


def detect(text: str, extra: tuple[str, ...] = ()) -> tuple[str | None, float]:
    """The most likely language of `text` and the detector's confidence in it; (None, 0.0) when none.
    `extra`: languages to consider besides `LANGUAGES` (the edition's, the registry's)."""
    values = _detector(tuple(sorted(set(extra) - set(LANGUAGES))))
    text = text[:MAX_CHARS]
    if not text.strip():
        return None, 0.0
    conf = values.compute_language_confidence_values(text)
    if not conf or conf[0].value <= 0:
        return None, 0.0
    return _code(conf[0].language), float(conf[0].value)


def article_language(
    text: str, hint: str | None = None, outlet_language: str | None = None, extra: tuple[str, ...] = ()
) -> Detection:
    """An article's language by the rule in this module's docstring. `text`: title and body."""
    lang, conf = (None, 0.0)
    if _letters(text[:MAX_CHARS]) >= MIN_LETTERS:
        lang, conf = detect(text, extra)
        if lang is not None and conf >= ARTICLE_CONFIDENCE:
            return Detection(lang, "text", round(conf, 4))
    if hint:
        return Detection(hint, "hint", round(conf, 4))
    if outlet_language and outlet_language != "und":
        return Detection(outlet_language, "outlet", round(conf, 4))
    if lang is not None:
        return Detection(lang, "guess", round(conf, 4))
    return Detection(None, "none")


def in_language(text: str, lang: str) -> bool:
    """False when `text` is confidently in another language than `lang` (the writer's per-sentence guard).
    A text too short to tell, or in a language lingua does not know, passes."""
    return in_language_many((text,), lang)[0]


#: Sentence verdicts kept per (language, text), oldest dropped first: the gate reads a story's sentences again at
#: every rewrite. Bounds the memory (a few MB), not tuned. A dict rather than `functools.lru_cache`: a batch must
#: look up all its texts first and send only the missing ones to lingua in one parallel call, which a per-call
#: memoiser cannot do; first-in-first-out is enough for a story's sentences, which come back together.
VERDICT_CACHE = 32768
_verdicts: dict[tuple[str, str], bool] = {}
_verdicts_lock = threading.Lock()


def in_language_many(texts: Sequence[str], lang: str) -> list[bool]:
    """`in_language` of each text: those not decided before in one call to lingua's parallel detector (its
    threads use every core; the verdicts are the sequential call's), the rest from memory."""
    target = _language(lang)
    if target is None:
        return [True] * len(texts)
    out: list[bool | None] = []
    todo: dict[str, None] = {}
    with _verdicts_lock:
        for t in texts:
            v = True if _letters(t) < MIN_LETTERS else _verdicts.get((lang, t))
            out.append(v)
            if v is None:
                todo[t] = None
    if todo:
        det = _detector(() if lang in LANGUAGES else (lang,))
        conf = det.compute_language_confidence_in_parallel([t[:MAX_CHARS] for t in todo], target)
        fresh = {t: float(c) >= SENTENCE_CONFIDENCE for t, c in zip(todo, conf)}
        with _verdicts_lock:
            for t, v in fresh.items():
                if len(_verdicts) >= VERDICT_CACHE:
                    del _verdicts[next(iter(_verdicts))]
                _verdicts[(lang, t)] = v
        out = [fresh[t] if v is None else v for t, v in zip(texts, out)]
    return [bool(v) for v in out]


def language_name(code: str | None) -> str:
    """ "German" for "de"; the code itself for a language lingua does not know; "an unknown language" for None."""
    if not code:
        return "an unknown language"
    lg = _language(code)
    if lg is None:
        return code
    return {"BOKMAL": "Norwegian"}.get(lg.name, lg.name.title())


def with_language(a: ArticleIn, outlet_language: str | None = None, extra: tuple[str, ...] = ()) -> ArticleIn:
    """`a` with its claimed language kept as `language_hint` and the detected one in `language`."""
    hint = a.language_hint or a.language
    d = article_language(f"{a.title}\n\n{a.text or a.summary}", hint, outlet_language, extra)
    return replace(a, language=d.language, language_hint=hint)
