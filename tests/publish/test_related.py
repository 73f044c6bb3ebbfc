"""Related stories (publish/related.py): same topic and a different event; never the same event, never another
topic."""

from __future__ import annotations

import numpy as np

from copydesk.publish.related import (
    NAMES_MAX,
    RELATED_MIN,
    RELATED_MIN_ARTICLES,
    RelatedOptions,
    names,
    related_stories,
)


def unit(*xs: float) -> np.ndarray:
    v = np.array(xs, dtype=np.float32)
    return v / np.linalg.norm(v)


# Topic "celebrity enters rehab": two events (Reid 2008, Lohan 2013); the Reid event was split into two stories.
# Topic "earthquake": one story. Vectors: the rehab stories within the cosine bound of each other.
STORIES = {
    "reid": (
        "Tara Reid enters rehab at Promises in Malibu. Tara Reid checked into the Promises Treatment Centre "
        "in Malibu, her publicist Jack Ketsoyan said.",
        unit(1, 0.15, 0, 0),
    ),
    "reid-again": (
        "Actress Tara Reid checks into Promises. Reid went to the Malibu facility, Ketsoyan said on Tuesday.",
        unit(1, 0.1, 0.05, 0),
    ),
    "lohan": (
        "Lindsay Lohan enters rehab at Betty Ford. Lohan arrived at the Betty Ford Center in Rancho Mirage "
        "ahead of her court deadline, her lawyer Mark Heller said.",
        unit(1, 0.25, 0.1, 0),
    ),
    "quake": (
        "Earthquake strikes Indonesia. A magnitude 7.1 quake hit Sulawesi, the geophysics agency BMKG said.",
        unit(0, 0, 0.3, 1),
    ),
}


def _related(texts: bool = True, **kw) -> dict[str, tuple[str, ...]]:
    ids = list(STORIES)
    return related_stories(
        ids, [STORIES[i][1] for i in ids], [STORIES[i][0] for i in ids] if texts else None, RelatedOptions(**kw)
    )


def test_related_excludes_the_same_event_and_other_topics():
    rel = _related()
    assert rel["reid"] == ("lohan",)
    assert rel["reid-again"] == ("lohan",)
    assert set(rel["lohan"]) == {"reid", "reid-again"}
    assert rel["quake"] == ()


def test_the_same_event_is_told_by_its_names_not_its_vector():
    ids = list(STORIES)
    C = np.stack([STORIES[i][1] for i in ids])
    assert (C[0] @ C[1]) >= RELATED_MIN and (C[0] @ C[2]) >= RELATED_MIN  # the vectors alone would list both
    assert "reid-again" in _related(texts=False)["reid"]  # and do, without the texts
    assert "reid-again" not in _related()["reid"]
    assert "reid-again" in _related(names_max=1.01)["reid"]  # the names bound is what keeps it out


def test_the_list_is_capped_and_ordered_by_similarity():
    rel = _related(max_related=1, names_max=1.01)
    assert rel["reid"] == ("reid-again",)  # the most similar first
    assert all(len(v) <= 1 for v in rel.values())


def test_names_are_capitalised_words_and_numbers_without_stopwords():
    n = names("The Promises centre in Malibu said on Tuesday that 33 people and Tara Reid's friends came.")
    assert {"promises", "malibu", "33", "tara", "reid"} <= set(n)
    assert "the" not in n and "tuesday" not in n and "centre" not in n


def test_no_stories_no_related():
    assert related_stories([], []) == {}
    assert 0 < NAMES_MAX <= 1


def test_small_stories_get_no_box_and_are_in_none():
    ids = list(STORIES)
    vecs, texts = [STORIES[i][1] for i in ids], [STORIES[i][0] for i in ids]
    sizes = [12, 1, 9, 5]  # "reid-again" is a one-article piece of the Reid story
    rel = related_stories(ids, vecs, texts, RelatedOptions(names_max=1.01), sizes)
    assert rel["reid"] == ("lohan",) and rel["lohan"] == ("reid",)  # the names bound off: the size keeps it out
    assert rel["reid-again"] == ()
    assert "reid-again" in related_stories(ids, vecs, texts, RelatedOptions(names_max=1.01))["reid"]  # no sizes
    assert related_stories(ids, vecs, texts, RelatedOptions(min_articles=1), sizes) == _related()
    assert RELATED_MIN_ARTICLES > 1
