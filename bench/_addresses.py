"""The bench's own reading of the IANA special-purpose address registries, independent of the product's guard.

Used by bench/hostile.py to decide whether an address the fetcher connected to was one IANA marks as not globally
reachable (``ssrf_accepted``). Kept apart from ``copydesk`` on purpose: a bench that asked the guard whether the
guard was right would measure nothing.

Sources (read 2026-12-04; the registries' own "last updated" dates are given):
- IPv4 Special-Purpose Address Registry, https://www.iana.org/assignments/iana-ipv4-special-registry/
  (last updated 2025-01-30)
- IPv6 Special-Purpose Address Registry, https://www.iana.org/assignments/iana-ipv6-special-registry/
  (last updated 2025-01-30)
Entries whose "Globally Reachable" is N/A (6to4 relay anycast, Teredo, 6to4) are judged by the IPv4 address they carry.
Multicast (224.0.0.0/4, ff00::/8) and the IETF-reserved ::/8 (IPv4-compatible addresses) are outside those two
registries but never a fetchable unicast peer; they are counted too, under their own label.
"""

from __future__ import annotations

import ipaddress

#: (network, globally reachable, registry name). Longest prefix wins, so the /32 "True" exceptions inside
#: 192.0.0.0/24 and 2001::/23 override their covering "False" block.
EXTRA_PREFIX = "outside the special-purpose registries: "
SPECIAL = [
    ("0.0.0.0/8", False, "this network (RFC 791)"),
    ("10.0.0.0/8", False, "private-use (RFC 1918)"),
    ("100.64.0.0/10", False, "shared address space (RFC 6598)"),
    ("127.0.0.0/8", False, "loopback (RFC 1122)"),
    ("169.254.0.0/16", False, "link local (RFC 3927)"),
    ("172.16.0.0/12", False, "private-use (RFC 1918)"),
    ("192.0.0.0/24", False, "IETF protocol assignments (RFC 6890)"),
    ("192.0.0.0/29", False, "IPv4 service continuity prefix (RFC 7335)"),
    ("192.0.0.8/32", False, "IPv4 dummy address (RFC 7600)"),
    ("192.0.0.9/32", True, "port control protocol anycast (RFC 7723)"),
    ("192.0.0.10/32", True, "traversal using relays around NAT anycast (RFC 8155)"),
    ("192.0.0.170/32", False, "NAT64/DNS64 discovery (RFC 8880)"),
    ("192.0.0.171/32", False, "NAT64/DNS64 discovery (RFC 8880)"),
    ("192.0.2.0/24", False, "documentation TEST-NET-1 (RFC 5737)"),
    ("192.31.196.0/24", True, "AS112-v4 (RFC 7535)"),
    ("192.52.193.0/24", True, "AMT (RFC 7450)"),
    ("192.168.0.0/16", False, "private-use (RFC 1918)"),
    ("192.175.48.0/24", True, "direct delegation AS112 service (RFC 7534)"),
    ("198.18.0.0/15", False, "benchmarking (RFC 2544)"),
    ("198.51.100.0/24", False, "documentation TEST-NET-2 (RFC 5737)"),
    ("203.0.113.0/24", False, "documentation TEST-NET-3 (RFC 5737)"),
    ("240.0.0.0/4", False, "reserved (RFC 1112)"),
    ("255.255.255.255/32", False, "limited broadcast (RFC 919)"),
    ("::1/128", False, "loopback address (RFC 4291)"),
    ("::/128", False, "unspecified address (RFC 4291)"),
    ("::ffff:0:0/96", False, "IPv4-mapped address (RFC 4291)"),
    ("64:ff9b:1::/48", False, "IPv4-IPv6 translation, local use (RFC 8215)"),
    ("100::/64", False, "discard-only address block (RFC 6666)"),
    ("100:0:0:1::/64", False, "dummy IPv6 prefix (RFC 9780)"),
    ("2001::/23", False, "IETF protocol assignments (RFC 2928)"),
    ("2001:1::1/128", True, "port control protocol anycast (RFC 7723)"),
    ("2001:1::2/128", True, "traversal using relays around NAT anycast (RFC 8155)"),
    ("2001:1::3/128", True, "DNS-SD service registration protocol anycast (RFC 9665)"),
    ("2001:2::/48", False, "benchmarking (RFC 5180)"),
    ("2001:3::/32", True, "AMT (RFC 7450)"),
    ("2001:4:112::/48", True, "AS112-v6 (RFC 7535)"),
    ("2001:10::/28", False, "deprecated ORCHID (RFC 4843)"),
    ("2001:20::/28", True, "ORCHIDv2 (RFC 7343)"),
    ("2001:30::/28", True, "drone remote ID protocol entity tags (RFC 9374)"),
    ("2001:db8::/32", False, "documentation (RFC 3849)"),
    ("2620:4f:8000::/48", True, "direct delegation AS112 service (RFC 7534)"),
    ("3fff::/20", False, "documentation (RFC 9637)"),
    ("5f00::/16", False, "segment routing SIDs (RFC 9602)"),
    ("fc00::/7", False, "unique-local (RFC 4193)"),
    ("fe80::/10", False, "link-local unicast (RFC 4291)"),
    # Outside the two registries (see EXTRA_PREFIX), never a unicast peer:
    ("224.0.0.0/4", False, EXTRA_PREFIX + "multicast (RFC 5771)"),
    ("ff00::/8", False, EXTRA_PREFIX + "multicast (RFC 4291)"),
    ("::/8", False, EXTRA_PREFIX + "reserved by IETF (IANA IPv6 address space)"),
]
_TABLE = sorted(
    ((ipaddress.ip_network(n), g, name) for n, g, name in SPECIAL), key=lambda row: row[0].prefixlen, reverse=True
)
_NAT64 = ipaddress.ip_network("64:ff9b::/96")
_SIXTOFOUR = ipaddress.ip_network("2002::/16")
_TEREDO = ipaddress.ip_network("2001::/32")
_COMPAT = ipaddress.ip_network("::/96")  # deprecated IPv4-compatible addresses (RFC 4291 2.5.5.1)


def not_global(address: str) -> str | None:
    """The registry entry that makes ``address`` not globally reachable, or None when it is reachable.

    An address that does not parse is reported as such (a connection to it should not have happened). Entries
    outside the two registries start with ``EXTRA_PREFIX``."""
    try:
        ip = ipaddress.ip_address(address.split("%", 1)[0].strip("[]"))
    except ValueError:
        return f"not an address: {address!r}"
    embedded: ipaddress.IPv4Address | None = None
    if isinstance(ip, ipaddress.IPv6Address):
        if ip in _COMPAT and int(ip) > 1:
            embedded = ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF)
        elif ip in _NAT64 or ip in _SIXTOFOUR or ip in _TEREDO or ip.ipv4_mapped:
            embedded = (
                ip.ipv4_mapped
                or ip.sixtofour
                or (ip.teredo[1] if ip.teredo else None)
                or ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF)
            )
    if embedded is not None:
        inner = not_global(str(embedded))
        if inner:
            return f"carries {embedded}: {inner}"
    for net, reachable, name in _TABLE:
        if ip.version == net.version and ip in net:
            return None if reachable else f"{net} {name}"
    return None
