"""Tests for copydesk.sources.registry: the default registry, validation, URL matching, TOML and OPML."""

from __future__ import annotations

import copy
import logging
import tomllib
from pathlib import Path
from xml.etree import ElementTree as ET

import pytest

from copydesk.errors import RegistryError
from copydesk.models import LEANS, UNRATED, Outlet, Rating
from copydesk.sources import (
    dump_registry,
    export_opml,
    import_opml,
    load_default_registry,
    load_registry,
    outlet_for_url,
    registry_from_data,
    validate_registry_data,
)
from copydesk.sources import registry as registry_module
from copydesk.sources.registry import slugify

REPO = Path(__file__).resolve().parents[2]
from testsupport import SHARED_DATA  # noqa: E402
from localserver import serve  # noqa: E402

NETNEWSWIRE_OPML = SHARED_DATA / "feed_farm" / "netnewswire" / "opml"
XML_ATTACKS = SHARED_DATA / "hostile" / "xml_attacks"


@pytest.fixture(scope="module")
def default() -> dict[str, Outlet]:
    return load_default_registry()


# ---------------------------------------------------------------------------------------------------------
# The default registry
# ---------------------------------------------------------------------------------------------------------


def test_default_registry_is_large_and_varied(default):
    assert len(default) >= 40
    assert len({o.country for o in default.values()}) >= 8
    leans = {o.lean.value for o in default.values()}
    assert set(LEANS) | {UNRATED} <= leans
    kinds = {o.kind for o in default.values()}
    assert {"wire", "public-broadcaster", "government"} <= kinds
    assert sum(o.country == "HU" for o in default.values()) >= 5
    assert {"hu", "en"} <= {o.language for o in default.values() if o.country == "HU"}


def test_default_registry_validates_cleanly():
    text = (REPO / "src" / "copydesk" / "data" / "sources.toml").read_text(encoding="utf-8")
    assert validate_registry_data(tomllib.loads(text)) == []


def test_every_rating_cites_its_basis(default):
    for outlet in default.values():
        for rating in (outlet.lean, outlet.reliability):
            if rating.rated:
                assert rating.basis and "allsides.com" in rating.basis, outlet.id
            else:
                assert rating.basis is None, outlet.id


def test_owners_are_shared_exactly_where_expected(default):
    def owner(outlet_id: str) -> str:
        return default[outlet_id].owner

    assert owner("wsj") == owner("ny-post") == "News Corp"
    assert owner("fox-news") == "Fox Corporation" != owner("ny-post")
    assert owner("telex") == owner("telex-en")
    assert owner("france24") == owner("rfi")
    assert owner("cnbc") == owner("nbc-news") == owner("sky-news")
    assert owner("magyar-nemzet") == owner("mandiner")
    assert owner("politico") == owner("politico-europe")
    assert owner("white-house") == owner("us-state-dept")
    assert owner("guardian") != owner("independent")


def test_default_feeds_are_https_and_unique(default):
    feeds = [feed for o in default.values() for feed in o.feeds]
    assert len(feeds) == len(set(feeds))
    assert all(feed.startswith("https://") for feed in feeds)


# ---------------------------------------------------------------------------------------------------------
# Validation
# ---------------------------------------------------------------------------------------------------------

GOOD = {
    "id": "example",
    "name": "Example News",
    "homepage": "https://www.example.com/",
    "feeds": ["https://www.example.com/rss.xml"],
    "language": "en",
    "country": "GB",
    "owner": "Example Media Ltd",
    "lean": {"value": "center", "basis": "AllSides Media Bias Rating, https://www.allsides.com/media-bias/ratings"},
    "reliability": {"value": "unrated"},
    "paywall": "none",
    "kind": "newspaper",
}

OTHER = {
    **GOOD,
    "id": "other",
    "name": "Other",
    "homepage": "https://other.example.org/",
    "feeds": ["https://other.example.org/feed"],
    "owner": "Other Owner",
}


def _set(key, value):
    def mutate(entries):
        entries[0][key] = value

    return mutate


def _drop(key):
    def mutate(entries):
        del entries[0][key]

    return mutate


def _second(**changes):
    def mutate(entries):
        entries.append({**OTHER, **changes})

    return mutate


BROKEN = [
    # (test id, mutation, entry named, text the message must contain)
    ("id-not-slug", _set("id", "Example News"), "Example News", "id 'Example News' must be a slug"),
    ("id-missing", _drop("id"), "outlet #1", "id is missing"),
    ("id-not-string", _set("id", 7), "outlet #1", "id an integer must be a slug"),
    ("id-duplicate", _second(id="example"), "example", "id 'example' is used twice"),
    ("name-empty", _set("name", "  "), "example", "name must not be empty"),
    ("name-control-char", _set("name", "Bad\nName"), "example", "name 'Bad\\nName' contains control characters"),
    (
        "homepage-ftp",
        _set("homepage", "ftp://example.com/"),
        "example",
        "homepage 'ftp://example.com/' must be an http",
    ),
    ("homepage-relative", _set("homepage", "/news"), "example", "homepage '/news' must be an http"),
    ("feeds-empty", _set("feeds", []), "example", "feeds must list at least one feed URL"),
    ("feeds-not-list", _set("feeds", "https://example.com/rss"), "example", "feeds must be an array"),
    ("feed-bad-url", _set("feeds", ["example.com/rss"]), "example", "feeds[0] 'example.com/rss' must be an http"),
    (
        "feed-repeated",
        _set("feeds", ["https://a.example/rss", "https://a.example/rss"]),
        "example",
        "feeds lists 'https://a.example/rss' more than once",
    ),
    (
        "feed-in-two-outlets",
        _second(feeds=["https://www.example.com/rss.xml"]),
        "other",
        "feed 'https://www.example.com/rss.xml' is also listed under example",
    ),
    ("language-uppercase", _set("language", "EN"), "example", "language 'EN' must be a 2-3 letter lowercase"),
    ("language-tag", _set("language", "en-GB"), "example", "language 'en-GB'"),
    ("country-uk", _set("country", "UK"), "example", "country 'UK' must be an ISO 3166-1 alpha-2 code"),
    ("country-lowercase", _set("country", "hu"), "example", "country 'hu'"),
    ("country-name", _set("country", "Hungary"), "example", "country 'Hungary'"),
    ("owner-missing", _drop("owner"), "example", "owner is missing"),
    ("owner-empty", _set("owner", ""), "example", "owner must not be empty"),
    (
        "owner-spelling",
        _second(owner="example media ltd."),
        "other",
        "owner 'example media ltd.' differs only in spelling from 'Example Media Ltd'",
    ),
    ("lean-missing", _drop("lean"), "example", "lean is missing"),
    ("lean-not-table", _set("lean", "center"), "example", "lean must be a table"),
    (
        "lean-bad-value",
        _set("lean", {"value": "centre", "basis": "x"}),
        "example",
        "lean.value 'centre' is not one of left, lean-left, center, lean-right, right, unrated",
    ),
    ("lean-no-value", _set("lean", {"basis": "x"}), "example", "lean.value is missing"),
    ("lean-rated-without-basis", _set("lean", {"value": "left"}), "example", "lean.basis is required"),
    ("lean-rated-empty-basis", _set("lean", {"value": "left", "basis": ""}), "example", "lean.basis must not be empty"),
    (
        "lean-unrated-with-basis",
        _set("lean", {"value": "unrated", "basis": "x"}),
        "example",
        "lean.basis must be absent when lean.value is 'unrated'",
    ),
    ("lean-typo-key", _set("lean", {"value": "unrated", "bassis": "x"}), "example", "lean has unknown key 'bassis'"),
    ("reliability-missing", _drop("reliability"), "example", "reliability is missing"),
    (
        "reliability-bad-value",
        _set("reliability", {"value": "very-high", "basis": "x"}),
        "example",
        "reliability.value 'very-high' is not one of high, mostly-high, mixed, low, unrated",
    ),
    (
        "reliability-uses-lean-scale",
        _set("reliability", {"value": "center", "basis": "x"}),
        "example",
        "reliability.value 'center' is not one of",
    ),
    ("paywall-bad", _set("paywall", "soft"), "example", "paywall 'soft' is not one of none, metered, hard"),
    ("paywall-missing", _drop("paywall"), "example", "paywall is missing"),
    ("kind-bad", _set("kind", "blog"), "example", "kind 'blog' is not one of wire, public-broadcaster"),
    ("kind-missing", _drop("kind"), "example", "kind is missing"),
    (
        "hosts-url",
        _set("hosts", ["https://example.net"]),
        "example",
        "hosts[0] 'https://example.net' must be a lowercase host",
    ),
    ("hosts-not-list", _set("hosts", "example.net"), "example", "hosts must be an array"),
    ("unknown-key", _set("lenguage", "en"), "example", "unknown key 'lenguage'"),
]


@pytest.mark.parametrize(("mutate", "entry", "expected"), [b[1:] for b in BROKEN], ids=[b[0] for b in BROKEN])
def test_each_rule_names_entry_and_key(mutate, entry, expected):
    entries = [copy.deepcopy(GOOD)]
    mutate(entries)
    data = {"outlet": entries}
    problems = validate_registry_data(data)
    assert any(p.startswith(f"{entry}: ") and expected in p for p in problems), problems
    with pytest.raises(RegistryError) as info:
        registry_from_data(data)
    assert info.value.entry == entry
    assert str(info.value).startswith(f"registry: {entry}: ")
    assert expected in str(info.value)


def test_valid_entries_pass():
    data = {
        "outlet": [
            copy.deepcopy(GOOD),
            copy.deepcopy(OTHER),
            {
                **OTHER,
                "id": "int",
                "country": "INT",
                "feeds": ["http://int.example/feed"],
                "hosts": ["int.example"],
                "owner": "Other Owner",
            },
        ]
    }
    assert validate_registry_data(data) == []
    outlets = registry_from_data(data)
    assert list(outlets) == ["example", "other", "int"]
    assert outlets["example"].lean == Rating("center", GOOD["lean"]["basis"])
    assert outlets["example"].reliability == Rating(UNRATED, None)
    assert outlets["int"].hosts == ("int.example",)


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        ({}, "registry: has no [[outlet]] entries"),
        ({"outlet": {"id": "x"}}, "registry: 'outlet' must be an array of tables"),
        ({"outlet": [GOOD], "outlets": []}, "registry: unknown top-level key 'outlets'"),
        ({"outlet": ["x"]}, "outlet #1: must be a table"),
    ],
)
def test_file_level_problems(data, expected):
    assert any(expected in p for p in validate_registry_data(data))


def test_load_lists_every_problem_and_names_the_first_entry(tmp_path):
    bad = [{**GOOD, "lean": {"value": "centre", "basis": "x"}}, {**OTHER, "country": "UK", "kind": "blog"}]
    path = tmp_path / "sources.toml"
    path.write_text(dump_registry_data(bad), encoding="utf-8")
    with pytest.raises(RegistryError) as info:
        load_registry(path)
    message = str(info.value)
    assert info.value.entry == "example"
    assert message.startswith("registry: example: lean.value 'centre' is not one of")
    assert "(and 2 more: other: country 'UK'" in message
    assert "other: kind 'blog'" in message


def test_load_rejects_bad_toml_and_missing_file(tmp_path):
    path = tmp_path / "broken.toml"
    path.write_text('[[outlet]]\nid = "x\n', encoding="utf-8")
    with pytest.raises(RegistryError, match="is not valid TOML") as info:
        load_registry(path)
    assert info.value.entry == str(path)
    with pytest.raises(RegistryError, match="cannot read the registry file"):
        load_registry(tmp_path / "missing.toml")


def dump_registry_data(entries: list[dict]) -> str:
    """Hand-written TOML for raw (possibly invalid) entries, to test load_registry on real files."""
    lines = []
    for entry in entries:
        lines.append("[[outlet]]")
        for key, value in entry.items():
            if isinstance(value, dict):
                inner = ", ".join(f"{k} = {_toml(v)}" for k, v in value.items())
                lines.append(f"{key} = {{ {inner} }}")
            else:
                lines.append(f"{key} = {_toml(value)}")
    return "\n".join(lines) + "\n"


def _toml(value) -> str:
    if isinstance(value, list):
        return "[" + ", ".join(_toml(v) for v in value) + "]"
    return '"' + str(value).replace("\\", "\\\\").replace('"', '\\"') + '"'


# ---------------------------------------------------------------------------------------------------------
# Matching URLs to outlets
# ---------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("https://www.theguardian.com/world/2026/nov/28/story", "guardian"),
        ("https://amp.theguardian.com/world/2026/nov/28/story", "guardian"),
        ("HTTPS://WWW.THEGUARDIAN.COM/world", "guardian"),
        ("https://www.bbc.com/news/articles/c0000000", "bbc-news"),
        ("https://www.bbc.co.uk/news/world-europe-1", "bbc-news"),  # via hosts
        ("https://feeds.bbci.co.uk/news/world/rss.xml", "bbc-news"),  # via feed host
        ("https://telex.hu/english/2026/11/28/story", "telex-en"),
        ("https://telex.hu/english", "telex-en"),
        ("https://telex.hu/belfold/2026/11/28/hir", "telex"),
        ("https://telex.hu/englishman", "telex"),  # a path prefix must end at a segment boundary
        ("https://english.elpais.com/international/2026-11-28/x.html", "el-pais-en"),
        ("https://www.lemonde.fr/en/international/article/2026/11/28/x.html", "le-monde-en"),
        ("https://444.hu/2026/11/28/cikk", "444"),
        ("https://nypost.com/2026/11/28/us-news/x/", "ny-post"),
        ("https://www.foxnews.com/world/x", "fox-news"),
        ("https://example.org/news", None),
        ("https://evil-theguardian.com/world", None),
        ("https://theguardian.com.evil.example/world", None),
        ("not a url", None),
        ("", None),
        ("https://[::1/broken", None),
    ],
)
def test_outlet_for_url(default, url, expected):
    found = outlet_for_url(default, url)
    assert (found.id if found else None) == expected


def test_outlet_for_url_accepts_iterables_and_ignores_shared_feed_hosts():
    a = Outlet(
        "a",
        "A",
        "https://a.example/",
        ("https://feeds.shared.example/a",),
        "en",
        "GB",
        "A",
        Rating(UNRATED),
        Rating(UNRATED),
    )
    b = Outlet(
        "b",
        "B",
        "https://b.example/",
        ("https://feeds.shared.example/b",),
        "en",
        "GB",
        "B",
        Rating(UNRATED),
        Rating(UNRATED),
    )
    assert outlet_for_url([a, b], "https://news.a.example/x") is a
    assert outlet_for_url([a, b], "https://feeds.shared.example/a") is None


# ---------------------------------------------------------------------------------------------------------
# TOML round trip
# ---------------------------------------------------------------------------------------------------------


def test_dump_then_load_is_lossless(default, tmp_path):
    path = tmp_path / "sources.toml"
    path.write_text(dump_registry(default, header="copydesk sources\nwritten by a test"), encoding="utf-8")
    loaded = load_registry(path)
    assert loaded == default
    assert list(loaded) == list(default)
    assert path.read_text(encoding="utf-8").startswith("# copydesk sources\n# written by a test\n")


def test_dump_escapes_awkward_strings(tmp_path):
    odd = Outlet(
        id="odd-one",
        name='The "Quoted" \\ Backslash # not a comment = Népszava — 日本',
        homepage="https://odd.example/path?a=1&b=2#frag",
        feeds=('https://odd.example/feed?x="y"', "https://odd.example/other"),
        language="hu",
        country="INT",
        owner="Ödön's ‘Media’ Kft.",
        lean=Rating("lean-right", 'basis with "quotes" and \\ and ünïcode'),
        reliability=Rating("mixed", "x"),
        paywall="hard",
        kind="other",
        hosts=("odd.example.net", "xn--bcher-kva.example"),
    )
    text = dump_registry([odd])
    assert registry_from_data(tomllib.loads(text)) == {"odd-one": odd}
    path = tmp_path / "odd.toml"
    path.write_text(text, encoding="utf-8")
    assert load_registry(path)["odd-one"] == odd


# ---------------------------------------------------------------------------------------------------------
# OPML
# ---------------------------------------------------------------------------------------------------------


def test_export_opml_is_well_formed_with_one_outline_per_feed(default):
    text = export_opml(default)
    root = ET.fromstring(text.encode("utf-8"))
    assert root.tag == "opml" and root.get("version") == "2.0"
    outlines = root.findall("./body/outline")
    assert len(outlines) == sum(len(o.feeds) for o in default.values())
    first = outlines[0]
    outlet = next(iter(default.values()))
    assert first.get("xmlUrl") == outlet.feeds[0]
    assert first.get("htmlUrl") == outlet.homepage
    assert first.get("text") == first.get("title") == outlet.name
    assert first.get("language") == outlet.language
    assert first.get("type") == "rss"


def test_export_opml_escapes_attributes():
    outlet = Outlet(
        "x",
        "A & B <\"C\"> 'D'",
        "https://x.example/?a=1&b=<2>",
        ("https://x.example/f?a=1&b=2",),
        "en",
        "GB",
        "X",
        Rating(UNRATED),
        Rating(UNRATED),
    )
    root = ET.fromstring(export_opml([outlet], title="T & <T>").encode("utf-8"))
    assert root.findtext("./head/title") == "T & <T>"
    outline = root.find("./body/outline")
    assert outline.get("text") == "A & B <\"C\"> 'D'"
    assert outline.get("htmlUrl") == "https://x.example/?a=1&b=<2>"
    assert outline.get("xmlUrl") == "https://x.example/f?a=1&b=2"


def test_opml_export_import_round_trip(default, tmp_path):
    imported = import_opml(export_opml(default).encode("utf-8"))
    assert len(imported) == len(default)
    by_name = {o.name: o for o in default.values()}
    for outlet in imported:
        original = by_name[outlet.name]
        assert outlet.feeds == original.feeds
        assert outlet.homepage == original.homepage
        assert outlet.language == original.language
        assert outlet.id == slugify(outlet.name)
        # OPML carries no ownership or ratings: imported outlets are honestly unrated, never defaulted.
        assert outlet.owner == outlet.name
        assert outlet.lean == outlet.reliability == Rating(UNRATED, None)
        assert outlet.kind == "other" and outlet.paywall == "none"
    countries = {o.name: o.country for o in imported}
    assert countries["Telex"] == "HU"
    assert countries["BBC News"] == "GB"  # bbc.com says nothing; its feeds are on feeds.bbci.co.uk
    assert countries["The Guardian"] == "INT"  # theguardian.com only
    assert countries["Daily Mail"] == "GB"  # .co.uk
    # The import is itself a valid registry that survives dump -> load.
    path = tmp_path / "imported.toml"
    path.write_text(dump_registry(imported), encoding="utf-8")
    assert list(load_registry(path).values()) == imported


@pytest.mark.parametrize("name", ["Subs.opml", "SubsNoTitleAttributes.opml"])
def test_import_real_netnewswire_opml(name):
    path = NETNEWSWIRE_OPML / name
    if not path.exists():
        pytest.skip(f"shared test data not present: {path}")
    outlets = import_opml(path.read_bytes())
    expected_feeds = {e.get("xmlUrl") for e in ET.parse(path).iter("outline") if e.get("xmlUrl")}
    assert {feed for o in outlets for feed in o.feeds} == expected_feeds
    assert len(outlets) > 150
    ids = [o.id for o in outlets]
    assert len(ids) == len(set(ids))
    assert validate_registry_data(registry_module._as_data(outlets)) == []
    names = {o.name for o in outlets}
    assert {"Daring Fireball", "Julia Evans", "chat & code", "Charlie's Diary"} <= names  # nested folders too
    julia = next(o for o in outlets if o.name == "Julia Evans")
    assert julia.homepage == "http://jvns.ca/"  # empty htmlUrl: the feed's site


BILLION_LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE opml [
  <!ENTITY lol "lol">
  <!ENTITY lol1 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
  <!ENTITY lol2 "&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;">
  <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
  <!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
  <!ENTITY lol5 "&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;">
  <!ENTITY lol6 "&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;">
  <!ENTITY lol7 "&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;">
  <!ENTITY lol8 "&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;">
  <!ENTITY lol9 "&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;">
]>
<opml version="2.0"><head><title>&lol9;</title></head>
<body><outline text="&lol9;" xmlUrl="https://example.com/feed"/></body></opml>
"""

XXE = b"""<?xml version="1.0"?>
<!DOCTYPE opml [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>
<opml version="2.0"><body><outline text="&xxe;" xmlUrl="https://example.com/feed"/></body></opml>
"""

EXTERNAL_DTD = b"""<?xml version="1.0"?>
<!DOCTYPE opml SYSTEM "http://127.0.0.1:9/evil.dtd">
<opml version="2.0"><body><outline text="x" xmlUrl="https://example.com/feed"/></body></opml>
"""

FEED_OUTLINE = b'<outline text="Example News" xmlUrl="https://example.com/feed"/>'

UNDECLARED_ENTITY = b"""<?xml version="1.0"?>
<opml version="2.0"><body><outline text="&nope;" xmlUrl="https://example.com/feed"/></body></opml>
"""


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        (BILLION_LAUGHS, "DOCTYPE was dropped .entity 'lol1' refers to other entities"),
        (XXE, r"DOCTYPE was dropped .it declares external entity 'xxe' \(XXE\)"),
        (UNDECLARED_ENTITY, "not well-formed XML"),
        (b"<opml><body><outline", "not well-formed XML"),
        (b"", "not well-formed XML"),
        (b'<rss version="2.0"><channel/></rss>', "root element is <rss>, not <opml>"),
        (b'<opml version="2.0"><head/></opml>', "has no <body> element"),
    ],
    ids=["billion-laughs", "xxe", "undeclared-entity", "truncated", "empty", "not-opml", "no-body"],
)
def test_import_rejects_hostile_or_broken_opml(data, expected):
    with pytest.raises(RegistryError, match=expected) as info:
        import_opml(data)
    assert info.value.entry == "opml"
    assert "lollol" not in str(info.value)


def _names(data: bytes) -> list[str]:
    return [o.name for o in import_opml(data)]


def test_import_parses_a_harmless_doctype():
    """Issue 17 part 3: a DOCTYPE is not a reason to refuse the document; short character entities are read."""
    plain = b'<?xml version="1.0"?>\n<!DOCTYPE opml>\n<opml version="2.0"><body>' + FEED_OUTLINE + b"</body></opml>"
    assert _names(plain) == ["Example News"]
    entity = (
        b'<?xml version="1.0"?>\n<!DOCTYPE opml [<!ENTITY nbsp "&#160;"> <!ENTITY co "Company">]>\n'
        b'<opml version="2.0"><body><outline text="Example&nbsp;News &co;" xmlUrl="https://example.com/feed"/>'
        b"</body></opml>"
    )
    assert _names(entity) == ["Example News Company"]


def test_import_never_fetches_an_external_dtd():
    """A DOCTYPE naming an external DTD is parsed without fetching it: the server it names sees no request."""
    with serve() as server:
        server.add("/evil.dtd", b'<!ENTITY name "evil">', content_type="application/xml-dtd")
        data = (
            f'<?xml version="1.0"?>\n<!DOCTYPE opml SYSTEM "{server.url("/evil.dtd")}">\n'.encode()
            + b'<opml version="2.0"><body>'
            + FEED_OUTLINE
            + b"</body></opml>"
        )
        assert _names(data) == ["Example News"]
        assert server.requests == []


def test_import_drops_a_dangerous_doctype_and_parses_the_rest(caplog):
    """An external or expanding entity that the document never uses costs the DTD, not the document."""
    for subset, reason in (
        (b'<!ENTITY xxe SYSTEM "file:///etc/passwd">', "external entity 'xxe'"),
        (b'<!ENTITY lol "lol"><!ENTITY lol1 "&lol;&lol;">', "refers to other entities"),
        (b'<!ENTITY % p "x">', "parameter entity"),
        (b'<!ENTITY long "' + b"x" * 40 + b'">', "longer than 16 characters"),
    ):
        caplog.clear()
        data = (
            b'<?xml version="1.0"?>\n<!DOCTYPE opml [' + subset + b"]>\n<opml><body>" + FEED_OUTLINE + b"</body></opml>"
        )
        with caplog.at_level(logging.WARNING, logger="copydesk"):
            assert _names(data) == ["Example News"]
        assert any("DOCTYPE dropped" in r.getMessage() and reason in r.getMessage() for r in caplog.records), reason


def test_billion_laughs_and_xxe_are_never_expanded():
    """The entities of a dropped DOCTYPE are never defined: using one is refused with the reason, not expanded."""
    for data in (BILLION_LAUGHS, XXE):
        with pytest.raises(RegistryError, match="entities are never expanded") as info:
            import_opml(data)
        assert "lollol" not in str(info.value) and "root:" not in str(info.value)


def test_opml_and_feeds_share_one_doctype_screen():
    """The feed reader and the OPML import screen DOCTYPEs with the same helper (one rule, not two copies)."""
    from copydesk.ingest import feeds
    from copydesk.xmlsafe import without_dangerous_doctype

    assert feeds.without_dangerous_doctype is without_dangerous_doctype
    assert registry_module.without_dangerous_doctype is without_dangerous_doctype


def test_import_rejects_shared_xml_attack_corpus():
    if not XML_ATTACKS.is_dir():
        pytest.skip(f"shared hostile corpus not present: {XML_ATTACKS}")
    files = sorted(
        p
        for p in XML_ATTACKS.rglob("*")
        if p.is_file() and p.suffix not in (".md", ".txt")  # README, one-payload-per-line lists
    )
    assert files
    for path in files:
        with pytest.raises(RegistryError, match="DOCTYPE|not well-formed|not <opml>"):
            import_opml(path.read_bytes())
    assert len(files) >= 20
    for bomb in (
        "defusedxml-0.7.1/xmlbomb.xml",
        "payloadsallthethings/XXE_Injection/Files/Deny_Of_Service_-_Billion_Laugh_Attack",
    ):
        if (XML_ATTACKS / bomb).exists():
            with pytest.raises(RegistryError, match="DOCTYPE"):
                import_opml((XML_ATTACKS / bomb).read_bytes())


def test_import_refuses_oversized_documents(monkeypatch):
    monkeypatch.setattr(registry_module, "MAX_OPML_BYTES", 100)
    with pytest.raises(RegistryError, match="more than the 100 allowed"):
        import_opml(b"<opml><body>" + b" " * 200 + b"</body></opml>")


def test_import_defaults_dedup_and_skips(caplog):
    data = """<?xml version="1.0" encoding="UTF-8"?>
<opml version="1.0"><head><title>mine</title></head><body>
  <outline text="News">
    <outline text="Népszava" type="rss" xmlUrl="https://nepszava.hu/feed" htmlUrl="https://nepszava.hu/"
             language="hu-HU"/>
    <outline text="Folder 2">
      <outline title="Only Title" xmlUrl="https://example.io/rss"/>
      <outline text="Népszava" xmlUrl="https://nepszava.hu/feed/sport" htmlUrl="https://nepszava.hu/"/>
      <outline text="Népszava" xmlUrl="https://other.co.uk/feed" htmlUrl="https://other.co.uk/"/>
      <outline text="NÉPSZAVA!" xmlUrl="https://third.example/feed"/>
    </outline>
  </outline>
  <outline text="Gopher" xmlUrl="gopher://old.example/feed"/>
  <outline text="No URL" xmlUrl=""/>
  <outline xmlURL="https://case.example/feed"/>
  <outline text="日本語" xmlUrl="https://www.japan.example.jp/rss"/>
</body></opml>""".encode()
    with caplog.at_level(logging.WARNING, logger="copydesk.sources"):
        outlets = import_opml(data)
    by_id = {o.id: o for o in outlets}
    assert list(by_id) == ["nepszava", "only-title", "nepszava-2", "nepszava-3", "case-example", "japan-example-jp"]
    assert by_id["nepszava"].feeds == ("https://nepszava.hu/feed", "https://nepszava.hu/feed/sport")
    assert by_id["nepszava"].language == "hu" and by_id["nepszava"].country == "HU"
    assert by_id["only-title"].name == "Only Title" and by_id["only-title"].country == "INT"  # .io is generic
    assert by_id["only-title"].homepage == "https://example.io/"
    assert by_id["nepszava-2"].country == "GB"
    assert by_id["nepszava-3"].name == "NÉPSZAVA!"
    assert by_id["nepszava-3"].owner == "Népszava"  # same name up to case/punctuation: one owner spelling
    assert by_id["case-example"].name == "case.example"
    assert by_id["japan-example-jp"].name == "日本語" and by_id["japan-example-jp"].country == "JP"
    assert all(o.language == "en" for o in outlets if o.id != "nepszava")
    assert "gopher://old.example/feed" in caplog.text and "skipped" in caplog.text
