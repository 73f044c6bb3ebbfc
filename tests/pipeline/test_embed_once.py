"""Each text is embedded once (issue 16, part 4): an article once at processing (the clusterer's text); sentence
and title vectors only for a story with two or more independent sources, cached in the database by text, so a
story written again, by this process or a new one, embeds nothing; a one-voice story is checked verbatim and
written without any sentence embedding. The embedder is wrapped to count what it is asked."""

from __future__ import annotations

import json

import numpy as np
import pytest

from copydesk.config import load_settings, render_config
from copydesk.models import Outlet, Rating, StoryMaterial
from copydesk.pipeline import Desk
from copydesk.write import WriteOptions, article_sentences, write_story

WIRE = (
    "The new Danube bridge in Harbour City opened to traffic on Tuesday after four years of construction. "
    "The bridge carries two tram lines and four lanes for cars. Around 40,000 vehicles are expected to cross "
    "it every day, the city council said."
)
GAZETTE = (
    "Harbour City's new bridge over the Danube opened to traffic on Tuesday, four years after building began. "
    "Two tram lines and four lanes for cars cross the new bridge. The council expects around 40,000 vehicles "
    "to use it every day."
)
UPDATE = (
    "The Danube bridge in Harbour City carried its first trams on Tuesday evening, hours after it opened. "
    "The first tram crossed at six o'clock with the mayor on board. The council said the opening had gone "
    "without incident."
)


class Counting:
    """The desk's embedder, counting every text it is asked to embed."""

    def __init__(self, inner) -> None:
        self.inner, self.name, self.dim = inner, inner.name, inner.dim
        self.texts: list[str] = []

    def embed(self, texts):
        self.texts += list(texts)
        return self.inner.embed(texts)


def _outlet(oid: str, name: str, owner: str) -> Outlet:
    return Outlet(
        id=oid,
        name=name,
        homepage=f"https://{oid}.test/",
        feeds=(),
        language="en",
        country="GB",
        owner=owner,
        lean=Rating("unrated"),
        reliability=Rating("unrated"),
        kind="newspaper",
    )


REGISTRY = {o.id: o for o in (_outlet("wire", "Harbour Wire", "Wire Group"), _outlet("gazette", "Gazette", "GH"))}


def _line(url: str, outlet: str, title: str, text: str, published: str) -> str:
    return json.dumps({"url": url, "outlet": outlet, "title": title, "text": text, "published": published})


def _desk(tmp_path) -> Desk:
    cfg = tmp_path / "copydesk.toml"
    if not cfg.exists():
        cfg.write_text(render_config(), encoding="utf-8")
    d = Desk(load_settings(cfg), REGISTRY)
    d._embedder = Counting(d.embedder)
    return d


@pytest.fixture
def desk(tmp_path):
    d = _desk(tmp_path)
    yield d
    d.close()


def _sentences(st) -> list:
    return [st.lede] + [s for sec in st.body for s in sec.sentences]


def test_one_voice_story_is_written_without_any_sentence_embedding(desk):
    desk.import_lines(
        [
            _line("https://wire.test/b", "wire", "Harbour City bridge opens", WIRE, "2026-11-03T07:30:00Z"),
            _line("https://wire.test/b2", "wire", "First trams cross the bridge", UPDATE, "2026-11-03T19:30:00Z"),
        ]
    )
    desk.process()
    assert len(desk.embedder.texts) == 2  # one text per article: the clusterer's
    desk.section_model  # the sections' prototype texts: embedded once per process, not per story
    processed = list(desk.embedder.texts)
    rep = desk.write()
    assert rep.counts.get("written") == 1, rep.counts
    assert desk.embedder.texts == processed  # writing asked the model for nothing
    [es] = desk.edition().stories
    st = es.story
    assert st.independent_sources == 1
    published = _sentences(st)
    sources = {s for a in desk.store.story_articles(st.story_id) for s in article_sentences(a)}
    assert len(published) >= 2 and all(s.text in sources or s.attribution for s in published), published
    assert all(s.support and s.support[0].sentence in sources for s in published)


def test_two_outlet_story_gets_sentence_vectors_and_the_same_corroboration(desk):
    desk.import_lines(
        [
            _line("https://wire.test/b", "wire", "Harbour City bridge opens", WIRE, "2026-11-03T07:30:00Z"),
            _line("https://gazette.test/b", "gazette", "Bridge opens to traffic", GAZETTE, "2026-11-03T08:30:00Z"),
        ]
    )
    desk.process()
    assert len(desk.embedder.texts) == 2
    desk.section_model  # the sections' prototype texts: embedded once per process, not per story
    n_processed = len(desk.embedder.texts)
    desk.write()
    [es] = desk.edition().stories
    st = es.story
    assert st.independent_sources == 2
    arts = desk.store.story_articles(st.story_id)
    wanted = {s for a in arts for s in article_sentences(a)} | {a.title for a in arts}
    asked = desk.embedder.texts[n_processed:]
    assert set(asked) == wanted and len(asked) == len(wanted)  # each sentence and title once
    # The count as the writer made it before (every vector fresh from the model, float32, nothing cached).
    inner = desk.embedder.inner
    sents = {a.id: article_sentences(a) for a in arts}
    m = StoryMaterial(
        story_id=st.story_id,
        slug=st.slug,
        articles=tuple(arts),
        sentences=sents,
        vectors={a.id: np.asarray(inner.embed(sents[a.id])) for a in arts},
        outlets=desk.store.outlets(),
        sections=desk.settings.section_configs,
        title_vectors=dict(zip((a.id for a in arts), inner.embed([a.title for a in arts]))),
    )
    before = write_story(m, WriteOptions(model_name=inner.name), inner.embed)
    counts = lambda w: [(s.text, s.independent_outlets) for s in _sentences(w)]  # noqa: E731
    assert counts(st) == counts(before)
    assert any(n == 2 for _, n in counts(st)), counts(st)  # corroborated across the outlets


def test_unchanged_story_written_again_embeds_nothing(tmp_path):
    d = _desk(tmp_path)
    d.import_lines(
        [
            _line("https://wire.test/b", "wire", "Harbour City bridge opens", WIRE, "2026-11-03T07:30:00Z"),
            _line("https://gazette.test/b", "gazette", "Bridge opens to traffic", GAZETTE, "2026-11-03T08:30:00Z"),
        ]
    )
    d.process()
    d.section_model
    d.write()
    [es] = d.edition().stories
    sid = es.story.story_id
    first = len(d.embedder.texts)
    d.corrections.mark_dirty(sid)
    assert d.write().counts.get("written") == 1
    assert len(d.embedder.texts) == first  # the same process: nothing again
    d.close()
    again = _desk(tmp_path)  # a new process on the same database: the cache is the database's
    try:
        again.corrections.mark_dirty(sid)
        again.section_model
        again.embedder.texts.clear()
        assert again.write().counts.get("written") == 1
        assert again.embedder.texts == []
        [es2] = again.edition().stories
        assert [s.text for s in _sentences(es2.story)] == [s.text for s in _sentences(es.story)]
    finally:
        again.close()


def test_writing_reads_the_cached_vectors_once(desk, monkeypatch):
    """`write` reads a story's sentence and title vectors from the cache once, for every dirty story together
    (`_embed_stories`), and hands them to `_material`: no second read per story written. A vector made now is
    given to the writer as the cache keeps it (float16), so the first writing and a later one read the same
    numbers, and the story comes out the same."""
    desk.import_lines(
        [
            _line("https://wire.test/b", "wire", "Harbour City bridge opens", WIRE, "2026-11-03T07:30:00Z"),
            _line("https://gazette.test/b", "gazette", "Bridge opens to traffic", GAZETTE, "2026-11-03T08:30:00Z"),
        ]
    )
    desk.process()
    desk.section_model
    reads: list[int] = []
    real = desk.store.text_vectors

    def counting(keys):
        keys = list(keys)
        reads.append(len(keys))
        return real(keys)

    monkeypatch.setattr(desk.store, "text_vectors", counting)
    assert desk.write().counts.get("written") == 1
    assert len(reads) == 1, reads
    [es] = desk.edition().stories
    first = [(s.text, s.independent_outlets) for s in _sentences(es.story)]
    reads.clear()
    desk.corrections.mark_dirty(es.story.story_id)
    assert desk.write().counts.get("written") == 1
    assert len(reads) == 1, reads  # all cached now: read once, none embedded
    [es2] = desk.edition().stories
    assert [(s.text, s.independent_outlets) for s in _sentences(es2.story)] == first
