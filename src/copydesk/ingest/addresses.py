"""Which addresses copydesk may fetch from: one table, one decision.

The table is the IANA IPv4 and IPv6 Special-Purpose Address Registries (RFC 6890), every row with its
"Globally Reachable" value as IANA gives it, plus the blocks the special-purpose registries leave to the general
address-space registries (IPv4 multicast; IPv6 multicast and the space IANA keeps "Reserved by IETF" outside
2000::/3). Python's ``ipaddress.is_global`` is not used to decide: it is not a table and it changed between
Python versions (tests/ingest/test_addresses.py compares the two and lists where they differ).

Decision for one address (``check``), by the most specific row that contains it:

- no row: an ordinary unicast address, allowed;
- "Globally Reachable" False: refused, named by its row ("127.0.0.1 is Loopback");
- a row whose addresses carry an IPv4 address (NAT64 64:ff9b::/96, 6to4 2002::/16, Teredo 2001::/32): the
  carried IPv4 address is judged too, and refuses the IPv6 address when it is refused. The registry marks 6to4
  and Teredo "N/A": for them the carried addresses alone decide;
- "Globally Reachable" empty (a terminated row: 192.88.99.0/24, 2001:10::/28) and carrying nothing: refused.

IPv4-mapped addresses (::ffff:0:0/96) are refused by their own row (not globally reachable), whatever they carry.

``parse_literal`` reads an address as a URL or a resolver may spell it: the dotted quad and every form
``inet_aton`` takes (one to four parts, each decimal, octal with a leading 0 or hex with 0x: ``2130706433``,
``0x7f.1``, ``0177.0.0.1``, ``127.1``), a trailing dot, brackets, IPv6 with an embedded dotted quad, and zone ids
(``fe80::1%eth0``, ``%25`` in a URL), which are dropped before judging.
"""

from __future__ import annotations

import ipaddress
import re
from dataclasses import dataclass
from typing import Literal

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
IPNetwork = ipaddress.IPv4Network | ipaddress.IPv6Network

#: Where the table comes from, and the registries' own "Last Updated" dates at transcription.
REGISTRY_SOURCES = {
    "ipv4-special": (
        "https://www.iana.org/assignments/iana-ipv4-special-registry/iana-ipv4-special-registry-1.csv",
        "2025-10-09",
    ),
    "ipv6-special": (
        "https://www.iana.org/assignments/iana-ipv6-special-registry/iana-ipv6-special-registry-1.csv",
        "2025-10-09",
    ),
    "ipv4-space": ("https://www.iana.org/assignments/ipv4-address-space/ipv4-address-space.csv", "2025-10-10"),
    "ipv6-space": ("https://www.iana.org/assignments/ipv6-address-space/ipv6-address-space-1.csv", "2025-10-23"),
}
#: The day this table was last checked against the registries above.
TABLE_CHECKED = "2026-12-04"

Carries = Literal["nat64", "6to4", "teredo"]


@dataclass(frozen=True, slots=True)
class Entry:
    """One registry row."""

    network: IPNetwork
    name: str
    rfc: str
    #: IANA's "Globally Reachable": True, False, or None where the registry says N/A or leaves it empty.
    reachable: bool | None
    registry: str  # a key of REGISTRY_SOURCES
    carries: Carries | None = None  # the row's addresses embed an IPv4 address (judged too)


def _rows(
    registry: str, rows: tuple[tuple[str, str, str, bool | None], ...], carries: dict[str, Carries] | None = None
) -> tuple[Entry, ...]:
    carries = carries or {}
    return tuple(
        Entry(ipaddress.ip_network(net), name, rfc, reachable, registry, carries.get(net))
        for net, name, rfc, reachable in rows
    )


# (block, name, RFC, Globally Reachable) exactly as in the registry; a row listing two blocks
# ("192.0.0.170/32, 192.0.0.171/32") is two rows here.
IPV4_SPECIAL = _rows(
    "ipv4-special",
    (
        ("0.0.0.0/8", '"This network"', "RFC791, Section 3.2", False),
        ("0.0.0.0/32", '"This host on this network"', "RFC1122, Section 3.2.1.3", False),
        ("10.0.0.0/8", "Private-Use", "RFC1918", False),
        ("100.64.0.0/10", "Shared Address Space", "RFC6598", False),
        ("127.0.0.0/8", "Loopback", "RFC1122, Section 3.2.1.3", False),
        ("169.254.0.0/16", "Link Local", "RFC3927", False),
        ("172.16.0.0/12", "Private-Use", "RFC1918", False),
        ("192.0.0.0/24", "IETF Protocol Assignments", "RFC6890, Section 2.1", False),
        ("192.0.0.0/29", "IPv4 Service Continuity Prefix", "RFC7335", False),
        ("192.0.0.8/32", "IPv4 dummy address", "RFC7600", False),
        ("192.0.0.9/32", "Port Control Protocol Anycast", "RFC7723", True),
        ("192.0.0.10/32", "Traversal Using Relays around NAT Anycast", "RFC8155", True),
        ("192.0.0.170/32", "NAT64/DNS64 Discovery", "RFC8880, RFC7050 Section 2.2", False),
        ("192.0.0.171/32", "NAT64/DNS64 Discovery", "RFC8880, RFC7050 Section 2.2", False),
        ("192.0.2.0/24", "Documentation (TEST-NET-1)", "RFC5737", False),
        ("192.31.196.0/24", "AS112-v4", "RFC7535", True),
        ("192.52.193.0/24", "AMT", "RFC7450", True),
        ("192.88.99.0/24", "Deprecated (6to4 Relay Anycast)", "RFC7526", None),  # terminated 2015-03: empty
        ("192.88.99.2/32", "6a44-relay anycast address", "RFC6751", False),
        ("192.168.0.0/16", "Private-Use", "RFC1918", False),
        ("192.175.48.0/24", "Direct Delegation AS112 Service", "RFC7534", True),
        ("198.18.0.0/15", "Benchmarking", "RFC2544", False),
        ("198.51.100.0/24", "Documentation (TEST-NET-2)", "RFC5737", False),
        ("203.0.113.0/24", "Documentation (TEST-NET-3)", "RFC5737", False),
        ("240.0.0.0/4", "Reserved", "RFC1112, Section 4", False),
        ("255.255.255.255/32", "Limited Broadcast", "RFC8190, RFC919 Section 7", False),
    ),
)

IPV6_SPECIAL = _rows(
    "ipv6-special",
    (
        ("::1/128", "Loopback Address", "RFC4291", False),
        ("::/128", "Unspecified Address", "RFC4291", False),
        ("::ffff:0:0/96", "IPv4-mapped Address", "RFC4291", False),
        ("64:ff9b::/96", "IPv4-IPv6 Translat.", "RFC6052", True),
        ("64:ff9b:1::/48", "IPv4-IPv6 Translat.", "RFC8215", False),
        ("100::/64", "Discard-Only Address Block", "RFC6666", False),
        ("100:0:0:1::/64", "Dummy IPv6 Prefix", "RFC9780", False),
        ("2001::/23", "IETF Protocol Assignments", "RFC2928", False),
        ("2001::/32", "TEREDO", "RFC4380, RFC8190", None),  # N/A: see RFC4380 section 5
        ("2001:1::1/128", "Port Control Protocol Anycast", "RFC7723", True),
        ("2001:1::2/128", "Traversal Using Relays around NAT Anycast", "RFC8155", True),
        ("2001:1::3/128", "DNS-SD Service Registration Protocol Anycast", "RFC9665", True),
        ("2001:2::/48", "Benchmarking", "RFC5180, RFC Errata 1752", False),
        ("2001:3::/32", "AMT", "RFC7450", True),
        ("2001:4:112::/48", "AS112-v6", "RFC7535", True),
        ("2001:10::/28", "Deprecated (previously ORCHID)", "RFC4843", None),  # terminated 2014-03: empty
        ("2001:20::/28", "ORCHIDv2", "RFC7343", True),
        ("2001:30::/28", "Drone Remote ID Protocol Entity Tags (DETs) Prefix", "RFC9374", True),
        ("2001:db8::/32", "Documentation", "RFC3849", False),
        ("2002::/16", "6to4", "RFC3056", None),  # N/A: see RFC3056
        ("2620:4f:8000::/48", "Direct Delegation AS112 Service", "RFC7534", True),
        ("3fff::/20", "Documentation", "RFC9637", False),
        ("5f00::/16", "Segment Routing (SRv6) SIDs", "RFC9602", False),
        ("fc00::/7", "Unique-Local", "RFC4193, RFC8190", False),
        ("fe80::/10", "Link-Local Unicast", "RFC4291", False),
    ),
    carries={"64:ff9b::/96": "nat64", "2002::/16": "6to4", "2001::/32": "teredo"},
)

# Blocks the special-purpose registries do not list but the address-space registries keep out of global unicast:
# multicast (no TCP connection can be made to it) and IPv6 space outside 2000::/3 "Reserved by IETF" (this covers
# the deprecated IPv4-compatible ::a.b.c.d and the deprecated site-local fec0::/10).
ADDRESS_SPACE = _rows("ipv4-space", (("224.0.0.0/4", "Multicast", "RFC5771", False),)) + _rows(
    "ipv6-space",
    tuple(
        (net, "Reserved by IETF", "RFC4291", False)
        for net in (
            "::/8",
            "100::/8",
            "200::/7",
            "400::/6",
            "800::/5",
            "1000::/4",
            "4000::/3",
            "6000::/3",
            "8000::/3",
            "a000::/3",
            "c000::/3",
            "e000::/4",
            "f000::/5",
            "f800::/6",
            "fe00::/9",
            "fec0::/10",
        )
    )
    + (("ff00::/8", "Multicast", "RFC4291", False),),
)

TABLE: tuple[Entry, ...] = IPV4_SPECIAL + IPV6_SPECIAL + ADDRESS_SPACE

# Most specific first, so the first containing row is the longest match (special-purpose rows win a tie).
_BY_SPECIFICITY = sorted(TABLE, key=lambda e: (-e.network.prefixlen, e.registry.endswith("space")))
_NAT64 = ipaddress.ip_network("64:ff9b::/96")


@dataclass(frozen=True, slots=True)
class Verdict:
    """Whether one address may be fetched, and the registry row that decided."""

    address: IPAddress
    allowed: bool
    entry: Entry | None = None  # the most specific row containing the address
    carried: tuple[Verdict, ...] = ()  # verdicts on the IPv4 addresses it carries (NAT64, 6to4, Teredo)

    @property
    def reason(self) -> str:
        """``<address> is <registry entry>`` (refused), or why it is allowed."""
        if self.allowed:
            what = self.entry.name if self.entry else "not special-purpose"
            return f"{self.address} is allowed ({what})"
        bad = [c for c in self.carried if not c.allowed]
        if bad:
            name = self.entry.name if self.entry else "IPv6"
            return f"{self.address} is {name} carrying {bad[0].reason.replace(' is ', ', which is ', 1)}"
        if self.entry is None:  # not reached: a refusal without an entry is one of a carried address (above)
            return f"{self.address} is refused"
        if self.entry.reachable is None:
            return f"{self.address} is {self.entry.name} (no longer globally reachable)"
        return f"{self.address} is {self.entry.name}"


def lookup(address: IPAddress) -> Entry | None:
    """The most specific table row containing ``address``; None for ordinary unicast."""
    for entry in _BY_SPECIFICITY:
        if entry.network.version == address.version and address in entry.network:
            return entry
    return None


def carried_ipv4(address: ipaddress.IPv6Address, carries: Carries) -> tuple[ipaddress.IPv4Address, ...]:
    """The IPv4 addresses an IPv6 address of a NAT64, 6to4 or Teredo row carries."""
    if carries == "nat64":
        return (ipaddress.IPv4Address(int(address) & 0xFFFFFFFF),)
    if carries == "6to4":
        return (ipaddress.IPv4Address((int(address) >> 80) & 0xFFFFFFFF),)
    server, client = address.teredo or (None, None)
    return tuple(a for a in (server, client) if a is not None)


def check(address: IPAddress | str) -> Verdict:
    """The verdict on one address (any form ``parse_literal`` reads; unreadable text raises ValueError)."""
    if isinstance(address, str):
        parsed = parse_literal(address)
        if parsed is None:
            raise ValueError(f"not an IP address: {address!r}")
        address = parsed
    entry = lookup(address)
    if entry is None:
        return Verdict(address, True)
    if entry.reachable is False:
        return Verdict(address, False, entry)
    carried: tuple[Verdict, ...] = ()
    if entry.carries and isinstance(address, ipaddress.IPv6Address):
        carried = tuple(check(v4) for v4 in carried_ipv4(address, entry.carries))
        return Verdict(address, bool(carried) and all(c.allowed for c in carried), entry, carried)
    return Verdict(address, entry.reachable is True, entry)


def is_forbidden_address(address: str) -> bool:
    """True when ``address`` must not be fetched from (unreadable text included)."""
    try:
        return not check(address).allowed
    except ValueError:
        return True


# ------------------------------------------------------------------------------------------------------------
# Literal forms
# ------------------------------------------------------------------------------------------------------------

_V4_PART = re.compile(r"0[xX][0-9a-fA-F]+|0[0-7]*|[1-9][0-9]*")


def parse_ipv4(text: str) -> ipaddress.IPv4Address | None:
    """An IPv4 address in any form ``inet_aton`` accepts (1-4 parts; decimal, 0-octal, 0x-hex), one trailing dot
    allowed as in URLs; None when ``text`` is not one (overflowing parts included, as in WHATWG URL and glibc)."""
    if text.endswith("."):
        text = text[:-1]
    parts = text.split(".")
    if not 1 <= len(parts) <= 4:
        return None
    values = []
    for part in parts:
        if not _V4_PART.fullmatch(part):
            return None
        if part[:2] in ("0x", "0X"):
            values.append(int(part[2:], 16))
        elif part.startswith("0"):
            values.append(int(part, 8))
        else:
            values.append(int(part))
    *head, last = values
    if any(v > 255 for v in head) or last >= 256 ** (5 - len(values)):
        return None
    number = last
    for i, v in enumerate(head):
        number |= v << (8 * (3 - i))
    return ipaddress.IPv4Address(number)


def parse_literal(host: str) -> IPAddress | None:
    """The address a URL host or a resolver answer spells, or None for a name. Brackets, zone ids and a trailing
    dot are dropped; IPv6 forms with an embedded dotted quad are read by ``ipaddress``."""
    text = host.strip()
    if text.startswith("[") and text.endswith("]"):
        text = text[1:-1]
    if ":" in text:
        text = re.split(r"%(?:25)?", text, maxsplit=1)[0]  # zone id: "fe80::1%eth0", "fe80::1%25eth0" in a URL
        try:
            return ipaddress.IPv6Address(text)
        except ValueError:
            return None
    return parse_ipv4(text)
