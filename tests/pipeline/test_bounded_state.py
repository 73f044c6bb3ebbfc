"""What one long-lived `Desk` keeps between articles is bounded by the stages' windows (issue 16: memory per
article): the same articles replayed later than every window (dedup, clustering, templates) are decided exactly as
the first time, by the same process or by one restarted from the database at every batch, and the state it keeps
(`Desk.state_sizes`) is the same after each replay instead of growing with it."""

from __future__ import annotations

import json
from datetime import datetime, timedelta, timezone

import numpy as np
import pytest

from copydesk.cluster import ClusterOptions, online
from copydesk.config import load_settings, render_config
from copydesk.pipeline import DEDUP_WINDOW, Desk

T0 = datetime(2021, 3, 1, 8, 0, tzinfo=timezone.utc)  # replays stay in the past (a future date is not believed)
#: Later than every window: the dedup window, two clustering windows (what the clusterer keeps), the template window.
SHIFT = timedelta(days=90)
assert SHIFT > max(DEDUP_WINDOW, 2 * online.WINDOW, online.TEMPLATE_WINDOW)

HARBOUR = (
    "Dredging of the harbour channel began on Monday after two years of delays, the port authority said. "
    "Ships waiting outside the harbour will be guided through the eastern entrance while the work lasts. "
    "The authority expects the channel to take vessels with a deeper draught from the spring, and said the "
    "contractor would work through the night to keep the harbour open during the day for ferries and barges."
)
HARBOUR_OWN = (
    "Work to deepen the harbour channel started on Monday, ending two years of delay. Ferries and barges keep "
    "sailing during the day, the port authority said, while the contractor dredges at night and waiting ships "
    "use the eastern entrance of the harbour until the deeper channel opens in the spring."
)
ELECTION = (
    "Voters in the northern district elected a new council on Sunday, with turnout at its highest in twenty "
    "years. The election count finished before midnight and the results were posted at the town hall. The "
    "outgoing mayor congratulated the winners and said the new council would meet for the first time next week."
)
ELECTION_OWN = (
    "The northern district chose a new council in Sunday's election, and more voters took part than at any "
    "election in two decades. Counting ended before midnight; the town hall posted the results, and the new "
    "council meets next week, the outgoing mayor said as he congratulated the winners."
)
FLOOD = (
    "The river rose above the flood warning level on Tuesday afternoon after three days of heavy rain. Residents "
    "of the lower town were asked to move their cars to higher ground, and volunteers filled sandbags at the fire "
    "station until late in the evening while the flood defences on the eastern bank were checked."
)
ORCHESTRA = (
    "The city orchestra announced its new season on Wednesday with twelve concerts, four of them premieres. The "
    "orchestra's music director said the season would open in September with a programme of symphonies written "
    "in the city, and that tickets for students would again cost five euros at every concert of the season."
)
ORCHESTRA_UPDATE = ORCHESTRA + (
    " Tickets go on sale on Friday morning at the box office and online, the orchestra added in an update."
)

#: (key, outlet host, title, text, hours after the replay's start)
BASE = [
    ("harbour-wire", "wire.test", "Harbour dredging begins", HARBOUR, 0),
    ("harbour-copy", "post.test", "Harbour dredging begins after delays", HARBOUR, 1),  # a copy of the wire's
    ("harbour-own", "times.test", "Port starts deepening harbour channel", HARBOUR_OWN, 3),
    ("election", "times.test", "Northern district elects new council", ELECTION, 24),
    ("election-own", "post.test", "New council for the northern district", ELECTION_OWN, 26),
    ("flood", "wire.test", "River rises above flood warning level", FLOOD, 48),
    ("orchestra", "post.test", "Orchestra announces new season", ORCHESTRA, 72),
    ("orchestra-update", "post.test", "Orchestra announces new season, tickets Friday", ORCHESTRA_UPDATE, 77),
]
REPLAYS = 6
CHUNK = 12  # not a multiple of the base: a batch holds the end of one replay and the start of the next


class KeywordEmbedder:
    """One direction per event, named by a word of the text: the test, not a model, decides what meets."""

    name, dim = "keyword", 5
    WORDS = ("harbour", "election", "flood", "orchestra")

    def embed(self, texts):
        out = np.zeros((len(texts), self.dim), np.float32)
        for i, t in enumerate(texts):
            k = next((j for j, w in enumerate(self.WORDS) if w in t.lower()), len(self.WORDS))
            out[i, k] = 1.0
        return out


def lines() -> list[str]:
    out = []
    for r in range(REPLAYS):
        for key, host, title, text, hours in BASE:
            when = T0 + r * SHIFT + timedelta(hours=hours)
            out.append(
                json.dumps(
                    {
                        "url": f"https://{host}/{r}/{key}",
                        "outlet": host.split(".")[0].title(),
                        "title": title,
                        "text": text,
                        "published": when.isoformat(),
                    }
                )
            )
    return out


def desk(tmp_path) -> Desk:
    cfg = tmp_path / "copydesk.toml"
    if not cfg.exists():
        cfg.write_text(render_config(), encoding="utf-8")
    # The IDF counts one replay's worth of articles (ClusterOptions.df_docs, 20,000 by default): a long-lived
    # process drops the oldest counts as a restarted one never reads them.
    d = Desk(load_settings(cfg), {}, cluster_options=ClusterOptions(df_docs=len(BASE)))
    d._embedder = KeywordEmbedder()
    return d


def decisions(d: Desk) -> list[list[tuple]]:
    """Per replay, what each base article became: its story (named by the first base key in it), and what it
    duplicates, how, and from which replay (0: its own)."""
    from sqlalchemy import select

    from copydesk.store.db import _article
    from copydesk.store.schema import ArticleRow

    with d.store.session() as s:
        arts = [_article(r) for r in s.scalars(select(ArticleRow))]
    by_url, by_id = {a.url: a for a in arts}, {a.id: a for a in arts}
    out = []
    for r in range(REPLAYS):
        first_of_story: dict[str | None, str] = {}
        got = []
        for key, host, *_ in BASE:
            a = by_url[f"https://{host}/{r}/{key}"]
            name = first_of_story.setdefault(a.story_id, key)
            of = by_id[a.duplicate_of].url.split("/")[3:] if a.duplicate_of else None
            got.append((key, name, a.duplicate_kind, (int(of[0]) - r, of[1]) if of else None))
        out.append(got)
    return out


@pytest.fixture(autouse=True)
def forget_often(monkeypatch):
    # The clusterer forgets ended stories every FORGET_EVERY articles (256): a handful here, so that a few dozen
    # articles show what thousands would.
    monkeypatch.setattr(online, "FORGET_EVERY", 4)


def test_replays_beyond_every_window_are_decided_alike_and_the_state_stops_growing(tmp_path):
    d = desk(tmp_path)
    sizes = []
    try:
        for start in range(0, len(lines()), CHUNK):
            d.import_lines(lines()[start : start + CHUNK], source="test")
            assert d.process().counts.get("errors") is None
            sizes.append(d.state_sizes())
        got = decisions(d)
    finally:
        d.close()
    first = got[0]
    # the first replay as the stages should see it: the copy joins the wire's story, the update its original's
    assert [(k, s) for k, s, *_ in first] == [
        ("harbour-wire", "harbour-wire"),
        ("harbour-copy", "harbour-wire"),
        ("harbour-own", "harbour-wire"),
        ("election", "election"),
        ("election-own", "election"),
        ("flood", "flood"),
        ("orchestra", "orchestra"),
        ("orchestra-update", "orchestra"),
    ]
    assert first[1][2:] == ("exact", (0, "harbour-wire")) and first[7][2:] == ("near", (0, "orchestra"))
    assert all(g == first for g in got[1:]), got  # never a copy of an earlier replay's article
    # Batches 2 and 4 both end with a replay, 1 and 3 half-way through one: the same state at the same point
    steady = {k: v for k, v in sizes[3].items() if k != "cluster_docs"}
    assert {k: v for k, v in sizes[1].items() if k != "cluster_docs"} == steady, sizes
    assert {k: v for k, v in sizes[2].items() if k != "cluster_docs"} == {
        k: v for k, v in sizes[0].items() if k != "cluster_docs"
    }, sizes
    assert steady["dedup_articles"] <= len(BASE) and steady["cluster_stories"] <= len(BASE), sizes
    assert steady["cluster_df_docs"] == len(BASE) < sizes[3]["cluster_docs"], sizes  # the IDF counts a window


def test_a_process_restarted_at_every_batch_decides_as_the_long_lived_one(tmp_path):
    (tmp_path / "long").mkdir()
    (tmp_path / "restarted").mkdir()
    d = desk(tmp_path / "long")
    try:
        for start in range(0, len(lines()), CHUNK):
            d.import_lines(lines()[start : start + CHUNK], source="test")
            d.process()
        long_lived = decisions(d)
    finally:
        d.close()
    for start in range(0, len(lines()), CHUNK):
        d = desk(tmp_path / "restarted")  # a new process: its indexes rebuilt from the database
        try:
            d.import_lines(lines()[start : start + CHUNK], source="test")
            d.process()
        finally:
            d.close()
    d = desk(tmp_path / "restarted")
    try:
        assert decisions(d) == long_lived
    finally:
        d.close()


def test_a_restarted_process_counts_the_idf_over_the_same_articles(tmp_path):
    # The IDF window (three replays) reaches further back than the two clustering windows a restart needs for its
    # open stories: the restarted process must read the older articles for their counts alone.
    opts = ClusterOptions(df_docs=3 * len(BASE))
    d = desk(tmp_path)
    d.cluster_options = opts
    try:
        for start in range(0, len(lines()), CHUNK):
            d.import_lines(lines()[start : start + CHUNK], source="test")
            d.process()
        long_lived = d.clusterer
        assert long_lived.n_df == opts.df_docs < long_lived.n_docs
        d._clusterer = None  # as a new process: rebuilt from the database
        restarted = d.clusterer
    finally:
        d.close()
    assert restarted.n_df == long_lived.n_df and restarted.df == long_lived.df
    assert restarted.key_df == long_lived.key_df
    assert len(restarted.row_of) == len(long_lived.row_of) <= len(BASE)  # only the open stories get rows
