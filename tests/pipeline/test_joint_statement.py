"""A joint statement: the same text issued by two independent press offices is one story backed by both, not a
reprint; a credited copy still collapses into its original. The official-source note goes with it."""

from __future__ import annotations

import json

from copydesk.config import load_settings, render_config
from copydesk.models import Outlet, Rating
from copydesk.pipeline import Desk

STATEMENT = (
    "The leaders of the two states affirm that a war between their countries cannot be won and must never be "
    "fought. They reaffirm their commitment to the arms control agreements they have signed. Both governments "
    "will keep channels of communication open at every level, including between their militaries. The "
    "statement is issued simultaneously in both capitals on Monday."
)


def _outlet(oid: str, name: str, kind: str, owner: str) -> Outlet:
    return Outlet(
        id=oid,
        name=name,
        homepage=f"https://{oid}.test/",
        feeds=(),
        language="en",
        country="US",
        owner=owner,
        lean=Rating("unrated"),
        reliability=Rating("unrated"),
        kind=kind,
    )


def _line(url: str, outlet: str, title: str, text: str, published: str) -> str:
    return json.dumps({"url": url, "outlet": outlet, "title": title, "text": text, "published": published})


def _desk(tmp_path) -> Desk:
    (tmp_path / "copydesk.toml").write_text(render_config(), encoding="utf-8")
    outlets = {
        o.id: o
        for o in (
            _outlet("east", "Eastern Presidency", "government", "Office of the Eastern President"),
            _outlet("west", "Western Presidency", "government", "Office of the Western President"),
            _outlet("paper", "Daily Paper", "newspaper", "Paper Group"),
        )
    }
    return Desk(load_settings(tmp_path / "copydesk.toml"), outlets)


def test_joint_statement_counts_both_publishers(tmp_path):
    d = _desk(tmp_path)
    d.import_lines(
        [
            _line(
                "https://west.test/1",
                "west",
                "Joint statement on preventing war",
                STATEMENT,
                "2022-01-03T08:00:00-05:00",
            ),
            _line(
                "https://east.test/9",
                "east",
                "Joint Statement on Preventing War",
                STATEMENT,
                "2022-01-03T16:05:00+03:00",
            ),
        ]
    )
    rep = d.process()
    assert rep.counts.get("dup-joint") == 1 and rep.counts.get("stories-new") == 1, rep.counts
    d.write()
    [es] = d.edition().stories
    st = es.story
    assert st.independent_sources == 2 and not st.single_source
    assert all(s.reprint_of is None for s in st.sources)
    assert "The same text was issued jointly by Western Presidency and Eastern Presidency." in st.notes
    assert any("not independently confirmed" in n for n in st.notes)  # only the parties back it
    d.close()


def test_credited_copy_is_still_a_reprint(tmp_path):
    d = _desk(tmp_path)
    d.import_lines(
        [
            _line(
                "https://west.test/1",
                "west",
                "Joint statement on preventing war",
                STATEMENT,
                "2022-01-03T08:00:00-05:00",
            ),
            _line(
                "https://paper.test/5",
                "paper",
                "Leaders: war cannot be won",
                STATEMENT + "\nThis statement was originally published by the Western Presidency.",
                "2022-01-03T10:00:00-05:00",
            ),
        ]
    )
    rep = d.process()
    assert rep.counts.get("dup-joint") is None and (rep.counts.get("dup-reprint") or rep.counts.get("dup-exact")), (
        rep.counts
    )
    d.write()
    [es] = d.edition().stories
    assert es.story.independent_sources == 1
    assert not any("not independently confirmed" in n for n in es.story.notes)  # a newspaper is not a party
    d.close()


class _Counting:
    """The real embedder, counting its calls."""

    def __init__(self, inner):
        self.inner, self.name, self.dim, self.calls = inner, inner.name, inner.dim, []

    def embed(self, texts):
        self.calls.append(list(texts))
        return self.inner.embed(texts)


def test_write_embeds_all_stories_sentences_in_one_call(tmp_path):
    """Stories that need sentence vectors (two or more independent voices) have them made in one batch for the
    whole write, not one call per story."""
    flood = (
        "Heavy rain flooded three villages in the eastern province on Tuesday. "
        "Rescue teams evacuated 200 residents by boat."
    )
    d = _desk(tmp_path)
    d.import_lines(
        [
            _line(
                "https://west.test/1",
                "west",
                "Joint statement on preventing war",
                STATEMENT,
                "2022-01-03T08:00:00-05:00",
            ),
            _line(
                "https://east.test/1",
                "east",
                "Joint statement on preventing war",
                STATEMENT,
                "2022-01-03T16:00:00+03:00",
            ),
            _line("https://east.test/2", "east", "Flood in the eastern province", flood, "2022-01-20T10:00:00+03:00"),
            _line("https://paper.test/2", "paper", "Flood in the eastern province", flood, "2022-01-20T12:00:00+03:00"),
        ]
    )
    d.process()
    d._embedder = counting = _Counting(d.embedder)
    assert d.write().counts.get("written") == 2
    # both stories' candidate sentences in one batch (other calls embed section descriptions, never an article's
    # sentences again)
    batches = [
        c for c in counting.calls if "Heavy rain flooded three villages in the eastern province on Tuesday." in c
    ]
    assert len(batches) == 1 and len(batches[0]) >= 5, counting.calls
    assert any("They reaffirm their commitment to the arms control agreements they have signed." in c for c in batches)
    d.close()


def test_a_text_reissued_weeks_later_starts_a_new_story(tmp_path):
    d = _desk(tmp_path)
    d.import_lines(
        [
            _line(
                "https://west.test/1",
                "west",
                "Joint statement on preventing war",
                STATEMENT,
                "2022-01-03T08:00:00-05:00",
            ),
            _line(
                "https://west.test/2",
                "west",
                "Joint statement on preventing war (reissued)",
                STATEMENT,
                "2022-02-20T08:00:00-05:00",
            ),
        ]
    )
    rep = d.process()
    assert rep.counts.get("stories-new") == 2, rep.counts  # a duplicate, but not of a story 48 days old
    d.close()
