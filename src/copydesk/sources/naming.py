"""A readable name for an outlet the registry does not know (an imported item from an unlisted site).

Readers see the outlet's name in attributions ("according to ..."), never a bare web domain. The best name is
the one the site gives itself (an import line's ``site_name``, a page's ``og:site_name``); without one, a name is
made from the host's main label (the part before the public suffix: ``nytimes`` in ``www.nytimes.com``,
``bbc`` in ``news.bbc.co.uk``): split into words where an English word list finds a confident split
(``theguardian`` -> "The Guardian", ``nytimes`` -> "NY Times"), upper-cased when it reads as an acronym
(``bbc`` -> "BBC"), else capitalised (``breitbart`` -> "Breitbart"). Such an outlet stays unrated.
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

import wordninja
from tld import get_tld

#: Two-letter words that are English words, not a place or agency abbreviation: a split that yields one of
#: these ("bre it bart", "lemon de") is not trusted.
_TWO_LETTER_WORDS = frozenset("am an as at be by do go he if in is it me my no of oh ok on or so to up us we".split())
_DOMAIN = re.compile(r"^(?:https?://)?(?:[a-z0-9-]+\.)+[a-z0-9-]{2,}(?::\d+)?(?:/\S*)?$", re.I)
_IP = re.compile(r"^[\d.]+$|:")


def looks_like_domain(text: str) -> bool:
    """Whether an outlet "name" is a web address ("nytimes.com", "www.theguardian.com", "https://x.org/")."""
    return bool(_DOMAIN.match(text.strip()))


def main_label(url_or_host: str) -> str | None:
    """The registrable label of a host: "nytimes" for www.nytimes.com, "bbc" for news.bbc.co.uk."""
    text = url_or_host.strip()
    url = text if "://" in text else f"http://{text}"
    try:
        res = get_tld(url, as_object=True, fail_silently=True)
    except (ValueError, OSError):  # tld raises TldBadUrl/TldDomainNotFound (ValueError) on some malformed hosts despite fail_silently
        res = None
    if res is not None and res.domain:
        return res.domain.lower()
    try:
        host = urlsplit(url).hostname or ""
    except ValueError:
        return None
    if _IP.search(host):
        return host  # an address, not a name: shown as it is
    parts = [p for p in host.lower().split(".") if p and p != "www"]
    return parts[-2] if len(parts) >= 2 else (parts[0] if parts else None)


#: Short English words that a hyphenated host may spell out ("my-local-paper"): not acronyms.
_SHORT_WORDS = _TWO_LETTER_WORDS | frozenset("the and for new our day top now web one all big hot".split())


def _acronym(word: str) -> bool:
    return word not in _SHORT_WORDS and (len(word) <= 3 or not re.search(r"[aeiouy]", word))


def readable_name(label: str) -> str:
    """A reader-facing form of a host label: "theguardian" -> "The Guardian", "bbc" -> "BBC"."""
    label = label.strip().lower()
    if _IP.search(label):
        return label
    chunks = [c for c in re.split(r"[-_]+", label) if c]
    out = []
    for chunk in chunks:
        if not chunk.isalpha():
            out.append(chunk.upper() if _acronym(chunk) else chunk.capitalize())
            continue
        if _acronym(chunk):
            out.append(chunk.upper())
            continue
        parts = wordninja.split(chunk)
        confident = len(parts) > 1 and all(
            len(p) >= 3 or (len(p) == 2 and k == 0 and p not in _TWO_LETTER_WORDS) for k, p in enumerate(parts))
        if not confident:
            out.append(chunk.capitalize())
            continue
        out.extend(p.upper() if len(p) == 2 else p.capitalize() for p in parts)
    return " ".join(out) or label


def site_name(url: str, given: str | None = None) -> str:
    """The name to show for an unlisted site: the name it gives itself when known (and not itself a domain),
    else one made from its host."""
    if given and given.strip() and not looks_like_domain(given):
        return " ".join(given.split())
    label = main_label(given if given and looks_like_domain(given) else url)
    return readable_name(label) if label else (given or url)


__all__ = ["looks_like_domain", "main_label", "readable_name", "site_name"]
