"""Duplicate and reprint detection over article texts: exact copies, same-outlet updates, wire reprints.

Pipeline for one text, in this order:

1. ``normalise_text``: Unicode NFKC; per line, credit lines are dropped (``CREDIT_LINE_RES``: "Reporting
   by ...; Editing by ...", "Additional reporting by ...", bylines, "... contributed to this report",
   copyright and agency-standards lines) and a dateline at the start of a line is cut
   (``DATELINE_RES``: "BUDAPEST (Reuters) -", "LONDON, May 3 (AFP) -", "(AP) —", "(CNN)",
   "WASHINGTON —"); a credit run at the end of a line is cut (``TRAILING_CREDIT_RE``); then case-folded,
   every run of non-alphanumerics becomes one space. Two texts that differ only in those are "exact".
2. ``text_hash``: BLAKE2b of the normalised text (hex, 32 characters). Empty text has no hash.
3. Shingles: every ``SHINGLE_WORDS`` consecutive normalised words (quotations masked, below), hashed to 32 bits (BLAKE2b), as a
   sorted array of distinct ``uint32``.
4. A datasketch ``MinHash`` (``NUM_PERM`` permutations, scheme ``affine32``, seed ``MINHASH_SEED``) of
   those shingle hashes, used only to find candidates in a ``MinHashLSH`` (``LSH_THRESHOLD``).
5. Each candidate is confirmed with the *exact* overlap of the two shingle sets: containment
   ``|A∩B| / min(|A|,|B|)`` and Jaccard ``|A∩B| / |A∪B|`` against named thresholds (below).

Containment rather than Jaccard alone, because a reprint that keeps only the first half of the wire
report, or adds its own intro and closing paragraph, still contains most of it. A separate report of
the same event shares names, numbers and quotes, but rarely five words in a row outside quotes, so its
containment stays low (calibration in ``tests/dedup/test_reprints.py``).

Quotations (within one paragraph) are replaced by a placeholder word before shingling, so two separate
reports carrying the same long quote do not look alike; a text that is mostly quotation
(``MAX_QUOTED_SHARE``) is shingled whole.

Short texts (fewer than ``SHORT_TEXT_WORDS`` normalised words on either side, e.g. a feed summary)
are not judged on the usual thresholds, which a single shared sentence could reach. They match only
with containment at least ``SHORT_TEXT_CONTAINMENT`` *and* at least ``MIN_SHARED_SHINGLES`` shared
shingles (about 24 identical words outside quotations), or by exact hash when they have at least
``MIN_EXACT_WORDS`` words.

Persistence. ``signature(text)`` returns one compact ``bytes`` value (format ``SIGNATURE_VERSION``:
header, the ``NUM_PERM`` MinHash values as ``uint32``, then the sorted shingle hashes as ``uint32``,
so about 0.5 KB + 4 bytes per word). The lead stores it with ``text_hash(text)`` and, at start-up,
rebuilds the index with ``DuplicateIndex.add_signature`` in the original arrival order, without
re-reading or re-hashing any text. Confirmation works on the stored shingle hashes, so a rebuilt
index gives exactly the answers the live one gave. A signature of another format version, or made with
other ``NUM_PERM`` or ``SHINGLE_WORDS``, is rejected with ``ValueError``: recompute it from the text.
Bump ``SIGNATURE_VERSION`` whenever normalisation, quotation masking or shingle hashing changes, so
stored signatures are recomputed rather than silently compared with new ones.
"""

from __future__ import annotations

import functools
import hashlib
import heapq
import re
import struct
import unicodedata
from dataclasses import dataclass
from datetime import datetime
from typing import Literal

import numpy as np
from datasketch import LeanMinHash, MinHash, MinHashLSH

__all__ = [
    "DedupOptions",
    "DupMatch",
    "DuplicateIndex",
    "normalise_text",
    "signature",
    "text_hash",
]

# --------------------------------------------------------------------------------------------------------
# Tuned numbers. Calibrated with tests/dedup/test_reprints.py (run it as a script to print the sweep) on
# (a) 200 synthetic reprints built from real ECB+ / AllSides articles vs. 200 pairs of separate reports
# of one gold event, and (b) all 7,011 same-event article pairs of both corpora fed through one index per
# event, where every flagged pair is checked against a sentence-level gold "copy" label (the corpora
# hold real copies: write-thrus of one AP story carried by several outlets, pasted press releases).
# --------------------------------------------------------------------------------------------------------

#: Words per shingle: the usual choice for near-duplicate news (NOTES.md: 30/30 wire copies found).
SHINGLE_WORDS = 5
#: MinHash permutations. 128 gives a Jaccard estimate with standard error <= 0.045; only candidate
#: generation depends on it (confirmation is exact), so more buys nothing but memory.
NUM_PERM = 128
#: Seed of the MinHash permutations; part of the signature format.
MINHASH_SEED = 1
#: Estimated Jaccard at which LSH reports a candidate. Low on purpose: the weakest synthetic reprint has
#: Jaccard 0.32 and a reprint truncated to half the wire about 0.4; candidates are confirmed exactly, so
#: false candidates cost only a set intersection. No confirmed pair of the calibration was lost to LSH.
LSH_THRESHOLD = 0.2
#: Containment at which two texts from different outlets are a reprint. Swept 0.3-0.7 with
#: REPRINT_JACCARD 0.1-0.3: 0.5/0.2 flags the most real corpus copies (69) with no separate report
#: flagged; synthetic reprints' containment >= 0.55, separate reports' <= 0.51 (and then Jaccard 0.10).
#: At 0.6 recall on synthetic reprints drops to 0.995, at 0.4 two separate reports are flagged.
REPRINT_CONTAINMENT = 0.5
#: ... and the Jaccard they must also reach, so a short early brief is not a "reprint" of a long piece
#: that quotes or re-uses parts of it. 0.1 let 2 separate reports through; 0.3 lost 13 real copies.
REPRINT_JACCARD = 0.2
#: Containment at which two texts from the same outlet are one article republished or updated. Same
#: value as for reprints (not separately calibrated: the corpora have no same-outlet versions).
NEAR_CONTAINMENT = 0.5
#: Jaccard floor for same-outlet updates. Lower than for reprints: an updated live story can double in
#: length. Not calibrated on a corpus; guarded by tests/dedup/test_near.py.
NEAR_JACCARD = 0.15
#: Texts with fewer normalised words than this (on either side) are "short": feed summaries, briefs.
#: 40 words is about two sentences; below it one shared sentence can be half the text.
SHORT_TEXT_WORDS = 40
#: A short text matches another only if this share of its shingles (containment) is in the other ...
SHORT_TEXT_CONTAINMENT = 0.8
#: ... and they share at least this many shingles: a run of about 24 identical words outside quotations.
#: So a 12-word brief can only be an "exact" duplicate, never a near one or a reprint.
MIN_SHARED_SHINGLES = 20
#: Quotations are left out of shingles (see _shingle_tokens) unless they are more than this share of the
#: words. Calibration (all same-event pairs): without masking, 72 real copies and 1 separate report are
#: flagged (an 83-word AllSides piece quoting another outlet's 50-word lede, story 5807); masking with
#: 0.5 still flags it (the piece is over half quotation), 0.7 and 1.0 flag 69 copies and no separate
#: report. Synthetic recall is 1.0 at every value.
MAX_QUOTED_SHARE = 0.7
#: Two texts from different outlets with the same normalised hash are "exact" duplicates only if they
#: have at least this many words; "Breaking news." is not a wire copy.
MIN_EXACT_WORDS = 8

SIGNATURE_VERSION = 1
_MAGIC = b"CDS"
# magic, version, shingle words, num_perm, n_words, n_shingles
_HEADER = struct.Struct("<3sBBHII")

# --------------------------------------------------------------------------------------------------------
# Normalisation
# --------------------------------------------------------------------------------------------------------

_MONTH = r"(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec)[a-z]*\.?"
# BUDAPEST, NEW YORK, ST. LOUIS; the first word has 3+ characters so "US - China talks" is not one
_PLACE = r"[A-Z][A-Z.'’-]{2,}(?:[ ][A-Z][A-Z.'’-]+){0,3}"
_AGENCY = r"\((?P<agency>[A-Z][A-Za-z.&'’ -]{0,30}|[A-Z][A-Za-z.&'’ -]{0,30}/[A-Z][A-Za-z.&'’ -]{0,30})\)"
_DASH = r"(?:-{1,2}[ ]+|[—–][ ]*)"

#: Datelines cut from the start of any line, tried in order.
DATELINE_RES: tuple[re.Pattern[str], ...] = (
    # BUDAPEST (Reuters) - / SAN JUAN, Puerto Rico (AP) — / LONDON, May 3 (AFP) - / KYIV, Ukraine, Jan. 5 -
    re.compile(
        rf"^[ \t]*{_PLACE}(?:,[ ]?[A-Z][A-Za-z.'’ -]{{1,30}}?)?(?:,[ ]?{_MONTH}[ ]\d{{1,2}})?"
        rf"(?:[ ]?{_AGENCY})?[ ]?{_DASH}"
    ),
    # (AP) — / (Reuters) - / (CNN)The ... / (AFP/Getty) -
    re.compile(rf"^[ \t]*{_AGENCY}[ ]?(?:{_DASH})?"),
)

_CREDIT_WORDS = (
    r"(?:additional[ ]+)?(?:reporting|writing|editing|compiled|research|graphics|translation|translated|"
    r"produced|fact-checking|contributing)"
)
#: Whole lines dropped: credits, bylines, contributor notes, copyright and standards boilerplate.
CREDIT_LINE_RES: tuple[re.Pattern[str], ...] = (
    re.compile(rf"^\W*{_CREDIT_WORDS}[ ]+by\b", re.IGNORECASE),  # Reporting by ...; Editing by ...
    # By Jane Doe and John Roe, Associated Press (every word capitalised or a connector; "By Tuesday,
    # the storm ..." is a sentence, not a byline)
    re.compile(
        r"^(?=.{0,120}$)\W*[Bb][Yy][ ]+[A-Z][\w.'’-]*(?:(?:[ ]+|,[ ]*)(?:[A-Z][\w.'’-]*|and|&|of|in|for|the))*"
        r"\W*$"
    ),
    re.compile(
        r"^.{0,200}\bcontributed[ ]+(?:to[ ]+)?(?:this[ ]+)?(?:report|reporting|story|article)\b.{0,40}$", re.IGNORECASE
    ),
    re.compile(r"^\W*(?:©|\(c\)|copyright\b)", re.IGNORECASE),
    re.compile(r"^\W*(?:our[ ]+standards|all[ ]+rights[ ]+reserved)\b", re.IGNORECASE),
    re.compile(r"^\W*(?:the[ ]+)?(?:associated[ ]+press|reuters|afp|agence[ ]+france-presse|dpa)\W*$", re.IGNORECASE),
)
#: A credit run at the end of a paragraph ("... he said. Reporting by X; Editing by Y").
TRAILING_CREDIT_RE = re.compile(
    r"(?<=[.!?\"”’)])[ \t]+\(?(?:Additional[ ]+r|R)eporting[ ]+by\b.*$|"
    r"(?<=[.!?\"”’)])[ \t]+\((?:Writing|Editing|Reporting)[ ]+by\b.*$"
)
_NON_WORD_RE = re.compile(r"[\W_]+")
#: A quotation within one paragraph: curly or straight double quotes (opening and closing on one line).
QUOTE_RE = re.compile(r"“[^“”\n]{1,1000}”|\"[^\"\n]{1,1000}\"|«[^«»\n]{1,1000}»|„[^„“”\n]{1,1000}[“”]")
_QUOTE_WORD = "0quote0"  # stands for a removed quotation; survives _NON_WORD_RE, never a real word


def _strip_line(line: str) -> str:
    for rx in CREDIT_LINE_RES:
        if rx.search(line):
            return ""
    for rx in DATELINE_RES:
        m = rx.match(line)
        if m:
            line = line[m.end() :]
            break
    return TRAILING_CREDIT_RE.sub("", line)


def _clean_lines(text: str) -> list[str]:
    text = unicodedata.normalize("NFKC", text or "")
    return [_strip_line(line) for line in text.splitlines()]


def _tokens(text: str) -> list[str]:
    return _NON_WORD_RE.sub(" ", " ".join(_clean_lines(text)).casefold()).split()


def _shingle_tokens(text: str) -> tuple[list[str], int]:
    """(words used for shingles, number of normalised words).

    Quotations are replaced by one placeholder word, so two separate reports that carry the same long
    quote do not share the quote's shingles; a reprint keeps the reporter's own sentences, which still
    match. When quotations make up more than ``MAX_QUOTED_SHARE`` of the words (a statement reproduced
    in full), the whole text is used, since there is little else to compare.
    """
    lines = _clean_lines(text)
    full = _NON_WORD_RE.sub(" ", " ".join(lines).casefold()).split()
    masked = _NON_WORD_RE.sub(" ", " ".join(QUOTE_RE.sub(f" {_QUOTE_WORD} ", ln) for ln in lines).casefold()).split()
    unquoted = sum(1 for w in masked if w != _QUOTE_WORD)
    if unquoted < (1 - MAX_QUOTED_SHARE) * len(full):
        return full, len(full)
    return masked, len(full)


def normalise_text(text: str) -> str:
    """The text as dedup compares it: datelines and credit lines removed, case-folded, words only."""
    return " ".join(_tokens(text))


def _hash_normalised(norm: str) -> str | None:
    return hashlib.blake2b(norm.encode("utf-8"), digest_size=16).hexdigest() if norm else None


def text_hash(text: str) -> str | None:
    """Hash of the normalised text (32 hex characters); None when nothing is left after normalising."""
    return _hash_normalised(normalise_text(text))


def _shingle_hashes(tokens: list[str]) -> np.ndarray:
    n = len(tokens)
    if n == 0:
        return np.zeros(0, dtype=np.uint32)
    k = min(SHINGLE_WORDS, n)
    values = {
        int.from_bytes(hashlib.blake2b(" ".join(tokens[i : i + k]).encode("utf-8"), digest_size=4).digest(), "little")
        for i in range(n - k + 1)
    }
    return np.array(sorted(values), dtype=np.uint32)


def _identity(value: int) -> int:
    return value


def _minhash(shingles: np.ndarray) -> LeanMinHash:
    mh = MinHash(num_perm=NUM_PERM, seed=MINHASH_SEED, hashfunc=_identity, scheme="affine32")
    if len(shingles):
        mh.update_batch(shingles.tolist())
    return LeanMinHash(mh)


# --------------------------------------------------------------------------------------------------------
# Signatures
# --------------------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Fingerprint:
    n_words: int
    shingles: np.ndarray  # sorted distinct uint32
    minhash: LeanMinHash

    def to_bytes(self) -> bytes:
        header = _HEADER.pack(_MAGIC, SIGNATURE_VERSION, SHINGLE_WORDS, NUM_PERM, self.n_words, len(self.shingles))
        hv = np.asarray(self.minhash.hashvalues, dtype="<u4").tobytes()
        return header + hv + self.shingles.astype("<u4").tobytes()

    @classmethod
    def from_bytes(cls, data: bytes) -> _Fingerprint:
        if not isinstance(data, (bytes, bytearray, memoryview)) or len(data) < _HEADER.size:
            raise ValueError("dedup: signature too short or not bytes")
        magic, version, words, num_perm, n_words, n_shingles = _HEADER.unpack_from(data)
        if magic != _MAGIC or version != SIGNATURE_VERSION:
            raise ValueError(f"dedup: signature format {magic!r} v{version} is not v{SIGNATURE_VERSION}: recompute it")
        if words != SHINGLE_WORDS or num_perm != NUM_PERM:
            raise ValueError(
                f"dedup: signature made with {words}-word shingles and {num_perm} permutations, "
                f"expected {SHINGLE_WORDS} and {NUM_PERM}: recompute it"
            )
        expected = _HEADER.size + 4 * (num_perm + n_shingles)
        if len(data) != expected:
            raise ValueError(f"dedup: signature is {len(data)} bytes, expected {expected}")
        hv = np.frombuffer(data, dtype="<u4", count=num_perm, offset=_HEADER.size).astype(np.uint32)
        sh = np.frombuffer(data, dtype="<u4", count=n_shingles, offset=_HEADER.size + 4 * num_perm)
        mh = LeanMinHash(seed=MINHASH_SEED, hashvalues=hv, scheme="affine32")
        return cls(n_words=n_words, shingles=sh.astype(np.uint32), minhash=mh)


def _fingerprint(text: str) -> _Fingerprint:
    words, n_words = _shingle_tokens(text)
    shingles = _shingle_hashes(words)
    return _Fingerprint(n_words=n_words, shingles=shingles, minhash=_minhash(shingles))


def signature(text: str) -> bytes:
    """A compact, storable fingerprint of ``text`` for ``DuplicateIndex.add_signature`` (format above)."""
    return _fingerprint(text).to_bytes()


# --------------------------------------------------------------------------------------------------------
# The index
# --------------------------------------------------------------------------------------------------------

DupKind = Literal["exact", "near", "reprint"]


@dataclass(frozen=True, slots=True)
class DupMatch:
    """What an added article duplicates.

    ``kind``: "exact" (same normalised text, any outlet), "near" (same outlet, near-identical: a
    re-publish or an update), "reprint" (another outlet carrying the same report: a wire copy).
    ``of``: key of the earlier article it duplicates (the most similar one). ``similarity``: 1.0 for
    exact, else the shingle containment (Jaccard for short texts). ``group``: key of the earliest
    article of the chain (transitive: if C reprints B which reprints A, it is A): ``Article.wire_group``.
    """

    kind: DupKind
    of: int
    similarity: float
    group: int


@dataclass(frozen=True, slots=True)
class DedupOptions:
    """Thresholds of the dedup stage; the defaults are the calibrated constants above."""

    reprint_containment: float = REPRINT_CONTAINMENT
    reprint_jaccard: float = REPRINT_JACCARD
    near_containment: float = NEAR_CONTAINMENT
    near_jaccard: float = NEAR_JACCARD
    short_text_words: int = SHORT_TEXT_WORDS
    short_text_containment: float = SHORT_TEXT_CONTAINMENT
    min_shared_shingles: int = MIN_SHARED_SHINGLES
    min_exact_words: int = MIN_EXACT_WORDS
    lsh_threshold: float = LSH_THRESHOLD


@dataclass(slots=True)
class _Entry:
    key: int
    outlet_id: str
    text_hash: str | None
    fp: _Fingerprint
    published: datetime | None
    order: int


_KIND_RANK = {"exact": 0, "near": 1, "reprint": 2}


@functools.lru_cache(maxsize=8)
def _lsh_params(threshold: float) -> tuple[int, int]:
    """(bands, rows) that datasketch picks for ``threshold``; its search takes ~80 ms, so do it once."""
    probe = MinHashLSH(threshold=threshold, num_perm=NUM_PERM)
    return probe.b, probe.r


class DuplicateIndex:
    """Online duplicate index: ``add`` articles in arrival order; each is compared with those before it.

    Keys are the caller's article ids (ints, unique). Memory is about 1 KB + 8 bytes per word per
    article; call ``prune`` to forget articles older than the dedup window (it costs only the articles it
    forgets, so it can be called before every ``add``). Everything kept for an article, its chain's group
    included, goes with it: the index holds the articles of the window and nothing else.

    When several earlier articles match, the result prefers "exact" over "near" over "reprint"
    (an outlet's update of its own copy of a wire report is "near" its earlier copy; the group still
    leads back to the wire original), then the highest similarity, then the earliest arrival.
    """

    def __init__(self, options: DedupOptions | None = None) -> None:
        self.options = options or DedupOptions()
        self._lsh = MinHashLSH(num_perm=NUM_PERM, params=_lsh_params(self.options.lsh_threshold))
        self._entries: dict[int, _Entry] = {}
        self._by_hash: dict[str, list[int]] = {}
        self._group: dict[int, int] = {}
        self._order = 0
        self._by_time: list[tuple[datetime, int, int]] = []  # heap of (published, order, key) of dated entries

    def __len__(self) -> int:
        return len(self._entries)

    def __contains__(self, key: object) -> bool:
        return key in self._entries

    def outlet_of(self, key: int) -> str | None:
        """Outlet id of an indexed article (None once pruned or never added)."""
        e = self._entries.get(key)
        return e.outlet_id if e else None

    def group_of(self, key: int) -> int:
        """Key of the earliest article of ``key``'s duplicate chain (``key`` itself for an original)."""
        return self._group.get(key, key)

    def add(self, key: int, outlet_id: str, text: str, published: datetime | None = None) -> DupMatch | None:
        """Index one article and return what earlier article it duplicates, or None."""
        return self._add(key, outlet_id, _fingerprint(text), text_hash(text), published)

    def add_signature(
        self,
        key: int,
        outlet_id: str,
        sig: bytes,
        text_hash: str | None,
        published: datetime | None = None,
    ) -> DupMatch | None:
        """Like ``add``, from a stored ``signature(text)`` and ``text_hash(text)``; ValueError if stale."""
        return self._add(key, outlet_id, _Fingerprint.from_bytes(sig), text_hash, published)

    def sizes(self) -> dict[str, int]:
        """How much the index holds: articles, their duplicate chains (groups) and distinct text hashes."""
        return {"articles": len(self._entries), "groups": len(self._group), "hashes": len(self._by_hash)}

    def remove(self, key: int) -> None:
        """Forget one article (the group of a later article that duplicates it is kept with that article)."""
        entry = self._entries.pop(key, None)
        if entry is None:
            return
        self._group.pop(key, None)
        if key in self._lsh:
            self._lsh.remove(key)
        if entry.text_hash is not None:
            keys = self._by_hash.get(entry.text_hash, [])
            if key in keys:
                keys.remove(key)
            if not keys:
                self._by_hash.pop(entry.text_hash, None)

    def prune(self, before: datetime) -> int:
        """Forget articles published before ``before`` (those without a date are kept); returns how many."""
        n = 0
        heap = self._by_time
        while heap and heap[0][0] < before:
            _, order, key = heapq.heappop(heap)
            e = self._entries.get(key)
            if e is not None and e.order == order:  # else removed already (its heap item is stale)
                self.remove(key)
                n += 1
        return n

    # ----------------------------------------------------------------------------------------------------

    def _add(
        self, key: int, outlet_id: str, fp: _Fingerprint, thash: str | None, published: datetime | None
    ) -> DupMatch | None:
        if key in self._entries:
            raise ValueError(f"dedup: article {key} is already in the index")
        entry = _Entry(key, outlet_id, thash, fp, published, self._order)
        self._order += 1
        match = self._best_match(entry)
        self._entries[key] = entry
        if published is not None:
            heapq.heappush(self._by_time, (published, entry.order, key))
        if thash is not None:
            self._by_hash.setdefault(thash, []).append(key)
        if len(fp.shingles):
            self._lsh.insert(key, fp.minhash, check_duplication=False)
        if match is not None:
            self._group[key] = self._group.get(match.of, match.of)
            return DupMatch(match.kind, match.of, match.similarity, self._group[key])
        return None

    def _best_match(self, new: _Entry) -> DupMatch | None:
        opts = self.options
        found: list[tuple[int, float, int, DupMatch]] = []
        seen: set[int] = set()
        if new.text_hash is not None:
            for k in self._by_hash.get(new.text_hash, ()):
                old = self._entries[k]
                seen.add(k)
                same = old.outlet_id == new.outlet_id
                if same or min(old.fp.n_words, new.fp.n_words) >= opts.min_exact_words:
                    found.append((0, -1.0, old.order, DupMatch("exact", k, 1.0, k)))
        if len(new.fp.shingles):
            for k in self._lsh.query(new.fp.minhash):
                if k in seen or k not in self._entries:
                    continue
                old = self._entries[k]
                m = self._confirm(old, new)
                if m is not None:
                    found.append((_KIND_RANK[m.kind], -m.similarity, old.order, m))
        if not found:
            return None
        return min(found, key=lambda t: t[:3])[3]

    def _confirm(self, old: _Entry, new: _Entry) -> DupMatch | None:
        opts = self.options
        a, b = old.fp.shingles, new.fp.shingles
        shared = len(np.intersect1d(a, b, assume_unique=True))
        if shared == 0:
            return None
        jaccard = shared / (len(a) + len(b) - shared)
        containment = shared / min(len(a), len(b))
        same = old.outlet_id == new.outlet_id
        kind: DupKind = "near" if same else "reprint"
        if min(old.fp.n_words, new.fp.n_words) < opts.short_text_words:
            if containment >= opts.short_text_containment and shared >= opts.min_shared_shingles:
                return DupMatch(kind, old.key, round(containment, 4), old.key)
            return None
        if same:
            ok = containment >= opts.near_containment and jaccard >= opts.near_jaccard
        else:
            ok = containment >= opts.reprint_containment and jaccard >= opts.reprint_jaccard
        return DupMatch(kind, old.key, round(containment, 4), old.key) if ok else None


# --------------------------------------------------------------------------------------------------------
# Reprint or joint statement: what a copy from another outlet is
# --------------------------------------------------------------------------------------------------------

#: A syndication mark in a copy: the text says it comes from someone else.
SYNDICATION_RE = re.compile(
    r"\b(?:originally[ ]+(?:published|appeared)|republished[ ]+(?:with|by|from|under)|reprinted[ ]+(?:with|by|from)|"
    r"syndicated[ ]+(?:by|from)|distributed[ ]+by|(?:used|reproduced)[ ]+with[ ]+permission|"
    r"this[ ]+(?:story|article|report)[ ]+(?:was|first)[ ]+(?:published|appeared)|"
    r"(?:the[ ]+)?(?:associated[ ]+press|reuters|agence[ ]+france-presse|afp|dpa)[ ]+contributed)\b",
    re.IGNORECASE,
)


def credited(text: str) -> bool:
    """Whether a text credits another outlet for itself: an agency dateline ("BUDAPEST (Reuters) -", "(AP) -"),
    a wire credit line ("Associated Press", "Reporting by ...", "... contributed to this report", a copyright
    line) or a syndication mark ("Originally published by ...", "Republished with permission")."""
    text = unicodedata.normalize("NFKC", text or "")
    if SYNDICATION_RE.search(text):
        return True
    for line in text.splitlines():
        if any(rx.search(line) for rx in CREDIT_LINE_RES[:1] + CREDIT_LINE_RES[2:]):
            return True
        for rx in DATELINE_RES:
            m = rx.match(line)
            if m and m.groupdict().get("agency"):
                return True
    return False


def copy_kind(
    kind: DupKind, copy_text: str, same_owner: bool, original_is_wire: bool, both_registered: bool = True
) -> str:
    """What a duplicate found by ``DuplicateIndex`` is, once the outlets are known.

    A copy of another outlet's text collapses into it as a reprint (no voice of its own) only when it is credited
    to that outlet: the original is a wire's, the two outlets have one owner, or the copy carries a wire credit or
    a syndication mark (``credited``). The same text issued by two independent publishers with no credit (a joint
    statement of two governments, a communique both parties publish) is "joint": corroboration by both, each
    counted as a source. "near" (the same outlet) is returned unchanged, as is "exact" within one owner.
    Only two registry publishers issue a text jointly: when either outlet is one the registry lacks
    (``both_registered`` False), the copy is a copy, whatever names carry it, and adds no voice.
    """
    if kind == "near" or same_owner or original_is_wire or not both_registered or credited(copy_text):
        return kind
    return "joint"


def joint_note(articles, outlet_names) -> str | None:
    """The page's note for a story holding a joint statement: "The same text was issued jointly by A and B."
    ``articles``: the story's ``Article``s (``duplicate_kind == "joint"`` marks a copy issued by an independent
    publisher, ``duplicate_of`` the first issuer's article); ``outlet_names``: outlet id -> name. None when no
    article of the story is a joint copy."""
    by_id = {a.id: a for a in articles}
    issuers: list[str] = []
    for a in articles:
        if getattr(a, "duplicate_kind", None) == "joint":
            first = by_id.get(a.duplicate_of)
            for oid in ((first.outlet_id,) if first else ()) + (a.outlet_id,):
                name = outlet_names.get(oid, oid)
                if name not in issuers:
                    issuers.append(name)
    if len(issuers) < 2:
        return None
    return f"The same text was issued jointly by {', '.join(issuers[:-1])} and {issuers[-1]}."
