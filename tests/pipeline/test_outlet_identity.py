"""Outlet identity (issue 17, part 5): an outlet the registry lacks is the exact name its import gave, its id comes
from the article's domain (never from the name), ids are URL-safe, the import report counts exactly the outlets it
wrote, and an article always shows under the outlet it came with. Hostile names: path traversal, look-alike
letters, names with nothing visible in them; on SQLite and PostgreSQL."""

from __future__ import annotations

import json
import re
import uuid

import pytest
from sqlalchemy import create_engine, select, text

from copydesk.config import load_settings, render_config
from copydesk.models import ArticleIn, Outlet, Rating
from copydesk.pipeline import Desk
from copydesk.sources.naming import display_name, distinct_name, outlet_domain, unlisted_ids
from copydesk.store import Store
from copydesk.store.schema import ArticleRow, OutletRow
from testsupport import service_url, shared_data

#: What an unlisted outlet's id may be: a path segment that needs no escaping and is never "." or "..".
URL_SAFE_ID = re.compile(r"[a-z0-9][a-z0-9._-]*")

REUTERS = Outlet(
    "reuters",
    "Reuters",
    "https://www.reuters.test/",
    (),
    "en",
    "GB",
    "Thomson Reuters",
    Rating("center", "test"),
    Rating("high", "test"),
    "none",
    "wire",
)


def _pg_url() -> tuple[str, str, str]:
    base = service_url("COPYDESK_TEST_POSTGRES_URL")
    schema = "t_" + uuid.uuid4().hex[:10]
    with create_engine(base).begin() as c:
        c.execute(text(f"CREATE SCHEMA {schema}"))
    return base, schema, f"{base}{'&' if '?' in base else '?'}options=-csearch_path%3D{schema}"


def _drop(base: str, schema: str) -> None:
    eng = create_engine(base)
    with eng.begin() as c:
        c.execute(text(f"DROP SCHEMA {schema} CASCADE"))
    eng.dispose()


@pytest.fixture(params=["sqlite", "postgresql"])
def desk(request, tmp_path):
    cfg = tmp_path / "copydesk.toml"
    schema = base = None
    if request.param == "sqlite":
        cfg.write_text(render_config(), encoding="utf-8")
    else:
        base, schema, url = _pg_url()
        cfg.write_text(
            render_config().replace('url = "sqlite:///copydesk.sqlite3"', f'url = "{url}"'), encoding="utf-8"
        )
    d = Desk(load_settings(cfg), {"reuters": REUTERS})
    if schema:
        assert d.store.engine.dialect.name == "postgresql"
    yield d
    d.close()
    if schema:
        _drop(base, schema)


def line(url: str, outlet: str, title: str = "Bridge reopens", **extra) -> str:
    return json.dumps(
        {
            "url": url,
            "title": title,
            "outlet": outlet,
            "text": "The Chain Bridge reopened on Monday after two years of repairs.",
            **extra,
        }
    )


def outlet_of(desk: Desk, url: str) -> Outlet:
    with desk.store.session() as s:
        oid = s.scalar(select(ArticleRow.outlet_id).where(ArticleRow.url == url))
    return desk.store.outlets()[oid]


HOSTILE = [
    "../../etc/passwd",
    "..\\..\\etc\\passwd",
    "..%2f..%2fetc%2fpasswd",
    "/etc/passwd",
    "....//....//etc/passwd",
    "Reuters",
    "REUTERS",  # the registry's name (any case), but on another site: not believed, filed under that site's outlet
    "Rеuters",  # Cyrillic "е": a look-alike, another outlet
    "Ｒeuters",  # fullwidth "Ｒ"
    "Reuters\u200b",  # a zero-width space after it
    "\u200b",
    "\u202e\u202d",
    "\x00\x01",
    "\ud800",
    "\u0301",  # nothing visible left, or a lone surrogate
    "a" * 5000,  # longer than any column
]


def test_hostile_names_are_each_their_own_outlet_under_a_safe_id(desk):
    lines = [line(f"https://mirror.example/{k}", name) for k, name in enumerate(HOSTILE)]
    rep = desk.import_lines(lines + lines)  # twice: the second time, every outlet is found again
    assert rep.counts.get("bad-lines") is None, rep.errors
    new = [n for n in HOSTILE if n not in ("Reuters", "REUTERS")]
    # exactly the outlets written: one per name, and one for mirror.example, where the two Reuters claims go
    assert rep.counts["outlets-not-in-registry"] == len(new) + 1
    assert rep.counts["outlet-claims-refused"] == 4  # two lines, imported twice
    unlisted = {k: o for k, o in desk.store.outlets().items() if not o.registered}
    assert len(unlisted) == len(new) + 1
    for oid, o in unlisted.items():
        assert URL_SAFE_ID.fullmatch(oid) and oid not in (".", "..") and len(oid) <= 100, oid
        assert oid.startswith("mirror.example"), oid  # from the domain, never from the name
        assert o.name and o.name == display_name(o.name) and len(o.name) <= 200, o.name
    # an article shows under the outlet it came with
    got = {name: outlet_of(desk, f"https://mirror.example/{k}") for k, name in enumerate(HOSTILE)}
    assert got["../../etc/passwd"].id != got["..\\..\\etc\\passwd"].id
    assert (
        got["../../etc/passwd"].name == "../../etc/passwd" and got["..\\..\\etc\\passwd"].name == "..\\..\\etc\\passwd"
    )
    assert got["Reuters"].id == got["REUTERS"].id != "reuters" and not got["Reuters"].registered
    assert got["Reuters"].name == "Mirror"  # named from its address, never the registry name it claimed
    lookalikes = {got[n].id for n in ("Rеuters", "Ｒeuters", "Reuters\u200b")}
    assert len(lookalikes) == 3 and "reuters" not in lookalikes
    # and none passes for the registry's Reuters on a page: each is shown with its domain
    assert [got[n].name for n in ("Rеuters", "Ｒeuters", "Reuters\u200b")] == [
        "Rеuters (mirror.example)",
        "Ｒeuters (mirror.example)",
        "Reuters (mirror.example)",
    ]
    invisible = [got[n] for n in ("\u200b", "\u202e\u202d", "\x00\x01", "\ud800", "\u0301")]
    assert len({o.id for o in invisible}) == 5
    assert all(o.name == "Mirror" for o in invisible[:4]), [o.name for o in invisible]  # named from the host


GUARDIAN = Outlet(
    "the-guardian",
    "The Guardian",
    "https://www.theguardian.test/",
    ("https://feeds.guardian-news.test/world/rss",),
    "en",
    "GB",
    "Guardian Media Group",
    Rating("center-left", "test"),
    Rating("high", "test"),
    "none",
    "newspaper",
)


def test_a_registry_outlet_named_from_another_site_is_not_believed(desk):
    """Issue 17 part 5: an article always shows under the outlet it came with. A line naming a registry outlet
    (by id or name) is that outlet only when its address is on the outlet's site (homepage, feed hosts, and their
    subdomains); otherwise it goes under the outlet its address is on, and the report says why."""
    desk.store.sync_outlets([REUTERS, GUARDIAN])
    rep = desk.import_lines(
        [
            line("https://www.reuters.test/world/a", "Reuters"),  # its homepage host
            line("https://uk.reuters.test/b", "reuters"),  # by id, on a subdomain
            line("https://feeds.guardian-news.test/c", "The Guardian"),  # a feed host
            line("https://spoof.example/d", "Reuters"),  # by name, elsewhere
            line("https://spoof.example/e", "reuters", site_name="Reuters"),  # by id, its site_name a pretence
            line("https://reuters.test.spoof.example/f", "Reuters"),  # the name inside another domain
            line("https://www.theguardian.test/g", "Reuters"),  # on another registry outlet's site
        ]
    )
    assert rep.counts.get("bad-lines") is None, rep.errors
    got = {u[-1]: outlet_of(desk, u) for u in ("https://www.reuters.test/world/a", "https://uk.reuters.test/b")}
    assert got["a"].id == got["b"].id == "reuters"
    assert outlet_of(desk, "https://feeds.guardian-news.test/c").id == "the-guardian"
    d, e = outlet_of(desk, "https://spoof.example/d"), outlet_of(desk, "https://spoof.example/e")
    assert d.id == e.id == "spoof.example" and not d.registered and d.name == "Spoof"
    f = outlet_of(desk, "https://reuters.test.spoof.example/f")
    assert f.id == "reuters.test.spoof.example" and not f.registered and "Reuters" != f.name
    assert outlet_of(desk, "https://www.theguardian.test/g").id == "the-guardian"
    assert rep.counts["outlet-claims-refused"] == 4 and rep.counts["outlets-not-in-registry"] == 2
    assert (
        "import: import: 2 lines claim Reuters but their address is on spoof.example: filed under Spoof" in rep.errors
    )
    assert (
        "import: import: 1 line claims Reuters but its address is on theguardian.test: filed under The Guardian"
        in rep.errors
    )
    events = [e.message for e in desk.store.events(stage="import") if e.outcome == "outlet-claim-refused"]
    assert len(events) == 3 and any("reuters.test.spoof.example" in m for m in events)
    # a second import of the same lines finds the same outlets and reports the claims again
    again = desk.import_lines([line("https://spoof.example/h", "Reuters")])
    assert outlet_of(desk, "https://spoof.example/h").id == "spoof.example"
    assert again.counts["outlet-claims-refused"] == 1 and "outlets-not-in-registry" not in again.counts


def test_a_known_name_on_another_site_is_still_that_outlet_and_a_site_never_claims_a_name(desk):
    rep = desk.import_lines(
        [
            line("https://one.example/a", "Local Paper"),
            line("https://two.example/b", "Local Paper"),  # the same outlet, found by its exact name
            line("https://one.example/c", "Another Paper"),  # the same site, another outlet
            line("https://www.one.example/d", "Local paper"),  # one character differs: another outlet
        ]
    )
    assert rep.counts["outlets-not-in-registry"] == 3
    a, b, c, d = (
        outlet_of(desk, u)
        for u in (
            "https://one.example/a",
            "https://two.example/b",
            "https://one.example/c",
            "https://www.one.example/d",
        )
    )
    assert a.id == b.id == "one.example" and a.name == "Local Paper"
    assert c.id == "one.example_2" and c.name == "Another Paper"
    assert d.id == "one.example_3" and d.name == "Local paper"


def test_the_report_counts_the_outlets_written_when_names_are_domains(desk):
    rows = [line(f"https://www.nytimes.com/{k}", "nytimes.com") for k in range(5)]
    rows += [line(f"https://www.theguardian.com/{k}", "theguardian.com", site_name="The Guardian") for k in range(5)]
    rep = desk.import_lines(rows)
    assert rep.counts["stored"] == 10 and rep.counts["outlets-not-in-registry"] == 2, rep.counts
    again = desk.import_lines([line("https://www.nytimes.com/new", "nytimes.com")])
    assert "outlets-not-in-registry" not in again.counts
    assert {o.id: o.name for o in desk.store.outlets().values() if not o.registered} == {
        "nytimes.com": "NY Times",
        "theguardian.com": "The Guardian",
    }


def test_path_traversal_corpus_names_are_distinct_outlets(desk):
    path = shared_data(
        "hostile",
        "path_traversal",
        "payloadsallthethings",
        "Directory_Traversal",
        "Intruder",
        "directory_traversal.txt",
    )
    names = list(dict.fromkeys(n.strip() for n in path.read_text("utf-8", "replace").splitlines() if n.strip()))[:150]
    rep = desk.import_lines([line(f"https://t.example/{k}", n) for k, n in enumerate(names)])
    assert rep.counts["stored"] == len(names)
    unlisted = [o for o in desk.store.outlets().values() if not o.registered]
    assert rep.counts["outlets-not-in-registry"] == len(unlisted) == len(names)
    assert all(URL_SAFE_ID.fullmatch(o.id) for o in unlisted)
    for k, n in enumerate(names[:40]):
        assert outlet_of(desk, f"https://t.example/{k}").name == (display_name(n) or "T")


@pytest.mark.parametrize(
    "url, domain",
    [
        ("https://www.Example.COM./a", "example.com"),
        ("https://пример.рф/новости", "xn--e1afmkfd.xn--p1ai"),
        ("http://[::1]:8080/x", "1"),
        ("http://[fe80::1%25eth0]/", "fe80-1-25eth0"),
        ("http://192.0.2.1/x", "192.0.2.1"),
        ("http://a..b.example/", "a.b.example"),
        ("not a url", "unknown"),
    ],
)
def test_outlet_domain(url, domain):
    assert outlet_domain(url) == domain


def test_unlisted_ids_never_take_the_form_of_a_registry_id():
    from itertools import islice

    assert list(islice(unlisted_ids("blog.example"), 3)) == ["blog.example", "blog.example_2", "blog.example_3"]
    assert list(islice(unlisted_ids("localhost"), 2)) == ["localhost_1", "localhost_2"]


def test_a_registry_entry_never_takes_an_old_unlisted_outlets_articles(tmp_path):
    store = Store(f"sqlite:///{tmp_path}/t.sqlite3")
    try:
        old = Outlet(
            "some-blog",
            "Some Blog",
            "https://blog.example/",
            (),
            "und",
            "INT",
            "Some Blog",
            Rating("unrated"),
            Rating("unrated"),
            registered=False,
        )
        from copydesk.store.serde import outlet_to_dict

        with store.session() as s, s.begin():  # as an import stored it before migration 0009: a slug of the name
            s.add(OutletRow(id="some-blog", name="Some Blog", data=outlet_to_dict(old), in_registry=False))
        aid = store.add_article(
            ArticleIn(url="https://blog.example/a", outlet_id="some-blog", title="T", text="B."),
            "https://blog.example/a",
        )
        store.sync_outlets(
            [
                Outlet(
                    "some-blog",
                    "Some Blog Ltd",
                    "https://someblog.test/",
                    (),
                    "en",
                    "GB",
                    "SB",
                    Rating("unrated"),
                    Rating("unrated"),
                )
            ]
        )
        outlets = store.outlets()
        assert outlets["some-blog"].registered and outlets["some-blog"].name == "Some Blog Ltd"
        with store.session() as s:
            moved = s.scalar(select(ArticleRow.outlet_id).where(ArticleRow.id == aid))
        assert moved == "blog.example" and outlets[moved].name == "Some Blog" and not outlets[moved].registered
    finally:
        store.close()


@pytest.mark.parametrize("kind", ["sqlite", "postgresql"])
def test_migration_0009_keys_old_unlisted_outlets_by_name(kind, tmp_path):
    from alembic import command
    from alembic.config import Config

    schema = base = None
    url = f"sqlite:///{tmp_path}/old.sqlite3" if kind == "sqlite" else None
    if url is None:
        base, schema, url = _pg_url()
    eng = create_engine(url)
    cfg = Config()
    cfg.set_main_option("script_location", "copydesk.store:migrations")
    with eng.begin() as conn:
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, "0008")
    with eng.begin() as conn:
        for oid, name, reg in (
            ("some-blog", "Some Blog", False),
            ("reuters", "Reuters", True),
            ("twin-a", "Twin", False),
            ("twin-b", "Twin", False),
        ):
            conn.execute(
                text("INSERT INTO outlets (id, name, data, in_registry) VALUES (:i, :n, :d, :r)"),
                {
                    "i": oid,
                    "n": name,
                    "r": reg,
                    "d": json.dumps(
                        {
                            "id": oid,
                            "name": name,
                            "homepage": f"https://{oid}.example/",
                            "feeds": [],
                            "language": "und",
                            "country": "INT",
                            "owner": name,
                            "lean": {"value": "unrated"},
                            "reliability": {"value": "unrated"},
                        }
                    ),
                },
            )
    eng.dispose()
    store = Store(url)  # opening runs 0009
    try:
        o, created = store.ensure_outlet("Some Blog", "https://elsewhere.example/x")
        assert (o.id, created, o.registered) == ("some-blog", False, False)  # found again by its name
        twin, created = store.ensure_outlet("Twin", "https://twin.example/")
        assert created and twin.id == "twin.example"  # two old outlets shared the name: neither is guessed
        assert store.outlets()["reuters"].registered
        with store.engine.begin() as conn:
            cfg.attributes["connection"] = conn
            command.downgrade(cfg, "0008")
    finally:
        store.close()
        if schema:
            _drop(base, schema)


def test_distinct_name():
    registry = ["Reuters", "The Guardian"]
    assert distinct_name("Local Paper", "lp.example", registry) == "Local Paper"
    assert distinct_name("the  guardian!", "g.example", registry) == "the  guardian! (g.example)"
    assert distinct_name("Guаrdian Weekly", "g.example", registry) == "Guаrdian Weekly (g.example)"  # Cyrillic а
    assert distinct_name("Рейтер", "r.example", registry) == "Рейтер"  # one script: a name, not a look-alike
