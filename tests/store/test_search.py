"""Search over published stories (copydesk.store.search) on SQLite (FTS5) and, when COPYDESK_TEST_POSTGRES_URL is
set, on PostgreSQL (tsvector): ranking, snippets, paging, the index following writes, holds and merges, the
migration filling it for stories written before it, and hostile queries."""

from __future__ import annotations

import sqlite3
import uuid
from datetime import datetime, timedelta, timezone

import numpy as np
import pytest
from sqlalchemy import create_engine, text

from testsupport import service_url
from copydesk.models import Section, SourceLink, Support, WrittenSentence, WrittenStory
from copydesk.store import Store, StoryState
from copydesk.store import search as S

T0 = datetime(2024, 5, 1, 12, 0, tzinfo=timezone.utc)


@pytest.fixture
def store(db_url):
    """A store on each backend (the `db_url` fixture of tests/conftest.py: SQLite, then a fresh PostgreSQL schema)."""
    s = Store(db_url)
    yield s
    s.close()


def _sentence(t: str, outlet: str = "wire") -> WrittenSentence:
    return WrittenSentence(t, (Support(1, outlet, t, 1.0),), independent_outlets=1)


def written(
    story_id: str,
    headline: str,
    *body: str,
    updated: datetime = T0,
    section: str = "world",
    outlet: str = "Wire",
    title: str = "A report",
) -> WrittenStory:
    lede, *rest = body or ("Nothing more.",)
    return WrittenStory(
        story_id=story_id,
        slug=story_id,
        headline=_sentence(headline),
        lede=_sentence(lede),
        body=(Section(None, tuple(_sentence(t) for t in rest)),) if rest else (),
        sources=(SourceLink(1, "wire", outlet, title, "https://wire.example/1", updated),),
        independent_sources=1,
        outlets=("wire",),
        single_source=True,
        section=section,
        published=updated,
        updated=updated,
        method="extractive",
    )


def publish(store: Store, w: WrittenStory) -> None:
    if not store.slug_taken(w.slug):
        store.save_story(StoryState(w.story_id, np.ones(4, np.float32) / 2, 1, w.published, w.updated), slug=w.slug)
    store.save_written(w.story_id, w)


def ids(results: S.SearchResults) -> list[str]:
    return [h.story_id for h in results.hits]


def test_headline_match_outranks_text_match_and_more_matches_rank_higher(store):
    publish(
        store,
        written(
            "text-once",
            "Council meets",
            "The council discussed the bridge once.",
            "Other business followed at length without it.",
        ),
    )
    publish(store, written("headline", "Bridge reopens after repairs", "Traffic flows again on Monday."))
    publish(
        store,
        written(
            "text-often",
            "Works finish",
            "The bridge is open.",
            "The bridge carries trams.",
            "Engineers inspected the bridge twice.",
        ),
    )
    publish(store, written("unrelated", "Budget passes", "The assembly voted on the budget."))
    r = store.search("bridge")
    assert r.total == 3 and ids(r) == ["headline", "text-often", "text-once"]
    assert r.hits[0].score > r.hits[1].score > r.hits[2].score
    assert store.search("bridges").total == 3  # English stems: the plural finds the singular
    assert ids(store.search("bridge trams")) == ["text-often"]  # every word must match
    assert ids(store.search('"the bridge is open"')) == ["text-often"]  # a quoted phrase, in order
    assert store.search('"bridge open"').total == 0


def test_snippets_mark_the_matched_words_and_only_them(store):
    publish(
        store,
        written(
            "s",
            "Mayor visits Vienna",
            "The mayor of Budapest met officials.",
            "<b>Talks</b> & the bridge were on the agenda in Vienna.",
            outlet="Wire & Co",
        ),
    )
    [hit] = store.search("bridge vienna").hits
    assert hit.headline == f"Mayor visits {S.MARK_START}Vienna{S.MARK_END}"
    assert f"{S.MARK_START}bridge{S.MARK_END}" in hit.snippet and f"{S.MARK_START}Vienna{S.MARK_END}" in hit.snippet
    # raw text: escaping is the renderer's job (PostgreSQL's ts_headline drops what its parser reads as a tag)
    assert ("<b>Talks</b> & the" if store.engine.dialect.name == "sqlite" else "Talks  & the") in hit.snippet
    assert hit.snippet.count(S.MARK_START) == hit.snippet.count(S.MARK_END)
    assert hit.slug == "s" and hit.section == "world" and hit.updated == T0
    assert ids(store.search("wire")) == ["s"]  # outlet names are searched too


def test_paging(store):
    for i in range(23):
        publish(store, written(f"s{i:02d}", f"Story {i}", "A tram line opens.", updated=T0 + timedelta(hours=i)))
    pages = [store.search("tram", page=p, per_page=10) for p in (1, 2, 3, 4)]
    assert [len(p.hits) for p in pages] == [10, 10, 3, 0]
    assert all(p.total == 23 and p.pages == 3 for p in pages)
    found = [h for p in pages for h in ids(p)]
    assert len(set(found)) == 23
    assert found[:3] == ["s22", "s21", "s20"]  # equal relevance: newest first
    assert len(store.search("tram", page=10**30).hits) == 0  # clamped, never an integer overflow


def test_index_follows_rewrites_holds_and_merges(store):
    publish(store, written("a", "Flood warning", "Rivers rise."))
    publish(store, written("b", "Storm damage", "Roofs were torn off."))
    assert ids(store.search("flood")) == ["a"]
    publish(store, written("a", "Flood warning lifted", "Rivers fall."))  # rewritten: old words gone
    assert ids(store.search("fall")) == ["a"] and store.search("rise").total == 0
    store.save_written("a", None, error="writer failed")  # a failed rewrite keeps the published page
    assert ids(store.search("flood")) == ["a"]
    store.hold_story("a", "held: no English source")
    assert store.search("flood").total == 0
    store.merge_stories("b", "a")
    assert store.search("storm").total == 0
    assert store.rebuild_search_index() == 0


@pytest.mark.parametrize("kind", ["sqlite", "postgresql"])
def test_migration_indexes_stories_written_before_it(kind, tmp_path):
    """A database at revision 0004 with written stories: opening it runs 0005, which indexes them."""
    import json

    from alembic import command
    from alembic.config import Config

    from copydesk.store.serde import written_to_dict

    schema = None
    if kind == "sqlite":
        url = f"sqlite:///{tmp_path}/old.sqlite3"
    else:
        base = service_url("COPYDESK_TEST_POSTGRES_URL")
        schema = "t_" + uuid.uuid4().hex[:10]
        with create_engine(base).begin() as c:
            c.execute(text(f"CREATE SCHEMA {schema}"))
        url = f"{base}{'&' if '?' in base else '?'}options=-csearch_path%3D{schema}"
    eng = create_engine(url)
    cfg = Config()
    cfg.set_main_option("script_location", "copydesk.store:migrations")
    with eng.begin() as conn:
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, "0004")
    rows = [
        written("old", "Harbour dredging begins", "Ships wait outside."),
        written("gone", "Harbour closed", "Merged away."),
    ]
    with eng.begin() as conn:
        for w in rows:
            conn.execute(
                text(
                    "INSERT INTO stories (id, slug, created, first_when, last_when, centroid, n_articles, "
                    "dirty, written, merged_into) VALUES (:id, :id, :t, :t, :t, :c, 1, false, :w, :m)"
                ),
                {
                    "id": w.story_id,
                    "t": T0,
                    "c": b"\x00",
                    "w": json.dumps(written_to_dict(w)),
                    "m": "old" if w.story_id == "gone" else None,
                },
            )
    eng.dispose()
    store = Store(url)
    try:
        assert ids(store.search("harbour")) == ["old"]  # a merged-away story is not indexed
    finally:
        store.close()
        if schema:
            with create_engine(base).begin() as c:
                c.execute(text(f"DROP SCHEMA {schema} CASCADE"))


def test_other_scripts(store):
    publish(store, written("hu", "Magyarország városai", "A főváros hídjait felújítják."))
    publish(store, written("ru", "Мост закрыт", "Городской совет закрыл мост на ремонт."))
    publish(store, written("ja", "東京都知事が会見", "東京都の知事は火曜日に記者会見を開いた。"))
    publish(store, written("zh", "北京举行会议", "北京市政府今天举行新闻发布会。"))
    assert ids(store.search("városai")) == ["hu"]
    assert ids(store.search("hídjait")) == ["hu"]
    assert ids(store.search("мост")) == ["ru"]
    assert ids(store.search("知事")) == ["ja"]  # a word inside an unspaced sentence
    assert ids(store.search("記者会見")) == ["ja"]
    assert ids(store.search("新闻")) == ["zh"]
    [hit] = store.search("知事").hits
    assert f"{S.MARK_START}知{S.MARK_END}" in hit.headline.replace(
        S.MARK_END + S.MARK_START, ""
    ) or f"{S.MARK_START}知事{S.MARK_END}" in hit.headline.replace(S.MARK_END + S.MARK_START, "")
    assert "\u200b" not in hit.headline + hit.snippet  # the separators the index needs are not shown


def test_accent_folding_on_sqlite(tmp_path):
    store = Store(f"sqlite:///{tmp_path}/t.sqlite3")
    publish(store, written("hu", "Magyarország városai", "A főváros hídjait felújítják."))
    assert ids(store.search("varosai")) == ["hu"]  # remove_diacritics 2
    store.close()


NASTY = [
    "",
    " ",
    '"',
    '""',
    '"""',
    "'",
    "*",
    "**",
    "^",
    "-",
    "+",
    ":",
    "()",
    "(",
    ")",
    "{",
    "}",
    "[",
    "]",
    "AND",
    "OR",
    "NOT",
    "NEAR",
    "NEAR(a b, 2)",
    "bridge AND",
    "OR bridge",
    "bridge NOT",
    "NEAR/3",
    "headline:bridge",
    "story_id:a",
    "{headline body}: bridge",
    "-headline:x",
    "bri*",
    "*bridge",
    "^bridge",
    '"unbalanced bridge',
    'bridge"',
    '"a" "b',
    "a\x00b",
    "\x00",
    "bridge\x00",
    "\ue000bridge\ue001",
    "\u200b",
    "x" * 10_000,
    "bridge " * 500,
    "😀",
    "🌉 bridge",
    "\ud800",
    "Árvíztűrő tükörfúrógép",
    "Мост",
    "東京",
    "서울에서",
    "'; DROP TABLE stories; --",
    "%",
    "_",
    "\\",
    "bridge%27",
    "<script>alert(1)</script>",
    "&amp;",
    "rank",
    "bm25(story_search)",
    "MATCH",
    "story_search",
    "' OR 1=1 --",
    "\t\n\r",
    "\u202e",
    "ﬁ",
]


def test_any_query_is_safe(store):
    publish(store, written("a", "Bridge reopens", "The bridge over the river reopened on Monday."))
    for q in NASTY:
        r = store.search(q)
        assert r.total == len(r.hits) <= 1, q
        assert len(r.query) <= S.MAX_QUERY_CHARS and len(r.terms) <= S.MAX_TERMS, q
    assert ids(store.search('"unbalanced bridge')) == []  # both words must match
    assert ids(store.search("bridge NEAR")) == []  # NEAR is a word like any other
    assert ids(store.search("bridge*")) == ["a"]
    assert store.search("x" * 10_000).warnings and store.search("bridge " * 500).total == 1


def test_parse_query():
    assert S.parse_query("Bridge  reopens") == (("bridge", "reopens"), ())
    assert S.parse_query('"chain bridge" closes "unbalanced')[0] == ("chain bridge", "closes", "unbalanced")
    assert S.parse_query("NEAR(a b, 2) col:x*")[0] == ("near", "a", "b", "2", "col", "x")
    assert S.parse_query("東京都")[0] == ("東 京 都",)
    assert S.parse_query("a\x00b")[0] == ("a", "b")
    assert S.parse_query("!!!") == ((), ("The query has no letters or digits to search for.",))
    terms, warnings = S.parse_query(" ".join(f"w{i}" for i in range(40)))
    assert len(terms) == S.MAX_TERMS and warnings
    # every term is letters, digits, marks and spaces: nothing an FTS5 or tsquery parser could read as syntax
    for q in NASTY:
        for t in S.parse_query(q)[0]:
            assert '"' not in t and not any(c in t for c in "*^:(){}-+\x00")


def test_fts5_query_is_always_valid_syntax():
    con = sqlite3.connect(":memory:")
    con.execute("CREATE VIRTUAL TABLE t USING fts5(a)")
    for q in NASTY:
        terms, _ = S.parse_query(q)
        if terms:
            con.execute("SELECT * FROM t WHERE t MATCH ?", (S.fts5_query(terms),)).fetchall()
