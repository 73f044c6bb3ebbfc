"""Where two sources that state the same fact disagree on a number, a date or a name.

`conflicts(a, b)` is called on sentence pairs already judged to state the same fact (their embeddings are
close); it returns the slots on which they differ:

* number: a count of the same thing (the word after the number: "12 dead" / "9 dead", "$3 million" /
  "$4 million", "40%" / "45%") that each side gives differently and neither side also gives the other's value;
* date: years, weekdays, or day-and-month that each side gives and the other does not;
* name: a name on each side that the other does not contain, when the two sentences share at least one
  other name (so they are about the same people or places) -- paraphrases that name someone on one side
  only ("Biden said" / "the president said") are not disagreements.

Measured by ``python bench/disagreement.py ../shared/data`` on real sentence pairs (see that file).
"""

from __future__ import annotations

from dataclasses import dataclass

from copydesk.verify.facts import Facts, Quantity, facts


@dataclass(frozen=True, slots=True)
class Conflict:
    kind: str  # "number", "date" or "name"
    a: str  # the value as the first sentence gives it
    b: str  # ... and as the second gives it


def _same_name(x: str, y: str) -> bool:
    """"Obama" and "Barack Obama", "U.S." and "US" name the same thing."""
    xs, ys = set(x.lower().replace(".", "").split()), set(y.lower().replace(".", "").split())
    return bool(xs & ys) or x.lower().replace(".", "") == y.lower().replace(".", "")


def _units_match(p: Quantity, q: Quantity) -> bool:
    """Counts of the same thing: the same word after the number, or a shared word among the next two
    ("1,000 flights" / "1,800 domestic flights"); money and percentages by their sign."""
    if p.unit in {"$", "£", "€", "%"} or q.unit in {"$", "£", "€", "%"}:
        return p.unit == q.unit
    return (p.unit == q.unit and p.unit != "") or bool(set(p.nouns) & set(q.nouns))


def _number_conflicts(fa: Facts, fb: Facts) -> list[Conflict]:
    va = {round(q.value, 3) for q in fa.quantities}
    vb = {round(q.value, 3) for q in fb.quantities}
    out = []
    for p in fa.quantities:
        if round(p.value, 3) in vb:
            continue
        for q in fb.quantities:
            if round(q.value, 3) in va:
                continue
            if _units_match(p, q) or (len(fa.quantities) == 1 and len(fb.quantities) == 1 and not (p.unit and q.unit)):
                out.append(Conflict("number", p.text, q.text))
                break
    return out


def _date_conflicts(fa: Facts, fb: Facts) -> list[Conflict]:
    out = []
    ya, yb = fa.years - fb.years, fb.years - fa.years
    if ya and yb:
        out.append(Conflict("date", ", ".join(sorted(ya)), ", ".join(sorted(yb))))
    wa = {d for d in fa.days if " " not in d} - fb.days
    wb = {d for d in fb.days if " " not in d} - fa.days
    if wa and wb:
        out.append(Conflict("date", ", ".join(sorted(wa)).capitalize(), ", ".join(sorted(wb)).capitalize()))
    da = {d for d in fa.days if " " in d} - fb.days
    db = {d for d in fb.days if " " in d} - fa.days
    if da and db:
        out.append(Conflict("date", ", ".join(sorted(da)), ", ".join(sorted(db))))
    return out


def _name_conflicts(fa: Facts, fb: Facts) -> list[Conflict]:
    only_a = [n for n in fa.names if not any(_same_name(n, m) for m in fb.names)]
    only_b = [m for m in fb.names if not any(_same_name(n, m) for n in fa.names)]
    shared = [n for n in fa.names if any(_same_name(n, m) for m in fb.names)]
    if only_a and only_b and shared and len(only_a) == 1 and len(only_b) == 1:
        return [Conflict("name", only_a[0], only_b[0])]
    return []


def conflicts(a: str, b: str) -> list[Conflict]:
    """The facts on which two same-fact sentences disagree (empty when they agree)."""
    fa, fb = facts(a), facts(b)
    return _number_conflicts(fa, fb) + _date_conflicts(fa, fb) + _name_conflicts(fa, fb)


__all__ = ["Conflict", "conflicts"]
