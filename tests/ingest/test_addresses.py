"""The address policy (copydesk.ingest.addresses): its table, its literal forms, and the hostile SSRF corpus."""

from __future__ import annotations

import ipaddress
import json
import socket
from urllib.parse import urlsplit

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from copydesk.ingest.addresses import (
    IPV4_SPECIAL,
    IPV6_SPECIAL,
    REGISTRY_SOURCES,
    TABLE,
    check,
    is_forbidden_address,
    lookup,
    parse_ipv4,
    parse_literal,
)

PROPERTY = settings(max_examples=200, deadline=None, database=None, suppress_health_check=[HealthCheck.too_slow])

# ------------------------------------------------------------------------------------------------------------
# The table
# ------------------------------------------------------------------------------------------------------------


def test_table_is_the_registries_row_for_row():
    # 25 IPv4 records (one lists two /32s, here two rows) and 25 IPv6 records, as IANA published them 2025-10-09.
    assert len(IPV4_SPECIAL) == 26 and len(IPV6_SPECIAL) == 25
    assert all(e.registry in REGISTRY_SOURCES for e in TABLE)
    nets = [(e.registry, e.network) for e in TABLE]
    assert len(nets) == len(set(nets)), "a block listed twice in one registry"
    not_reachable = {str(e.network) for e in IPV4_SPECIAL if e.reachable is False}
    assert {
        "100.64.0.0/10",
        "198.18.0.0/15",
        "240.0.0.0/4",
        "255.255.255.255/32",
        "192.0.0.0/24",
        "192.0.0.8/32",
        "192.0.0.170/32",
        "192.0.0.171/32",
        "192.88.99.2/32",
    } <= not_reachable
    assert {str(e.network) for e in IPV4_SPECIAL if e.reachable} == {
        "192.0.0.9/32",
        "192.0.0.10/32",
        "192.31.196.0/24",
        "192.52.193.0/24",
        "192.175.48.0/24",
    }


@pytest.mark.parametrize(
    "address,name",
    [
        ("192.0.0.192", "IETF Protocol Assignments"),  # Oracle Cloud metadata (issue 17)
        ("192.0.0.8", "IPv4 dummy address"),
        ("192.0.0.11", "IETF Protocol Assignments"),
        ("192.0.0.170", "NAT64/DNS64 Discovery"),
        ("192.0.0.171", "NAT64/DNS64 Discovery"),
        ("192.0.0.254", "IETF Protocol Assignments"),
        ("192.0.0.255", "IETF Protocol Assignments"),
        ("192.0.0.1", "IPv4 Service Continuity Prefix"),
        ("100.100.100.200", "Shared Address Space"),  # Alibaba Cloud metadata
        ("169.254.169.254", "Link Local"),
        ("198.19.255.255", "Benchmarking"),
        ("240.0.0.1", "Reserved"),
        ("255.255.255.255", "Limited Broadcast"),
        ("0.0.0.0", '"This host on this network"'),
        ("0.1.2.3", '"This network"'),
        ("192.88.99.1", "Deprecated (6to4 Relay Anycast)"),
        ("192.88.99.2", "6a44-relay anycast address"),
        ("224.0.0.251", "Multicast"),
        ("::1", "Loopback Address"),
        ("::", "Unspecified Address"),
        ("::ffff:8.8.8.8", "IPv4-mapped Address"),
        ("::ffff:127.0.0.1", "IPv4-mapped Address"),
        ("64:ff9b:1::808:808", "IPv4-IPv6 Translat."),
        ("fd00:ec2::254", "Unique-Local"),
        ("fe80::1%eth0", "Link-Local Unicast"),
        ("fe80::1%25en0", "Link-Local Unicast"),
        ("2001:db8::1", "Documentation"),
        ("3fff::1", "Documentation"),
        ("5f00::1", "Segment Routing (SRv6) SIDs"),
        ("100::1", "Discard-Only Address Block"),
        ("100:0:0:1::1", "Dummy IPv6 Prefix"),
        ("2001:2::1", "Benchmarking"),
        ("2001:10::1", "Deprecated (previously ORCHID)"),
        ("::127.0.0.1", "Reserved by IETF"),
        ("fec0::1", "Reserved by IETF"),
        ("ff02::1", "Multicast"),
    ],
)
def test_refused_by_their_registry_row(address, name):
    verdict = check(address)
    assert not verdict.allowed and verdict.entry is not None and verdict.entry.name == name
    assert verdict.reason.startswith(f"{verdict.address} is {name}")


@pytest.mark.parametrize(
    "address,carried",
    [
        ("64:ff9b::127.0.0.1", "127.0.0.1, which is Loopback"),
        ("64:ff9b::a9fe:a9fe", "169.254.169.254, which is Link Local"),
        ("2002:c0a8:101::1", "192.168.1.1, which is Private-Use"),
        ("2002:7f00:1::", "127.0.0.1, which is Loopback"),
        # Teredo: server 65.54.227.120, client 127.0.0.1 (stored inverted: 0x80ff fffe)
        ("2001:0:4136:e378:8000:63bf:80ff:fffe", "127.0.0.1, which is Loopback"),
    ],
)
def test_ipv6_forms_carrying_a_refused_ipv4_are_refused(address, carried):
    verdict = check(address)
    assert not verdict.allowed and verdict.reason.endswith(f"carrying {carried}"), verdict.reason


@pytest.mark.parametrize(
    "address",
    [
        "8.8.8.8",
        "1.1.1.1",
        "2606:4700:4700::1111",
        "64:ff9b::808:808",
        "2002:808:808::1",
        "192.0.0.9",
        "192.0.0.10",
        "192.31.196.1",
        "2001:20::1",
        "2001:4:112::1",
        "2620:4f:8000::1",
        "2001:0:4136:e378:8000:63bf:f7f7:f7f7",  # Teredo, client 8.8.8.8
    ],
)
def test_globally_reachable_addresses_are_allowed(address):
    assert check(address).allowed, check(address).reason


# ------------------------------------------------------------------------------------------------------------
# Literal forms
# ------------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text,address",
    [
        ("2130706433", "127.0.0.1"),
        ("0x7f000001", "127.0.0.1"),
        ("0X7F000001", "127.0.0.1"),
        ("0177.0.0.1", "127.0.0.1"),
        ("0177.0000.0000.0001", "127.0.0.1"),
        ("0x7f.1", "127.0.0.1"),
        ("127.1", "127.0.0.1"),
        ("127.0.1", "127.0.0.1"),
        ("0", "0.0.0.0"),
        ("00", "0.0.0.0"),
        ("127.0.0.1.", "127.0.0.1"),
        ("3232235521", "192.168.0.1"),
        ("0xA9.0xFE.0xA9.0xFE", "169.254.169.254"),
        ("0251.00376.000251.0000376", "169.254.169.254"),
        ("0251.254.169.254", "169.254.169.254"),
        ("2852039166", "169.254.169.254"),
        ("10.0.0.001", "10.0.0.1"),
        ("[::ffff:127.0.0.1]", "::ffff:7f00:1"),
        ("[0:0:0:0:0:ffff:169.254.169.254]", "::ffff:a9fe:a9fe"),
        ("[0000::1]", "::1"),
        ("fe80::1%25eth0", "fe80::1"),
        ("[fe80::1%eth0]", "fe80::1"),
    ],
)
def test_literal_forms_are_read(text, address):
    assert parse_literal(text) == ipaddress.ip_address(address)


@pytest.mark.parametrize(
    "text",
    [
        "425.510.425.510",
        "7147006462",
        "0x41414141A9FEA9FE",
        "o177.0.0.1",
        "0o177.0.0.1",
        "q177.0.0.1",
        "1.2.3.4 junk",
        "1.2.3.4.5",
        "08.0.0.1",
        "",
        ".",
        "127..1",
        "example.com",
        "localhost",
        "::ffff:0177.0.0.1",
        "256.0.0.0",
        "1.2.65536",
        "0x",
        "0x.1",
    ],
)
def test_names_and_broken_forms_are_not_literals(text):
    assert parse_literal(text) is None
    assert is_forbidden_address(text)  # nothing unreadable is ever "allowed"


@PROPERTY
@given(st.text(alphabet="0123456789abcdefxABCDEFX.", min_size=1, max_size=24))
def test_ipv4_parser_agrees_with_inet_aton(text):
    """Where glibc's inet_aton (what a resolver uses for numeric hosts) reads a number, we read the same one, and
    the other way round (a trailing dot, which URLs allow and inet_aton does not, is left out)."""
    if text.endswith("."):
        return
    try:
        theirs = ipaddress.IPv4Address(socket.inet_aton(text))
    except OSError:
        theirs = None
    assert parse_ipv4(text) == theirs


@PROPERTY
@given(st.integers(0, 2**32 - 1), st.data())
def test_every_spelling_of_an_ipv4_address_gets_one_verdict(number, data):
    ip = ipaddress.IPv4Address(number)
    a, b, c, d = ip.packed
    spellings = [
        str(number),
        hex(number),
        f"0{number:o}",
        f"{a}.{(b << 16) | (c << 8) | d}",
        f"{a}.{b}.{(c << 8) | d}",
        f"{hex(a)}.{oct(b).replace('o', '')}.{c}.{d}",
        f"{ip}.",
    ]
    verdict = check(ip)
    for text in spellings:
        assert parse_literal(text) == ip, text
        assert check(text).allowed == verdict.allowed, text
    # IPv6 forms carrying it: mapped is always refused (its own row); NAT64 and 6to4 follow the IPv4 verdict.
    assert not check(f"::ffff:{ip}").allowed
    assert check(f"64:ff9b::{ip}").allowed == verdict.allowed
    suffix = data.draw(st.integers(0, 2**80 - 1))
    sixtofour = ipaddress.IPv6Address((0x2002 << 112) | (number << 80) | suffix)
    assert check(sixtofour).allowed == verdict.allowed


# ------------------------------------------------------------------------------------------------------------
# Property tests over the table
# ------------------------------------------------------------------------------------------------------------


def _inside(entry, offset: int):
    net = entry.network
    return net.network_address + (offset % net.num_addresses)


@PROPERTY
@given(st.sampled_from(TABLE), st.integers(min_value=0), st.sampled_from(["first", "last", "any"]))
def test_every_row_decides_its_addresses(entry, offset, where):
    net = entry.network
    offset = {"first": 0, "last": net.num_addresses - 1}.get(where, offset)
    address = _inside(entry, offset)
    row = lookup(address)
    # The deciding row is this one or a more specific row inside it.
    assert row is not None and row.network.subnet_of(net)  # type: ignore[arg-type]
    verdict = check(address)
    if row is entry and entry.reachable is False:
        assert not verdict.allowed and verdict.reason == f"{address} is {entry.name}"
    if row is entry and entry.reachable is None and entry.carries is None:
        assert not verdict.allowed
    if row is entry and entry.reachable is True and entry.carries is None:
        assert verdict.allowed
    if verdict.allowed:
        assert row.reachable is not False


@PROPERTY
@given(st.sampled_from(TABLE))
def test_just_outside_a_refusing_row_the_row_no_longer_decides(entry):
    net = entry.network
    for outside in (int(net.network_address) - 1, int(net.broadcast_address) + 1):
        if not 0 <= outside < 2**net.max_prefixlen:
            continue
        address = ipaddress.IPv4Address(outside) if net.version == 4 else ipaddress.IPv6Address(outside)
        row = lookup(address)
        assert row is not entry
        if row is None:
            assert check(address).allowed


# Where the registry table and Python's ipaddress.is_global (which changed in 3.11.10/3.12.4/3.13) disagree:
# every such address must lie in one of these blocks. Each line says who is right and why.
KNOWN_DIFFERENCES = [
    ipaddress.ip_network(n)
    for n in (
        "192.0.0.0/24",  # older Pythons call 192.0.0.8-.169, .172-.255 global; IANA: not globally reachable
        "192.88.99.0/24",  # terminated 6to4 relay anycast: Python global, we refuse
        "224.0.0.0/4",
        "ff00::/8",  # multicast: Python global, we refuse (no TCP peer)
        "2001::/23",  # Python < 3.13 calls all of it private; IANA lists global rows inside (AMT, ORCHIDv2, ...)
        "64:ff9b::/96",
        "2002::/16",  # Python does not look at the carried IPv4 address
        "64:ff9b:1::/48",
        "100:0:0:1::/64",
        "3fff::/20",
        "5f00::/16",  # rows newer than older Pythons' tables
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
        "fec0::/10",  # Reserved by IETF
        "::ffff:0:0/96",  # newer Pythons judge the mapped IPv4 address; IANA: not globally reachable
    )
]


def _addresses():
    rows = st.builds(_inside, st.sampled_from(TABLE), st.integers(min_value=0))
    return st.one_of(
        rows,
        st.integers(0, 2**32 - 1).map(ipaddress.IPv4Address),
        st.integers(0, 2**128 - 1).map(ipaddress.IPv6Address),
    )


@PROPERTY
@given(_addresses())
def test_table_against_python_is_global(address):
    if check(address).allowed != address.is_global:
        assert any(address in n for n in KNOWN_DIFFERENCES if n.version == address.version), (
            address,
            check(address).reason,
            address.is_global,
        )


# ------------------------------------------------------------------------------------------------------------
# The hostile SSRF corpus (../shared/data/hostile/ssrf, MIT-licensed lists; skipped visibly when absent)
# ------------------------------------------------------------------------------------------------------------

# Where private-ip 3.0.2's labels and the IANA table differ: the table is the truth.
#   labelled "public", refused by us: multicast, IETF-reserved IPv6 space, deprecated ORCHID, 2001::/23 rows;
#   labelled "private", allowed by IANA ("Globally Reachable: True"): anycast service blocks and ORCHIDv2, and
#   NAT64 addresses carrying a public IPv4 address.
_PRIVATE_IP_PUBLIC_BUT_REFUSED = [
    ipaddress.ip_network(n)
    for n in ("224.0.0.0/4", "::/8", "100::/8", "fb00::/8", "fec0::/10", "2001:10::/28", "2001::/23", "64:ff9a::/96")
]
_PRIVATE_IP_PRIVATE_BUT_GLOBAL = [
    ipaddress.ip_network(n)
    for n in (
        "192.0.0.9/32",
        "192.0.0.10/32",
        "192.31.196.0/24",
        "192.52.193.0/24",
        "192.175.48.0/24",
        "2001:20::/28",
        "64:ff9b::/96",
    )
]


def test_private_ip_labels_agree_with_the_table_except_where_listed(shared_data):
    path = shared_data / "hostile" / "ssrf" / "private-ip-3.0.2" / "ip_classification.jsonl"
    if not path.is_file():
        pytest.skip(f"{path} not present")
    checked = 0
    for line in path.read_text().splitlines():
        case = json.loads(line)
        address = parse_literal(case["input"])
        if address is None:
            assert case["expect"] == "invalid", case
            continue
        allowed = check(address).allowed
        if case["expect"] == "public" and not allowed:
            assert any(address in n for n in _PRIVATE_IP_PUBLIC_BUT_REFUSED), case
        elif case["expect"] == "private" and allowed:
            assert any(address in n for n in _PRIVATE_IP_PRIVATE_BUT_GLOBAL), case
        checked += 1
    assert checked > 150


def test_every_literal_ssrf_url_is_refused(shared_data):
    """Every URL of the PayloadsAllTheThings SSRF pages whose host is an address in any notation is refused, the
    Oracle Cloud metadata address 192.0.0.192 (lines 144-147) included."""
    path = shared_data / "hostile" / "ssrf" / "payloadsallthethings" / "ssrf_address_forms.jsonl"
    if not path.is_file():
        pytest.skip(f"{path} not present")
    refused = []
    for line in path.read_text().splitlines():
        case = json.loads(line)
        try:
            host = urlsplit(case["input"]).hostname if case["form"] == "url" else case["input"]
        except ValueError:
            continue
        address = parse_literal(host or "")
        if address is None:
            continue
        verdict = check(address)
        if case["input"] == "http://1.1.1.1 &@2.2.2.2# @3.3.3.3/":  # parser confusion between public hosts
            continue
        assert not verdict.allowed, (case, verdict.reason)
        refused.append(case["id"])
    assert {"patt-ssrf-144", "patt-ssrf-145", "patt-ssrf-146", "patt-ssrf-147"} <= set(refused)
    assert len(refused) > 80


def test_ssrfcheck_public_controls_stay_allowed(shared_data):
    """ssrfcheck 1.4.0's public controls: every literal host is allowed, except the IPv4-mapped, IPv4-compatible
    and local-use NAT64 forms, which the IANA table marks not globally reachable (stricter on purpose)."""
    path = shared_data / "hostile" / "ssrf" / "ssrfcheck-1.4.0" / "should_allow.jsonl"
    if not path.is_file():
        pytest.skip(f"{path} not present")
    stricter = [ipaddress.ip_network(n) for n in ("::ffff:0:0/96", "::/96", "::ffff:0:0:0/96", "64:ff9b:1::/48")]
    allowed = 0
    for line in path.read_text().splitlines():
        try:
            host = urlsplit(json.loads(line)["input"]).hostname or ""
        except ValueError:
            continue
        address = parse_literal(host)
        if address is None:
            continue
        if any(address in n for n in stricter if n.version == address.version):
            assert not check(address).allowed
        else:
            assert check(address).allowed, (host, check(address).reason)
            allowed += 1
    assert allowed >= 5
