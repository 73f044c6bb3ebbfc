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
