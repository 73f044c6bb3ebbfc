from datetime import datetime, timedelta, timezone

import numpy as np
import pytest

from copydesk.models import UNRATED, ArticleIn, FetchResult, Outlet, Rating
from copydesk.store import Store, StoryState


@pytest.fixture
def store(db_url):
    """A store on each backend (the `db_url` fixture of tests/conftest.py: SQLite, then a fresh PostgreSQL schema)."""
    s = Store(db_url)
    yield s
    s.close()


OUT = Outlet(
    "wire",
    "Wire",
    "https://wire.test/",
    ("https://wire.test/feed",),
    "en",
    "INT",
    "Wire Co",
    Rating("center", "test basis"),
    Rating(UNRATED),
)


def test_articles_stories_and_written_round_trip(store):
    store.sync_outlets([OUT])
    assert store.outlets()["wire"] == OUT
    a = ArticleIn(
        url="https://wire.test/a?utm_source=x",
        outlet_id="wire",
        title="T",
        text="Body.",
        published=datetime(2026, 11, 1, 12, tzinfo=timezone.utc),
    )
    aid = store.add_article(a, "https://wire.test/a")
    assert aid is not None
    assert store.add_article(a, "https://wire.test/a") is None  # same canonical URL: a duplicate
    [got] = store.unprocessed()
    assert got.published == a.published and got.published.tzinfo is not None
    st = StoryState("s1", np.ones(4, np.float32) / 2, 1, got.when, got.when)
    store.save_story(st, slug="t")
    store.mark_processed(
        aid,
        story_id="s1",
        duplicate_of=None,
        duplicate_kind=None,
        wire_group=None,
        text_hash="h",
        minhash=b"\x00" * 8,
        embedding=b"\x00" * 16,
    )
    assert store.unprocessed() == []
    assert [x.id for x in store.story_articles("s1")] == [aid]
    assert store.dirty_stories() == ["s1"]
    [open_] = store.open_stories(datetime(2026, 1, 1, tzinfo=timezone.utc), 4)
    assert np.allclose(open_.centroid, st.centroid)
    assert list(store.dedup_state()) == [(aid, "wire", b"\x00" * 8, "h", a.published)]
    assert list(store.dedup_state(a.published + timedelta(days=1))) == []
    assert store.latest_when() == a.published


def test_feed_health_and_events(store):
    store.record_feed_fetch("wire", FetchResult("https://wire.test/feed", "ok", etag='"e1"', last_modified="x"), 3)
    assert store.feed_state("https://wire.test/feed") == ('"e1"', "x")
    store.record_feed_fetch("wire", FetchResult("https://wire.test/feed", "timeout", error="fetch: timed out"), 0)
    [st] = store.feed_statuses()
    assert st.last_outcome == "timeout" and st.consecutive_errors == 1 and st.articles == 3
    assert st.last_success is not None and st.last_error == "fetch: timed out"
    # a failed fetch keeps the validators of the last good one
    assert store.feed_state("https://wire.test/feed") == ('"e1"', "x")
    store.record_event("feed", "timeout", outlet_id="wire", url="https://wire.test/feed", message="fetch: timed out")
    assert store.events("feed")[0].outcome == "timeout"


def test_unknown_outlet_is_kept_unrated(store):
    o, created = store.ensure_outlet("Some Blog", "https://blog.test/")
    assert created and o.id == "blog.test" and not o.lean.rated and not o.reliability.rated and not o.registered
    assert store.ensure_outlet("Some Blog", "https://blog.test/other") == (o, False)
    # a name that differs in any character is another outlet, on the same site too
    other, created = store.ensure_outlet("Some blog", "https://blog.test/")
    assert created and other.id == "blog.test_2"


def test_merge_moves_articles_and_keeps_old_address(store):
    t = datetime(2026, 11, 1, tzinfo=timezone.utc)
    ids = []
    for i, sid in enumerate(["s1", "s2"]):
        store.save_story(StoryState(sid, np.ones(4, np.float32) / 2, 1, t, t), slug=f"slug-{sid}")
        aid = store.add_article(
            ArticleIn(url=f"https://w.test/{i}", outlet_id="wire", title="T", text="B."), f"https://w.test/{i}"
        )
        store.mark_processed(
            aid,
            story_id=sid,
            duplicate_of=None,
            duplicate_kind=None,
            wire_group=None,
            text_hash=None,
            minhash=None,
            embedding=None,
        )
        ids.append(aid)
    store.merge_stories("s2", "s1")
    assert sorted(a.id for a in store.story_articles("s1")) == sorted(ids)
    assert store.story_articles("s2") == []
    assert store.redirects() == {"slug-s2": "slug-s1"}
    assert store.dirty_stories() == ["s1"]
    assert [s.id for s in store.open_stories(t, 4)] == ["s1"]
    # a later merge of the survivor carries the old redirect along
    store.save_story(StoryState("s3", np.ones(4, np.float32) / 2, 1, t, t), slug="slug-s3")
    store.merge_stories("s1", "s3")
    assert store.redirects() == {"slug-s1": "slug-s3", "slug-s2": "slug-s3"}


def test_written_at_moves_only_when_the_published_text_changes(store, monkeypatch):
    """Feeds date an entry's modification by ``WrittenStory.revised`` (the row's ``written_at``): a rewrite to the
    same text leaves it alone, a changed text moves it."""
    from dataclasses import replace

    import copydesk.store.db as db
    from copydesk.models import Support, WrittenSentence, WrittenStory

    t = datetime(2026, 11, 1, 12, tzinfo=timezone.utc)
    store.save_story(StoryState("s1", np.ones(4, np.float32) / 2, 1, t, t), slug="t")
    sentence = WrittenSentence("The bridge reopened.", (Support(1, "wire", "The bridge reopened.", 1.0),))
    story = WrittenStory("s1", "t", sentence, sentence, (), (), 1, ("wire",), True, "world", t, t, "extractive")
    clock = iter([t + timedelta(hours=1), t + timedelta(hours=2)])  # one tick per change of the text
    monkeypatch.setattr(db, "utcnow", lambda: next(clock))
    store.save_written("s1", story)
    [(first, _)] = store.written_stories()
    assert first.revised == t + timedelta(hours=1) and first.lede == story.lede
    store.save_written("s1", story)  # rewritten, same text
    assert store.written_stories()[0][0].revised == t + timedelta(hours=1)
    store.save_written("s1", replace(story, lede=replace(sentence, text="The bridge reopened on Monday.")))
    assert store.written_stories()[0][0].revised == t + timedelta(hours=2)


def test_the_publication_fingerprint_changes_with_what_an_edition_shows(store):
    """`serve` rebuilds its edition only when `publication_state` changes: it must change when a story is written,
    rewritten to another text, grows, or is merged away, and stay equal when nothing was done."""
    from dataclasses import replace

    from copydesk.models import Support, WrittenSentence, WrittenStory

    t = datetime(2026, 11, 1, 12, tzinfo=timezone.utc)
    seen = [store.publication_state()]
    assert store.publication_state() == seen[0]  # reading changes nothing
    store.save_story(StoryState("s1", np.ones(4, np.float32) / 2, 1, t, t), slug="t")
    seen.append(store.publication_state())
    sentence = WrittenSentence("The bridge reopened.", (Support(1, "wire", "The bridge reopened.", 1.0),))
    story = WrittenStory("s1", "t", sentence, sentence, (), (), 1, ("wire",), True, "world", t, t, "extractive")
    store.save_written("s1", story)
    seen.append(store.publication_state())
    store.save_written("s1", replace(story, lede=replace(sentence, text="The bridge reopened on Monday.")))
    seen.append(store.publication_state())
    store.save_story(StoryState("s1", np.ones(4, np.float32) / 2, 2, t, t + timedelta(hours=3)), slug="t")
    seen.append(store.publication_state())
    store.save_story(StoryState("s2", np.ones(4, np.float32) / 2, 1, t, t), slug="u")
    store.merge_stories("s2", "s1")
    seen.append(store.publication_state())
    assert len(set(seen)) == len(seen), seen


def test_free_slug_finds_the_first_untaken_name_past_a_query_of_candidates(store):
    when = datetime(2026, 11, 1, 12, tzinfo=timezone.utc)
    for n, slug in enumerate(["storm", "storm-2", "storm-warning", "storm-4"]):
        store.save_story(StoryState(f"s{n}", np.ones(4, np.float32) / 2, 1, when, when), slug=slug)
    assert store.free_slug("storm") == "storm-3"
    assert store.free_slug("flood") == "flood"
    for n in range(3, 70):  # more than one query's worth of taken names
        store.save_story(
            StoryState(f"x{n}", np.ones(4, np.float32) / 2, 1, when, when), slug=f"gale{'' if n == 3 else f'-{n - 2}'}"
        )
    assert store.free_slug("gale") == "gale-68"
