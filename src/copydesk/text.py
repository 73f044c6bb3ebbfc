"""Plain-text helpers shared by the stages: sentence splitting, slugs, outlet-suffix removal."""

from __future__ import annotations

import re
import unicodedata

# Abbreviations after which a full stop does not end a sentence (lower case, without the stop).
_ABBREV = {
    "mr",
    "mrs",
    "ms",
    "dr",
    "prof",
    "sen",
    "rep",
    "gov",
    "gen",
    "col",
    "lt",
    "sgt",
    "capt",
    "st",
    "jr",
    "sr",
    "inc",
    "ltd",
    "co",
    "corp",
    "vs",
    "etc",
    "no",
    "fig",
    "jan",
    "feb",
    "mar",
    "apr",
    "jun",
    "jul",
    "aug",
    "sep",
    "sept",
    "oct",
    "nov",
    "dec",
    "u.s",
    "u.k",
    "u.n",
    "e.g",
    "i.e",
    "a.m",
    "p.m",
    "ft",
    "mt",
    "rev",
    "hon",
    "pres",
    "dept",
    "univ",
    "approx",
    "est",
    # ranks and titles
    "adm",
    "maj",
    "cmdr",
    "cpl",
    "pvt",
    "supt",
    "insp",
    "det",
    "atty",
    "gens",
    "sens",
    "reps",
    "messrs",
    "msgr",
    "d.c",
}
# A party-and-state tag: "Jamie Raskin (D-Md. ) said", "Sen. Rand Paul, R-Ky. Paul said" ends no sentence
_PARTY_TAG = re.compile(r"^\(?[rdi]-[a-z.]{2,6}$")
_BOUNDARY = re.compile(r"""(?<=[.!?])["'”’)\]]*\s+(?=["'“‘(\[]?[A-Z0-9ÁÉÍÓÖŐÚÜŰ])""")
_WS = re.compile(r"\s+")


def split_sentences(text: str) -> list[str]:
    """Split running text into sentences. Paragraph breaks always end a sentence."""
    out: list[str] = []
    # a bullet ("■", "•", "▪") starts a new item even when the text runs the list into one line
    for para in re.split(r"\n\s*\n|\n(?=[A-Z\"“])|\s+[■•▪]\s+", text or ""):
        para = _WS.sub(" ", para).strip()
        if not para:
            continue
        start = 0
        for m in _BOUNDARY.finditer(para):
            candidate = para[start : m.start()].strip()
            last = candidate.rsplit(" ", 1)[-1].rstrip(".!?\"'”’)").lower()
            if candidate.endswith("..") and not candidate.endswith("..."):
                pass  # "Sears, Roebuck & Co.. The deal": the source ended the sentence after an abbreviation
            elif last in _ABBREV or (len(last) == 1 and last.isalpha()) or _PARTY_TAG.match(last):
                continue  # "Mr. Smith", "J. Smith"
            out.append(para[start : m.end()].strip())
            start = m.end()
        tail = para[start:].strip()
        if tail:
            out.append(tail)
    return out


def words(text: str) -> list[str]:
    return re.findall(r"\w+", text.lower())


def slugify(text: str, max_len: int = 60) -> str:
    """ASCII-folded, lowercase, runs of other characters turned into "-"; "" when nothing is left."""
    s = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    s = re.sub(r"[^a-zA-Z0-9]+", "-", s).strip("-").lower()
    return s[:max_len].strip("-")


_OUTLET_SUFFIX = re.compile(r"\s+[|\-–—:]\s+[^|\-–—:]{2,40}$")


def strip_outlet_suffix(title: str, outlet_name: str | None = None) -> str:
    """'Quake hits Japan - BBC News' -> 'Quake hits Japan' (only when the tail names the outlet or is short)."""
    t = _WS.sub(" ", title).strip()
    m = _OUTLET_SUFFIX.search(t)
    if m and (outlet_name is None or outlet_name.split()[0].lower() in m.group(0).lower()):
        return t[: m.start()].strip()
    return t
