"""The pipeline's units of work and story history: processing an article is one transaction (a failure rolls back
that article only, and the run, and the next try in the same process, go on), and a story's revisions follow its
published text through the pipeline."""

from __future__ import annotations

from sqlalchemy import event

from copydesk.cluster import ClusterOptions
from copydesk.config import load_settings, render_config
from copydesk.models import ArticleIn
from copydesk.pipeline import Desk
from test_story_lifecycle import FakeEmbedder, line

OPTS = ClusterOptions(w_dense=1.0, w_sparse=0.0, w_names=0.0, join=0.94, merge=None)


def desk(tmp_path) -> Desk:
    (tmp_path / "copydesk.toml").write_text(render_config(), encoding="utf-8")
    d = Desk(load_settings(tmp_path / "copydesk.toml"), {}, cluster_options=OPTS)
    d._embedder = FakeEmbedder()
    return d


def mk(i: int, word: str, when: str, outlet: str | None = None) -> str:
    return line(
        f"https://m{i}.test/{i}",
        outlet or f"Outlet {i}",
        f"{word} story {i}",
        f"The {word} event happened today in the city centre. Officials confirmed the {word} event.",
        when,
    )


def commits(d: Desk) -> list[int]:
    """Counts every COMMIT the store's engine makes, from now on."""
    n = [0]
    event.listen(d.store.engine, "commit", lambda conn: n.__setitem__(0, n[0] + 1))
    return n


def test_a_failed_article_rolls_back_alone_and_is_processed_on_the_next_try(tmp_path, monkeypatch):
    d = desk(tmp_path)
    d.import_lines(
        [
            mk(1, "alpha", "2026-11-23T08:00:00Z"),
            mk(2, "beta", "2026-11-23T09:00:00Z"),
            mk(3, "gamma", "2026-11-23T10:00:00Z"),
        ]
    )
    [a1, a2, a3] = d.store.unprocessed()
    real = d.store.mark_processed

    def failing(article_id, **kw):
        if article_id == a2.id:
            raise RuntimeError("disk full")  # after its story was created and its dedup entry made, in the unit
        return real(article_id, **kw)

    monkeypatch.setattr(d.store, "mark_processed", failing)
    n = commits(d)
    rep = d.process()
    assert rep.counts.get("errors") == 1 and rep.counts["originals"] == 2 and rep.counts["stories-new"] == 3
    assert n[0] == 3  # one transaction per article: two processed, one event recorded for the failure
    assert [a.id for a in d.store.unprocessed()] == [a2.id]
    assert d.store.story_of(a2.id) is None and d.store.story_of(a1.id) and d.store.story_of(a3.id)
    assert len(d.store.dirty_stories()) == 2  # the failed article's new story was rolled back with it
    assert "disk full" in d.store.events("process")[0].message

    monkeypatch.setattr(d.store, "mark_processed", real)
    rep = d.process()  # the same process: its dedup index and clusterer were rebuilt without the failed article
    assert rep.counts == {"originals": 1, "stories-new": 1}
    assert d.store.unprocessed() == [] and len(set(map(d.store.story_of, (a1.id, a2.id, a3.id)))) == 3
    d.close()


def test_a_storys_revisions_follow_its_text_through_the_pipeline(tmp_path):
    d = desk(tmp_path)
    d.import_lines([mk(1, "alpha", "2026-11-23T08:00:00Z", "Alpha News")])
    d.process()
    n = commits(d)
    assert d.write().counts == {"written": 1, "revised": 1}
    # one transaction: the story with its revision and search entry (a one-voice story has no sentence vectors
    # to store: its sentences are checked verbatim)
    assert n[0] == 1
    [es] = d.edition().stories
    assert [(r.n, r.reason, r.changes) for r in es.revisions] == [(1, "coverage", ("first published",))]
    assert es.revisions[-1].written.headline == es.story.headline and es.story.revised == es.revisions[-1].at

    d.import_lines([mk(2, "alpha", "2026-11-23T09:00:00Z", "Beta Radio")])  # more coverage of the same event
    d.process()
    assert d.write().counts == {"written": 1, "revised": 1}
    [es] = d.edition().stories
    assert [r.n for r in es.revisions] == [1, 2]
    assert "a new source: Beta Radio" in es.revisions[1].changes
    assert es.revisions[0].written.sources != es.story.sources and es.revisions[1].written.sources == es.story.sources

    first = d.store.story_articles(es.story.story_id)[0]  # fetched again, the same text: the story is rewritten
    d.store.refetched(
        first.id,
        ArticleIn(
            url=first.url,
            outlet_id=first.outlet_id,
            title=first.title,
            text=first.text,
            page_class="article",
            fetch_outcome="fetched",
        ),
    )
    assert d.store.dirty_stories() == [es.story.story_id]
    assert d.write().counts == {"written": 1}  # written again to the same text: no new revision
    assert len(d.store.revisions(es.story.story_id)) == 2
    d.close()
