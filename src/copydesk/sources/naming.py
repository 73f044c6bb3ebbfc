"""A readable name for an outlet the registry does not know (an imported item from an unlisted site).

Readers see the outlet's name in attributions ("according to ..."), never a bare web domain. The best name is
the one the site gives itself (an import line's ``site_name``, a page's ``og:site_name``); without one, a name is
made from the host's main label (the part before the public suffix: ``nytimes`` in ``www.nytimes.com``,
``bbc`` in ``news.bbc.co.uk``): split into words where an English word list finds a confident split
(``theguardian`` -> "The Guardian", ``nytimes`` -> "NY Times"), upper-cased when it reads as an acronym
(``bbc`` -> "BBC"), else capitalised (``breitbart`` -> "Breitbart"). Such an outlet stays unrated.

Its identity is not its name's spelling made simpler: the exact name the import gave is the outlet (two names that
differ in any character are two outlets), and its id comes from the domain of its first article
(``outlet_domain``), with a suffix when taken (``unlisted_ids``), so no name, however hostile
(``../../etc/passwd``, look-alike letters, nothing but invisible characters), picks another outlet's id or an
unsafe one. What readers see is ``display_name``: the name without control or invisible characters, or one made
from the host when nothing is left.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Iterator
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
    except (
        ValueError,
        OSError,
    ):  # tld raises TldBadUrl/TldDomainNotFound (ValueError) on some malformed hosts despite fail_silently
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
            len(p) >= 3 or (len(p) == 2 and k == 0 and p not in _TWO_LETTER_WORDS) for k, p in enumerate(parts)
        )
        if not confident:
            out.append(chunk.capitalize())
            continue
        out.extend(p.upper() if len(p) == 2 else p.capitalize() for p in parts)
    return " ".join(out) or label


def site_name(url: str, given: str | None = None) -> str:
    """The name to show for an unlisted site: the name it gives itself when known (and not itself a domain),
    else one made from its host."""
    given = display_name(given) if given else given
    if given and not looks_like_domain(given):
        return given
    label = main_label(given if given and looks_like_domain(given) else url)
    return readable_name(label) if label else (given or url)


#: Longest outlet id (the outlets.id column holds 100): a domain is cut to this, leaving room for a suffix.
MAX_DOMAIN_ID = 80
#: Longest name shown for an unlisted outlet (the outlets.name column holds 300); a longer one is cut.
MAX_DISPLAY_NAME = 200
#: A registry id (``sources.registry``): lower-case letters, digits and inner hyphens. An unlisted outlet's id
#: never has this form (a domain has a dot; otherwise a suffix with "_" is added), so a registry entry added later
#: can never take the id, and so the articles, of an outlet met in an import.
_REGISTRY_SHAPED = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")
#: Unicode categories never shown in a name: controls, format characters (zero-width, bidi), surrogates,
#: private use, unassigned.
_HIDDEN = frozenset({"Cc", "Cf", "Cs", "Co", "Cn"})


def outlet_domain(url: str) -> str:
    """The normalised domain of an article URL, as an outlet id's base: lower case, IDNA (punycode) for a
    non-ASCII host, without ``www.`` or a trailing dot, only ``[a-z0-9.-]`` (an IPv6 address's colons and a
    zone id become hyphens), at most ``MAX_DOMAIN_ID`` characters; "unknown" when nothing is left."""
    try:
        host = urlsplit(url.strip()).hostname or ""
    except ValueError:
        host = ""
    host = host.strip(".")
    try:
        host = host.encode("idna").decode("ascii") if not host.isascii() else host
    except UnicodeError:  # not a valid internationalised name: its letters without accents, as far as they go
        host = unicodedata.normalize("NFKD", host).encode("ascii", "ignore").decode()
    host = re.sub(r"[^a-z0-9.-]+", "-", host.lower())
    host = re.sub(r"\.{2,}", ".", host).strip(".-")
    host = host.removeprefix("www.")
    return host[:MAX_DOMAIN_ID].strip(".-") or "unknown"


def unlisted_ids(domain: str) -> Iterator[str]:
    """Candidate ids for an unlisted outlet on ``domain``, in order: the domain itself (unless it has the form of
    a registry id), then ``domain_2``, ``domain_3``, ... The caller takes the first that no outlet has. Every
    candidate is URL-safe (``[a-z0-9._-]``) and is never "." or ".."."""
    if not _REGISTRY_SHAPED.fullmatch(domain):
        yield domain
    n = 2 if not _REGISTRY_SHAPED.fullmatch(domain) else 1
    while True:
        yield f"{domain}_{n}"
        n += 1


def display_name(name: str) -> str:
    """A name as readers see it: control, invisible and unassigned characters removed, spaces collapsed, cut to
    ``MAX_DISPLAY_NAME`` characters; "" when nothing visible is left (then the caller names it from its host)."""
    text = "".join(" " if c.isspace() else c for c in name if unicodedata.category(c) not in _HIDDEN)
    text = " ".join(text.split())
    return text if len(text) <= MAX_DISPLAY_NAME else text[: MAX_DISPLAY_NAME - 1].rstrip() + "\u2026"


def _skeleton(name: str) -> str:
    return "".join(c for c in unicodedata.normalize("NFKC", name).casefold() if c.isalnum())


def _mixed_scripts(name: str) -> bool:
    """Letters of more than one script in one word ("Rеuters" with a Cyrillic "е"): how look-alikes are made."""
    for word in name.split():
        scripts = {unicodedata.name(c, "?").split()[0] for c in word if c.isalpha()}
        if len(scripts) > 1:
            return True
    return False


def distinct_name(name: str, domain: str, registry_names: Iterable[str]) -> str:
    """The name readers see for an unlisted outlet, told apart from the registry's: a name that reads as a
    registry outlet's (the same letters once compatibility forms, case, spacing and punctuation are set aside:
    "Ｒeuters", "reuters!") or that mixes scripts in a word (a look-alike letter) is shown with its domain,
    "Rеuters (mirror.example)", so no unlisted outlet passes for a listed one."""
    skeleton = _skeleton(name)
    if _mixed_scripts(name) or (skeleton and any(_skeleton(n) == skeleton for n in registry_names)):
        return f"{name} ({domain})"
    return name


__all__ = [
    "MAX_DISPLAY_NAME",
    "MAX_DOMAIN_ID",
    "display_name",
    "distinct_name",
    "looks_like_domain",
    "main_label",
    "outlet_domain",
    "readable_name",
    "site_name",
    "unlisted_ids",
]
