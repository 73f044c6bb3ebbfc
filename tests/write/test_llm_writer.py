"""The optional "llm" writer: it shows a model the story's numbered source sentences and turns its JSON answer
into a Draft; the same gate as the extractive writer's keeps what the sources support, so an invented number,
name, quotation or claim in the model's answer never reaches the story. A model that cannot be asked, answers
outside the format, or whose every sentence fails, leaves the story drafted from the sources' own sentences,
and the method note says so. The answers are written in the shape a chat model returns (no model runs here)."""

from __future__ import annotations

import json
from dataclasses import replace

import pytest

from copydesk.llm import ChatClient, LLMError, LLMOptions
from copydesk.models import Article
from copydesk.write import WriteOptions, write_story
from copydesk.write import llm as llm_writer
from copydesk.write.assemble import without_attribution
from copydesk.write.llm import AnswerError, messages, numbered, read_answer
from llmserver import chat_server
from tramstory import art, embedder, material, three_outlets

GOOD = [
    {
        "text": "A tram derailed on Budapest's Margaret Bridge during the Monday morning rush hour, injuring 12 "
        "passengers.",
        "sources": [1, 2],
        "section": "What happened",
    },
    # cites the radio's sentence 12, which says something else: the gate finds where it really comes from
    {"text": "Firefighters freed two people who were trapped in the front carriage.", "sources": [12]},
    {
        "text": "The transport authority BKV said it was investigating the cause of the derailment.",
        "sources": [4, 9],
        "section": "What was said",
    },
]
#: (sentence, a fragment of it that must appear nowhere in the story)
BAD = [
    ("A tram derailed in central Budapest on Monday morning, injuring 15 passengers.", "15"),
    ("Transport minister János Kovács said the cause of the derailment was being investigated.", "Kovács"),
    ('"We will find out exactly what went wrong," BKV spokesman Peter Nagy said.', "exactly what went wrong"),
    ("The city council plans to replace the trams of Budapest with electric buses.", "electric buses"),
]
HEADLINE = "Tram derails on Budapest's Margaret Bridge, injuring 12 passengers"


def answer(sentences, headline: str = HEADLINE) -> str:
    return json.dumps({"headline": headline, "headline_sources": [1], "sentences": sentences})


def texts(w) -> list[str]:
    return [w.headline.text, w.lede.text, *(s.text for sec in w.body for s in sec.sentences)]


@pytest.fixture(scope="module")
def m():
    return material(three_outlets())


def write(m, complete, **kw):
    opts = WriteOptions(writer="llm", complete=complete, llm_model="test-model", **kw)
    return write_story(m, opts, embedder().embed)


def test_the_prompt_numbers_every_source_sentence_under_its_outlet(m):
    shown = numbered(m, "en")
    system, user = messages(m, shown)
    assert system["role"] == "system" and "contains no instructions" in system["content"]
    assert "JSON" in system["content"]
    for n, (a, s) in enumerate(shown, 1):
        assert f"[{n}] {s}" in user["content"]
    assert len(shown) == sum(len(v) for v in m.sentences.values()) == 12
    for name in ("Danube Wire", "Budapest Daily", "City Radio"):
        assert f"Source: {name}, 2026-11-20" in user["content"]


def test_the_prompt_is_bounded_and_takes_every_article_first_sentences_first(m, monkeypatch):
    monkeypatch.setattr(llm_writer, "MAX_PROMPT_SENTENCES", 5)
    shown = numbered(m, "en")
    assert len(shown) == 5
    firsts = {a.id: m.sentences[a.id][0] for a in m.articles}
    assert all(any(s == first for _, s in shown) for first in firsts.values())  # every article's lede is shown
    # reprints and foreign-language articles are not shown (they are coverage, not text)
    copy = replace(m.articles[0], id=9, duplicate_of=1)
    m2 = replace(m, articles=m.articles + (copy,), sentences={**m.sentences, 9: m.sentences[1]})
    monkeypatch.setattr(llm_writer, "MAX_PROMPT_SENTENCES", 60)
    assert all(a.id != 9 for a, _ in numbered(m2, "en"))


def test_what_the_sources_support_is_published_and_nothing_invented(m):
    asked = []

    def complete(msgs):
        asked.append(msgs)
        return answer(GOOD[:1] + [{"text": t, "sources": [1]} for t, _ in BAD] + GOOD[1:])

    w = write(m, complete)
    assert len(asked) == 1
    published = " ".join(texts(w))
    for _, fragment in BAD:
        assert fragment not in published
    assert w.lede.text.startswith("A tram derailed on Budapest's Margaret Bridge during the Monday morning rush hour")
    body = [s for sec in w.body for s in sec.sentences]
    fire = next(s for s in body if s.text.startswith("Firefighters"))
    # the claimed sentence 12 (residents and track repairs) is not kept as its support: the sources that say it are
    assert {x.outlet_id for x in fire.support} == {"wire", "radio"}
    assert all("track repairs" not in x.sentence for x in fire.support)
    assert any(s.text.startswith("The transport authority BKV said it was investigating") for s in body)
    assert not _verbatim(w, m)  # the model's own wording is published, not a source's
    assert w.headline.text == HEADLINE  # the model's headline passed the gate and the headline checks
    assert "generative AI language model (test-model)" in w.method and "multilingual-e5-small" in w.method


@pytest.mark.parametrize(
    "headline",
    [
        "Is Budapest's tram network falling apart?",  # a question: never a headline
        "Tram crash in Budapest kills 3",  # an invented figure: the gate drops it
    ],
)
def test_a_headline_that_fails_gives_way_to_a_source_title(m, headline):
    w = write(m, lambda msgs: answer(GOOD, headline))
    assert w.headline.text != headline
    assert w.headline.text in {a.title for a in m.articles} or w.headline.text.startswith("Tram derail")
    assert "kills 3" not in w.headline.text and "?" not in w.headline.text


def _verbatim(w, m) -> bool:
    """Every published sentence (its attribution aside) is a source sentence."""
    sources = {s for v in m.sentences.values() for s in v}
    body = [s for sec in w.body for s in sec.sentences]
    return all(any(without_attribution(ws).rstrip(".") in s for s in sources) for ws in [w.lede, *body])


@pytest.mark.parametrize(
    "reply",
    [
        "I'm sorry, I can't help with that.",  # no JSON
        '{"headline": "Tram derails", "sentences": "A tram derailed."}',  # not the format
        '{"headline": "Tram derails", "sentences": []}',  # nothing written
        "__raise__",  # the server failed after the client's retries
    ],
)
def test_a_model_that_cannot_draft_leaves_the_story_extractive_and_says_so(m, reply):
    def complete(msgs):
        if reply == "__raise__":
            raise LLMError("llm: http://127.0.0.1:9/v1/chat/completions did not answer")
        return reply

    w = write(m, complete)
    assert w is not None and _verbatim(w, m)
    assert "copied from a source article" in w.method
    assert "The language model (test-model) could not be used for this version" in w.method


def test_no_model_configured_is_the_same_fallback(m):
    w = write_story(m, WriteOptions(writer="llm"), embedder().embed)
    assert "could not be used for this version" in w.method and _verbatim(w, m)


def test_when_every_drafted_sentence_fails_the_sources_own_sentences_are_published(m):
    w = write(m, lambda msgs: answer([{"text": t, "sources": [1]} for t, _ in BAD]))
    published = " ".join(texts(w))
    assert all(fragment not in published for _, fragment in BAD)
    assert _verbatim(w, m)
    assert "None of the sentences the llm writer drafted passed the check." in w.method


def test_read_answer():
    fenced = '```json\n{"headline": "H", "sentences": [{"text": "S."}]}\n```'
    assert read_answer(fenced)["headline"] == "H"
    assert read_answer('Here it is: {"sentences": []} Hope it helps.') == {"sentences": []}
    for bad in ("no json here", "{not json}", '["a list"]', '{"headline": "H"}'):
        with pytest.raises(AnswerError):
            read_answer(bad)


def test_citations_out_of_range_or_not_numbers_are_ignored(m):
    shown = numbered(m, "en")
    data = {"sentences": [{"text": GOOD[1]["text"], "sources": [0, 13, "3", True, 3.0, 3, 3]}, {"text": 7}, "x"]}
    d = llm_writer.to_draft(data, m, shown, None, "method")
    assert len(d.sentences) == 1  # the text 7 and the string "x" are no sentences
    (c,) = d.sentences[0].claims
    assert (c.article_id, c.sentence) == (shown[2][0].id, shown[2][1])
    assert d.sentences[0].role == "lede" and d.sentences[0].group == "What happened"


def test_through_a_chat_server_on_loopback(m):
    with chat_server({"[1] A tram derailed in central Budapest": answer(GOOD)}) as srv:
        with ChatClient(LLMOptions(base_url=srv.base, model="test-model")) as client:
            w = write(m, client.complete)
        (q,) = srv.questions
        assert q["model"] == "test-model" and q["temperature"] == 0.0
        assert q["messages"][0]["role"] == "system"
    assert w.lede.text.startswith("A tram derailed on Budapest's Margaret Bridge during")


def test_a_foreign_language_story_is_not_drafted(m):
    """No source in the edition's language: the writer has nothing to show the model, and asks nothing."""
    de = art(
        1,
        "wire",
        "Straßenbahn entgleist in Budapest",
        "Eine Straßenbahn ist am Montagmorgen in Budapest "
        "entgleist, zwölf Fahrgäste wurden verletzt. Die Feuerwehr befreite zwei eingeklemmte Menschen.",
    )
    de = Article(**{**{f: getattr(de, f) for f in de.__dataclass_fields__}, "language": "de"})
    asked = []
    w = write(material([de]), lambda msgs: asked.append(msgs) or answer(GOOD))
    assert w is None and asked == []


def test_the_editors_corrections_are_in_the_prompt(m):
    """A rewrite after new coverage words the story afresh: the model is told what the editors corrected, so it
    does not bring a corrected error back in new words (re-applying corrections matches exact text only)."""
    fixed = replace(
        m,
        corrected=(
            ("Residents said trams had been delayed for weeks.", None),
            ("A tram derailed, injuring 9 passengers.", "A tram derailed, injuring 12 passengers."),
        ),
    )
    _, user = messages(fixed, numbered(fixed, "en"))
    assert "do not state the corrected text again" in user["content"]
    assert '"Residents said trams had been delayed for weeks." was removed' in user["content"]
    assert 'was replaced by "A tram derailed, injuring 12 passengers."' in user["content"]
    _, plain = messages(m, numbered(m, "en"))
    assert "corrected" not in plain["content"]
