"""`[llm] judge = true`: the desk's clusterer asks the configured chat server (a real one on 127.0.0.1, fixed
answers) about two outlets' accounts of one call that its scores leave apart, and joins them when it says yes;
without the setting nothing is asked and they stay apart."""

from __future__ import annotations

import json
from datetime import datetime, timedelta, timezone

import numpy as np
import pytest

from copydesk.config import load_settings, render_config
from copydesk.pipeline import Desk
from llmserver import chat_server

T0 = datetime(2021, 12, 7, 17, 15, tzinfo=timezone.utc)
ITEMS = [
    (
        "https://kremlin.test/67315",
        "Meeting with US President Joseph Biden",
        "Vladimir Putin held talks with US President Joseph Biden by videoconference. The presidents discussed "
        "Ukraine, the Minsk agreements and security guarantees for Russia.",
        0,
    ),
    (
        "https://whitehouse.test/readout",
        "Readout of President Biden's Video Call with President Vladimir Putin of Russia",
        "President Biden voiced the deep concerns of the United States and our European Allies about Russia's "
        "escalation of forces surrounding Ukraine and made clear that the US would respond with strong measures.",
        1,
    ),
    (
        "https://whitehouse.test/tornado",
        "Readout of the President's Briefing on Severe Weather",
        "The President was briefed on the tornadoes that struck Kentucky overnight and the federal response.",
        2,
    ),
]


class Embedder:
    """The two accounts of the call near each other (cosine 0.72: with their shared words below the join, above the judge's floor), the tornado apart."""

    name, dim = "test", 3

    def embed(self, texts):
        out = np.zeros((len(texts), self.dim), np.float32)
        for i, t in enumerate(texts):
            v = [0, 0, 1] if "tornado" in t.lower() else [1, 0.4 if "Kremlin" in t or "Putin held" in t else -0.4, 0]
            out[i] = np.asarray(v) / np.linalg.norm(v)
        return out


def run(tmp_path, base_url: str, judge: bool) -> tuple[Desk, dict[str, str]]:
    cfg = tmp_path / "copydesk.toml"
    text = render_config().replace('base_url = ""\nmodel = ""', f'base_url = "{base_url}"\nmodel = "m"')
    cfg.write_text(text.replace("judge = false", f"judge = {str(judge).lower()}"), encoding="utf-8")
    d = Desk(load_settings(cfg), {})
    d._embedder = Embedder()
    lines = [
        json.dumps(
            {
                "url": url,
                "outlet": "President of Russia" if "kremlin" in url else "The White House",
                "title": title,
                "text": body,
                "published": (T0 + timedelta(hours=h)).isoformat(),
            }
        )
        for url, title, body, h in ITEMS
    ]
    d.import_lines(lines, source="test")
    report = d.process()
    assert report.counts.get("errors") is None
    assert report.counts.get("judge-questions", 0) == (len(d.judge.answers) if judge else 0)
    from sqlalchemy import select

    from copydesk.store.schema import ArticleRow

    with d.store.session() as s:
        return d, {r.url: r.story_id for r in s.scalars(select(ArticleRow))}


@pytest.mark.parametrize("judge", [True, False])
def test_the_judge_joins_two_accounts_of_one_call(tmp_path, judge):
    with chat_server({"Meeting with US President Joseph Biden": "yes"}, default="no") as srv:
        d, story = run(tmp_path, srv.base, judge)
        try:
            kremlin, wh, tornado = (story[u] for u, *_ in ITEMS)
            assert (kremlin == wh) is judge
            assert tornado not in (kremlin, wh)
            if judge:
                assert srv.questions, "the judge put no question"
                asked = srv.questions[0]["messages"][1]["content"]
                assert "Meeting with US President Joseph Biden" in asked and "Readout of President Biden" in asked
            else:
                assert srv.questions == []
        finally:
            d.close()
