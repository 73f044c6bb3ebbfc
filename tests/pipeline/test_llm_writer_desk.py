"""`model.writer = "llm"` on a whole Desk: three outlets' reports of one tram derailment are imported, clustered
and written; the configured chat server (a real one on 127.0.0.1, a fixed answer) is asked once with the
numbered source sentences, and the published story carries what passed the gate with a method note naming the
model. With the server down the story is still written, from the sources' own sentences, and says so."""

from __future__ import annotations

import json

from copydesk.config import load_settings, render_config
from copydesk.pipeline import Desk
from llmserver import chat_server
from tramstory import three_outlets

ANSWER = json.dumps(
    {
        "headline": "Tram derails on Budapest's Margaret Bridge, injuring 12 passengers",
        "headline_sources": [1],
        "sentences": [
            {
                "text": "A tram derailed on Budapest's Margaret Bridge during the Monday morning rush hour, injuring "
                "12 passengers.",
                "sources": [1, 2],
            },
            {"text": "Transport minister János Kovács blamed the drivers for the crash.", "sources": [4]},
            {"text": "Firefighters freed two people who were trapped in the front carriage.", "sources": [3]},
        ],
    }
)


def run(tmp_path, base_url: str, answering: bool = True):
    """A desk whose model is at `base_url`, after one import, process and write."""
    cfg = tmp_path / "copydesk.toml"
    text = render_config().replace('base_url = ""\nmodel = ""', f'base_url = "{base_url}"\nmodel = "test-model"')
    text = text.replace('writer = "extractive"', 'writer = "llm"').replace(
        "retries = 2\nmax_tokens", "retries = 0\nmax_tokens"
    )
    cfg.write_text(text, encoding="utf-8")
    d = Desk(load_settings(cfg), {})
    names = {"wire": "Danube Wire", "daily": "Budapest Daily", "radio": "City Radio"}
    lines = [
        json.dumps(
            {
                "url": a.url,
                "outlet": names[a.outlet_id],
                "title": a.title,
                "text": a.text,
                "published": a.published.isoformat(),
            }
        )
        for a in three_outlets()
    ]
    d.import_lines(lines, source="test")
    d.process()
    report = d.write()
    assert report.counts.get("written") == 1 and not report.errors
    assert report.counts.get("llm-calls") == 1
    assert report.counts.get("llm-failed", 0) == (0 if answering else 1)
    return d


def stories(d: Desk):
    from sqlalchemy import select

    from copydesk.store.schema import ArticleRow

    with d.store.session() as s:
        ids = {r.story_id for r in s.scalars(select(ArticleRow))}
    return [d.corrections.written_story(sid) for sid in ids]


def test_the_llm_writer_on_a_desk(tmp_path):
    with chat_server({"[1] ": ANSWER}) as srv:
        d = run(tmp_path, srv.base)
        try:
            (w,) = stories(d)
            (q,) = srv.questions
            user = q["messages"][1]["content"]
            assert "[1] " in user and "Danube Wire" in user and "City Radio" in user
            assert "test-model" in w.method and "generative AI" in w.method
            published = [w.headline.text, w.lede.text, *(s.text for sec in w.body for s in sec.sentences)]
            assert w.lede.text.startswith("A tram derailed on Budapest's Margaret Bridge during")
            assert not any("Kovács" in t or "drivers" in t for t in published)
        finally:
            d.close()


def test_a_server_that_is_down_leaves_the_story_written_from_the_sources(tmp_path):
    with chat_server() as srv:
        base = srv.base  # the server stops when the block ends: nothing answers at this address then
    d = run(tmp_path, base, answering=False)
    try:
        (w,) = stories(d)
        assert "could not be used for this version" in w.method
        assert "copied from a source article" in w.method
    finally:
        d.close()


def test_a_rewrite_tells_the_model_what_the_editors_corrected(tmp_path):
    from copydesk.corrections.apply import text_sentences
    from copydesk.corrections.model import ReportIn

    with chat_server({"[1] ": ANSWER}) as srv:
        d = run(tmp_path, srv.base)
        try:
            (w,) = stories(d)
            texts = [s.text for s in text_sentences(w)]
            i = next(k for k, t in enumerate(texts) if t.startswith("Firefighters"))
            rid = d.corrections.add_report(ReportIn(w.story_id, i, texts[i], "other", "not in the sources", ""))
            d.correct(rid, i, None, "Removed.", "ann")
            assert d.write().counts.get("llm-calls") == 1
            assert "corrected" not in srv.questions[0]["messages"][1]["content"]
            again = srv.questions[-1]["messages"][1]["content"]
            assert f'"{texts[i]}" was removed' in again
            # the model answered as before: the removed sentence is removed again
            (w2,) = stories(d)
            assert texts[i] not in [s.text for s in text_sentences(w2)]
        finally:
            d.close()


def test_the_same_question_is_not_put_twice(tmp_path):
    """A story written again with the same question (a reprint joined it, or nothing the model is shown changed)
    is answered from the desk's kept answers: no second model call."""
    with chat_server({"[1] ": ANSWER}) as srv:
        d = run(tmp_path, srv.base)
        try:
            (w,) = stories(d)
            d.corrections.mark_dirty(w.story_id)
            report = d.write()
            assert report.counts.get("written") == 1
            assert report.counts.get("llm-cached") == 1 and "llm-calls" not in report.counts
            assert len(srv.questions) == 1
            (again,) = stories(d)
            assert again.lede.text == w.lede.text and again.method == w.method
        finally:
            d.close()
