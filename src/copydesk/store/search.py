"""Full-text search over published stories, kept in the store beside the stories it indexes.

One table, ``story_search``, one row per published story (its headline, its text, its sources' outlets and
titles), written in the same transaction that writes, holds or merges the story (``Store.save_written``,
``hold_story``, ``merge_stories``), and filled for existing stories by migration 0005:

- SQLite: an FTS5 virtual table (tokenizer ``porter unicode61 remove_diacritics 2``: English stems, accents
  folded so "varosai" finds "városai"), ranked by ``bm25`` with the column weights below, snippets by FTS5's
  ``snippet()``/``highlight()``.
- PostgreSQL: a plain table with a ``tsvector`` column (headline weight A, text B, sources C; GIN index),
  queried with ``websearch_to_tsquery``, ranked by ``ts_rank`` with the same relative weights, snippets by
  ``ts_headline``.

Safety: a reader's query never reaches either query language as typed. ``parse_query`` keeps only words
(Unicode letters and digits) and double-quoted phrases, caps the length and the number of terms, and the
database receives every term as a quoted phrase, so FTS5 operators (``AND``, ``NEAR``, ``col:``, ``*``, ``^``),
unbalanced quotes and NUL bytes are plain words or nothing. Chinese, Japanese and Korean are written without
spaces between words: each of their characters is indexed as a word of its own (separated by U+200B, which
both databases treat as a separator and a browser does not show), and a query in those scripts becomes the
phrase of its characters. Hits come back with the matched words between ``MARK_START`` and ``MARK_END``
(private-use characters removed from everything indexed); the renderer escapes the text first and only then
turns the markers into ``<mark>``.
"""

from __future__ import annotations

import json
import re
import unicodedata
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import text
from sqlalchemy.engine import Connection
from sqlalchemy.orm import Session

__all__ = [
    "MARK_START",
    "MARK_END",
    "MAX_QUERY_CHARS",
    "MAX_TERMS",
    "MAX_PAGE",
    "SearchHit",
    "SearchResults",
    "parse_query",
    "clean_query",
    "search_fields",
    "index_story",
    "unindex_story",
    "rebuild",
    "search",
    "create_index",
    "drop_index",
]

#: Around each matched word of a hit's headline and snippet. Private-use characters: stripped from everything
#: indexed, so a marker in a hit can only be one the database put there.
MARK_START, MARK_END = "\ue000", "\ue001"
#: A query longer than this is cut (and the results say so). Far longer than any query a reader types (a
#: pasted headline is about 80 characters), short enough that no query makes a slow search.
MAX_QUERY_CHARS = 200
#: Words or phrases of one query beyond this are ignored (and the results say so). All must match.
MAX_TERMS = 12
#: Pages beyond this are not served (the web and API layers refuse them with a message; here they are clamped so
#: no offset overflows a database integer). 1,000 pages of results is more than anyone pages through.
MAX_PAGE = 1000
#: Relative weight of a match in the headline, the story's text and its sources (outlet names and article
#: titles). An editorial choice, not tuned: a story about the thing outranks one that mentions it; the tests
#: check that order. Used as the bm25 column weights (SQLite) and, scaled to 1, ts_rank's A/B/C (PostgreSQL).
WEIGHT_HEADLINE, WEIGHT_TEXT, WEIGHT_SOURCES = 10.0, 1.0, 2.0
#: Words of context in a snippet (FTS5 counts tokens, PostgreSQL words): about two lines of a result list.
SNIPPET_WORDS = 32
#: PostgreSQL text search configuration: English stemming, like the porter tokenizer on SQLite.
PG_CONFIG = "english"

_SEP = "\u200b"  # zero-width space: a token separator for both databases, invisible in a browser
# Characters never indexed: our markers, the separator we insert, NUL and other C0/C1 controls (tab, newline
# and carriage return become spaces).
_STRIP = re.compile("[\ue000\ue001\u200b\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff]")
# Scripts written without spaces between words: Han, Hiragana, Katakana, Hangul syllables and jamo.
_CJK = "\u1100-\u11ff\u3040-\u30ff\u3130-\u318f\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af\uf900-\ufaff\uff66-\uff9f"
_CJK_CHAR = re.compile(f"[{_CJK}]")
_CJK_RUN = re.compile(f"(?<=[{_CJK}])(?=[{_CJK}])")
# A word: letters, digits and combining marks (Devanagari vowel signs, Hebrew points); underscore is not.
_WORD = re.compile(r"[^\W_](?:[^\W_]|[\u0300-\u036f\u0900-\u0dff\u0591-\u05c7])*")
_PHRASE = re.compile(r'"([^"]*)"')


@dataclass(frozen=True, slots=True)
class SearchHit:
    """One story found. ``headline`` and ``snippet`` carry ``MARK_START``/``MARK_END`` around matched words."""

    story_id: str
    slug: str
    section: str
    updated: datetime | None
    headline: str
    snippet: str
    score: float  # higher is better: -bm25 on SQLite, ts_rank on PostgreSQL; comparable within one search


@dataclass(frozen=True, slots=True)
class SearchResults:
    """A page of hits, best first. ``terms`` are the words and phrases searched (all must match); ``warnings``
    say what was left out of the reader's query (too long, too many words, nothing searchable)."""

    query: str
    terms: tuple[str, ...]
    page: int
    per_page: int
    total: int
    hits: tuple[SearchHit, ...]
    warnings: tuple[str, ...] = ()

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.per_page))


# --------------------------------------------------------------------------------------------------------
# Pure: what is indexed and what is searched
# --------------------------------------------------------------------------------------------------------


def prepare(s: str) -> str:
    """Text as indexed: NFC, controls and our markers removed, each CJK character a token of its own."""
    s = unicodedata.normalize("NFC", s).replace("\t", " ").replace("\n", " ").replace("\r", " ")
    return _CJK_RUN.sub(_SEP, _STRIP.sub("", s))


def shown(s: str) -> str:
    """A hit's text as readers see it: the separators we inserted removed (markers kept)."""
    return s.replace(_SEP, "")


def search_fields(written: dict[str, Any]) -> tuple[str, str, str]:
    """(headline, text, sources) of a stored story (``serde.written_to_dict``), prepared for the index: the text
    is the lede, the subheadings and every sentence; the sources are their outlet names and article titles."""
    parts = [written["lede"]["text"]]
    for sec in written.get("body") or ():
        if sec.get("heading"):
            parts.append(sec["heading"])
        parts.extend(s["text"] for s in sec.get("sentences") or ())
    sources = []
    for src in written.get("sources") or ():
        sources.extend(x for x in (src.get("outlet_name"), src.get("title")) if x)
    return (prepare(written["headline"]["text"]), prepare(" ".join(parts)), prepare(" · ".join(dict.fromkeys(sources))))


def clean_query(q: str) -> str:
    """A reader's query as it may be shown back and put in a link: NFC, at most ``MAX_QUERY_CHARS``, without
    control characters (a NUL is not allowed in an HTML page) or unpaired surrogates."""
    q = unicodedata.normalize("NFC", q if isinstance(q, str) else "")[:MAX_QUERY_CHARS]
    return " ".join(_STRIP.sub(" ", q).split())


def parse_query(q: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """(terms, warnings) of a reader's query. A term is a word or a double-quoted phrase as its words separated
    by spaces; characters other than letters and digits separate words; an unbalanced quote is ignored."""
    warnings = []
    q = unicodedata.normalize("NFC", q if isinstance(q, str) else "")
    if len(q) > MAX_QUERY_CHARS:
        q = q[:MAX_QUERY_CHARS]
        if q[-1:].isalnum() and " " in q[MAX_QUERY_CHARS // 2 :]:
            q = q.rsplit(" ", 1)[0]  # not half a word
        warnings.append(f"Only the first {MAX_QUERY_CHARS} characters of the query were searched.")
    q = _STRIP.sub(" ", q)
    terms: list[str] = []

    def words(s: str) -> list[str]:
        out = []
        for w in _WORD.findall(s):
            out.append(" ".join(w) if _CJK_CHAR.search(w) and len(w) > 1 else w)  # CJK: its characters
        return out

    pos = 0
    for m in _PHRASE.finditer(q):
        terms.extend(words(q[pos : m.start()]))
        phrase = " ".join(words(m.group(1)))
        if phrase:
            terms.append(phrase)
        pos = m.end()
    terms.extend(words(q[pos:].replace('"', " ")))
    terms = list(dict.fromkeys(t.lower() for t in terms))
    if len(terms) > MAX_TERMS:
        terms = terms[:MAX_TERMS]
        warnings.append(f"Only the first {MAX_TERMS} words or phrases of the query were searched.")
    if not terms and q.strip():
        warnings.append("The query has no letters or digits to search for.")
    return tuple(terms), tuple(warnings)


def fts5_query(terms: tuple[str, ...]) -> str:
    """Every term as a quoted phrase, all required: valid FTS5 syntax, and what PostgreSQL's
    ``websearch_to_tsquery`` reads the same way (a term has letters, digits, marks and spaces only: nothing to
    escape)."""
    return " ".join(f'"{t}"' for t in terms)


# --------------------------------------------------------------------------------------------------------
# The index, on either database
# --------------------------------------------------------------------------------------------------------


def _dialect(conn: Connection | Session) -> str:
    return conn.get_bind().dialect.name if isinstance(conn, Session) else conn.dialect.name


def create_index(conn: Connection) -> None:
    """Create the search table (migration 0005)."""
    if _dialect(conn) == "sqlite":
        conn.execute(
            text(
                "CREATE VIRTUAL TABLE story_search USING fts5("
                "headline, body, sources, story_id UNINDEXED, slug UNINDEXED, section UNINDEXED, updated UNINDEXED, "
                "tokenize = 'porter unicode61 remove_diacritics 2')"
            )
        )
    else:
        conn.execute(
            text(
                "CREATE TABLE story_search (story_id VARCHAR(40) PRIMARY KEY, slug VARCHAR(200) NOT NULL, "
                "section VARCHAR(100) NOT NULL, updated TIMESTAMP WITH TIME ZONE, headline TEXT NOT NULL, "
                "body TEXT NOT NULL, sources TEXT NOT NULL, document TSVECTOR NOT NULL)"
            )
        )
        conn.execute(text("CREATE INDEX ix_story_search_document ON story_search USING GIN (document)"))


def drop_index(conn: Connection) -> None:
    conn.execute(text("DROP TABLE IF EXISTS story_search"))


def unindex_story(conn: Connection | Session, story_id: str) -> None:
    conn.execute(text("DELETE FROM story_search WHERE story_id = :id"), {"id": story_id})


def index_story(conn: Connection | Session, story_id: str, slug: str, written: dict[str, Any]) -> None:
    """(Re)index one published story from its stored JSON, on the caller's connection and transaction."""
    unindex_story(conn, story_id)
    headline, body, sources = search_fields(written)
    values = dict(
        id=story_id,
        slug=slug,
        section=written.get("section") or "",
        updated=written.get("updated"),
        headline=headline,
        body=body,
        sources=sources,
    )
    if _dialect(conn) == "sqlite":
        conn.execute(
            text(
                "INSERT INTO story_search (headline, body, sources, story_id, slug, section, updated) "
                "VALUES (:headline, :body, :sources, :id, :slug, :section, :updated)"
            ),
            values,
        )
        return
    values["updated"] = datetime.fromisoformat(values["updated"]) if values["updated"] else None
    conn.execute(
        text(
            "INSERT INTO story_search (story_id, slug, section, updated, headline, body, sources, document) "  # noqa: S608 (only constants are formatted in; values are bound)
            "VALUES (:id, :slug, :section, :updated, :headline, :body, :sources, "
            f"setweight(to_tsvector('{PG_CONFIG}', :headline), 'A') || setweight(to_tsvector('{PG_CONFIG}', :body), 'B')"
            f" || setweight(to_tsvector('{PG_CONFIG}', :sources), 'C'))"
        ),
        values,
    )


def rebuild(conn: Connection | Session) -> int:
    """Index every published story again (migration 0005 fills the new table with it); returns how many."""
    conn.execute(text("DELETE FROM story_search"))
    rows = conn.execute(
        text("SELECT id, slug, written FROM stories WHERE written IS NOT NULL AND merged_into IS NULL")
    ).all()
    n = 0
    for story_id, slug, written in rows:
        data = json.loads(written) if isinstance(written, str | bytes) else written
        if data:
            index_story(conn, story_id, slug, data)
            n += 1
    return n


def _when(v: Any) -> datetime | None:
    if v is None or isinstance(v, datetime):
        return v
    try:
        return datetime.fromisoformat(v)
    except (TypeError, ValueError):
        return None


def search(conn: Connection | Session, query: str, page: int = 1, per_page: int = 10) -> SearchResults:
    """Page ``page`` (from 1) of the published stories matching every term of ``query``, best first."""
    terms, warnings = parse_query(query)
    page, per_page = min(max(1, int(page)), MAX_PAGE), max(1, int(per_page))
    empty = SearchResults(" ".join(terms), terms, page, per_page, 0, (), warnings)
    if not terms:
        return empty
    params = dict(limit=per_page, offset=(page - 1) * per_page)
    if _dialect(conn) == "sqlite":
        params["q"] = fts5_query(terms)
        total = conn.execute(text("SELECT count(*) FROM story_search WHERE story_search MATCH :q"), params).scalar()
        rows = conn.execute(
            text(
                "SELECT story_id, slug, section, updated, "  # noqa: S608 (only constants are formatted in; the query is bound as :q)
                f"highlight(story_search, 0, '{MARK_START}', '{MARK_END}'), "
                f"snippet(story_search, 1, '{MARK_START}', '{MARK_END}', '…', {SNIPPET_WORDS}), "
                f"bm25(story_search, {WEIGHT_HEADLINE}, {WEIGHT_TEXT}, {WEIGHT_SOURCES}, 0, 0, 0, 0) AS rank "
                "FROM story_search WHERE story_search MATCH :q ORDER BY rank, updated DESC, story_id "
                "LIMIT :limit OFFSET :offset"
            ),
            params,
        ).all()
        hits = tuple(SearchHit(r[0], r[1], r[2], _when(r[3]), shown(r[4]), shown(r[5]), -float(r[6])) for r in rows)
    else:
        params["q"] = fts5_query(terms)
        top = max(WEIGHT_HEADLINE, WEIGHT_TEXT, WEIGHT_SOURCES)
        d_c_b_a = f"{{0, {WEIGHT_SOURCES / top}, {WEIGHT_TEXT / top}, {WEIGHT_HEADLINE / top}}}"  # ts_rank's order
        weights = f"CAST('{d_c_b_a}' AS float4[])"
        marks = f"StartSel={MARK_START}, StopSel={MARK_END}"
        q = f"websearch_to_tsquery('{PG_CONFIG}', :q)"
        total = conn.execute(text(f"SELECT count(*) FROM story_search WHERE document @@ {q}"), params).scalar()  # noqa: S608 (q is a constant expression; the query is bound as :q)
        rows = conn.execute(
            text(
                "SELECT story_id, slug, section, updated, "  # noqa: S608 (only constants are formatted in; the query is bound as :q)
                f"ts_headline('{PG_CONFIG}', headline, query, '{marks}, HighlightAll=true'), "
                f"ts_headline('{PG_CONFIG}', body, query, '{marks}, MaxWords={SNIPPET_WORDS}, "
                f'MinWords={SNIPPET_WORDS // 2}, MaxFragments=2, FragmentDelimiter=" … "\'), '
                f"ts_rank({weights}, document, query) AS rank "
                f"FROM story_search, {q} AS query WHERE document @@ query "
                "ORDER BY rank DESC, updated DESC, story_id LIMIT :limit OFFSET :offset"
            ),
            params,
        ).all()
        hits = tuple(SearchHit(r[0], r[1], r[2], _when(r[3]), shown(r[4]), shown(r[5]), float(r[6])) for r in rows)
    return SearchResults(" ".join(terms), terms, page, per_page, int(total or 0), hits, warnings)
