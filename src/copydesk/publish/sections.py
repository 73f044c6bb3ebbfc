"""Which section a story is filed under: a classifier over the story's text and vector.

Each configured section gets a prototype: the normalised mean embedding of texts that describe it. For the
default sections (`copydesk.config.DEFAULT_SECTIONS`, matched by slug and name) these are a description and a
dozen example headlines written for this module (our own text, shipped under the project's licence); a section
of the user's own, or a default one renamed, is described by its name and keywords. A story's score for a
section is the cosine of its vector (the stored story centroid: mean embedding of its articles' title + lede,
`copydesk.cluster.article_text_for_embedding`) with the prototype, plus `W_KEYWORDS` times a saturating count
of the section's keywords in the story's titles, text and categories (`keyword_counts`, the rule used alone
before). The best-scoring section wins. No weights are learned from third-party text: the two numbers below
are tuned on the even-numbered AllSides stories (`bench/sections.py`, odd ones held out).

Pure functions: the pipeline embeds the prototype texts once (`prototype_texts`, `build_model`) with the model
it embeds articles with, and passes each story's articles and centroid (`classify`).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from typing import Callable, Sequence

import numpy as np

from copydesk.models import Article, SectionConfig
from copydesk.text import words

# ---------------------------------------------------------------------------------------------------------
# Tuned numbers (calibrated by `bench/sections.py` on the even-numbered AllSides stories; see there)
# ---------------------------------------------------------------------------------------------------------

#: Weight of the keyword evidence (log(1 + hits), so the tenth "market" says less than the first) against the
#: prototype cosine. Swept 0-0.06 in steps of 0.005 on the even AllSides stories (167 kept: 131 world, 23
#: business, 12 science, 1 europe): accuracy / macro recall 0.904 / 0.772 with the vector alone (0), 0.898 /
#: 0.846 at 0.005, 0.874 / 0.856 at 0.015, 0.862 / 0.853 at 0.02, falling to 0.767 / 0.784 at 0.06 (keyword rule
#: alone 0.761 / 0.764; always "world" 0.784). 0.005 has the best mean of the two: the vector decides, keywords
#: break near-ties.
W_KEYWORDS = 0.005

# ---------------------------------------------------------------------------------------------------------
# Descriptions of the default sections (our own text)
# ---------------------------------------------------------------------------------------------------------

#: slug -> (name it must still have, texts). A default section whose name the user changed is described by its
#: name and keywords instead, since the user means something else by it.
DEFAULT_DESCRIPTIONS: dict[str, tuple[str, tuple[str, ...]]] = {
    "budapest": (
        "Budapest",
        (
            "News from Budapest and Hungary: Hungarian politics, the government, parliament, cities and people.",
            "Hungarian government announces new measures in Budapest",
            "Orbán's Fidesz wins majority in Hungarian parliamentary election",
            "Budapest mayor unveils plan for public transport on the Danube",
            "Hungarian opposition parties agree on joint candidate",
            "Hungary's parliament passes controversial law",
            "Hungarian forint weakens as central bank in Budapest holds rates",
            "Budapest hospital staff protest over wages",
            "Hungarian police arrest suspects after Budapest robbery",
            "Flooding on the Danube threatens towns north of Budapest",
            "Hungarian minister resigns after scandal",
        ),
    ),
    "europe": (
        "Europe",
        (
            "News from Europe: the European Union, European governments, elections and events in European countries.",
            "European Union leaders meet in Brussels to agree on budget",
            "German chancellor faces coalition crisis in Berlin",
            "French president announces pension reform amid protests in Paris",
            "Polish government clashes with the European Commission over courts",
            "Russia and Ukraine exchange prisoners as fighting continues",
            "British prime minister survives confidence vote in parliament",
            "Italian election brings new coalition to power in Rome",
            "Spanish police arrest suspects in Madrid attack",
            "Floods kill dozens in Germany and Belgium",
            "NATO defence ministers meet as Europe boosts military spending",
        ),
    ),
    "world": (
        "World",
        (
            "World news: politics, government, elections, courts, crime, conflict, diplomacy and disasters around the "
            "world, in the United States, Asia, Africa, the Middle East and the Americas.",
            "President vetoes spending bill passed by Congress",
            "Senate votes on bill as Democrats and Republicans remain divided",
            "Supreme Court rules on state law in landmark case",
            "Typhoon floods villages and forces thousands to evacuate",
            "Police investigate shooting that left several people dead",
            "Former official indicted by federal grand jury",
            "Rebels seize provincial capital as government troops retreat",
            "Israeli and Palestinian leaders agree to ceasefire after days of fighting",
            "China and the United States trade accusations over military drills",
            "Earthquake destroys homes in mountain region",
            "Voters head to the polls in presidential election",
            "Cabinet minister resigns after criticism from lawmakers",
            "Immigration officials report record number of migrants at the border",
        ),
    ),
    "business": (
        "Business",
        (
            "Business and economy news: companies, markets, jobs, inflation, trade, banks, prices and the economy.",
            "Stock markets fall as investors worry about inflation",
            "Central bank raises interest rates to curb rising prices",
            "Unemployment falls as employers add jobs",
            "Company reports record quarterly profit and raises its forecast",
            "Oil prices climb after producers agree to cut output",
            "Consumer prices rise at fastest pace in decades",
            "Carmaker recalls vehicles and shares drop",
            "Trade deficit widens as imports surge",
            "Economy grows faster than expected in second quarter",
            "Bank agrees to pay fine to settle regulators' claims",
            "Workers strike for higher wages at factories",
        ),
    ),
    "science": (
        "Science & Technology",
        (
            "Science, technology and health news: research, studies, space, medicine, climate, the internet, software "
            "and technology companies.",
            "Scientists publish study on the effects of a new drug",
            "NASA launches mission to study distant planet",
            "Researchers discover new species in the rainforest",
            "Trial shows new treatment slows the disease",
            "Phone maker unveils new handset with a faster chip",
            "Security researchers warn of flaw in widely used software",
            "Glaciers are melting faster than thought, researchers say",
            "New smartphone software update fixes security flaw",
            "Chipmaker builds new plant for data-centre processors",
            "Study finds link between diet and heart disease",
            "Artificial intelligence system beats experts at medical diagnosis",
        ),
    ),
}


def prototype_texts(sec: SectionConfig) -> tuple[str, ...]:
    """The texts whose mean embedding stands for a section."""
    shipped = DEFAULT_DESCRIPTIONS.get(sec.slug)
    if shipped and shipped[0] == sec.name:
        return shipped[1]
    if sec.keywords:
        return (f"{sec.name}: {', '.join(sec.keywords)}.", f"News about {sec.name.lower()}.")
    return (f"{sec.name} news.",)


@dataclass(frozen=True, slots=True)
class SectionModel:
    """The configured sections with one unit prototype row each (in the embedder's space)."""

    sections: tuple[SectionConfig, ...]
    prototypes: np.ndarray  # (len(sections), dim)
    w_keywords: float = W_KEYWORDS


def build_model(
    sections: Sequence[SectionConfig], embed: Callable[[list[str]], np.ndarray], w_keywords: float = W_KEYWORDS
) -> SectionModel:
    """Embed each section's prototype texts (with the model that embeds the articles) and average them."""
    rows = []
    for sec in sections:
        v = np.asarray(embed(list(prototype_texts(sec))), dtype=np.float32).mean(axis=0)
        rows.append(v / (np.linalg.norm(v) or 1.0))
    return SectionModel(tuple(sections), np.stack(rows), w_keywords)


def keyword_counts(articles: Sequence[Article], sections: Sequence[SectionConfig]) -> dict[str, int]:
    """Mentions of each section's keywords in the story's titles (x3), text (first 3000 characters) and
    categories (x2)."""
    counts: dict[str, int] = defaultdict(int)
    bag: list[str] = []
    for a in articles:
        bag += words(a.title) * 3 + words(a.body[:3000]) + [w for c in a.categories for w in words(c)] * 2
    text = " " + " ".join(bag) + " "
    for sec in sections:
        for kw in sec.keywords:
            counts[sec.slug] += text.count(f" {kw} ")
    return dict(counts)


def keyword_section(articles: Sequence[Article], sections: Sequence[SectionConfig]) -> str:
    """The keyword rule alone (used before the classifier, and when there is no story vector): the section
    whose keywords the story mentions most; the first section without keywords (or the first) otherwise."""
    counts = keyword_counts(articles, sections)
    best = max(sections, key=lambda s: counts.get(s.slug, 0))
    if counts.get(best.slug, 0) > 0:
        return best.slug
    return next((s for s in sections if not s.keywords), sections[0]).slug


def scores(articles: Sequence[Article], vector: np.ndarray, model: SectionModel) -> np.ndarray:
    """One score per section of `model`: prototype cosine + w_keywords * log(1 + keyword hits)."""
    counts = keyword_counts(articles, model.sections)
    kw = np.log1p(np.array([counts.get(s.slug, 0) for s in model.sections], dtype=np.float64))
    v = np.asarray(vector, dtype=np.float32)
    v = v / (np.linalg.norm(v) or 1.0)
    return model.prototypes @ v + model.w_keywords * kw


def classify(articles: Sequence[Article], vector: np.ndarray | None, model: SectionModel) -> str:
    """The section slug for a story (its articles and centroid); the keyword rule when there is no vector or
    the vector is of another dimension than the prototypes (a different embedding model)."""
    if vector is None or np.shape(vector) != model.prototypes.shape[1:] or not np.any(vector):
        return keyword_section(articles, model.sections)
    return model.sections[int(np.argmax(scores(articles, vector, model)))].slug


__all__ = [
    "SectionModel",
    "build_model",
    "classify",
    "keyword_counts",
    "keyword_section",
    "prototype_texts",
    "scores",
    "DEFAULT_DESCRIPTIONS",
    "W_KEYWORDS",
]
