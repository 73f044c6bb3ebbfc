"""The section classifier (publish/sections.py): prototypes from descriptions, keyword evidence, fallbacks."""

from __future__ import annotations

from datetime import datetime, timezone

import numpy as np

from copydesk.config import DEFAULT_SECTIONS
from copydesk.models import Article, SectionConfig
from copydesk.publish.sections import (
    DEFAULT_DESCRIPTIONS,
    build_model,
    classify,
    keyword_section,
    prototype_texts,
    scores,
)

T0 = datetime(2026, 11, 1, tzinfo=timezone.utc)
SECTIONS = tuple(SectionConfig(s.slug, s.name, tuple(k.lower() for k in s.keywords)) for s in DEFAULT_SECTIONS)
AXES = ["hungary", "europe", "politics", "market", "research", "football"]


def fake_embed(texts: list[str]) -> np.ndarray:
    """A bag-of-axes embedder: one dimension per theme word family, so prototypes are predictable."""
    fam = {
        "hungary": ("hungar", "budapest", "orbán"),
        "europe": ("europe", "brussels", "german", "french"),
        "politics": ("president", "senate", "minister", "election", "court", "police", "politic"),
        "market": ("market", "bank", "prices", "econom", "compan"),
        "research": ("research", "scien", "study", "space"),
        "football": ("football", "match", "goal", "sport"),
    }
    out = np.full((len(texts), len(AXES)), 0.01, np.float32)
    for i, t in enumerate(texts):
        low = t.lower()
        for j, ax in enumerate(AXES):
            out[i, j] += sum(low.count(w) for w in fam[ax])
    return out / np.linalg.norm(out, axis=1, keepdims=True)


def art(title: str, text: str = "", i: int = 1) -> Article:
    return Article(
        id=i,
        url=f"https://x.test/{i}",
        canonical_url=f"https://x.test/{i}",
        outlet_id="o",
        title=title,
        text=text,
        summary="",
        published=T0,
        first_seen=T0,
    )


def axis(name: str) -> np.ndarray:
    v = np.full(len(AXES), 0.01, np.float32)
    v[AXES.index(name)] = 1.0
    return v / np.linalg.norm(v)


def test_every_default_section_has_a_shipped_description():
    assert {s.slug for s in DEFAULT_SECTIONS} == set(DEFAULT_DESCRIPTIONS)
    for s in DEFAULT_SECTIONS:
        assert (
            DEFAULT_DESCRIPTIONS[s.slug][0] == s.name
            and prototype_texts(SECTIONS[[x.slug for x in SECTIONS].index(s.slug)]) == DEFAULT_DESCRIPTIONS[s.slug][1]
        )


def test_the_vector_outweighs_stray_keywords():
    # a cabinet resignation whose text mentions "health" and "study": keywords alone say Science
    story = (art("Minister resigns", "The health minister resigned after a study of the ministry's accounts."),)
    assert keyword_section(story, SECTIONS) == "science"
    model = build_model(SECTIONS, fake_embed)
    assert classify(story, axis("politics"), model) == "world"


def test_keywords_decide_between_close_prototypes():
    model = build_model(SECTIONS, fake_embed)
    slugs = [x.slug for x in SECTIONS]
    both = model.prototypes[slugs.index("business")] + model.prototypes[slugs.index("science")]
    v = both / np.linalg.norm(both)  # as close to the one prototype as to the other
    s = scores((art("Bank raises rates", "The bank said inflation and prices rose."),), v, model)
    assert slugs[int(np.argmax(s))] == "business"
    assert classify((art("Space probe", "Scientists said the space research continues."),), v, model) == "science"


def test_a_users_own_section_is_described_by_its_name_and_keywords():
    sport = SectionConfig("sport", "Sport", ("football", "match", "goal"))
    sections = SECTIONS + (sport,)
    assert prototype_texts(sport)[0].startswith("Sport: football, match, goal")
    model = build_model(sections, fake_embed)
    assert classify((art("Late goal wins the match"),), axis("football"), model) == "sport"
    # a default slug under another name is the user's own section: not the shipped description
    renamed = SectionConfig("science", "Health", ("health", "hospital"))
    assert prototype_texts(renamed) != DEFAULT_DESCRIPTIONS["science"][1]
    assert "health" in prototype_texts(renamed)[0]


def test_without_a_usable_vector_the_keyword_rule_files_the_story():
    model = build_model(SECTIONS, fake_embed)
    story = (art("Orbán speaks in Budapest", "Hungary's prime minister spoke."),)
    assert classify(story, None, model) == "budapest"
    assert classify(story, np.zeros(len(AXES), np.float32), model) == "budapest"
    assert classify(story, np.ones(384, np.float32), model) == "budapest"  # another model's vector
    assert classify((art("Nothing matches"),), None, model) == "world"  # the section without keywords
