from datetime import datetime, timedelta, timezone

import numpy as np

from copydesk.cluster import ClusterOptions, absorb, assign, new_story
from copydesk.models import Article

T0 = datetime(2026, 11, 1, tzinfo=timezone.utc)


def art(i: int, when: datetime) -> Article:
    return Article(id=i, url=f"https://x.test/{i}", canonical_url=f"https://x.test/{i}", outlet_id="o", title="t",
                   text="", summary="", published=when, first_seen=when)


def unit(*xs: float) -> np.ndarray:
    v = np.array(xs, dtype=np.float32)
    return v / np.linalg.norm(v)


def test_joins_similar_story_and_starts_new_for_different():
    opts = ClusterOptions(threshold=0.9)
    s = new_story(art(1, T0), unit(1, 0, 0))
    assert assign(unit(1, 0.1, 0), T0, [s], opts).story_id == s.id
    assert assign(unit(0, 1, 0), T0, [s], opts).story_id is None


def test_window_keeps_later_event_of_same_kind_apart():
    opts = ClusterOptions(threshold=0.9, window=timedelta(days=7))
    s = new_story(art(1, T0), unit(1, 0, 0))
    assert assign(unit(1, 0, 0), T0 + timedelta(days=30), [s], opts).story_id is None
    # a late article (published before the story began, within the window) still joins
    assert assign(unit(1, 0, 0), T0 - timedelta(days=2), [s], opts).story_id == s.id


def test_story_id_is_stable_and_absorb_grows_story():
    s1 = new_story(art(1, T0), unit(1, 0, 0))
    s2 = new_story(art(1, T0), unit(0, 1, 0))
    assert s1.id == s2.id  # derived from the first article's address, not from run order
    g = absorb(s1, unit(0, 1, 0), T0 + timedelta(hours=5))
    assert g.n_articles == 2 and g.last_when == T0 + timedelta(hours=5) and g.first_when == T0
    assert abs(np.linalg.norm(g.centroid) - 1) < 1e-5
