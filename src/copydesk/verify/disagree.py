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

Each conflict says whether it is ``sure``. Close sentences of two outlets often state two facts with different
numbers, days or names ("6.6 million filed last week" / "nearly 17 million since the shutdown", "said Friday" /
"on Tuesday"); any conflict withholds corroboration, but readers are told that sources differ only when it is
sure: two numbers that count one thing, cannot both be right as written ("about 250" / "more than 240" can)
and are not estimates, changes, ages, periods or far apart; two dates between the same words; a long name with
one word changed.

Measured by ``python bench/disagreement.py ../shared/data`` on real sentence pairs with one value changed, and
by ``python bench/disagreement_real.py ../shared/data/allsides_neus`` on the disputes shown for real stories.
"""

from __future__ import annotations

from dataclasses import dataclass

import difflib
import re

from rapidfuzz import fuzz

from copydesk.verify.facts import DEMONYM, GROUP_WORDS, MONTHS, STOPWORDS, Facts, Quantity, facts


@dataclass(frozen=True, slots=True)
class Conflict:
    kind: str  # "number", "date" or "name"
    a: str  # the value as the first sentence gives it
    b: str  # ... and as the second gives it
    #: False when the two values may count or name different things (the sentences are close, but the evidence
    #: that they state one fact is weak): enough to withhold corroboration, not to tell readers that sources
    #: differ. See ``bench/disagreement_real.py`` for how often each kind is right on real stories.
    sure: bool = True


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
    if (
        len(kx) == 1
        and len(ky) == 1
        and min(len(kx[0]), len(ky[0])) >= 4
        and (kx[0].startswith(ky[0]) or ky[0].startswith(kx[0]))
    ):
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
    after = [w.lower() for w in _WORD.findall(sentence[i + len(phrase) :])][:2]
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
    return (
        ga is not None
        and gb is not None
        and ga[0] == gb[0]
        and 0 < ga[0] < len(blocks)
        and ga[1] <= GAP_MAX
        and gb[1] <= GAP_MAX
    )


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


_ABOVE = ("more than", "over", "at least", "as many as")
_BELOW = ("less than", "fewer than", "at most", "up to", "under", "below")
_NEAR_BELOW = ("nearly", "almost")
_ABOUT = ("about", "around", "roughly", "approximately", "some")
#: How far "about 250" may be from 250, as a share of it.
ABOUT = 0.1


def _range(q: Quantity) -> tuple[float, float]:
    """The values a number as written allows: "more than 240" anything above 240, "about 250" 225-275, "nearly
    $1 trillion" a little under it, "$1.4 trillion" what rounds to it (1.35-1.45 trillion: "$1.37 trillion"
    agrees), "50" just 50."""
    v = q.value
    text = q.text.lower()
    digits = re.search(r"\d[\d,]*(?:\.(\d+))?", text)
    if digits:
        written = float(digits.group(0).replace(",", ""))
        scale = v / written if written else 1.0
        half = 0.5 * 10 ** -len(digits.group(1) or "") * scale
    else:
        half = 0.5
    if text.startswith(_ABOVE):
        return v - half, float("inf")
    if text.startswith(_BELOW):
        return 0.0, v + half
    if text.startswith(_NEAR_BELOW):
        return v * (1 - ABOUT), v + half
    if text.startswith(_ABOUT):
        return v * (1 - ABOUT), v * (1 + ABOUT)
    return v - half, v + half


def _compatible(p: Quantity, q: Quantity) -> bool:
    """Whether both numbers can be right: "about 250" / "more than 240", "$1.4 trillion" / "$1.37 trillion"."""
    (lo1, hi1), (lo2, hi2) = _range(p), _range(q)
    return lo1 < hi2 and lo2 < hi1


_OTHER_BEFORE = re.compile(
    r"\b(?:more|additional|another|extra|total|overall|prior|previous|from|than|per|each|"
    r"and|or|below|above|by)\s+$",
    re.I,
)
#: Words of an estimate: "expecting 870,000" (Refinitiv's poll) / "looking for 845,000" (Dow Jones's) are two
#: forecasts, both reported right.
_ESTIMATE = re.compile(
    r"\b(?:expect\w*|forecast\w*|project\w*|estimat\w*|survey\w*|poll\w*|predict\w*|"
    r"looking for)\b",
    re.I,
)
#: Two counts of one thing that far apart are almost always two things ("534,000" weekly average /
#: "3,655,000" continuing claims); a disputed toll or tally differs by less. Read off the real disputes in
#: bench/data/disagreement_real_labels.jsonl (the right ones differ by 2 % and 8 %).
RATIO_MAX = 3.0
_OTHER_AFTER = re.compile(
    r"^[\s-]*(?:more|additional|extra|times|fold|per|each|or (?:more|older|younger)|"
    r"and (?:older|younger|over|up))\b",
    re.I,
)
#: Counted words of a span of time: "three months" / "two months" are mostly two periods, not one disputed.
_DURATIONS = frozenset({"second", "minute", "minut", "hour", "day", "week", "month", "year", "decade"})


def _sense(sentence: str, q: Quantity) -> str:
    """ "age" for "47-year-old", "ago" for "21 years ago", "" for other counts: an age and a time since are
    different things even though both count years."""
    i = sentence.find(q.text)
    after = sentence[i + len(q.text) : i + len(q.text) + 14].lower() if i >= 0 else ""
    if re.match(r"[- ]years?[- ]old", after):
        return "age"
    return "ago" if re.match(r" years? ago", after) else ""


def _uncertain(sentence: str, q: Quantity, f: Facts) -> bool:
    """Whether a number may not be the count the other sentence gives: "100 million more doses" / "200 million
    doses" (more, total, prior, from, times), "9/11", or two counts of the same thing in one sentence ("to 1.11
    million from 971,000")."""
    i = sentence.find(q.text)
    if i < 0:
        return True
    number = q.text.split()[-1] if q.text[-1:].isdigit() else q.text
    before, after = sentence[max(0, i - 20) : i], sentence[i + len(q.text) : i + len(q.text) + 30]
    if re.match(r"\s*[,;:.)]", after) or _ESTIMATE.search(sentence):
        return True  # "... was 534,000, a decrease ...": nothing says what the number counts
    if re.search(rf"\d/{re.escape(number)}|{re.escape(number)}/\d", sentence) or _OTHER_BEFORE.search(before):
        return True  # "9/11"; "another 1,500", "by 2,000"
    # "100 million more", or after the counted word: "100 million doses more", "16 and older"
    if _OTHER_AFTER.match(after) or _OTHER_AFTER.match(re.sub(r"^\s*[a-z]+(?=\s)", "", after, count=1)):
        return True
    return sum(1 for o in f.quantities if o is not q and (o.unit == q.unit or _units_match(o, q))) > 0


def _same_subject(fa: Facts, fb: Facts) -> bool:
    """Whether two sentences name something in common (or neither names anything): "469 cases ... in Barnstable
    County" / "at least 900 cases ... in Provincetown" count in two places."""
    if not fa.names or not fb.names:
        return not fa.names and not fb.names
    return any(_same_name(x, y) for x in fa.names for y in fb.names)


def _number_conflicts(a: str, b: str, fa: Facts, fb: Facts) -> list[Conflict]:
    """The strongest pair of numbers that count the same thing and cannot both be right (one per sentence pair:
    "50 people" / "49 people"; "about 250" / "more than 240" agree)."""

    def family(q: Quantity) -> str:
        return q.unit if q.unit in {"$", "£", "€", "%"} else ""

    def unmatched(qs, others):
        return [
            p
            for p in qs
            if not any(
                round(p.value, 3) == round(o.value, 3)
                or (family(p) == family(o) and _compatible(p, o) and (_units_match(p, o) or p.unit == o.unit == ""))
                for o in others
            )
        ]

    only_a, only_b = unmatched(fa.quantities, fb.quantities), unmatched(fb.quantities, fa.quantities)
    best: tuple[int, Conflict] | None = None
    for p in only_a:
        for q in only_b:
            if family(p) != family(q):
                continue
            # "more than 400 shootings" / "180 people were killed in shootings": b names a's counted thing and
            # counts another one, so the two numbers count different things.
            counted_apart = bool(p.unit) and bool(q.unit) and not _units_match(p, q) and (p.unit in fb.content)
            if _units_match(p, q) and (family(p) == "" or set(p.nouns) & set(q.nouns) or not (p.nouns and q.nouns)):
                strength = 3
            elif counted_apart:
                continue
            elif _aligned(a, p.text.split()[-1], b, q.text.split()[-1]):
                strength = 2
            elif len(only_a) == 1 and len(only_b) == 1:
                strength = 1
            else:
                continue
            if best is None or strength > best[0]:
                ratio = max(p.value, q.value) / max(min(p.value, q.value), 1e-9)
                sure = (
                    strength == 3
                    and _sense(a, p) == _sense(b, q)
                    and p.unit not in _DURATIONS
                    and (ratio <= RATIO_MAX)
                    and (family(p) == "" or (p.nouns[:1] == q.nouns[:1] != ()))
                    and not (_uncertain(a, p, fa) or _uncertain(b, q, fb))
                    and _same_subject(fa, fb)
                )
                best = (strength, Conflict("number", p.text, q.text, sure))
    return [best[1]] if best else []


#: Words before a month that say when something happens ("in", "mid-", "this", "come"); "since", "from",
#: "through" or "until" say that the month bounds another fact.
_WHEN = frozenset("in on this mid early late come during starting beginning by".split())


def _same_when(x: str | None, y: str | None) -> bool:
    return x is not None and y is not None and (x == y or (x in _WHEN and y in _WHEN))


def _around(sentence: str, value: str) -> tuple[str, str] | None:
    """The words right before and after the first mention of `value` (a weekday, a year, or a month as written
    with a capital, also "Jan."), lower case, the after-word "" at the end; None when no word stands before it."""
    if value.lower() in MONTHS:
        month = value.capitalize()
        pattern = rf"(?:{month}|{month[:3]}\.?)"  # case-sensitive: "may" the verb is no month
    else:
        pattern = rf"(?i:{re.escape(value)})"
    m = re.search(rf"(\w+)[\s,-]+{pattern}\b[\s,.]*(\w*)", sentence)
    return (m.group(1).lower(), m.group(2).lower()) if m else None


#: Words before a date that make it the day something was said, not the day of the fact.
_SAID = frozenset("said says told announced reported statement added wrote tweeted".split())


def _same_slot(a: str, x: str, b: str, y: str) -> bool:
    """Whether two dates stand between the same two words ("on Tuesday night" / "on Thursday night"), not after
    a word of saying: only then are they one fact told two ways."""
    ca, cb = _around(a, x), _around(b, y)
    return ca is not None and ca == cb and bool(ca[1]) and ca[0] not in _SAID


def _date_conflicts(a: str, b: str, fa: Facts, fb: Facts) -> list[Conflict]:
    out = []
    ya, yb = fa.years - fb.years, fb.years - fa.years
    if ya and yb:
        sure = len(ya) == len(yb) == 1 and _same_slot(a, min(ya), b, min(yb))
        out.append(Conflict("date", ", ".join(sorted(ya)), ", ".join(sorted(yb)), sure))
    wa = {d for d in fa.days if " " not in d} - fb.days
    wb = {d for d in fb.days if " " not in d} - fa.days
    if wa and wb:
        # Sure only in the same words: "on Tuesday night" / "on Thursday night"; a day someone said something
        # ("said Friday") and the day of the event ("on Tuesday") are two facts.
        sure = len(wa) == len(wb) == 1 and _same_slot(a, min(wa), b, min(wb))
        out.append(Conflict("date", ", ".join(sorted(wa)).capitalize(), ", ".join(sorted(wb)).capitalize(), sure))
    # Months differ only in the same place: "closed in September" / "closed in August"; "rose in November" /
    # "the highest since January" are two facts.
    ma, mb = fa.months - fb.months, fb.months - fa.months
    sa, sb = (_around(a, min(ma)), _around(b, min(mb))) if len(ma) == len(mb) == 1 else (None, None)
    if sa and sb and _same_when(sa[0], sb[0]):
        out.append(
            Conflict(
                "date",
                ", ".join(sorted(ma)).capitalize(),
                ", ".join(sorted(mb)).capitalize(),
                _same_slot(a, min(ma), b, min(mb)),
            )
        )
    da = {d for d in fa.days if " " in d} - fb.days
    db = {d for d in fb.days if " " in d} - fa.days
    if da and db:
        out.append(Conflict("date", ", ".join(sorted(da)), ", ".join(sorted(db)), sure=False))
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


#: Words of a name that say what someone is, not who: they are skipped when two names are lined up. (Titles
#: such as "President" or "Sen." never reach here: `facts.names` already splits a name at them.)
_ROLE_WORDS = frozenset(
    """
president-elect vice representative leader majority minority chair chairman chairwoman conference vp ceo
commander mullah sheikh imam rabbi father brother sister justices jr sr ii iii iv md phd mba esq inc ltd corp co
llc plc republican republicans democrat democrats democratic gop
""".split()
)


#: Words that make a name an institution's: "Bureau of Labor Statistics" and "Labor Department" are not a
#: person's name with a word in front ("Forward Tyler Ingaldson").
_INSTITUTION = frozenset(
    """
department bureau ministry agency committee council university college institute company corporation party
court house senate congress parliament office service association union bank commission board administration
school hospital center centre church foundation fund group network station army navy police
""".split()
)


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
    "bill": "william",
    "billy": "william",
    "will": "william",
    "bob": "robert",
    "bobby": "robert",
    "dick": "richard",
    "rick": "richard",
    "ted": "edward",
    "ned": "edward",
    "teddy": "edward",
    "peggy": "margaret",
    "maggie": "margaret",
    "molly": "mary",
    "polly": "mary",
    "sally": "sarah",
    "liz": "elizabeth",
    "beth": "elizabeth",
    "betsy": "elizabeth",
    "betty": "elizabeth",
    "bess": "elizabeth",
    "tony": "anthony",
    "sandy": "alexander",
    "sasha": "alexander",
    "kate": "catherine",
    "kathy": "catherine",
    "katie": "catherine",
    "kit": "christopher",
    "hank": "henry",
    "harry": "henry",
    "jack": "john",
    "johnny": "john",
    "jim": "james",
    "jimmy": "james",
    "chuck": "charles",
    "lisa": "elizabeth",
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


def _changed_in_part(cx: list[str], cy: list[str]) -> bool:
    """Two names that are one name with a part changed: the same first word and a different last one
    ("Tyler Hansbrough" / "Forward Tyler Ingaldson", "Internet Explorer" / "Internet Lionsgate"), or the same
    last word and a different one before it ("Gulf of Aden" / "Throat of Aden", "Rob Jones" / "Nick Jones").
    Takes the names' `_core` words, so role words, suffixes, initials and affiliations are skipped: "Samuel
    Alito Jr" / "Justice Samuel Alito", "Apple's Phil Schiller" / "VP Phil Schiller" are one name."""
    if len(cx) < 2 or len(cy) < 2:
        return False
    lx, ly = [w.lower() for w in cx], [w.lower() for w in cy]
    if set(lx) <= set(ly) or set(ly) <= set(lx):
        return False
    # same word, then the last words differ; the shared word begins one of the names
    for i, w in enumerate(lx[:-1]):
        j = ly.index(w) if w in ly[:-1] else -1
        if (
            j >= 0
            and i + 2 == len(lx)
            and j + 2 == len(ly)
            and not cx[i].isupper()
            and (i == j == 0 or (min(i, j) == 0 and not (set(lx) | set(ly)) & _INSTITUTION))
        ):
            return _differ(cx[-1], cy[-1], first_names=False)
    # the same last word, the word before it differs and begins one of the names
    if lx[-1] == ly[-1] and (len(lx) == 2 or len(ly) == 2):
        return _differ(cx[-2], cy[-2], first_names=len(lx) == len(ly) == 2)
    # as long as each other, one word changed ("University of South Alabama College of Medicine" / "...
    # Schmitz of Medicine", "Wasilla Bible Church" / "Wasilla Bible Lampahan")
    if len(lx) == len(ly):
        diff = [k for k in range(len(lx)) if lx[k] != ly[k]]
        shared = [cx[k] for k in range(len(cx)) if k not in diff]
        return (
            len(diff) == 1
            and not all(w.isupper() for w in shared)
            and _differ(cx[diff[0]], cy[diff[0]], first_names=diff[0] == len(lx) - 2)
        )
    return False


#: Before a name, words that make it who told or reported something, not part of the fact: "told The Wall
#: Street Journal" / "told The Associated Press", "surveyed by Refinitiv" / "surveyed by Dow Jones".
_ATTRIBUTION_SLOT = re.compile(
    r"\b(?:told|according to|surveyed by|polled by|citing|cited by|reported by|"
    r"interview with|statement to|said to)\s+(?:the\s+)?$",
    re.I,
)
_PARTY_STATE = re.compile(r"^[RDI]-[A-Z][A-Za-z.]*$")  # "R-Ky", "D-Calif"


def _conflictable(name: str, sentence: str) -> bool:
    """Whether a name can stand for a disputed fact: not a group word, a party-and-state tag or the outlet that
    was told something."""
    words = [w.lower() for w in re.split(r"[\s-]+", name) if w]
    if _PARTY_STATE.match(name) or all(w in GROUP_WORDS or DEMONYM.search(w.capitalize()) for w in words):
        return False
    i = sentence.find(name)
    return not (i >= 0 and _ATTRIBUTION_SLOT.search(sentence[max(0, i - 40) : i]))


def _name_conflicts(a: str, b: str, fa: Facts, fb: Facts) -> list[Conflict]:
    # One name with a part changed, where neither sentence also gives the other's name as it is.
    core = {n: _core(n) for n in fa.names | fb.names}
    core_a, core_b = {tuple(core[n]) for n in fa.names}, {tuple(core[n]) for n in fb.names}
    for x in sorted(fa.names):
        for y in sorted(fb.names):
            cx, cy = core[x], core[y]
            if tuple(cx) not in core_b and tuple(cy) not in core_a and _changed_in_part(cx, cy):
                # Sure only for a long name with one word changed ("Wasilla Bible Church" / "Wasilla Bible
                # Lampahan"): "Chris Wray" / "Chris Coons" are often two people in one story.
                sure = len(cx) == len(cy) >= 3 and sum(u.lower() != v.lower() for u, v in zip(cx, cy)) == 1
                return [Conflict("name", x, y, sure)]
    only_a = [n for n in fa.names if not any(_same_name(n, m) for m in fb.names) and _conflictable(n, a)]
    only_b = [m for m in fb.names if not any(_same_name(n, m) for n in fa.names) and _conflictable(m, b)]
    for x in sorted(only_a):
        for y in sorted(only_b):
            if _variant(x, y):
                return [Conflict("name", x, y, sure=False)]
    for x in sorted(only_a):
        for y in sorted(only_b):
            if _aligned(a, x, b, y) or _same_gap(a, x, b, y):
                # two different names in the same place may still be two facts ("the Trump administration
                # instituted the pause" / "the Biden administration extends it"): not sure
                return [Conflict("name", x, y, sure=False)]
    return []


#: Words of a name that are a title, not the person ("President", "Minister"): sharing one names no one.
_TITLES = frozenset(
    "president prime minister secretary chancellor king queen prince princess senator governor mayor general "
    "director chairman chairwoman chair spokesman spokeswoman spokesperson ambassador judge justice pope "
    "premier deputy vice crown sheikh emir amir sultan first lady".split()
)


def names_swapped(a: str, b: str) -> bool:
    """Whether `b` names someone (a name of two words or more, not a group) in place of someone `a` names: each
    names one the other neither names nor mentions by a word of the name. Formulaic texts say different things in
    the same words ("President Biden spoke today with President Vladimir Putin of Russia" / "... with President
    Volodymyr Zelenskyy of Ukraine"): close embeddings, two facts."""
    fa, fb = facts(a), facts(b)
    la, lb = a.lower(), b.lower()

    def only(names, others, text: str) -> list[str]:
        out = []
        for n in names:
            head = re.split(r"\s+of\s+", n, maxsplit=1)[0]  # "Vladimir Putin of Russia": the person, not Russia
            n = head if len(head.split()) >= 2 else n
            words = [w for w in re.split(r"[\s-]+", n) if w]
            if len(_key(n)) < 2 or all(w.lower() in GROUP_WORDS or DEMONYM.search(w.capitalize()) for w in words):
                continue
            if any(_same_name(n, m) for m in others):
                continue
            if any(
                len(w) > 3 and w[:1].isupper() and w.lower() in text
                for w in words
                if w.lower() not in STOPWORDS and w.lower() not in _TITLES
            ):
                continue  # the other names them by a part ("Putin")
            out.append(n)
        return out

    return bool(only(fa.names, fb.names, lb)) and bool(only(fb.names, fa.names, la))


def conflicts(a: str, b: str) -> list[Conflict]:
    """The facts on which two same-fact sentences disagree (empty when they agree)."""
    fa, fb = facts(a), facts(b)
    return _number_conflicts(a, b, fa, fb) + _date_conflicts(a, b, fa, fb) + _name_conflicts(a, b, fa, fb)


__all__ = ["Conflict", "conflicts", "names_swapped"]
