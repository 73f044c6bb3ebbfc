"""Assembly: attribution that reads like a newspaper, and outlet names readers know."""

from __future__ import annotations

import re

from copydesk.models import WrittenSentence
from copydesk.write import write_story
from copydesk.write.assemble import _Attributor, outlet_name, without_attribution
from tramstory import OUTLETS, RADIO, WIRE, art, material, three_outlets


def sentences(w):
    return [w.lede] + [s for sec in w.body for s in sec.sentences]


def test_one_outlet_sentences_are_attributed_in_varied_forms_and_stay_verbatim():
    # four outlets with different owners, each adding sentences no other outlet carries
    extra = (
        "The city's transport committee will meet on Thursday to discuss the accident. "
        "Passengers on the line were asked to use buses between the two banks of the river. "
        "The tram was one of the oldest still in service on the network. "
        "Engineers inspected the rails on the bridge late into the night."
    )
    outlets = dict(
        OUTLETS,
        tv=OUTLETS["radio"].__class__(
            **{
                **{f: getattr(OUTLETS["radio"], f) for f in OUTLETS["radio"].__slots__},
                "id": "tv",
                "name": "Channel Four (Hungary)",
                "owner": "TV Trust",
            }
        ),
    )
    arts = three_outlets() + [art(4, "tv", "Tram accident in Budapest", extra)]
    w = write_story(material(arts, outlets))
    attributed = [s for s in sentences(w) if s.attribution]
    assert len(attributed) >= 3
    forms = set()
    for s in attributed:
        plain = without_attribution(s)
        assert plain == s.support[0].sentence or s.edits  # the source's words, plus the attribution
        assert s.attribution in s.text and "(Hungary)" not in s.text
        forms.add(re.sub(re.escape(s.attribution), "X", s.text.replace(plain[1:-1], "…")))
    assert len(forms) >= 2, forms  # not one repeated tail
    assert not any(
        s.attribution
        for s in sentences(w)
        if s.independent_outlets >= 2
        and not any(without_attribution(s) == c.sentence for d in w.disagreements for c in d.claims)
    )


def test_forms_keep_names_capitalised_and_never_say_said_twice():
    m = material([art(1, "wire", "Tram derails", WIRE)])
    attribute = _Attributor(m)
    first = attribute("A tram derailed in central Budapest on Monday morning, injuring 12 passengers.", "Reuters")
    assert (
        first == "A tram derailed in central Budapest on Monday morning, injuring 12 passengers, according to Reuters."
    )
    second = attribute("The accident happened on the Margaret Bridge during the morning rush hour.", "Reuters")
    assert second == "Reuters reported that the accident happened on the Margaret Bridge during the morning rush hour."
    said = attribute("The transport authority BKV said the cause of the derailment was being investigated.", "Reuters")
    assert "Reuters said" not in said and said.count("said") == 1
    name_first = attribute("BKV closed the bridge to trams until the evening.", "Reuters")
    assert "BKV closed" in name_first and "bkv" not in name_first  # a name is never lower-cased
    quoted = attribute('"We will find out what went wrong on that bridge," BKV spokesman Peter Nagy said.', "AP")
    assert quoted.startswith('"We will find out') and "AP" in quoted
    assert attribute("Reuters reported the crash first.", "Reuters") == "Reuters reported the crash first."


def test_an_opening_phrase_is_never_put_after_said():
    # "The White House said today, President Biden ..." reads as if the saying were today's (seen on the demo)
    m = material([art(1, "wire", "Tram derails", WIRE)])
    attribute = _Attributor(m)
    for text in (
        "Today, the transport authority reopened the bridge to trams.",
        "In the evening, the tram line across the bridge was reopened.",
        "Together, the two companies will pay for the repairs to the bridge.",
    ):
        for _ in range(3):  # whatever form's turn it is
            out = attribute(text, "Reuters")
            assert out == text[:-1] + ", according to Reuters.", out


def test_without_attribution_inverts_every_form():
    src = "The accident happened on the Margaret Bridge."
    for text in (
        f"X reported that t{src[1:]}",
        f"X said t{src[1:]}",
        src[:-1] + ", according to X.",
        src[:-1] + ", X reported.",
        src + " (according to X)",
    ):
        ws = WrittenSentence(text, (), "X")
        assert without_attribution(ws).rstrip() == src


def test_an_outlet_missing_from_the_registry_is_named_from_its_site_never_a_bare_domain():
    assert outlet_name({}, "nytimes-com", "https://www.nytimes.com/2024/x.html") == "NY Times"
    bare = OUTLETS["radio"].__class__(
        **{
            **{f: getattr(OUTLETS["radio"], f) for f in OUTLETS["radio"].__slots__},
            "id": "tg",
            "name": "www.theguardian.com",
            "homepage": "https://www.theguardian.com/",
        }
    )
    assert outlet_name({"tg": bare}, "tg") == "The Guardian"
    arts = [art(1, "nytimes-com", "Tram derails in Budapest", RADIO, url="https://www.nytimes.com/2026/tram.html")]
    w = write_story(material(arts, {}))
    assert w.notes[0].startswith("Based on one report, by NY Times;")
    assert w.sources[0].outlet_name == "NY Times"


def test_an_outlet_named_by_an_office_takes_the_in_running_text() -> None:
    from copydesk.write.assemble import _names, in_text

    assert in_text("President of Russia") == "the President of Russia"
    assert in_text("Ministry of Foreign Affairs of Hungary") == "the Ministry of Foreign Affairs of Hungary"
    for name in ("The White House", "Reuters", "Budapest Daily", "Presidential Post"):
        assert in_text(name) == name
    assert _names(["President of Russia", "The White House"]) == "the President of Russia and The White House"
    m = material(three_outlets())
    attribute = _Attributor(m)
    seen = [
        attribute(s, "the President of Russia")
        for s in [
            "The accident happened on the bridge.",
            "The accident happened on the bridge.",
            "The accident happened on the bridge.",
        ]
    ]
    assert any(t.startswith("The President of Russia reported that the accident") for t in seen)
    assert any(t.endswith(", according to the President of Russia.") for t in seen)
    for t in seen:
        assert (
            without_attribution(WrittenSentence(t, (), "the President of Russia", 1, 1.0))
            == "The accident happened on the bridge."
        )


def test_a_sentence_that_points_back_is_published_only_after_its_own_article_sentence_before_it() -> None:
    from copydesk.models import Draft, DraftSentence, Support
    from copydesk.verify.gate import gate
    from copydesk.write import WriteOptions
    from copydesk.write.assemble import fit

    mayor = art(
        4,
        "daily",
        "Mayor visits tram crash site",
        "The mayor visited the Margaret Bridge on Monday afternoon after the tram derailment. "
        "She promised a full inquiry into the causes of the tram derailment on the bridge. "
        "This week, trams will run on a replacement route through the city centre.",
    )
    m = material([*three_outlets(), mayor])
    lede_text, visit, she, week = m.sentences[1][0], *m.sentences[4][:3]

    def d(text: str, aid: int, score: float, role: str = "body") -> DraftSentence:
        return DraftSentence(text, (Support(aid, "x", text, 1.0),), role, "What happened", score)

    def body(*items: DraftSentence) -> list[str]:
        g = gate(Draft("s1", "t", "m", (), (d(lede_text, 1, 1.0, "lede"), *items)), m)
        _, chosen = fit(g, m, WriteOptions())
        return [s.text for s in chosen]

    assert she.startswith("She") and week.startswith("This week")
    assert she not in body(d(she, 4, 0.9), d(week, 4, 0.8))  # "She" would read as about the tram's passengers
    assert week in body(d(she, 4, 0.9), d(week, 4, 0.8))  # a time, not a pointer back
    assert body(d(visit, 4, 0.5), d(she, 4, 0.9))[:2] == [visit, she]  # after the mayor's visit it reads right
