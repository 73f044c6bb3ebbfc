"""The source registry: which outlets copydesk reads, and what is known about each.

The registry is declarative data, a TOML file of ``[[outlet]]`` tables (the default one ships as
``copydesk/data/sources.toml``; its header comment documents every key). This module turns that file into
:class:`~copydesk.models.Outlet` values and back, and converts to and from OPML subscription lists.

Order of steps in :func:`load_registry`:

1. read the file and parse it with the standard library's ``tomllib``;
2. check every entry against the rules (:func:`validate_registry_data` collects *all* problems);
3. if anything is wrong, raise one :class:`~copydesk.errors.RegistryError` naming the first bad entry and
   listing every problem, so a maintainer fixes the file in one pass;
4. only then build the ``Outlet`` values.

There are no silent defaults: a missing ``lean`` or ``reliability`` table is an error, never "unrated", and a
rating other than ``unrated`` must cite its ``basis``.
"""

from __future__ import annotations

import logging
import re
import tomllib
from collections.abc import Iterable, Mapping
from importlib import resources
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit
from xml.etree import ElementTree as ET
from xml.parsers import expat

from defusedxml import DefusedXmlException, DTDForbidden, EntitiesForbidden, ExternalReferenceForbidden
from defusedxml.ElementTree import fromstring as defused_fromstring

from copydesk.text import slugify as text_slugify
from copydesk.errors import RegistryError
from copydesk.models import LEANS, OUTLET_KINDS, PAYWALLS, RELIABILITIES, UNRATED, Outlet, Rating
from copydesk.xmlsafe import without_dangerous_doctype

__all__ = [
    "DEFAULT_REGISTRY",
    "dump_registry",
    "export_opml",
    "import_opml",
    "load_default_registry",
    "load_registry",
    "on_outlet_site",
    "outlet_for_url",
    "registry_from_data",
    "slugify",
    "validate_registry_data",
]

log = logging.getLogger("copydesk.sources")

#: The registry that ships with copydesk (package data).
DEFAULT_REGISTRY = "sources.toml"

REQUIRED_KEYS = (
    "id",
    "name",
    "homepage",
    "feeds",
    "language",
    "country",
    "owner",
    "lean",
    "reliability",
    "paywall",
    "kind",
)
OPTIONAL_KEYS = ("hosts",)
RATING_KEYS = ("value", "basis")
#: Allowed rating values per rating key, ``UNRATED`` last.
RATING_VALUES = {"lean": (*LEANS, UNRATED), "reliability": (*RELIABILITIES, UNRATED)}

MAX_ID_LEN = 64  # ids appear in URLs and database keys; 64 fits every real outlet name slug seen so far
#: Largest OPML document :func:`import_opml` accepts. Real subscription lists are far smaller (the
#: NetNewsWire fixtures hold 211 outlines in 37 KB), so 10 MiB (~50,000 feeds) only stops abuse.
MAX_OPML_BYTES = 10 * 1024 * 1024

_ID_RE = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")
_LANGUAGE_RE = re.compile(r"[a-z]{2,3}")
_HOST_RE = re.compile(r"(?=.{1,253}$)(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z][a-z0-9-]{0,62}")
_CONTROL_RE = re.compile(r"[\x00-\x1f\x7f-\x9f]")

#: ISO 3166-1 alpha-2 codes (officially assigned), plus XK (Kosovo, user-assigned but used by the EU).
ISO_COUNTRIES = frozenset(
    """
    AD AE AF AG AI AL AM AO AQ AR AS AT AU AW AX AZ BA BB BD BE BF BG BH BI BJ BL BM BN BO BQ BR BS BT BV BW
    BY BZ CA CC CD CF CG CH CI CK CL CM CN CO CR CU CV CW CX CY CZ DE DJ DK DM DO DZ EC EE EG EH ER ES ET FI
    FJ FK FM FO FR GA GB GD GE GF GG GH GI GL GM GN GP GQ GR GS GT GU GW GY HK HM HN HR HT HU ID IE IL IM IN
    IO IQ IR IS IT JE JM JO JP KE KG KH KI KM KN KP KR KW KY KZ LA LB LC LI LK LR LS LT LU LV LY MA MC MD ME
    MF MG MH MK ML MM MN MO MP MQ MR MS MT MU MV MW MX MY MZ NA NC NE NF NG NI NL NO NP NR NU NZ OM PA PE PF
    PG PH PK PL PM PN PR PS PT PW PY QA RE RO RS RU RW SA SB SC SD SE SG SH SI SJ SK SL SM SN SO SR SS ST SV
    SX SY SZ TC TD TF TG TH TJ TK TL TM TN TO TR TT TV TW TZ UA UG UM US UY UZ VA VC VE VG VI VN VU WF WS YE
    YT ZA ZM ZW XK
    """.split()
)
INTERNATIONAL = "INT"

# ---------------------------------------------------------------------------------------------------------
# Validation
# ---------------------------------------------------------------------------------------------------------


def _type_name(value: Any) -> str:
    return {
        str: "a string",
        int: "an integer",
        float: "a number",
        bool: "a boolean",
        list: "an array",
        dict: "a table",
    }.get(type(value), type(value).__name__)


def _url_problem(value: Any, key: str) -> str | None:
    """Why ``value`` is not an absolute http(s) URL, or None if it is one."""
    if not isinstance(value, str):
        return f"{key} must be a string URL, got {_type_name(value)}"
    if value != value.strip() or any(ch.isspace() for ch in value) or _CONTROL_RE.search(value):
        return f"{key} {value!r} contains whitespace or control characters"
    try:
        parts = urlsplit(value)
        host = parts.hostname
        parts.port  # noqa: B018 - raises ValueError on a bad port
    except ValueError as exc:
        return f"{key} {value!r} is not a valid URL ({exc})"
    if parts.scheme not in ("http", "https"):
        return f"{key} {value!r} must be an http:// or https:// URL"
    if not host:
        return f"{key} {value!r} has no host name"
    if parts.username is not None or parts.password is not None:
        return f"{key} {value!r} must not contain credentials"
    return None


def _text_problem(value: Any, key: str) -> str | None:
    if not isinstance(value, str):
        return f"{key} must be a string, got {_type_name(value)}"
    if not value.strip():
        return f"{key} must not be empty"
    if value != value.strip():
        return f"{key} {value!r} has leading or trailing whitespace"
    if _CONTROL_RE.search(value):
        return f"{key} {value!r} contains control characters"
    return None


def _rating_problems(entry: Mapping[str, Any], key: str) -> list[str]:
    allowed = RATING_VALUES[key]
    if key not in entry:
        return [
            f'{key} is missing: write {key} = {{ value = "unrated" }} or a rated value with a basis '
            "(there is no default)"
        ]
    table = entry[key]
    if not isinstance(table, Mapping):
        return [f"{key} must be a table like {{ value = ..., basis = ... }}, got {_type_name(table)}"]
    problems = [
        f"{key} has unknown key {extra!r} (allowed: {', '.join(RATING_KEYS)})"
        for extra in table
        if extra not in RATING_KEYS
    ]
    if "value" not in table:
        return [*problems, f"{key}.value is missing (one of {', '.join(allowed)})"]
    value = table["value"]
    if not isinstance(value, str) or value not in allowed:
        shown = repr(value) if isinstance(value, str) else _type_name(value)
        return [*problems, f"{key}.value {shown} is not one of {', '.join(allowed)}"]
    basis = table.get("basis")
    if value == UNRATED:
        if "basis" in table:
            problems.append(f"{key}.basis must be absent when {key}.value is 'unrated'")
    elif basis is None:
        problems.append(
            f"{key}.basis is required when {key}.value is {value!r}: cite the published rating it comes from"
        )
    elif problem := _text_problem(basis, f"{key}.basis"):
        problems.append(problem)
    return problems


def _entry_problems(entry: Mapping[str, Any]) -> list[str]:
    """Every problem with one outlet table, each message naming the key and what is allowed."""
    problems: list[str] = []
    for key in entry:
        if key not in REQUIRED_KEYS and key not in OPTIONAL_KEYS:
            problems.append(f"unknown key {key!r} (allowed: {', '.join(REQUIRED_KEYS + OPTIONAL_KEYS)})")
    for key in REQUIRED_KEYS:
        if key not in entry and key not in RATING_VALUES:
            problems.append(f"{key} is missing")

    if "id" in entry:
        value = entry["id"]
        if not isinstance(value, str) or not _ID_RE.fullmatch(value) or len(value) > MAX_ID_LEN:
            shown = repr(value) if isinstance(value, str) else _type_name(value)
            problems.append(
                f"id {shown} must be a slug of lowercase letters, digits and single hyphens "
                f"([a-z0-9-], at most {MAX_ID_LEN} characters)"
            )
    for key in ("name", "owner"):
        if key in entry and (problem := _text_problem(entry[key], key)):
            problems.append(problem)
    if "homepage" in entry and (problem := _url_problem(entry["homepage"], "homepage")):
        problems.append(problem)
    if "feeds" in entry:
        feeds = entry["feeds"]
        if not isinstance(feeds, list):
            problems.append(f"feeds must be an array of URLs, got {_type_name(feeds)}")
        elif not feeds:
            problems.append("feeds must list at least one feed URL")
        else:
            for i, feed in enumerate(feeds):
                if problem := _url_problem(feed, f"feeds[{i}]"):
                    problems.append(problem)
            seen = [f for f in feeds if isinstance(f, str)]
            for dup in sorted({f for f in seen if seen.count(f) > 1}):
                problems.append(f"feeds lists {dup!r} more than once")
    if "language" in entry:
        value = entry["language"]
        if not isinstance(value, str) or not _LANGUAGE_RE.fullmatch(value):
            shown = repr(value) if isinstance(value, str) else _type_name(value)
            problems.append(f"language {shown} must be a 2-3 letter lowercase language code such as 'en' or 'hu'")
    if "country" in entry:
        value = entry["country"]
        if not isinstance(value, str) or (value not in ISO_COUNTRIES and value != INTERNATIONAL):
            shown = repr(value) if isinstance(value, str) else _type_name(value)
            hint = " (the United Kingdom is 'GB')" if value == "UK" else ""
            problems.append(
                f"country {shown} must be an ISO 3166-1 alpha-2 code in capitals such as 'HU', "
                f"or 'INT' for international{hint}"
            )
    for key in ("lean", "reliability"):
        problems.extend(_rating_problems(entry, key))
    for key, allowed in (("paywall", PAYWALLS), ("kind", OUTLET_KINDS)):
        if key in entry:
            value = entry[key]
            if not isinstance(value, str) or value not in allowed:
                shown = repr(value) if isinstance(value, str) else _type_name(value)
                problems.append(f"{key} {shown} is not one of {', '.join(allowed)}")
    if "hosts" in entry:
        hosts = entry["hosts"]
        if not isinstance(hosts, list):
            problems.append(f"hosts must be an array of host names, got {_type_name(hosts)}")
        else:
            for i, host in enumerate(hosts):
                if not isinstance(host, str) or not _HOST_RE.fullmatch(host):
                    shown = repr(host) if isinstance(host, str) else _type_name(host)
                    problems.append(
                        f"hosts[{i}] {shown} must be a lowercase host name such as 'example.com' "
                        "(no scheme, path or port)"
                    )
    return problems


def _owner_key(owner: str) -> str:
    return re.sub(r"[\W_]+", "", owner.casefold())


def _problems(data: Any) -> list[tuple[str, str]]:
    """(entry, message) for every problem in parsed registry data, in file order."""
    if not isinstance(data, Mapping):
        return [("registry", f"must be a table of [[outlet]] entries, got {_type_name(data)}")]
    problems: list[tuple[str, str]] = [
        ("registry", f"unknown top-level key {key!r} (only [[outlet]] tables are allowed)")
        for key in data
        if key != "outlet"
    ]
    outlets = data.get("outlet")
    if outlets is None:
        return [*problems, ("registry", "has no [[outlet]] entries")]
    if not isinstance(outlets, list):
        return [*problems, ("registry", f"'outlet' must be an array of tables ([[outlet]]), got {_type_name(outlets)}")]

    seen_ids: dict[str, str] = {}
    seen_feeds: dict[str, str] = {}
    seen_owners: dict[str, tuple[str, str]] = {}
    for number, entry in enumerate(outlets, start=1):
        raw_id = entry.get("id") if isinstance(entry, Mapping) else None
        name = raw_id if isinstance(raw_id, str) and raw_id.strip() else f"outlet #{number}"
        if not isinstance(entry, Mapping):
            problems.append((name, f"must be a table, got {_type_name(entry)}"))
            continue
        problems.extend((name, message) for message in _entry_problems(entry))
        if isinstance(raw_id, str):
            if raw_id in seen_ids:
                problems.append((name, f"id {raw_id!r} is used twice (also {seen_ids[raw_id]}); ids must be unique"))
            else:
                seen_ids[raw_id] = f"outlet #{number}"
        feeds = entry.get("feeds")
        for feed in feeds if isinstance(feeds, list) else ():
            if isinstance(feed, str):
                if feed in seen_feeds and seen_feeds[feed] != name:
                    problems.append((name, f"feed {feed!r} is also listed under {seen_feeds[feed]}"))
                else:
                    seen_feeds.setdefault(feed, name)
        owner = entry.get("owner")
        if isinstance(owner, str) and owner.strip():
            key = _owner_key(owner)
            if key in seen_owners and seen_owners[key][0] != owner:
                spelled, where = seen_owners[key]
                problems.append(
                    (
                        name,
                        f"owner {owner!r} differs only in spelling from {spelled!r} ({where}); "
                        "outlets with the same owner must use the exact same owner string",
                    )
                )
            else:
                seen_owners.setdefault(key, (owner, name))
    return problems


def validate_registry_data(data: Any) -> list[str]:
    """Every problem in parsed registry data (the dict ``tomllib`` returns), as ``"<entry>: <message>"``.

    An empty list means the data is a valid registry. The entry is the outlet's id, or ``outlet #N`` (1-based,
    in file order) when it has no usable id; each message names the key and what is allowed.
    """
    return [f"{entry}: {message}" for entry, message in _problems(data)]


def _raise_for(problems: list[tuple[str, str]]) -> None:
    if not problems:
        return
    entry, message = problems[0]
    if len(problems) > 1:
        rest = "; ".join(f"{e}: {m}" for e, m in problems[1:])
        message = f"{message} (and {len(problems) - 1} more: {rest})"
    raise RegistryError(entry, message)


def registry_from_data(data: Any) -> dict[str, Outlet]:
    """Validate parsed registry data and build the outlets, keyed by id in file order.

    Raises :class:`RegistryError` naming the first bad entry and listing every problem.
    """
    _raise_for(_problems(data))
    outlets: dict[str, Outlet] = {}
    for entry in data["outlet"]:
        outlets[entry["id"]] = Outlet(
            id=entry["id"],
            name=entry["name"],
            homepage=entry["homepage"],
            feeds=tuple(entry["feeds"]),
            language=entry["language"],
            country=entry["country"],
            owner=entry["owner"],
            lean=Rating(entry["lean"]["value"], entry["lean"].get("basis")),
            reliability=Rating(entry["reliability"]["value"], entry["reliability"].get("basis")),
            paywall=entry["paywall"],
            kind=entry["kind"],
            hosts=tuple(entry.get("hosts", ())),
        )
    return outlets


def load_registry(path: Path) -> dict[str, Outlet]:
    """Read a registry TOML file and return its outlets keyed by id, in file order.

    Raises :class:`RegistryError`: for an unreadable or malformed file the entry is the file path; otherwise it
    names the first bad outlet and the message lists every problem found.
    """
    path = Path(path)
    try:
        text = path.read_bytes().decode("utf-8")
    except OSError as exc:
        raise RegistryError(str(path), f"cannot read the registry file ({exc.strerror or exc})") from exc
    except UnicodeDecodeError as exc:
        raise RegistryError(str(path), f"is not UTF-8 ({exc})") from exc
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise RegistryError(str(path), f"is not valid TOML ({exc})") from exc
    return registry_from_data(data)


def load_default_registry() -> dict[str, Outlet]:
    """The registry that ships with copydesk (``copydesk/data/sources.toml``)."""
    resource = resources.files("copydesk") / "data" / DEFAULT_REGISTRY
    with resources.as_file(resource) as path:
        return load_registry(path)


# ---------------------------------------------------------------------------------------------------------
# Matching article URLs to outlets
# ---------------------------------------------------------------------------------------------------------


def _normal_host(url: str) -> str | None:
    try:
        host = urlsplit(url.strip()).hostname
    except ValueError:
        return None
    if not host:
        return None
    host = host.rstrip(".").lower()
    return host[4:] if host.startswith("www.") else host


def _under(host: str, claimed: str) -> bool:
    return host == claimed or host.endswith("." + claimed)


def _outlets(outlets: Mapping[str, Outlet] | Iterable[Outlet]) -> list[Outlet]:
    return list(outlets.values()) if isinstance(outlets, Mapping) else list(outlets)


def outlet_for_url(outlets: Mapping[str, Outlet] | Iterable[Outlet], url: str) -> Outlet | None:
    """The outlet an article URL belongs to, or None.

    A URL belongs to an outlet when its host (without ``www.``) is, or is a subdomain of, the outlet's homepage
    host or one of its ``hosts``; the most specific match wins, and among outlets on the same host the one
    whose homepage path prefixes the URL's path (``telex.hu/english`` for ``telex.hu/english/...``). Feed hosts
    (``feeds.bbci.co.uk``) are a weaker claim, used only when no homepage or ``hosts`` entry matches and only
    if exactly one outlet serves feeds from that host. Ties go to the outlet listed first.
    """
    host = _normal_host(url)
    if host is None:
        return None
    path = urlsplit(url.strip()).path.rstrip("/")
    candidates = _outlets(outlets)

    best: Outlet | None = None
    best_key: tuple[int, int, int] | None = None

    def offer(outlet: Outlet, key: tuple[int, int, int]) -> None:
        nonlocal best, best_key
        if best_key is None or key > best_key:
            best, best_key = outlet, key

    for outlet in candidates:
        home_host = _normal_host(outlet.homepage)
        if home_host and _under(host, home_host):
            home_path = urlsplit(outlet.homepage).path.rstrip("/")
            if not home_path:
                fit = 0
            elif path == home_path or path.startswith(home_path + "/"):
                fit = len(home_path)
            else:
                fit = -1
            offer(outlet, (2, len(home_host), fit))
        for extra in outlet.hosts:
            claimed = extra.lower().removeprefix("www.")
            if _under(host, claimed):
                offer(outlet, (2, len(claimed), 0))
    if best is not None:
        return best

    feed_claims: dict[str, list[Outlet]] = {}
    for outlet in candidates:
        for claimed in {h for h in map(_normal_host, outlet.feeds) if h}:
            feed_claims.setdefault(claimed, []).append(outlet)
    for claimed, owners in feed_claims.items():
        if len(owners) == 1 and _under(host, claimed):
            offer(owners[0], (1, len(claimed), 0))
    return best


def on_outlet_site(outlet: Outlet, url: str) -> bool:
    """Whether an article URL is on ``outlet``'s own site: its host (without ``www.``) is, or is a subdomain of,
    the outlet's homepage host, one of its ``hosts``, or the host of one of its feeds. An import line that names a
    registry outlet is believed only then (``Desk.import_lines``): naming an outlet does not make an article its."""
    host = _normal_host(url)
    if host is None:
        return False
    claimed = {_normal_host(outlet.homepage), *map(_normal_host, outlet.feeds)}
    claimed |= {h.lower().rstrip(".").removeprefix("www.") for h in outlet.hosts}
    return any(c and _under(host, c) for c in claimed)


# ---------------------------------------------------------------------------------------------------------
# TOML writer
# ---------------------------------------------------------------------------------------------------------

_TOML_ESCAPES = {'"': '\\"', "\\": "\\\\", "\b": "\\b", "\t": "\\t", "\n": "\\n", "\f": "\\f", "\r": "\\r"}


def _toml_str(value: str) -> str:
    out = []
    for ch in value:
        if ch in _TOML_ESCAPES:
            out.append(_TOML_ESCAPES[ch])
        elif ord(ch) < 0x20 or ord(ch) == 0x7F:
            out.append(f"\\u{ord(ch):04X}")
        else:
            out.append(ch)
    return '"' + "".join(out) + '"'


def _toml_rating(rating: Rating) -> str:
    if rating.basis is None:
        return f"{{ value = {_toml_str(rating.value)} }}"
    return f"{{ value = {_toml_str(rating.value)}, basis = {_toml_str(rating.basis)} }}"


def _toml_array(values: Iterable[str]) -> str:
    values = list(values)
    if len(values) <= 1:
        return "[" + ", ".join(_toml_str(v) for v in values) + "]"
    return "[\n" + "".join(f"  {_toml_str(v)},\n" for v in values) + "]"


def dump_registry(outlets: Mapping[str, Outlet] | Iterable[Outlet], header: str | None = None) -> str:
    """Write outlets as registry TOML that :func:`load_registry` reads back to equal ``Outlet`` values.

    ``header`` becomes a ``#`` comment block at the top. Keys are written in schema order, ``hosts`` only when
    non-empty, and a rating's ``basis`` only when it has one.
    """
    lines: list[str] = []
    if header:
        lines.extend(f"# {line}".rstrip() for line in header.splitlines())
        lines.append("")
    for outlet in _outlets(outlets):
        lines.append("[[outlet]]")
        lines.append(f"id = {_toml_str(outlet.id)}")
        lines.append(f"name = {_toml_str(outlet.name)}")
        lines.append(f"homepage = {_toml_str(outlet.homepage)}")
        lines.append(f"feeds = {_toml_array(outlet.feeds)}")
        lines.append(f"language = {_toml_str(outlet.language)}")
        lines.append(f"country = {_toml_str(outlet.country)}")
        lines.append(f"owner = {_toml_str(outlet.owner)}")
        lines.append(f"lean = {_toml_rating(outlet.lean)}")
        lines.append(f"reliability = {_toml_rating(outlet.reliability)}")
        lines.append(f"paywall = {_toml_str(outlet.paywall)}")
        lines.append(f"kind = {_toml_str(outlet.kind)}")
        if outlet.hosts:
            lines.append(f"hosts = {_toml_array(outlet.hosts)}")
        lines.append("")
    return "\n".join(lines)


# ---------------------------------------------------------------------------------------------------------
# OPML
# ---------------------------------------------------------------------------------------------------------

_XML_INVALID_RE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
_ATTR_ESCAPES = {"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "\t": "&#9;", "\n": "&#10;", "\r": "&#13;"}


def _xml_attr(value: str) -> str:
    value = _XML_INVALID_RE.sub("", value)
    return "".join(_ATTR_ESCAPES.get(ch, ch) for ch in value)


def export_opml(outlets: Mapping[str, Outlet] | Iterable[Outlet], title: str = "copydesk sources") -> str:
    """An OPML 2.0 subscription list with one ``<outline type="rss">`` per feed.

    Each outline carries ``text`` and ``title`` (the outlet name), ``xmlUrl`` (the feed), ``htmlUrl`` (the
    homepage) and ``language``. Ratings, owner and country are not exported: OPML has no place for them.
    """
    lines = [
        '<?xml version="1.0" encoding="UTF-8"?>',
        '<opml version="2.0">',
        "  <head>",
        f"    <title>{_xml_attr(title)}</title>",
        "  </head>",
        "  <body>",
    ]
    for outlet in _outlets(outlets):
        name = _xml_attr(outlet.name)
        for feed in outlet.feeds:
            lines.append(
                f'    <outline type="rss" text="{name}" title="{name}" xmlUrl="{_xml_attr(feed)}" '
                f'htmlUrl="{_xml_attr(outlet.homepage)}" language="{_xml_attr(outlet.language)}"/>'
            )
    lines += ["  </body>", "</opml>", ""]
    return "\n".join(lines)


#: expat's error code for a reference to an entity that was never declared (here: one whose DOCTYPE was dropped).
_UNDEFINED_ENTITY = expat.errors.codes[expat.errors.XML_ERROR_UNDEFINED_ENTITY]


def _defused_reason(exc: Exception) -> str:
    """What defusedxml refused, in words."""
    if isinstance(exc, ExternalReferenceForbidden):
        return f"refers to an external entity ({exc.sysid or exc.pubid}); external entities are never fetched"
    if isinstance(exc, EntitiesForbidden):
        return f"declares entity {exc.name!r}, which is not allowed"
    if isinstance(exc, DTDForbidden):
        return "is not allowed"
    return f"is not allowed ({exc})"


def _parse_xml_safely(data: bytes) -> tuple[ET.Element, str | None]:
    """Parse XML with defusedxml after dropping a dangerous DOCTYPE; the root and why a DOCTYPE was dropped.

    Entity expansion is refused, not the document (issue 17), as the feed reader does it: a DOCTYPE whose internal
    subset declares external, parameter, nested or long entities is cut out by
    :func:`copydesk.xmlsafe.without_dangerous_doctype` before any parser sees it, so none of its entities is ever
    defined; the rest is parsed. A harmless DOCTYPE (``<!DOCTYPE opml>``, a public or system identifier, which is
    never fetched, or a few short character entities) is parsed as it is. defusedxml is the second wall: it refuses
    external entity references and unparsed entities whatever the screen let through.

    Raises ``ET.ParseError`` (not well-formed, or a use of an entity whose declaration was dropped) and
    defusedxml's ``DefusedXmlException``.
    """
    cleaned, dropped = without_dangerous_doctype(data)
    root = defused_fromstring(cleaned, forbid_dtd=False, forbid_entities=False, forbid_external=True)
    return root, dropped


# ccTLDs widely used as generic domains; they say nothing about where an outlet is.
_GENERIC_CCTLDS = frozenset("ac ad ai am as cc co cx fm gg io la ly me ms nu sh so st to tv vc ws".split())


def _country_from_host(host: str | None) -> str | None:
    if not host:
        return None
    tld = host.rsplit(".", 1)[-1]
    if len(tld) != 2 or tld in _GENERIC_CCTLDS:
        return None
    code = "GB" if tld == "uk" else tld.upper()
    return code if code in ISO_COUNTRIES else None


def slugify(text: str) -> str:
    """A registry id made from text (`copydesk.text.slugify`, cut to the longest id allowed)."""
    return text_slugify(text, MAX_ID_LEN)


def _attrs(element: ET.Element) -> dict[str, str]:
    return {key.lower(): value.strip() for key, value in element.attrib.items()}


def import_opml(data: bytes) -> list[Outlet]:
    """Registry entries made from an OPML subscription list (any OPML version, folders nested to any depth).

    Every ``<outline>`` with an ``xmlUrl`` is a feed; other outlines are folders and are walked into. Feeds
    whose name and ``htmlUrl`` are the same become one outlet with several feeds (this is how
    :func:`export_opml` writes an outlet). OPML says nothing about ownership or ratings, so the defaults are:

    - ``id``: the name slugified (:func:`slugify`), falling back to the feed host; ``-2``, ``-3``... on clashes;
    - ``name``: the ``text`` attribute, else ``title``, else the feed host;
    - ``homepage``: ``htmlUrl`` when it is an http(s) URL, else the feed's scheme and host;
    - ``language``: the outline's ``language`` attribute (primary subtag) when valid, else ``"en"``;
    - ``country``: from the homepage's (else the feed's) country-code domain (``.hu`` -> ``HU``, ``.uk`` ->
      ``GB``; generic-use ones such as ``.io`` and ``.tv`` are ignored), else ``"INT"``;
    - ``owner``: the outlet name, so each imported outlet counts as its own independent source until an editor
      records the real owner;
    - ``lean`` and ``reliability``: ``unrated`` with no basis; ``paywall``: ``"none"``; ``kind``: ``"other"``.

    Outlines whose ``xmlUrl`` is not an http(s) URL are skipped and logged as warnings. A dangerous DOCTYPE is
    dropped with a warning and the rest parsed (:func:`_parse_xml_safely`). A document that is not well-formed XML,
    uses an entity whose DOCTYPE was dropped (billion laughs, XXE), is larger than :data:`MAX_OPML_BYTES` or whose
    root is not ``<opml>`` raises :class:`RegistryError` with entry ``"opml"``.
    """
    if len(data) > MAX_OPML_BYTES:
        raise RegistryError("opml", f"document is {len(data)} bytes, more than the {MAX_OPML_BYTES} allowed")
    try:
        root, dropped = _parse_xml_safely(data)
    except DefusedXmlException as exc:
        raise RegistryError("opml", f"refused: the document's DOCTYPE {_defused_reason(exc)}") from None
    except ET.ParseError as exc:
        line, column = exc.position
        what = expat.errors.messages.get(exc.code, str(exc))
        _, dropped = without_dangerous_doctype(data)
        if dropped and exc.code == _UNDEFINED_ENTITY:
            raise RegistryError(
                "opml",
                f"refused: its DOCTYPE was dropped ({dropped}) and the document uses one of the entities it "
                f"declared (line {line}, column {column}); entities are never expanded",
            ) from None
        raise RegistryError("opml", f"not well-formed XML ({what} at line {line}, column {column})") from None
    if dropped:
        log.warning(
            "registry: opml DOCTYPE dropped (%s); its entities are not expanded",
            dropped,
            extra={"stage": "registry"},
        )
    if root.tag != "opml":
        raise RegistryError("opml", f"root element is <{root.tag}>, not <opml>")
    body = root.find("body")
    if body is None:
        raise RegistryError("opml", "has no <body> element")

    groups: dict[tuple[str, str], dict[str, Any]] = {}
    order: list[dict[str, Any]] = []
    for number, element in enumerate(body.iter("outline"), start=1):
        attrs = _attrs(element)
        feed = attrs.get("xmlurl", "")
        if not feed:
            continue  # a folder
        feed_host = _normal_host(feed)
        label = attrs.get("text") or attrs.get("title") or feed
        if problem := _url_problem(feed, "xmlUrl"):
            log.warning(
                "registry: opml outline #%d (%s) skipped: %s",
                number,
                label,
                problem,
                extra={"stage": "registry", "url": feed},
            )
            continue
        name = " ".join((attrs.get("text") or attrs.get("title") or "").split())
        name = _CONTROL_RE.sub("", name) or feed_host or feed
        html = attrs.get("htmlurl", "")
        if not html or _url_problem(html, "htmlUrl"):
            parts = urlsplit(feed)
            html = f"{parts.scheme}://{parts.netloc}/"
        language = attrs.get("language", "").split("-")[0].split("_")[0].lower()
        if not _LANGUAGE_RE.fullmatch(language):
            language = "en"
        key = (name, html)
        group = groups.get(key)
        if group is None:
            group = {
                "name": name,
                "homepage": html,
                "feeds": [],
                "language": language,
                "country": _country_from_host(_normal_host(html)) or _country_from_host(feed_host) or INTERNATIONAL,
            }
            groups[key] = group
            order.append(group)
        if feed not in group["feeds"]:
            group["feeds"].append(feed)

    outlets: list[Outlet] = []
    used: set[str] = set()
    seen_feeds: set[str] = set()
    owners: dict[str, str] = {}  # names differing only in case or punctuation share one owner spelling
    for group in order:
        feeds = [f for f in group["feeds"] if f not in seen_feeds]
        if not feeds:
            log.warning(
                "registry: opml outlet %r skipped: its feeds are already listed under another name",
                group["name"],
                extra={"stage": "registry", "url": group["feeds"][0]},
            )
            continue
        seen_feeds.update(feeds)
        base = slugify(group["name"]) or slugify(_normal_host(group["homepage"]) or "") or "outlet"
        base = base[: MAX_ID_LEN - 6].strip("-")
        outlet_id, n = base, 1
        while outlet_id in used:
            n += 1
            outlet_id = f"{base}-{n}"
        used.add(outlet_id)
        outlets.append(
            Outlet(
                id=outlet_id,
                name=group["name"],
                homepage=group["homepage"],
                feeds=tuple(feeds),
                language=group["language"],
                country=group["country"],
                owner=owners.setdefault(_owner_key(group["name"]), group["name"]),
                lean=Rating(UNRATED),
                reliability=Rating(UNRATED),
                paywall="none",
                kind="other",
            )
        )
    # The result must itself be a valid registry (so dump_registry -> load_registry works).
    _raise_for(_problems(_as_data(outlets)))
    return outlets


def _as_data(outlets: Iterable[Outlet]) -> dict[str, Any]:
    """Outlets as the dict tomllib would return for their :func:`dump_registry` text."""
    entries = []
    for o in outlets:
        entry: dict[str, Any] = {
            "id": o.id,
            "name": o.name,
            "homepage": o.homepage,
            "feeds": list(o.feeds),
            "language": o.language,
            "country": o.country,
            "owner": o.owner,
            "lean": {"value": o.lean.value, **({"basis": o.lean.basis} if o.lean.basis is not None else {})},
            "reliability": {
                "value": o.reliability.value,
                **({"basis": o.reliability.basis} if o.reliability.basis is not None else {}),
            },
            "paywall": o.paywall,
            "kind": o.kind,
        }
        if o.hosts:
            entry["hosts"] = list(o.hosts)
        entries.append(entry)
    return {"outlet": entries}
