"""Canonical article URLs: one spelling per article, so the same link seen in two feeds is one article.

``canonical_url`` applies these steps, in this order:

1. Parse. Only absolute ``http``/``https`` URLs with a host are accepted; anything else (empty, relative,
   ``mailto:``, ``javascript:``, a bad port, an IPv6 literal that does not parse) raises ``ValueError``
   whose message starts with ``"dedup: "``. It never returns garbage: the caller (ingest) decides what
   to do with an article whose URL could not be canonicalised (keep the raw URL, flag it).
2. AMP cache URLs (``https://www-example-com.cdn.ampproject.org/c/s/www.example.com/a``) are unwrapped to
   the publisher URL they cache.
3. Scheme and host are lowercased; an internationalised host is written in IDNA (punycode); a trailing
   dot on the host is dropped; user info (``user:pass@``) is dropped; the default port (80 for http,
   443 for https) is dropped, other ports kept.
4. Host prefixes ``www.`` and ``amp.`` are removed. Decision: ``www.`` is dropped because no news outlet
   serves different articles on ``example.com`` and ``www.example.com`` and feeds mix the two; mobile
   hosts (``m.``) are kept, because a few outlets run different sites there. The scheme is kept
   (http and https stay different strings): ingest stores the final URL after redirects, which is
   almost always https already.
5. Path: percent-encoding normalised (escapes of unreserved characters decoded, other escapes
   upper-cased, characters that must be escaped are escaped, ``%2F`` stays escaped), duplicate slashes
   collapsed, dot segments (``.``/``..``) resolved, AMP path forms removed (any path segment that is
   exactly ``amp``: ``/story/amp``, ``/amp/story``, BBC's ``/news/amp/world-1``; ``.amp`` before the
   extension: ``index.amp.html``), trailing slash removed except for the root ``/``.
6. Query: tracking parameters (``TRACKING_PARAMS``, any ``utm_*`` and AMP switches such as
   ``outputType=amp``) removed; the rest sorted by name then value and re-encoded the same way every
   time. Parameters without a value keep their bare name form (``?print`` stays ``?print``).
7. Fragment removed.

The result is idempotent: ``canonical_url(canonical_url(u)) == canonical_url(u)``.
"""

from __future__ import annotations

import re
from urllib.parse import quote, unquote, urlsplit, urlunsplit

__all__ = ["TRACKING_PARAMS", "TRACKING_PREFIXES", "canonical_url"]

#: Query parameters that only say where a click came from; they never select different content.
#: Compared case-insensitively.
TRACKING_PARAMS: frozenset[str] = frozenset(
    {
        # Google / generic campaign tags (utm_* are matched by prefix, below)
        "gclid",
        "gclsrc",
        "dclid",
        "gbraid",
        "wbraid",
        "_ga",
        "_gl",
        "_gac",
        # Facebook, Instagram, Twitter/X, LinkedIn, TikTok, Microsoft, Yandex
        "fbclid",
        "igshid",
        "igsh",
        "twclid",
        "li_fat_id",
        "ttclid",
        "msclkid",
        "yclid",
        "ysclid",
        # Mailchimp, HubSpot, Marketo, Vero, other newsletter tools
        "mc_cid",
        "mc_eid",
        "_hsenc",
        "_hsmi",
        "__hstc",
        "__hssc",
        "__hsfp",
        "hsctatracking",
        "mkt_tok",
        "vero_id",
        "vero_conv",
        "oly_anon_id",
        "oly_enc_id",
        "rb_clickid",
        "s_cid",
        "ss_source",
        # Referral and campaign markers used by news sites and aggregators
        "ref",
        "ref_src",
        "ref_url",
        "referrer",
        "cmpid",
        "cmp",
        "ocid",
        "icid",
        "intcmp",
        "int_cmp",
        "smid",
        "smtyp",
        "sr_share",
        "spm",
        "scm",
        "xtor",
        "wt_mc",
        "wt.mc_id",
        "ncid",
        "soc_src",
        "soc_trk",
        "trk",
        "trkcampaign",
        "mbid",
        "guccounter",
        "guce_referrer",
        "guce_referrer_sig",
        "__twitter_impression",
        "fb_ref",
        "fb_source",
        "campaign_id",
        "ito",
        "tpcc",
        "traffic_source",
        "utm",
        # at_medium, at_campaign and the other AT Internet (BBC) tags are matched by prefix, below.
        # Deliberately absent: "source", "src", "cid", "id", "mod", "share", "feature": some sites use
        # them to select content.
    }
)
#: Query parameter name prefixes that are always tracking (compared case-insensitively).
TRACKING_PREFIXES: tuple[str, ...] = ("utm_", "at_", "pk_", "mtm_", "matomo_", "piwik_", "hmb_", "oly_")
#: ``name=value`` pairs (lowercased) that only switch an article to its AMP rendering.
AMP_QUERY_PAIRS: frozenset[tuple[str, str]] = frozenset(
    {
        ("outputtype", "amp"),
        ("amp", "1"),
        ("amp", "true"),
        ("amp", ""),
        ("_amp", "true"),
        ("output", "amp"),
        ("view", "amp"),
        ("format", "amp"),
    }
)
#: Host prefixes dropped from the host name (see the module docstring for why ``m.`` is not).
DROPPED_HOST_PREFIXES: tuple[str, ...] = ("www.", "amp.")

_DEFAULT_PORTS = {"http": 80, "https": 443}
# RFC 3986 unreserved characters: their escapes are decoded.
_UNRESERVED = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~")
# Characters left as they are in a path (unreserved, sub-delims, ':', '@', '/' and '%' of escapes).
_PATH_SAFE = "-._~!$&'()*+,;=:@/%"
# Characters left as they are in query names and values ('&', '=', '+' and '#' are escaped).
_QUERY_SAFE = "-._~!$'()*,;:@/?"
_PCT_RE = re.compile(r"%([0-9A-Fa-f]{2})")
_BAD_PCT_RE = re.compile(r"%(?![0-9A-Fa-f]{2})")
_AMP_CACHE_RE = re.compile(r"^[a-z0-9-]+\.cdn\.ampproject\.org$")
# '/c/s/host/path' (https) or '/c/host/path' (http); '/v/' (viewer) and '/i/' (images) forms too.
_AMP_CACHE_PATH_RE = re.compile(r"^/[cvi]/(?P<secure>s/)?(?P<rest>[^/].*)$")
_AMP_SUFFIX_RE = re.compile(r"\.amp(?=\.[a-z0-9]{2,5}$)", re.IGNORECASE)  # /story.amp.html -> /story.html


def _error(url: str, why: str) -> ValueError:
    shown = url if len(url) <= 200 else url[:200] + "..."
    return ValueError(f"dedup: cannot canonicalise URL {shown!r}: {why}")


def _normalise_escapes(part: str, safe: str) -> str:
    """Decode escapes of unreserved characters, upper-case the rest, escape what must be escaped."""

    def fix(m: re.Match[str]) -> str:
        ch = chr(int(m.group(1), 16))
        return ch if ch in _UNRESERVED else "%" + m.group(1).upper()

    part = _BAD_PCT_RE.sub("%25", part)  # a lone '%' is a literal percent sign
    part = _PCT_RE.sub(fix, part)
    # Anything still outside the safe set (spaces, non-ASCII, quotes) is UTF-8 escaped.
    return quote(part, safe=safe)


def _remove_dot_segments(path: str) -> str:
    out: list[str] = []
    segments = path.split("/")
    for i, seg in enumerate(segments):
        last = i == len(segments) - 1
        if seg == ".":
            if last:
                out.append("")
            continue
        if seg == "..":
            if len(out) > 1:
                out.pop()
            if last:
                out.append("")
            continue
        out.append(seg)
    result = "/".join(out)
    return result if result.startswith("/") else "/" + result


def _normalise_path(path: str) -> str:
    path = re.sub(r"/{2,}", "/", path or "/")
    path = _normalise_escapes(path, _PATH_SAFE)
    path = _remove_dot_segments(path)
    # AMP path forms: any segment that is exactly "amp" (/amp/story, /news/amp/story, /story/amp),
    # and story.amp.html
    path = "/".join(seg for seg in path.split("/") if seg.lower() != "amp") or "/"
    path = _AMP_SUFFIX_RE.sub("", path)
    if len(path) > 1 and path.endswith("/"):
        path = path.rstrip("/") or "/"
    return path


def _is_tracking(name: str, value: str) -> bool:
    low = name.lower()
    if low in TRACKING_PARAMS or low.startswith(TRACKING_PREFIXES):
        return True
    return (low, value.lower()) in AMP_QUERY_PAIRS


def _normalise_query(query: str) -> str:
    pairs: list[tuple[str, str | None]] = []
    for item in query.split("&"):
        if not item:
            continue
        name, eq, value = item.partition("=")
        name = unquote(name.replace("+", " "))
        value = unquote(value.replace("+", " "))
        if not name or _is_tracking(name, value):
            continue
        pairs.append((name, value if eq else None))
    pairs.sort(key=lambda p: (p[0], p[1] or ""))
    out = []
    for name, value in pairs:
        enc = quote(name, safe=_QUERY_SAFE)
        out.append(enc if value is None else enc + "=" + quote(value, safe=_QUERY_SAFE))
    return "&".join(out)


def _normalise_host(host: str, url: str) -> str:
    host = host.lower().rstrip(".")
    if not host:
        raise _error(url, "no host")
    if not host.isascii():
        try:
            host = host.encode("idna").decode("ascii")
        except UnicodeError as exc:
            raise _error(url, f"bad host ({exc})") from None
    if not re.fullmatch(r"[a-z0-9._~!$&'()*+,;=%-]+|[0-9a-f:.]+", host):
        raise _error(url, "bad host")
    stripped = True
    while stripped:  # "www.amp.example.com" and "www.www.example.com" too, or the result would not be idempotent
        stripped = False
        for prefix in DROPPED_HOST_PREFIXES:
            if host.startswith(prefix) and host.count(".") >= 2:
                host, stripped = host[len(prefix) :], True
    return host


def canonical_url(url: str) -> str:
    """Return the canonical form of an article URL (see the module docstring); ``ValueError`` if it has none."""
    if not isinstance(url, str):
        raise _error(repr(url), "not a string")
    raw = url.strip()
    if any(ord(c) < 0x20 or c == "\x7f" for c in raw):
        raw = re.sub(r"[\x00-\x1f\x7f]", "", raw)  # browsers drop tabs/newlines pasted into URLs
    for _ in range(3):  # AMP cache URLs nest at most once in practice; bounded to stay total
        try:
            parts = urlsplit(raw)
            port = parts.port
        except ValueError as exc:
            raise _error(url, str(exc)) from None
        scheme = parts.scheme.lower()
        if scheme not in _DEFAULT_PORTS:
            raise _error(url, "not an http(s) URL")
        host = parts.hostname or ""
        if _AMP_CACHE_RE.match(host):
            m = _AMP_CACHE_PATH_RE.match(parts.path)
            if m:
                raw = ("https://" if m.group("secure") else "http://") + m.group("rest")
                if parts.query:
                    raw += "?" + parts.query
                continue
        break
    else:
        raise _error(url, "nested AMP cache URLs")

    host = _normalise_host(host, url)
    if ":" in host and not host.startswith("["):
        host = f"[{host}]"
    netloc = host if port in (None, _DEFAULT_PORTS[scheme]) else f"{host}:{port}"
    path = _normalise_path(parts.path)
    query = _normalise_query(parts.query)
    return urlunsplit((scheme, netloc, path, query, ""))
