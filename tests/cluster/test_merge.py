"""The second-pass same-event merger (cluster/merge.py) and how the online clusterer applies it."""

from collections import Counter
from dataclasses import replace
from datetime import datetime, timedelta, timezone

import numpy as np

from copydesk.cluster import ClusterOptions, OnlineClusterer
from copydesk.cluster.merge import (
    MergeOptions,
    StoryView,
    idf,
    key_names,
    names_overlap,
    same_event,
)
from copydesk.lang.names import proper_names
from copydesk.models import Article

T0 = datetime(2026, 11, 1, tzinfo=timezone.utc)
SPAN = timedelta(days=7)
#: Every name counts (no IDF floor: these streams are a few articles long), ten key names per story.
MERGING = MergeOptions(min_score=0.8, key_names=10, min_names=0.5, key_min_idf=0.0, max_gap=timedelta(hours=36))
DENSE = ClusterOptions(w_dense=1.0, w_sparse=0.0, w_names=0.0, join=0.9, same_event=MERGING)


def art(i: int, title: str, when: datetime = T0, text: str = "", outlet: str = "o") -> Article:
    return Article(
        id=i,
        url=f"https://x.test/{i}",
        canonical_url=f"https://x.test/{i}",
        outlet_id=outlet,
        title=title,
        text=text,
        summary="",
        published=when,
        first_seen=when,
    )


def unit(*xs: float) -> np.ndarray:
    v = np.array(xs, dtype=np.float32)
    return v / np.linalg.norm(v)


E1 = unit(1, 0, 0)
NEAR = unit(0.85, 0.527, 0)  # cosine 0.85 with E1: under join (0.9), over the merger's floor (0.8)


def view(
    keys: dict[str, float], n: int = 1, first: float = 0.0, last: float = 0.0, years=frozenset(), timed: bool = True
) -> StoryView:
    return StoryView(n, first, last, frozenset(years), keys, timed)


# -- the judge ---------------------------------------------------------------------------------------------


def test_key_names_are_the_rarest_most_repeated_names_and_skip_common_ones():
    df = {"russia": 90, "ukraine": 60, "donetsk": 3, "pushilin": 1, "macron": 10}
    names = Counter({"russia": 12, "ukraine": 5, "donetsk": 4, "pushilin": 1, "macron": 1})
    keys = key_names(names, df, 100, k=2, min_idf=1.5)
    assert list(keys) == ["donetsk", "pushilin"]  # (1 + log 4) x 3.2 beats 1 x 3.9; russia is under the floor
    assert keys["donetsk"] == idf(3, 100)
    assert "russia" not in key_names(names, df, 100, k=10, min_idf=1.5)


def test_proper_names_skip_words_capitalised_by_position():
    n = proper_names(
        "However, police said. Officials in Aceh met Lohan's lawyer; Police chief Ali Wu said 6.1 and 2008."
    )
    assert set(n) == {"aceh", "lohan", "ali", "wu", "6.1", "2008"}  # "Police" opens a clause after ";"
    assert proper_names("The quake hit Aceh, and Aceh's Governor spoke.", frozenset({"governor"})) == {"aceh": 2}
    # a title-case heading capitalises common words: a word the text also writes in lower case is no name
    assert proper_names("Readout of the Call with Olaf Scholz. The call was long, the United States' envoy said.") == {
        "olaf": 1,
        "scholz": 1,
        "united": 1,
        "states": 1,
    }


def test_names_overlap_is_the_shared_mass_over_the_smaller_story():
    a = {"lohan": 2.0, "betty": 1.0, "ford": 1.0}
    b = {"lohan": 2.0, "betty": 1.0, "ford": 1.0, "rancho": 3.0, "mirage": 3.0}
    assert names_overlap(a, b) == 1.0  # all of the smaller story's key names are the other's too
    assert names_overlap(a, {"reid": 2.0, "promises": 2.0}) == 0.0
    assert names_overlap(a, {"lohan": 2.0, "reid": 2.0}) == 0.5
    assert names_overlap({}, b) == 0.0
    assert names_overlap({"lohan": 0.0}, {"lohan": 0.0}) == 0.0  # a name in every article weighs nothing


def test_same_event_needs_every_test():
    keys = {"lohan": 2.0, "betty": 1.0}
    a, b = view(keys), view(keys)
    assert same_event(a, b, 0.85, MERGING, SPAN) == 1.0
    assert same_event(a, b, 0.79, MERGING, SPAN) is None  # not the same kind of news
    assert same_event(a, view({"reid": 2.0, "promises": 1.0}), 0.99, MERGING, SPAN) is None  # other names
    assert same_event(view(keys, years={"2008"}), view(keys, years={"2011"}), 0.9, MERGING, SPAN) is None
    assert same_event(view(keys, years={"2008"}), view(keys, years={"2008", "2011"}), 0.9, MERGING, SPAN) == 1.0
    day = 86400.0
    assert same_event(a, view(keys, first=2 * day, last=2 * day), 0.9, MERGING, SPAN) is None  # days apart
    assert same_event(a, view(keys, first=day, last=day), 0.9, MERGING, SPAN) == 1.0  # within 36 h
    assert same_event(view(keys, first=0, last=6.5 * day), view(keys, first=7.2 * day, last=7.2 * day), 0.9, MERGING, SPAN) is None  # fmt: skip
    assert same_event(view(keys, n=20), view(keys, n=11), 0.9, MERGING, SPAN) is None  # over 30 articles
    # a date alone says nothing of hours: stories without times of day merge only within one date
    assert same_event(view(keys, timed=False), view(keys, first=day, last=day, timed=False), 0.9, MERGING, SPAN) is None
    assert same_event(view(keys, timed=False), view(keys, timed=False), 0.9, MERGING, SPAN) == 1.0


# -- in the clusterer --------------------------------------------------------------------------------------


def test_a_new_story_that_names_the_same_event_joins_it_instead():
    c = OnlineClusterer(DENSE)
    s1 = c.add(art(1, "Lindsay Lohan enters Betty Ford"), E1).story_id
    other = c.add(art(2, "Tara Reid enters Promises in Malibu"), NEAR)  # same kind, other names: its own story
    assert other.new and other.story_id != s1
    d = c.add(art(3, "Lohan checks in at Betty Ford, Lindsay's agent says"), unit(0.85, -0.527, 0))
    assert not d.new and d.story_id == s1 and not d.merged
    assert len(c.row_of) == 2 and c.n[c.row_of[s1]] == 2


def test_a_grown_story_that_turns_out_to_be_the_same_event_is_merged_and_recorded():
    c = OnlineClusterer(DENSE)
    s1 = c.add(art(1, "Lindsay Lohan enters Betty Ford"), E1).story_id
    s2 = c.add(art(2, "Actress checks into clinic in Rancho Mirage"), NEAR).story_id  # no name in common yet
    assert s2 != s1 and len(c.row_of) == 2
    d = c.add(art(3, "Lindsay Lohan at Betty Ford in Rancho Mirage"), NEAR)  # joins s2, which now names s1's people
    assert d.merged == ((s1, s2),)  # recorded as every merge is: s1's address redirects to the larger s2
    assert d.story_id == s2 and list(c.row_of) == [s2]
    assert c.n[c.row_of[s2]] == 3 and sum(c.names[s2].values()) >= 8


def test_no_merge_without_shared_names_below_the_floor_days_apart_or_when_off():
    for opts, third, vec in (
        (DENSE, art(3, "Tara Reid at Promises in Malibu"), unit(0.85, -0.527, 0)),  # other names
        (DENSE, art(3, "Lindsay Lohan at Betty Ford"), unit(0.7, -0.714, 0)),  # cosine 0.7: other news
        (DENSE, art(3, "Lindsay Lohan at Betty Ford", T0 + timedelta(days=3)), unit(0.85, -0.527, 0)),
        (replace(DENSE, same_event=None), art(3, "Lindsay Lohan at Betty Ford"), unit(0.85, -0.527, 0)),
    ):
        c = OnlineClusterer(opts)
        s1 = c.add(art(1, "Lindsay Lohan enters Betty Ford"), E1).story_id
        d = c.add(third, vec)
        assert d.new and d.story_id != s1 and not d.merged, third


def test_restore_rebuilds_the_names_the_merger_reads():
    c = OnlineClusterer(DENSE)
    c.restore(
        [
            (art(0, "Tara Reid enters Promises"), unit(0, 0, 1), "sB"),
            (art(1, "Lindsay Lohan enters Betty Ford"), E1, "sA"),
        ]
    )
    assert c.names["sA"]["lohan"] == 1 and "lindsay" not in c.names["sA"]  # a sentence's first word is no name
    d = c.add(art(2, "Lohan checks in at Betty Ford, Lindsay's agent says"), NEAR)
    assert d.story_id == "sA" and not d.new


def test_names_are_read_without_pronoun_contractions_and_suffixes_and_in_one_spelling():
    # "Jr" and "I'm" are capitalised by what they are; a "Jr" two texts share named no one (issue 13: the White
    # House's "Joseph R. Biden, Jr." made "jr" a key name of its readouts that no Kremlin text could match)
    n = proper_names(
        "He met Joseph R. Biden, Jr., and Daniel Ortega Sr on Monday. He said: \"Well, I'm sure I've won.\""
    )
    assert "jr" not in n and "sr" not in n and "i'm" not in n and "i've" not in n
    assert n["biden"] == 1 and n["ortega"] == 1
    # transliteration doubles letters: one key for both spellings
    one, other = proper_names("Talks with Volodymyr Zelenskyy."), proper_names("He met Volodymyr Zelensky in Donbass.")
    assert one.keys() & other.keys() == {"volodymyr", "zelensky"}


def test_an_article_goes_to_the_story_of_another_outlet_its_names_make_it_part_of():
    """The first pass favours an outlet's own stories (a publisher's house style scores high against its own texts):
    an article whose key names make it the event of an open story of other outlets, and not the event of the story
    of its own outlet it scored best with, joins the other outlets' story (CROSS_OUTLET_NAMES)."""
    for on in (True, False):
        c = OnlineClusterer(replace(DENSE, cross_outlet_names=on))
        theirs = c.add(
            art(1, "Congratulations to Olaf Scholz, Chancellor of Germany", outlet="kremlin"), unit(0.8, 0, 0.6)
        )
        ours = c.add(art(2, "Readout of the call with Volodymyr Zelenskyy of Ukraine", outlet="wh"), E1).story_id
        assert theirs.story_id != ours
        # scores 1.0 with its own outlet's story (joins it on the first pass), 0.8 with the Kremlin's; names Scholz
        d = c.add(art(3, "Readout of the call with Olaf Scholz, Chancellor of Germany", outlet="wh"), E1)
        assert d.story_id == (theirs.story_id if on else ours), on
    assert ClusterOptions().cross_outlet_names


def test_merging_is_on_by_default_and_documented_thresholds_are_the_options():
    from copydesk.cluster import merge

    o = ClusterOptions().same_event
    assert o is not None
    assert (o.min_score, o.key_names, o.min_names, o.max_gap, o.key_min_idf) == (
        merge.SAME_EVENT_SCORE,
        merge.KEY_NAMES,
        merge.SAME_EVENT_NAMES,
        merge.SAME_EVENT_GAP,
        merge.KEY_MIN_IDF,
    )
