"""Dedup stage: canonical URLs, and exact / near-duplicate / wire-reprint detection over article texts.

Pure functions and one in-memory index; no database, no I/O. The orchestrator canonicalises each new
article's URL with ``canonical_url`` (a URL already stored is the same article), then feeds texts to one
long-lived ``DuplicateIndex`` in arrival order and stores what ``add`` returns as ``Article.duplicate_of``
(``DupMatch.of``) and ``Article.wire_group`` (``DupMatch.group``), plus ``signature(text)`` and
``text_hash(text)`` so the index can be rebuilt at start-up with ``DuplicateIndex.add_signature``. A copy
from another outlet is then told apart by ``copy_kind``: a credited copy (wire, syndication, same owner) is a
"reprint"; the same text from two independent publishers is "joint" (a joint statement: both count).
"""

from copydesk.dedup.near import (
    DedupOptions,
    DupMatch,
    DuplicateIndex,
    copy_kind,
    credited,
    joint_note,
    normalise_text,
    signature,
    text_hash,
)
from copydesk.dedup.urls import TRACKING_PARAMS, canonical_url

__all__ = [
    "TRACKING_PARAMS",
    "DedupOptions",
    "DupMatch",
    "DuplicateIndex",
    "canonical_url",
    "copy_kind",
    "credited",
    "joint_note",
    "normalise_text",
    "signature",
    "text_hash",
]
