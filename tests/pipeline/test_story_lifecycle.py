"""A story keeps its id and address across runs and grows as coverage arrives; a different event starts a
new story."""

from __future__ import annotations

import json

from copydesk.config import load_settings, render_config
from copydesk.pipeline import Desk
from testsupport import registry


def line(url: str, outlet: str, title: str, text: str, published: str) -> str:
    return json.dumps({"url": url, "outlet": outlet, "title": title, "text": text, "published": published})


FIRST = line(
    "https://a.test/1",
    "Alpha News",
    "Tram derails on Budapest's Margaret Bridge, 12 injured",
    "A tram derailed on the Margaret Bridge in Budapest on Monday morning, injuring 12 passengers. "
    "Firefighters freed two people who were trapped in the front carriage.",
    "2026-11-23T08:00:00+01:00",
)
LATER = line(
    "https://b.test/7",
    "Beta Radio",
    "Twelve hurt as tram leaves the rails on Margaret Bridge",
    "Twelve passengers were injured when a tram derailed on the Margaret Bridge in Budapest on Monday. "
    "Firefighters freed two people trapped in the front carriage of the tram.",
    "2026-11-23T11:30:00+01:00",
)
OTHER = line(
    "https://c.test/3",
    "Gamma Daily",
    "Hungarian central bank holds interest rate at 6.5 percent",
    "The National Bank of Hungary kept its base rate unchanged at 6.5 percent on Tuesday. "
    "The bank said inflation was expected to slow next year.",
    "2026-11-24T14:00:00+01:00",
)


def desk(tmp_path) -> Desk:
    (tmp_path / "copydesk.toml").write_text(render_config(), encoding="utf-8")
    # registry outlets with their own owners: each counts as an independent source
    return Desk(
        load_settings(tmp_path / "copydesk.toml"),
        registry({"Alpha News": "a.test", "Beta Radio": "b.test", "Gamma Daily": "c.test"}),
    )


def test_story_grows_across_runs_and_keeps_its_address(tmp_path):
    d = desk(tmp_path)
    d.import_lines([FIRST])
    d.process()
    d.write()
    [first] = d.edition().stories
    story_id, slug, published = first.story.story_id, first.story.slug, first.story.updated
    assert first.story.single_source and len(first.story.sources) == 1
    d.close()

    d = desk(tmp_path)  # a later run, a new process
    d.import_lines([LATER, OTHER])
    rep = d.process()
    assert rep.counts == {"originals": 2, "stories-grown": 1, "stories-new": 1}
    d.write()
    ed = d.edition()
    grown = [e.story for e in ed.stories if e.story.story_id == story_id][0]
    assert grown.slug == slug
    assert len(grown.sources) == 2 and grown.independent_sources == 2 and not grown.single_source
    assert grown.updated > published
    assert len(ed.stories) == 2
    d.close()


class FakeEmbedder:
    """Vectors chosen by a keyword, so that the test controls which stories meet."""

    name, dim = "fake", 3
    VECS = {"alpha": (1.0, 0.0, 0.0), "beta": (0.8, 0.6, 0.0), "bridge": (0.95, 0.31, 0.0)}

    def embed(self, texts):
        import numpy as np

        out = []
        for t in texts:
            key = next((k for k in self.VECS if k in t.lower()), None)
            v = np.array(self.VECS[key] if key else (0.0, 0.0, 1.0), dtype=np.float32)
            out.append(v / np.linalg.norm(v))
        return np.stack(out) if out else np.zeros((0, 3), np.float32)


def test_stories_that_turn_out_to_be_one_event_merge_and_old_address_redirects(tmp_path):
    from copydesk.cluster import ClusterOptions

    (tmp_path / "copydesk.toml").write_text(render_config(), encoding="utf-8")
    opts = ClusterOptions(w_dense=1.0, w_sparse=0.0, w_names=0.0, join=0.94, merge=0.88)
    d = Desk(load_settings(tmp_path / "copydesk.toml"), {}, cluster_options=opts)
    d._embedder = FakeEmbedder()

    def mk(i, word, when):
        return line(
            f"https://m.test/{i}",
            f"Outlet {i}",
            f"{word} story {i}",
            f"The {word} event happened today in the city centre. Officials confirmed the {word} event.",
            when,
        )

    d.import_lines([mk(1, "alpha", "2026-11-23T08:00:00Z"), mk(2, "beta", "2026-11-23T09:00:00Z")])
    assert d.process().counts["stories-new"] == 2
    d.write()
    slugs = {e.story.slug for e in d.edition().stories}
    assert len(slugs) == 2
    d.import_lines([mk(3, "bridge", "2026-11-23T10:00:00Z")])
    rep = d.process()
    assert rep.counts.get("stories-merged") == 1
    d.write()
    ed = d.edition()
    assert len(ed.stories) == 1 and len(ed.stories[0].story.sources) == 3
    survivor = ed.stories[0].story.slug
    [(old, new)] = ed.redirects.items()
    assert new == survivor and old in slugs and old != survivor

    from fastapi.testclient import TestClient

    from copydesk.web.app import create_app

    r = TestClient(create_app(lambda: ed)).get(f"/story/{old}/", follow_redirects=False)
    assert r.status_code == 301 and r.headers["location"].rstrip("/").endswith(f"/story/{survivor}")
    d.close()


def test_a_story_that_names_the_same_event_as_another_is_merged_by_the_second_pass_and_redirects(tmp_path):
    """The same-event merger (cluster/merge.py) records its merges as every merge is recorded: the absorbed story's
    address redirects to the survivor, whose page lists every source."""
    from datetime import timedelta

    from copydesk.cluster import ClusterOptions
    from copydesk.cluster.merge import MergeOptions

    (tmp_path / "copydesk.toml").write_text(render_config(), encoding="utf-8")
    merging = MergeOptions(min_score=0.75, key_names=10, min_names=0.5, key_min_idf=0.0, max_gap=timedelta(hours=36))
    opts = ClusterOptions(w_dense=1.0, w_sparse=0.0, w_names=0.0, join=0.94, merge=None, same_event=merging)
    d = Desk(load_settings(tmp_path / "copydesk.toml"), {}, cluster_options=opts)
    d._embedder = FakeEmbedder()
    first = line(
        "https://m.test/1",
        "Outlet 1",
        "alpha story 1",
        "The alpha event happened today near the Margaret Bridge in Budapest. Police confirmed the event.",
        "2026-11-23T08:00:00Z",
    )
    # cosine 0.8 with the first (under join) and no name in common: a story of its own
    second = line(
        "https://m.test/2",
        "Outlet 2",
        "beta story 2",
        "The beta event happened today, officials in Rancho Mirage said. Nobody was hurt in the beta event.",
        "2026-11-23T09:00:00Z",
    )
    d.import_lines([first, second])
    assert d.process().counts["stories-new"] == 2
    d.write()
    slugs = {e.story.slug for e in d.edition().stories}
    assert len(slugs) == 2
    # joins the first story (cosine 0.95), which now names the second's places too: one event after all
    third = line(
        "https://m.test/3",
        "Outlet 3",
        "bridge story 3",
        "The event near the Margaret Bridge in Budapest was also reported by officials in Rancho Mirage.",
        "2026-11-23T10:00:00Z",
    )
    d.import_lines([third])
    rep = d.process()
    assert rep.counts.get("stories-merged") == 1
    d.write()
    ed = d.edition()
    assert len(ed.stories) == 1 and len(ed.stories[0].story.sources) == 3
    [(old, new)] = ed.redirects.items()
    assert new == ed.stories[0].story.slug and old in slugs and old != new
    d.close()
