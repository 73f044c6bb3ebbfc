"""Screening XML for dangerous DOCTYPEs: entity expansion is refused, not the document.

Shared by the feed reader (:mod:`copydesk.ingest.feeds`) and the OPML import (:mod:`copydesk.sources.registry`).
:func:`without_dangerous_doctype` finds the prolog's DOCTYPE and, when its internal subset could make a parser
expand or fetch something (external entities, parameter entities, entities referring to entities, long values),
cuts the whole DOCTYPE out so that none of its entities is ever defined, let alone expanded. A harmless DOCTYPE
(no internal subset, or a few short character entities such as ``<!ENTITY nbsp "&#160;">``) is left in place.
The screen works on bytes in any ASCII-compatible or UTF-16/32 encoding and never parses the document: it is a
wall in front of the parser that does not depend on the parser's own limits.
"""

from __future__ import annotations

import re

#: Entities a DOCTYPE may declare and still be parsed: a name bound to character references or a few plain
#: characters (``<!ENTITY nbsp "&#160;">``). Anything longer could be multiplied by references (quadratic blowup).
MAX_ENTITY_VALUE_CHARS = 16
#: How many characters of the start of the body are searched for a DOCTYPE.
_PROLOG_SCAN_CHARS = 65536

_ENTITY_DECL = re.compile(r"<!ENTITY\s+(%\s+)?([^\s]+)\s+(.*)", re.S | re.I)
_ENTITY_REF = re.compile(r"[&%][A-Za-z_:][\w.:-]*;")
_CHAR_REF = re.compile(r"&#(?:\d+|x[0-9A-Fa-f]+);")

__all__ = ["MAX_ENTITY_VALUE_CHARS", "doctype_danger", "doctype_span", "prolog_text", "without_dangerous_doctype"]


def prolog_text(body: bytes) -> str:
    """The start of the document as text, decoded well enough to find a DOCTYPE in any ASCII-compatible or UTF-16/32
    encoding."""
    head = body[: _PROLOG_SCAN_CHARS * 4]
    for bom, codec in (
        (b"\x00\x00\xfe\xff", "utf-32-be"),
        (b"\xff\xfe\x00\x00", "utf-32-le"),
        (b"\xfe\xff", "utf-16-be"),
        (b"\xff\xfe", "utf-16-le"),
    ):
        if head.startswith(bom):
            return head[len(bom) :].decode(codec, errors="replace")[:_PROLOG_SCAN_CHARS]
    sniff = head[:4]
    for pattern, codec in (
        (b"\x00\x00\x00<", "utf-32-be"),
        (b"<\x00\x00\x00", "utf-32-le"),
        (b"\x00<\x00", "utf-16-be"),
        (b"<\x00", "utf-16-le"),
    ):
        if sniff.startswith(pattern):
            return head.decode(codec, errors="replace")[:_PROLOG_SCAN_CHARS]
    return head[:_PROLOG_SCAN_CHARS].decode("latin-1")


def doctype_span(text: str) -> tuple[int, int, str] | None:
    """Where the prolog's DOCTYPE with an internal subset starts and ends (character offsets; the end is past its
    closing ``>``, or the end of ``text`` when unterminated), and the subset (between ``[`` and ``]``)."""
    match = re.search(r"<!DOCTYPE", text, re.I)
    if match is None or re.search(r"<[A-Za-z_]", text[: match.start()]):
        return None  # no DOCTYPE, or one after the root element (not a DOCTYPE to an XML parser)
    i, quote = match.end(), None
    while i < len(text):
        c = text[i]
        if quote:
            if c == quote:
                quote = None
        elif c in "\"'":
            quote = c
        elif c == ">":
            return None
        elif c == "[":
            break
        i += 1
    else:
        return None
    start, quote = i + 1, None
    for j in range(start, len(text)):
        c = text[j]
        if quote:
            if c == quote:
                quote = None
        elif c in "\"'":
            quote = c
        elif c == "]":
            close = text.find(">", j)
            return match.start(), (close + 1 if close >= 0 else len(text)), text[start:j]
    return match.start(), len(text), text[start:]  # unterminated: all of it goes


def doctype_danger(subset: str) -> str | None:
    """Why this internal subset must not be used (expansion, external or parameter entities), or None."""
    subset = re.sub(r"<!--.*?-->", "", subset, flags=re.S)
    if re.search(r"%[A-Za-z_:][\w.:-]*;", subset):
        return "it uses parameter entities"
    for chunk in re.split(r"(?=<!ENTITY)", subset, flags=re.I)[1:]:
        match = _ENTITY_DECL.match(chunk)
        if match is None:
            return "malformed ENTITY declaration"
        parameter, name, rest = match.groups()
        rest = rest.strip()
        if parameter:
            return f"it declares parameter entity {name!r}"
        if re.match(r"(SYSTEM|PUBLIC)\b", rest, re.I):
            return f"it declares external entity {name!r} (XXE)"
        value_match = re.match(r"(\"[^\"]*\"|'[^']*')", rest)
        if value_match is None:
            return f"unreadable ENTITY declaration {name!r}"
        value = value_match.group(1)[1:-1]
        if _ENTITY_REF.search(value):
            return f"entity {name!r} refers to other entities (entity expansion)"
        if len(_CHAR_REF.sub("x", value)) > MAX_ENTITY_VALUE_CHARS:
            return f"entity {name!r} is longer than {MAX_ENTITY_VALUE_CHARS} characters"
    return None


def without_dangerous_doctype(body: bytes) -> tuple[bytes, str | None]:
    """``body`` with a dangerous DOCTYPE cut out, and why it was dangerous; ``(body, None)`` when there is none.

    The references to its entities stay in the document unexpanded: a tolerant parser (feedparser) keeps them
    as text, a strict one (expat) stops at the first one as an undefined entity.
    """
    codec, skip, unit = _prolog_codec(body)
    text = body[skip : skip + _PROLOG_SCAN_CHARS * unit].decode(codec, errors="replace")
    found = doctype_span(text)
    if found is None:
        return body, None
    start, end, subset = found
    danger = doctype_danger(subset)
    if danger is None:
        return body, None
    if unit == 1:  # latin-1 view of an ASCII-compatible encoding: character offsets are byte offsets
        cleaned = body[: skip + start] + (body[skip + end :] if end < len(text) else b"")
    else:
        whole = body[skip:].decode(codec, errors="replace")
        cleaned = body[:skip] + (whole[:start] + whole[end:]).encode(codec)
    return cleaned, danger


def _prolog_codec(body: bytes) -> tuple[str, int, int]:
    """How to read the start of the document: codec, bytes of BOM to skip, bytes per character of the prolog."""
    for bom, codec, unit in (
        (b"\x00\x00\xfe\xff", "utf-32-be", 4),
        (b"\xff\xfe\x00\x00", "utf-32-le", 4),
        (b"\xfe\xff", "utf-16-be", 2),
        (b"\xff\xfe", "utf-16-le", 2),
    ):
        if body.startswith(bom):
            return codec, len(bom), unit
    for pattern, codec, unit in (
        (b"\x00\x00\x00<", "utf-32-be", 4),
        (b"<\x00\x00\x00", "utf-32-le", 4),
        (b"\x00<\x00", "utf-16-be", 2),
        (b"<\x00", "utf-16-le", 2),
    ):
        if body.startswith(pattern):
            return codec, 0, unit
    return "latin-1", 0, 1
