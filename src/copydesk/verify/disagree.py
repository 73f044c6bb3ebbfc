"""Where two sources that state the same fact disagree on a number, a date or a name.

`conflicts(a, b)` is called on sentence pairs already judged to state the same fact (their embeddings are
close); it returns the slots on which they differ:

* number: a count of the same thing (the word after the number: "12 dead" / "9 dead", "$3 million" /
  "$4 million", "40%" / "45%") that each side gives differently and neither side also gives the other's value;
* date: years, weekdays, months, or day-and-month that each side gives and the other does not;
* name: one name with a part changed ("Tyler Hansbrough" / "Tyler Ingaldson", "Gulf of Aden" / "Throat of
  Aden"), or a name on each side that the other does not contain, standing in the same place in both sentences
  (the same words around it: "met Putin in" / "met Xi in") -- paraphrases that name someone on one side
  only ("Biden said" / "the president said") or name different things elsewhere are not disagreements.

Measured by ``python bench/disagreement.py ../shared/data`` on real sentence pairs (see that file).
"""

from __future__ import annotations

from dataclasses import dataclass

import difflib
import re

from rapidfuzz import fuzz

from copydesk.verify.facts import DEMONYM, STOPWORDS, Facts, Quantity, facts


@dataclass(frozen=True, slots=True)
class Conflict:
    kind: str  # "number", "date" or "name"
    a: str  # the value as the first sentence gives it
    b: str  # ... and as the second gives it


#: Character similarity (rapidfuzz ratio) of last words from which two names are spellings of one
#: ("Centre" / "Center" 83, "Philly" / "Philadelphia" is not); read off the name pairs of the dev split.
SPELLING = 80

_ABBREVIATED = {"mt": "mount", "st": "saint", "ft": "fort", "gen": "general", "univ": "university"}


def _key(name: str) -> list[str]:
    out = []
    for w in name.lower().replace(".", "").split():
        w = _ABBREVIATED.get(re.sub(r"['’]s$", "", w), re.sub(r"['’]s$", "", w))
        out.append(w[:-1] if len(w) > 3 and w.endswith("s") else w)
    return out


def _same_name(x: str, y: str) -> bool:
    """Two ways of naming one thing: "Obama" / "Barack Obama", "Missouri Valley" / "Missouri Valley
    Conference", "Somali" / "Somalis", "Centre" / "Center", "Calif" / "California", "Internet Explorer" / "IE".
    "Gulf of Aden" / "Gulf of Oman" and "MacBook Pro" / "MacBook Air" are different things."""
    kx, ky = _key(x), _key(y)
    if not kx or not ky:
        return False
    if kx[-1] == ky[-1] or set(kx) <= set(ky) or set(ky) <= set(kx):
        return True
    if fuzz.ratio(kx[-1], ky[-1]) >= SPELLING and (len(kx) == len(ky) == 1 or kx[:-1] == ky[:-1]):
        return True
    if len(kx) == 1 and len(ky) == 1 and min(len(kx[0]), len(ky[0])) >= 4 and (
            kx[0].startswith(ky[0]) or ky[0].startswith(kx[0])):
        return True
    initials = lambda k: "".join(w[0] for w in k)  # noqa: E731
    return (len(kx) > 1 and initials(kx) == ky[0]) or (len(ky) > 1 and initials(ky) == kx[0])


_WORD = re.compile(r"[\w'’-]+")


def _context(sentence: str, phrase: str) -> tuple[tuple[str, ...], tuple[str, ...]] | None:
    """The two words before and after the first occurrence of `phrase`, lower case."""
    i = sentence.find(phrase)
    if i < 0:
        return None
    before = [w.lower() for w in _WORD.findall(sentence[:i])][-2:]
    after = [w.lower() for w in _WORD.findall(sentence[i + len(phrase):])][:2]
    return tuple(before), tuple(after)


#: Longest stretch of differing words (on either side) in which a replaced name is looked for. dev split: 3-4
#: P .946 R .772, 6 P .935 R .789, 10 P .919 R .793.
GAP_MAX = 6


def _gap(tokens: list[str], blocks: list[tuple[int, int, int]], pos: int, side: int) -> tuple[int, int] | None:
    """(index of the gap between matched blocks that holds `pos`, gap length), None when `pos` is matched."""
    prev_end = 0
    for k, blk in enumerate(blocks):
        start, size = blk[side], blk[2]
        if pos < start:
            return k, start - prev_end
        if pos < start + size:
            return None
        prev_end = start + size
    return len(blocks), len(tokens) - prev_end


def _same_gap(a: str, x: str, b: str, y: str) -> bool:
    """Whether `x` and `y` sit in the same short stretch where two otherwise matching sentences differ
    ("... a woman in Queens has ..." / "... a woman in Grinch has ..."), by a word-level diff."""
    ta = [w.lower() for w in _WORD.findall(a)]
    tb = [w.lower() for w in _WORD.findall(b)]
    fx, fy = _WORD.findall(x.lower()), _WORD.findall(y.lower())
    if not fx or not fy:
        return False
    try:
        i, j = ta.index(fx[0]), tb.index(fy[0])
    except ValueError:
        return False
    blocks = [m for m in difflib.SequenceMatcher(None, ta, tb, autojunk=False).get_matching_blocks() if m.size]
    ga, gb = _gap(ta, [(m.a, m.b, m.size) for m in blocks], i, 0), _gap(tb, [(m.a, m.b, m.size) for m in blocks], j, 1)
    return ga is not None and gb is not None and ga[0] == gb[0] and 0 < ga[0] < len(blocks) and \
        ga[1] <= GAP_MAX and gb[1] <= GAP_MAX


def _aligned(a: str, x: str, b: str, y: str) -> bool:
    """Whether `x` in sentence a and `y` in sentence b stand in the same place: the same word on both sides
    of them, the same two words before or after, or the same content word right next to them."""
    ca, cb = _context(a, x), _context(b, y)
    if ca is None or cb is None:
        return False
    (ba, aa), (bb, ab) = ca, cb
    prev_same = bool(ba) and bool(bb) and ba[-1] == bb[-1]
    next_same = bool(aa) and bool(ab) and aa[0] == ab[0]
    if prev_same and next_same:
        return True
    if (len(ba) == 2 and ba == bb) or (len(aa) == 2 and aa == ab):
        return True
    return (prev_same and ba[-1] not in STOPWORDS) or (next_same and aa[0] not in STOPWORDS)


def _units_match(p: Quantity, q: Quantity) -> bool:
    """Counts of the same thing: the same word after the number, or a shared word among the next two
    ("1,000 flights" / "1,800 domestic flights"); money and percentages by their sign."""
    if p.unit in {"$", "£", "€", "%"} or q.unit in {"$", "£", "€", "%"}:
        return p.unit == q.unit
    return (p.unit == q.unit and p.unit != "") or bool(set(p.nouns) & set(q.nouns))


def _number_conflicts(a: str, b: str, fa: Facts, fb: Facts) -> list[Conflict]:
    va = {round(q.value, 3) for q in fa.quantities}
    vb = {round(q.value, 3) for q in fb.quantities}
    only_a = [p for p in fa.quantities if round(p.value, 3) not in vb]
    only_b = [q for q in fb.quantities if round(q.value, 3) not in va]
    out = []
    for p in only_a:
        for q in only_b:
            money = {p.unit, q.unit} & {"$", "£", "€", "%"}
            if money and p.unit != q.unit:
                continue
            # "more than 400 shootings" / "180 people were killed in shootings": b names a's counted thing and
            # counts another one, so the two numbers count different things.
            counted_apart = bool(p.unit) and bool(q.unit) and not _units_match(p, q) and (
                p.unit in fb.content)
            if _units_match(p, q) or (not counted_apart and (
                    (len(only_a) == 1 and len(only_b) == 1) or _aligned(a, p.text.split()[-1], b, q.text.split()[-1]))):
                out.append(Conflict("number", p.text, q.text))
                break
    return out


def _before_month(sentence: str, month: str) -> str | None:
    """The word before the first mention of `month` ("in" for "... jumped in November"), lower case."""
    m = re.search(rf"(\w+)\W+(?:{month.capitalize()}|{month[:3].capitalize()}\.?)\b", sentence)
    return m.group(1).lower() if m else None


#: Words before a month that say when something happens ("in", "mid-", "this", "come"); "since", "from",
#: "through" or "until" say that the month bounds another fact.
_WHEN = frozenset("in on this mid early late come during starting beginning by".split())


def _same_when(x: str | None, y: str | None) -> bool:
    return x is not None and y is not None and (x == y or (x in _WHEN and y in _WHEN))


def _date_conflicts(a: str, b: str, fa: Facts, fb: Facts) -> list[Conflict]:
    out = []
    ya, yb = fa.years - fb.years, fb.years - fa.years
    if ya and yb:
        out.append(Conflict("date", ", ".join(sorted(ya)), ", ".join(sorted(yb))))
    wa = {d for d in fa.days if " " not in d} - fb.days
    wb = {d for d in fb.days if " " not in d} - fa.days
    if wa and wb:
        out.append(Conflict("date", ", ".join(sorted(wa)).capitalize(), ", ".join(sorted(wb)).capitalize()))
    # Months differ only in the same place: "closed in September" / "closed in August"; "rose in November" /
    # "the highest since January" are two facts.
    ma, mb = fa.months - fb.months, fb.months - fa.months
    if len(ma) == 1 and len(mb) == 1 and _same_when(_before_month(a, min(ma)), _before_month(b, min(mb))):
        out.append(Conflict("date", ", ".join(sorted(ma)).capitalize(), ", ".join(sorted(mb)).capitalize()))
    da = {d for d in fa.days if " " in d} - fb.days
    db = {d for d in fb.days if " " in d} - fa.days
    if da and db:
        out.append(Conflict("date", ", ".join(sorted(da)), ", ".join(sorted(db))))
    return out


def _variant(x: str, y: str) -> bool:
    """Two names that are one name changed in part: "Sheriff Lee Baca" / "Sheriff Lee Hiller", "Gulf of Aden"
    / "Gulf of Oman", "Promises Treatment Center" / "Promises Treatment Clinic": several words each, the same
    first or last word, and neither a shorter form of the other."""
    kx, ky = _key(x), _key(y)
    if len(kx) < 2 or len(ky) < 2 or set(kx) <= set(ky) or set(ky) <= set(kx) or kx == ky:
        return False
    if fuzz.ratio(kx[-1], ky[-1]) >= SPELLING:
        return False
    return kx[0] == ky[0] or kx[-1] == ky[-1]


#: Words of a name that say what someone is, not who: they are skipped when two names are lined up.
_ROLE_WORDS = frozenset("""
president president-elect vice prime minister secretary governor senator sen rep representative gov mr mrs ms
dr gen general chief officer sheriff captain capt coach judge justice justices pastor pope king queen prince
mayor chancellor leader majority minority chair chairman chairwoman conference vp ceo spokesman spokeswoman
commander mullah sheikh imam rabbi father brother sister saint st jr sr ii iii iv md phd mba esq inc ltd corp
co llc plc republican republicans democrat democrats democratic gop the of de la del van von al el and
""".split())


#: Words that make a name an institution's: "Bureau of Labor Statistics" and "Labor Department" are not a
#: person's name with a word in front ("Forward Tyler Ingaldson").
_INSTITUTION = frozenset("""
department bureau ministry agency committee council university college institute company corporation party
court house senate congress parliament office service association union bank commission board administration
school hospital center centre church foundation fund group network station army navy police
""".split())


def _core(name: str) -> list[str]:
    """The words of a name that tell who or what it is, as written: hyphens split, no periods, no
    possessive affiliation ("Apple's Phil Schiller"), no initials, role words or company suffixes."""
    words = [w.strip(".,") for w in re.split(r"[\s-]+", name) if w.strip(".,")]
    out = []
    for k, w in enumerate(words):
        if k < len(words) - 1 and re.search(r"['’]s$", w):
            out = []  # "Apple's Phil Schiller": what comes before the possessive is an affiliation
            continue
        w = re.sub(r"['’]s$", "", w).replace(".", "")
        if len(w) > 1 and w[0].isupper() and w.lower() not in _ROLE_WORDS:  # "Democratic-led": "led" is no name
            out.append(w)
    return out


#: Short forms of first names that do not start like the full name ("Bill" / "William"); short forms that do
#: ("Steve" / "Stephen", "Chuck" / "Charles") are recognised by their first letter.
_SHORT_FORMS = {
    "bill": "william", "billy": "william", "will": "william", "bob": "robert", "bobby": "robert",
    "dick": "richard", "rick": "richard", "ted": "edward", "ned": "edward", "teddy": "edward",
    "peggy": "margaret", "maggie": "margaret", "molly": "mary", "polly": "mary", "sally": "sarah",
    "liz": "elizabeth", "beth": "elizabeth", "betsy": "elizabeth", "betty": "elizabeth", "bess": "elizabeth",
    "tony": "anthony", "sandy": "alexander", "sasha": "alexander", "kate": "catherine", "kathy": "catherine",
    "katie": "catherine", "kit": "christopher", "hank": "henry", "harry": "henry", "jack": "john",
    "johnny": "john", "jim": "james", "jimmy": "james", "chuck": "charles", "lisa": "elizabeth",
}


def _differ(u: str, v: str, first_names: bool) -> bool:
    """Whether two words of lined-up names name different things (not a spelling, an abbreviation, an acronym
    or, for first names, a short form: "Steve" / "Stephen", "Mo" / "Maurice")."""
    lu, lv = u.lower(), v.lower()
    if lu == lv or fuzz.ratio(lu, lv) >= SPELLING or lu.startswith(lv) or lv.startswith(lu):
        return False
    if u.isupper() or v.isupper():
        return False
    if first_names:
        fu, fv = _SHORT_FORMS.get(lu, lu), _SHORT_FORMS.get(lv, lv)
        return fu != fv and fu[0] != fv[0] and lu[0] != lv[0]
    return True


def _changed_in_part(x: str, y: str) -> bool:
    """Two names that are one name with a part changed: the same first word and a different last one
    ("Tyler Hansbrough" / "Forward Tyler Ingaldson", "Internet Explorer" / "Internet Lionsgate"), or the same
    last word and a different one before it ("Gulf of Aden" / "Throat of Aden", "Rob Jones" / "Nick Jones").
    Role words, suffixes, initials and affiliations are skipped: "Samuel Alito Jr" / "Justice Samuel Alito",
    "Apple's Phil Schiller" / "VP Phil Schiller" are one name."""
    cx, cy = _core(x), _core(y)
    if len(cx) < 2 or len(cy) < 2:
        return False
    lx, ly = [w.lower() for w in cx], [w.lower() for w in cy]
    if set(lx) <= set(ly) or set(ly) <= set(lx):
        return False
    # same word, then the last words differ; the shared word begins one of the names
    for i, w in enumerate(lx[:-1]):
        j = ly.index(w) if w in ly[:-1] else -1
        if j >= 0 and i + 2 == len(lx) and j + 2 == len(ly) and not cx[i].isupper() and (
                i == j == 0 or (min(i, j) == 0 and not (set(lx) | set(ly)) & _INSTITUTION)):
            return _differ(cx[-1], cy[-1], first_names=False)
    # the same last word, the word before it differs and begins one of the names
    if lx[-1] == ly[-1] and (len(lx) == 2 or len(ly) == 2):
        return _differ(cx[-2], cy[-2], first_names=len(lx) == len(ly) == 2)
    # as long as each other, one word changed ("University of South Alabama College of Medicine" / "...
    # Schmitz of Medicine", "Wasilla Bible Church" / "Wasilla Bible Lampahan")
    if len(lx) == len(ly):
        diff = [k for k in range(len(lx)) if lx[k] != ly[k]]
        shared = [cx[k] for k in range(len(cx)) if k not in diff]
        return len(diff) == 1 and not all(w.isupper() for w in shared) and _differ(
            cx[diff[0]], cy[diff[0]], first_names=diff[0] == len(lx) - 2)
    return False


#: Capitalised words that name a group, not someone or somewhere: "its only Black driver" / "its only African
#: American driver", "Analysts surveyed" / "Economists surveyed" say the same thing.
_GROUP_WORDS = frozenset("""
black white hispanic latino latina latinx asian african american native indigenous muslim muslims christian
christians jewish jews catholic catholics protestant evangelical evangelicals democrat democrats democratic
republican republicans gop conservative conservatives liberal liberals progressive progressives analysts
economists officials experts lawmakers senators critics supporters voters americans europeans western eastern
northern southern north south east west
""".split())
#: Before a name, words that make it who told or reported something, not part of the fact: "told The Wall
#: Street Journal" / "told The Associated Press", "surveyed by Refinitiv" / "surveyed by Dow Jones".
_ATTRIBUTION_SLOT = re.compile(r"\b(?:told|according to|surveyed by|polled by|citing|cited by|reported by|"
                               r"interview with|statement to|said to)\s+(?:the\s+)?$", re.I)
_PARTY_STATE = re.compile(r"^[RDI]-[A-Z][A-Za-z.]*$")  # "R-Ky", "D-Calif"


def _conflictable(name: str, sentence: str) -> bool:
    """Whether a name can stand for a disputed fact: not a group word, a party-and-state tag or the outlet that
    was told something."""
    words = [w.lower() for w in re.split(r"[\s-]+", name) if w]
    if _PARTY_STATE.match(name) or all(w in _GROUP_WORDS or DEMONYM.search(w.capitalize()) for w in words):
        return False
    i = sentence.find(name)
    return not (i >= 0 and _ATTRIBUTION_SLOT.search(sentence[max(0, i - 40):i]))


def _name_conflicts(a: str, b: str, fa: Facts, fb: Facts) -> list[Conflict]:
    # One name with a part changed, where neither sentence also gives the other's name as it is.
    core_a, core_b = {tuple(_core(n)) for n in fa.names}, {tuple(_core(n)) for n in fb.names}
    for x in sorted(fa.names):
        for y in sorted(fb.names):
            if tuple(_core(x)) not in core_b and tuple(_core(y)) not in core_a and _changed_in_part(x, y):
                return [Conflict("name", x, y)]
    only_a = [n for n in fa.names if not any(_same_name(n, m) for m in fb.names) and _conflictable(n, a)]
    only_b = [m for m in fb.names if not any(_same_name(n, m) for n in fa.names) and _conflictable(m, b)]
    for x in sorted(only_a):
        for y in sorted(only_b):
            if _variant(x, y):
                return [Conflict("name", x, y)]
    for x in sorted(only_a):
        for y in sorted(only_b):
            if _aligned(a, x, b, y) or _same_gap(a, x, b, y):
                return [Conflict("name", x, y)]
    return []


def conflicts(a: str, b: str) -> list[Conflict]:
    """The facts on which two same-fact sentences disagree (empty when they agree)."""
    fa, fb = facts(a), facts(b)
    return _number_conflicts(a, b, fa, fb) + _date_conflicts(a, b, fa, fb) + _name_conflicts(a, b, fa, fb)


__all__ = ["Conflict", "conflicts"]
