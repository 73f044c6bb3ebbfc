"""The gate: hand-made drafts with invented facts, a false quotation and an unsupported sentence go through
gate -> neutral -> assemble -> render, and nothing invented reaches the story or its page; each dropped sentence
has its reason. The support a sentence gets is established by the gate, not taken from the writer's claims."""

from __future__ import annotations

from dataclasses import replace

import pytest

from copydesk.models import Draft, DraftSentence, Edition, EditionStory, Support
from copydesk.neutral.desk import edit_draft
from copydesk.verify.gate import gate
from copydesk.web.render import render_story, story_json
from copydesk.write.assemble import assemble
from tramstory import material, three_outlets
from web.sample_edition import build_edition

LEDE = "A tram derailed in central Budapest on Monday morning, injuring 12 passengers."
BODY = "Firefighters freed two people who were trapped in the front carriage."
QUOTE = '"We will find out what went wrong on that bridge," BKV spokesman Peter Nagy said.'
RADIO_LEDE = "A tram derailed on the Margaret Bridge in Budapest on Monday, injuring 9 passengers."

#: (text, reason, a word of the reason's detail, a fragment that must appear nowhere on the page)
BAD = [
    (
        "A tram derailed in central Budapest on Monday morning, injuring 15 passengers.",
        "unsupported",
        "'15'",
        "15 passengers",
    ),
    (
        "Transport minister János Kovács said the cause of the derailment was being investigated.",
        "unsupported",
        "Kovács",
        "Kovács",
    ),
    (
        '"We will find out exactly what went wrong," BKV spokesman Peter Nagy said.',
        "quote",
        "verbatim",
        "exactly what went wrong",
    ),
    (
        "The city council plans to replace the trams of Budapest with electric buses.",
        "unsupported",
        "support score",
        "electric buses",
    ),
]
BAD_HEADLINE = "Tram crash in Budapest kills 3"


def claim(aid: int, oid: str, sentence: str) -> tuple[Support, ...]:
    return (Support(aid, oid, sentence, 1.0),)


@pytest.fixture(scope="module")
def m():
    return material(three_outlets())


def hand_made() -> Draft:
    """A draft as a careless writer might return it: the invented sentences first and best scored, each claiming
    the wire's lede as its support."""
    lying = claim(1, "wire", LEDE)
    bad = [
        DraftSentence(t, lying, "lede" if k == 0 else "body", "What happened", 1.0, 0) for k, (t, *_) in enumerate(BAD)
    ]
    good = [
        DraftSentence(LEDE, claim(1, "wire", LEDE), "lede", "What happened", 0.5, 1),
        # claims the radio's lede, which it is not: the gate finds where it really comes from
        DraftSentence(BODY, claim(3, "radio", RADIO_LEDE), "body", "What happened", 0.4),
        DraftSentence(QUOTE, claim(2, "daily", QUOTE), "body", "What was said", 0.3),
    ]
    heads = (
        DraftSentence(BAD_HEADLINE, lying, "headline"),
        DraftSentence(
            "Tram derails in Budapest, 12 injured", claim(1, "wire", "Tram derails in Budapest, 12 injured"), "headline"
        ),
    )
    return Draft("s1", "hand", "Written by hand for a test.", heads, tuple(bad + good))


@pytest.fixture(scope="module")
def gated(m):
    from tramstory import embedder

    return gate(hand_made(), m, embedder().embed)


def test_each_invented_or_unsupported_sentence_is_dropped_with_its_reason(gated):
    assert [s.text for s in gated.sentences] == [LEDE, BODY, QUOTE]
    why = {d.text: d for d in gated.dropped}
    for text, reason, detail, _ in BAD:
        assert why[text].reason == reason and detail in why[text].detail, why[text]
        assert not why[text].headline
    assert why[BAD_HEADLINE].headline and "'3'" in why[BAD_HEADLINE].detail
    assert [h.text for h in gated.headlines] == ["Tram derails in Budapest, 12 injured"]


def test_support_is_established_by_the_gate_not_the_writers_claim(gated):
    lede, body, quote = gated.sentences
    # the body sentence claimed the radio's lede; it is the wire's sentence, corroborated by the radio's own
    assert body.support[0].article_id == 1 and body.support[0].sentence == BODY
    assert "Firefighters freed two people trapped" in " ".join(s.sentence for s in body.support[1:])
    assert len(body.voices) == 2
    # the radio's 9 injured is not support for 12: it is a dispute, with each outlet's value
    assert all(s.outlet_id != "radio" for s in lede.support)
    (dispute,) = lede.disputes
    assert dispute.kind == "number" and {c.outlet_id: c.value for c in dispute.claims}["radio"] == "9"
    assert all(0.5 <= s.check for s in gated.sentences)


def test_nothing_dropped_reaches_the_story_or_its_page(gated, m):
    story = assemble(edit_draft(gated), m)
    texts = [story.headline.text, story.lede.text] + [s.text for sec in story.body for s in sec.sentences]
    assert story.lede.text.startswith("A tram derailed in central Budapest") and story.headline.text.endswith(
        "12 injured"
    )
    v = story.verification
    assert v.unsupported == 3 and v.quotes_dropped == 1 and v.checked == len(texts) - 1
    assert {d.text for d in v.dropped} == {t for t, *_ in BAD} | {BAD_HEADLINE}
    base = build_edition()
    edition = Edition(site=base.site, sections=base.sections, stories=(EditionStory(story),), outlets=m.outlets)
    html = render_story(edition, story.slug)
    api = str(story_json(edition.stories[0], edition))
    assert "central Budapest on Monday morning" in html
    for _, _, _, fragment in BAD:
        assert not any(fragment in t for t in texts)
        assert fragment not in html and fragment not in api
    assert "kills 3" not in html


def test_a_sentence_the_gate_cannot_embed_is_dropped_not_trusted(m):
    paraphrase = "Twelve people were hurt when a tram came off the rails in Budapest on Monday."
    d = Draft(
        "s1",
        "hand",
        "",
        (),
        (DraftSentence(paraphrase, claim(1, "wire", LEDE), "lede"), DraftSentence(LEDE, claim(1, "wire", LEDE))),
    )
    g = gate(d, m)  # no embedder: only source sentences can be checked
    assert [s.text for s in g.sentences] == [LEDE]
    assert g.dropped[0].text == paraphrase and "no embedding" in g.dropped[0].detail


def test_an_unattributed_judgement_is_dropped_by_the_neutral_step_with_its_reason(gated):
    judged = replace(gated.sentences[0], text="The mayor is a liar and he lied again about the tracks.")
    edited = edit_draft(replace(gated, sentences=(judged,) + gated.sentences[1:]))
    assert [s.text for s in edited.sentences] == [BODY, QUOTE]
    assert edited.dropped[-1].reason == "evaluative" and "own voice" in edited.dropped[-1].detail


def _verbatim_with_an_identity_matrix(m):
    """`verbatim` as it was first written (a k x k identity matrix, rows copied out of it): the reference."""
    import numpy as np

    from copydesk.verify.gate import _flat

    keys: dict[str, int] = {}
    for a in m.articles:
        for t in [*m.sentences.get(a.id, ()), a.title]:
            keys.setdefault(_flat(t), len(keys))
    eye = np.eye(max(len(keys), 1), dtype=np.float32)
    vectors = {
        a.id: eye[[keys[_flat(t)] for t in m.sentences.get(a.id, ())]].reshape(-1, eye.shape[1]) for a in m.articles
    }
    return replace(m, vectors=vectors, title_vectors={a.id: eye[keys[_flat(a.title)]] for a in m.articles})


def _one_voice():
    """The wire's report, its update repeating three of its sentences, and a brief titled with its lede."""
    from tramstory import OUTLETS, SECTIONS, WIRE, art

    from copydesk.models import StoryMaterial
    from copydesk.write import article_sentences

    update = WIRE.replace("Tram services", "Services") + " The bridge reopened to trams at six in the evening."
    arts = [
        art(1, "wire", "Tram derails in Budapest, 12 injured", WIRE),
        art(2, "wire", "Trams run again on Margaret Bridge", update),
        art(3, "wire", LEDE, "Nothing here is a sentence"),
    ]
    sentences = {a.id: article_sentences(a) for a in arts}
    return StoryMaterial("s1", "tram", tuple(arts), sentences, {}, OUTLETS, SECTIONS)


def test_verbatim_vectors_are_the_identity_rows_without_the_identity_matrix():
    """`verbatim` gives every distinct source text (sentence or title) its own unit vector, exactly as a k x k
    identity matrix would, but as views of 2k - 1 numbers (an article's new sentences are consecutive rows) and a
    matrix of its own only for an article that repeats earlier text: the story is written the same."""
    import numpy as np

    from copydesk.verify.gate import verbatim
    from copydesk.write import WriteOptions, write_story

    m = _one_voice()
    new, old = verbatim(m), _verbatim_with_an_identity_matrix(m)
    assert not new.embedded
    for a in m.articles:
        assert new.vectors[a.id].dtype == np.float32 and new.vectors[a.id].shape == old.vectors[a.id].shape
        assert np.array_equal(new.vectors[a.id], old.vectors[a.id])
        assert np.array_equal(new.title_vectors[a.id], old.title_vectors[a.id])
    assert new.title_vectors[3] @ new.vectors[1][0] == 1.0  # a title that is a sentence is that sentence
    assert np.shares_memory(new.vectors[1], new.title_vectors[1])  # views of one small buffer
    opts = WriteOptions(model_name="none")
    assert write_story(new, opts) == write_story(replace(old, embedded=False), opts)


def test_verbatim_memory_grows_with_the_texts_not_their_square():
    import tracemalloc

    from tramstory import OUTLETS, SECTIONS, art

    from copydesk.models import StoryMaterial
    from copydesk.verify.gate import verbatim

    n = 300  # articles of ten sentences each: 3,300 distinct texts, a 44 MB identity matrix in float32
    arts = [art(i, "wire", f"Report number {i} on the tram", "") for i in range(n)]
    sentences = {a.id: [f"Sentence {k} of report {a.id} about the tram." for k in range(10)] for a in arts}
    m = StoryMaterial("s1", "tram", tuple(arts), sentences, {}, OUTLETS, SECTIONS)
    tracemalloc.start()
    try:
        v = verbatim(m)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert sum(len(x) for x in v.vectors.values()) == 10 * n and v.vectors[0].shape == (10, 11 * n)
    assert peak < 2 * 2**20, peak  # the texts' keys and the views: well under 2 MB


def test_a_formulaic_text_about_someone_else_is_no_support():
    """Two readouts of one publisher's template, one call each: their ledes embed close together, but the one
    about Zelenskyy does not corroborate the one about Putin (nor is it where that sentence comes from)."""
    from tramstory import OUTLETS, art, material

    putin = "President Joseph R. Biden, Jr. spoke today with President Vladimir Putin of Russia about Ukraine."
    zelenskyy = "President Joseph R. Biden, Jr. spoke today with President Volodymyr Zelenskyy of Ukraine."
    arts = [
        art(
            1,
            "wire",
            "Biden and Putin speak",
            putin + " The call lasted an hour and the two sides agreed to talk again.",
        ),
        art(2, "daily", "Biden and Zelenskyy speak", zelenskyy + " The call came a day after the talks with Moscow."),
    ]
    m = material(arts, OUTLETS)
    draft = Draft("s1", "test", "m", (), (DraftSentence(putin, claim(2, "daily", zelenskyy), "lede"),))
    g = gate(draft, m)
    (s,) = g.sentences
    assert [x.article_id for x in s.support] == [1]  # the wrongly claimed readout is not kept, nor added
    assert s.voices == {"owner:wire cooperative"}


@pytest.mark.parametrize(
    "a,b,swapped",
    [
        (
            "Vladimir Putin had a telephone conversation with President of Finland Sauli Niinistö.",
            "Vladimir Putin had a telephone conversation with President of France Emmanuel Macron.",
            True,
        ),
        (
            "Secretary of State Antony Blinken met Sergei Lavrov.",
            "Blinken and Foreign Minister Sergei Lavrov met.",
            False,
        ),
        (
            "Prime Minister Viktor Orbán said Hungary would veto it.",
            "Hungarian Prime Minister Viktor Orban said so.",
            False,
        ),
        ("President Biden met Chancellor Olaf Scholz.", "Biden met German Chancellor Scholz in Washington.", False),
        ("The mayor said the bridge would close.", "Mayor Gergely Karácsony said the bridge would close.", False),
    ],
)
def test_names_swapped(a, b, swapped):
    from copydesk.verify.disagree import names_swapped

    assert names_swapped(a, b) is swapped and names_swapped(b, a) is swapped
