"""The checkable facts of a sentence: numbers (with the word they count), dates, names, negation, quotes.

Plain regular expressions over English news text, so they run on every sentence of every story at no cost
and behave the same on lower-cased text (where names are not found and content words stand in for them).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from copydesk.lang.calendar import MONTHS, WEEKDAYS
from copydesk.lang.words import FACT_STOPWORDS

_WORD_NUMBERS = {
    "one": 1,
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "seven": 7,
    "eight": 8,
    "nine": 9,
    "ten": 10,
    "eleven": 11,
    "twelve": 12,
    "thirteen": 13,
    "fourteen": 14,
    "fifteen": 15,
    "sixteen": 16,
    "seventeen": 17,
    "eighteen": 18,
    "nineteen": 19,
    "twenty": 20,
    "thirty": 30,
    "forty": 40,
    "fifty": 50,
    "sixty": 60,
    "seventy": 70,
    "eighty": 80,
    "ninety": 90,
    "hundred": 100,
    "thousand": 1000,
    "dozen": 12,
    "half": 0.5,
    "first": 1,
    "second": 2,
    "third": 3,
    "fourth": 4,
    "fifth": 5,
}
# "one" and ordinals are too often not a count ("one of the", "first time"): they count only before a noun
# that a number can qualify, which `_COUNTED` approximates by excluding function words.
_WEAK = {"one", "first", "second", "half"}
_SCALE = {
    "hundred": 1e2,
    "thousand": 1e3,
    "million": 1e6,
    "billion": 1e9,
    "trillion": 1e12,
    "m": 1e6,
    "bn": 1e9,
    "k": 1e3,
}
_MONTH_ABBR = {m[:3]: m for m in MONTHS} | {"sept": "september"}

STOPWORDS = FACT_STOPWORDS

_NUM = re.compile(
    r"(?<![\w.])(?<![A-Za-z]-)(?P<sign>[$£€]\s?)?(?P<num>\d+(?:,\d{3})*(?:\.\d+)?|\d+(?:\.\d+)?)(?P<suffix>%|\s?(?:per ?cent|percent))?"
    r"(?:\s?(?P<scale>hundred|thousand|million|billion|trillion|bn|m|k)\b)?",
    re.I,
)
_WORD_NUM = re.compile(
    r"\b("
    + "|".join(sorted(_WORD_NUMBERS, key=len, reverse=True))
    + r")(?:[\s-]("
    + "one|two|three|four|five|six|seven|eight|nine"
    + r"))?(?:\s(hundred|thousand|million|billion))?\b",
    re.I,
)
_TOKEN = re.compile(r"[A-Za-zÀ-ÖØ-öø-ÿĀ-ž]+(?:['’][a-z]+)?|\d+(?:[.,]\d+)*")
_NEGATION = re.compile(
    r"\b(not|no|never|none|nobody|nothing|neither|nor|without|cannot|denied|denies|deny|refused|refuses|"
    r"rejected|failed to|unable)\b|n['’]t\b",
    re.I,
)
_CAP_WORD = r"(?:[A-Z][A-Za-zà-ÿ'’-]*[a-zà-ÿ][A-Za-zà-ÿ'’-]*|[A-Z]{2,}|(?:[A-Z]\.)+)"
_CAP_RUN = re.compile(rf"\b{_CAP_WORD}(?:\s+(?:of\s+|de\s+|van\s+|von\s+|al-)?{_CAP_WORD})*")
#: A quotation in a sentence, with its marks (straight or curly, double or single).
QUOTED_SPAN = re.compile(r"[\"“][^\"“”]*[\"”]|‘[^‘’]*’")
#: Verbs and phrases that attribute words or a judgement to someone ("said", "according to", "accused").
REPORTING = re.compile(
    r"\b(said|says|say|told|tells|added|adds|stated|states|declared|wrote|writes|tweeted|posted|asked|explained|"
    r"insisted|insists|warned|argued|argues|noted|announced|according to|quoted|continued|replied|recalled|"
    r"claimed|claims|called|calls|described|accused|accuses|criticised|criticized|praised)\b",
    re.I,
)
DEMONYM = re.compile(
    r"^[A-Z][a-z]{2,}(?:ian|ean|ese|ish|ani|eli|aqi|udi|ali|eni)$|^(?:"
    + "|".join(
        """
American Russian British French German Israeli Mexican Korean Afghan Pakistani Indian Iraqi Saudi European African
Asian Australian Canadian Brazilian Palestinian Egyptian Somali Yemeni English Scottish Irish Welsh Dutch Swiss
Swedish Polish Greek Cuban Venezuelan Colombian Nigerian Kenyan Ethiopian Hungarian Austrian Czech Romanian
Serbian Croatian Taiwanese Vietnamese Thai Filipino Indonesian Malaysian Arab Kurdish Lebanese Jordanian Qatari
Emirati Libyan Tunisian Moroccan Algerian Turkmen Kazakh Uzbek Georgian Armenian Azerbaijani Argentine Chilean
Peruvian Haitian Jamaican Norwegian Danish Finnish Belgian Portuguese Slovak Bulgarian Lithuanian Latvian
Estonian Democratic Republican Chinese Japanese Turkish Spanish Italian Syrian Iranian Ukrainian Belarusian
""".split()
    )
    + ")$"
)
_QUOTED = re.compile(r"[\"“]([^\"“”]{8,}?)[\"”]|(?<![A-Za-z])[‘']([^‘’']{20,}?)[’'](?![A-Za-z])")
_YEAR = re.compile(r"\b(1[89]\d\d|20\d\d)\b")
_DAY_MONTH = re.compile(
    r"\b(\d{1,2})(?:st|nd|rd|th)?\s+("
    + "|".join(MONTHS)
    + r")\b|\b("
    + "|".join(MONTHS)
    + r")\s+(\d{1,2})(?:st|nd|rd|th)?\b",
    re.I,
)
# Capitalised words that are not names: sentence openers, titles, months and days (handled as dates).
#: Capitalised words that name a group, not someone or somewhere ("its only Black driver" / "its only African
#: American driver", "Analysts surveyed" / "Economists surveyed"), lower case.
GROUP_WORDS = frozenset(
    """
black white hispanic latino latina latinx asian african american native indigenous muslim muslims christian
christians jewish jews catholic catholics protestant evangelical evangelicals democrat democrats democratic
republican republicans gop conservative conservatives liberal liberals progressive progressives analysts
economists officials experts lawmakers senators critics supporters voters americans europeans western eastern
northern southern north south east west
""".split()
)
_NOT_NAMES = (
    frozenset(w.capitalize() for w in STOPWORDS)
    | {m.capitalize() for m in MONTHS + WEEKDAYS}
    | {
        "President",
        "Prime",
        "Minister",
        "Secretary",
        "Governor",
        "Senator",
        "Sen",
        "Rep",
        "Gov",
        "Mr",
        "Mrs",
        "Ms",
        "Dr",
        "Gen",
        "General",
        "Chief",
        "Officer",
        "Police",
        "Sunday",
        "Today",
        "Yesterday",
        "Tomorrow",
        "Tonight",
        "Monday's",
        "Friday's",
        "Saturday's",
        "Sunday's",
        "However",
        "Meanwhile",
        "Officials",
        "Authorities",
        "Earlier",
        "Later",
        "Last",
        "Next",
        "Many",
        "Several",
        "Some",
        "Most",
        "Both",
        "Each",
        "Every",
        "Former",
        "After",
        "Before",
        "During",
        "While",
        "When",
        "Where",
        "Although",
        "Though",
        "Despite",
        "Since",
        "Until",
        "In",
        "On",
        "At",
        "By",
        "For",
        "From",
        "With",
        "The",
        "A",
        "An",
        "It",
        "He",
        "She",
        "They",
        "We",
        "I",
        "Sheriff",
        "Captain",
        "Capt",
        "Coach",
        "Judge",
        "Justice",
        "Pastor",
        "Pope",
        "King",
        "Queen",
        "Prince",
        "Mayor",
        "Chancellor",
        "Constable",
        "Const",
        "Spokesman",
        "Spokeswoman",
        "Lt",
        "Sgt",
        "Cmdr",
        "Deputy",
        "Director",
        "Professor",
        "Prof",
        "Rev",
        "Sir",
        "Lord",
        "Lady",
        "Dame",
        "Detective",
        "Inspector",
        "Superintendent",
    }
    | {w.capitalize() for w in _WORD_NUMBERS}
)


@dataclass(frozen=True, slots=True)
class Quantity:
    value: float
    unit: str  # the counted word after the number ("dead", "people", "%"), "" when none
    text: str  # as written, with a qualifier before it ("more than 180")
    nouns: tuple[str, ...] = ()  # the first two content words after the number ("domest", "flight")


@dataclass(frozen=True, slots=True)
class Facts:
    quantities: tuple[Quantity, ...]
    years: frozenset[str]
    days: frozenset[str]  # weekday names and "12 march"-style dates, lower case
    names: frozenset[str]  # capitalised spans, as written
    negated: bool
    content: frozenset[str]  # stems of content words
    months: frozenset[str] = frozenset()  # months named, alone or in a date, lower case full names


def stem(word: str) -> str:
    """A crude English stem: enough to match "killed"/"killing"/"kills" and "injuries"/"injured"."""
    w = word.lower().replace("’", "'")
    if w.endswith("'s"):
        w = w[:-2]
    for suf in ("ies", "ied", "ing", "ed", "es", "s", "ly"):
        if w.endswith(suf) and len(w) - len(suf) >= 3:
            w = w[: -len(suf)]
            break
    return w[:6]


def normalise(text: str) -> str:
    """Undo the tokenisation of lower-cased corpora ("kilmarnock 's", "do n't", "\\'") and unify quotes."""
    t = text.replace("\xad", "")  # a soft hyphen splits a word only where a line may break
    t = t.replace("\\'", "'").replace("’", "'").replace("‘", "'").replace("“", '"').replace("”", '"')
    t = re.sub(r"\s+(['’](?:s|re|ve|ll|d|m)\b|n't\b)", r"\1", t)
    t = re.sub(r"\s+([.,;:!?%])", r"\1", t)
    return re.sub(r"\s+", " ", t).strip()


_QUALIFIER = re.compile(
    r"\b(more than|less than|fewer than|at least|at most|up to|nearly|almost|about|around|roughly|"
    r"approximately|some|over|under|as many as)\s+$",
    re.I,
)


def _qualified(text: str, start: int, written: str) -> str:
    """The number as written, with the qualifier before it ("more than 180"), which readers need to see."""
    m = _QUALIFIER.search(text[max(0, start - 20) : start])
    return f"{m.group(1)} {written}" if m else written


def _nouns_after(text: str, end: int) -> tuple[str, ...]:
    out = []
    for tok in _TOKEN.findall(text[end : end + 50])[:4]:
        low = tok.lower()
        if low in STOPWORDS or low in _SCALE or low[0].isdigit():
            continue
        out.append(stem(low))
    return tuple(out[:2])


def _unit_after(text: str, end: int) -> str:
    nouns = _nouns_after(text, end)
    return nouns[0] if nouns else ""


def quantities(text: str) -> tuple[Quantity, ...]:
    out: list[Quantity] = []
    taken: list[tuple[int, int]] = [m.span() for m in _DAY_MONTH.finditer(text)]  # "March 3" is a date
    for m in _NUM.finditer(text):
        if any(a <= m.start() < b for a, b in taken):
            continue
        raw = m.group("num")
        if _YEAR.fullmatch(raw) and not m.group("sign") and not m.group("suffix"):
            continue  # a year, not a quantity
        try:
            v = float(raw.replace(",", ""))
        except ValueError:
            continue
        if m.group("scale"):
            v *= _SCALE[m.group("scale").lower()]
        unit = "%" if m.group("suffix") else (m.group("sign") or "").strip() or _unit_after(text, m.end())
        out.append(Quantity(v, unit, _qualified(text, m.start(), m.group(0).strip()), _nouns_after(text, m.end())))
        taken.append(m.span())
    for m in _WORD_NUM.finditer(text):
        if any(a <= m.start() < b for a, b in taken):
            continue
        first = m.group(1).lower()
        if first in _WEAK and not m.group(2) and not m.group(3):
            continue
        v = float(_WORD_NUMBERS[first])
        if m.group(2):
            v += _WORD_NUMBERS[m.group(2).lower()]
        if m.group(3):
            v *= _SCALE[m.group(3).lower()]
        out.append(
            Quantity(
                v, _unit_after(text, m.end()), _qualified(text, m.start(), m.group(0)), _nouns_after(text, m.end())
            )
        )
    return tuple(out)


def names(text: str) -> frozenset[str]:
    """Capitalised spans that are not the sentence's first word (unless followed by another capital) and
    not titles, months or days. Empty for lower-cased text."""
    out = set()
    for m in _CAP_RUN.finditer(text):
        # A title or other non-name word splits the run: "Palmer Fire Chief John McNutt" is two names.
        runs: list[list[str]] = [[]]
        for p in m.group(0).split():
            if not p.strip(".") or re.sub(r"['’]s$", "", p.strip(".,")) in _NOT_NAMES:
                runs.append([])
            else:
                runs[-1].append(p)
        for parts in runs:
            while parts and parts[-1].lower() in {"of", "de", "van", "von"}:
                parts.pop()
            if not parts or (len(parts) == 1 and parts[0].lower() in STOPWORDS):
                continue
            # "the Russian leader", "a British climber": a nationality used as an adjective is not a name.
            if len(parts) == 1 and DEMONYM.search(parts[0]) and re.match(r"\s+[a-z]", text[m.end() :]):
                continue
            out.add(re.sub(r"['’]s$", "", " ".join(parts).strip(".,'’")))
    return frozenset(n for n in out if len(n) > 1)


def days(text: str) -> frozenset[str]:
    low = text.lower()
    out = {d for d in WEEKDAYS if re.search(rf"\b{d}\b", low)}
    for m in _DAY_MONTH.finditer(low):
        day, month = (m.group(1), m.group(2)) if m.group(1) else (m.group(4), m.group(3))
        out.add(f"{int(day)} {month}")
    return frozenset(out)


_MONTH_WORD = re.compile(
    r"\b(January|February|March|April|June|July|August|September|October|November|December|Jan|Feb|Mar|Apr|Jun|Jul|"
    r"Aug|Sept?|Oct|Nov|Dec)\b(?!['’]s? [A-Z])|\b(?:in|of|since|until|last|next|early|late|mid|by|from)[ -]May\b|"
    r"\bMay(?= \d)"
)


def months(text: str) -> frozenset[str]:
    """The months a sentence names, written with a capital ("in September", "Dec. 14", "May 5"); "May" only
    where it is a month ("in May", "May 5"), not a verb or a name."""
    out = set()
    for m in _MONTH_WORD.finditer(text):
        w = m.group(0).lower().split()[-1].split("-")[-1]
        out.add(_MONTH_ABBR.get(w[:4] if w.startswith("sept") else w[:3], w))
    return frozenset(out)


def content_stems(text: str) -> frozenset[str]:
    return frozenset(
        stem(t) for t in _TOKEN.findall(text) if t.lower() not in STOPWORDS and not t[0].isdigit() and len(t) > 2
    )


#: Facts are read from at most this many characters: a sentence, not a page (bounds the cost of hostile input).
MAX_CHARS = 2000


@lru_cache(maxsize=8192)
def facts(text: str) -> Facts:
    """The facts a sentence states. Cached (a Facts is immutable): the gate reads a story's sentences again at
    every rewrite and compares each pair of same-fact sentences (`verify.disagree.conflicts`)."""
    t = normalise(text[:MAX_CHARS])
    return Facts(
        quantities=quantities(t),
        years=frozenset(_YEAR.findall(t)),
        days=days(t),
        names=names(t),
        negated=bool(_NEGATION.search(t)),
        content=content_stems(t),
        months=months(t),
    )


def quotes_paired(text: str) -> bool:
    """Whether a text's quotation marks pair up: an unpaired one means it is part of a quotation that runs over
    several sentences."""
    return text.count('"') % 2 == 0 and text.count("“") == text.count("”")


def quotations(text: str) -> list[str]:
    """The quoted passages of a sentence (at least a few words), without their quote marks."""
    text = text[:MAX_CHARS]
    return [(a or b).strip(" ,.;:") for a, b in _QUOTED.findall(text) if len((a or b).split()) >= 3]


__all__ = [
    "Facts",
    "Quantity",
    "facts",
    "DEMONYM",
    "GROUP_WORDS",
    "MONTHS",
    "quotations",
    "quotes_paired",
    "normalise",
    "stem",
    "content_stems",
    "STOPWORDS",
    "QUOTED_SPAN",
    "REPORTING",
    "MAX_CHARS",
]
