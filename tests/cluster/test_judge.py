"""cluster/judge.py: what the judge is asked, how its answers are read and cached, and a language model judging
through a real chat server on 127.0.0.1."""

from __future__ import annotations

from datetime import datetime, timezone

import pytest

from copydesk.cluster.judge import (
    BRIEF_WORDS,
    PAUSE_S,
    Brief,
    brief_item,
    cached,
    llm_judge,
    messages,
    read_verdict,
)
from copydesk.llm import ChatClient, LLMError, LLMOptions
from llmserver import chat_server

T = datetime(2021, 12, 7, 17, 15, tzinfo=timezone.utc)
KREMLIN = Brief(
    "s1",
    (
        brief_item(
            "https://kremlin.test/1",
            "kremlin",
            T,
            "Meeting with US President Joseph Biden",
            "Vladimir Putin had a videoconference with US President Joseph Biden. " + "word " * 500,
        ),
    ),
)
WH = Brief(
    "s2",
    (
        brief_item(
            "https://wh.test/1",
            "whitehouse",
            None,
            "Readout of President Biden's Video Call with President Vladimir Putin",
            "President Biden spoke with President Putin.",
        ),
    ),
)


def test_the_question_shows_both_stories_and_asks_yes_or_no():
    system, user = messages(KREMLIN, WH)
    assert system["role"] == "system" and "yes or no" in system["content"]
    q = user["content"]
    assert "Story A:" in q and "Story B:" in q
    assert "- kremlin, 2021-12-07 17:15 UTC: Meeting with US President Joseph Biden" in q
    assert "- whitehouse, date unknown: Readout of President Biden" in q
    assert len(KREMLIN.items[0].lede.split()) == BRIEF_WORDS  # the text is cut to BRIEF_WORDS words
    assert KREMLIN.items[0].lede in q and "word word" not in q.split("Story B:")[1]


@pytest.mark.parametrize(
    "answer,verdict",
    [
        ("yes", True),
        ("Yes.", True),
        ("  **No**, they differ", False),
        ("NO", False),
        ("Maybe", None),
        ("", None),
        ("yesterday", None),
        ("The answer is yes", None),
    ],
)
def test_read_verdict(answer, verdict):
    assert read_verdict(answer) is verdict


def test_cached_asks_each_pair_once_in_either_order():
    asked = []
    j = cached(lambda a, b: asked.append((a.story_id, b.story_id)) or True)
    assert j(KREMLIN, WH) and j(WH, KREMLIN) and j(KREMLIN, WH)
    assert j.asked == 1 and len(asked) == 1


def test_cache_is_bounded():
    j = cached(lambda a, b: False, size=2)
    briefs = [Brief(f"s{i}", (brief_item(f"u{i}", "o", None, "t", "x"),)) for i in range(5)]
    for b in briefs[1:]:
        j(briefs[0], b)
    assert len(j.answers) == 2 and j.asked == 4


def test_llm_judge_through_a_chat_server():
    with chat_server({"Meeting with US President Joseph Biden": "Yes."}, default="no") as srv:
        with ChatClient(LLMOptions(base_url=srv.base, model="m")) as c:
            j = llm_judge(c.complete)
            assert j(KREMLIN, WH) is True
            other = Brief(
                "s3", (brief_item("https://wh.test/2", "whitehouse", T, "Readout of a call with Macron", ""),)
            )
            assert j(WH, other) is False
        assert len(srv.questions) == 2
        assert "Readout of President Biden's Video Call" in srv.questions[0]["messages"][1]["content"]


def test_a_judge_that_cannot_answer_keeps_stories_apart():
    def down(_messages):
        raise LLMError("llm: http://127.0.0.1:9/v1/chat/completions did not answer: ConnectError")

    assert llm_judge(down)(KREMLIN, WH) is None
    assert llm_judge(lambda m: "I am not sure.")(KREMLIN, WH) is None


def test_after_a_failure_the_judge_pauses_then_asks_again_what_went_unanswered():
    now, calls = [0.0], []

    def flaky(msgs):
        calls.append(now[0])
        if len(calls) == 1:
            raise LLMError("llm: http://127.0.0.1:9/v1/chat/completions did not answer: ReadTimeout")
        return "yes"

    j = llm_judge(flaky, clock=lambda: now[0])
    assert j(KREMLIN, WH) is None  # the server failed
    now[0] = PAUSE_S - 1
    assert j(KREMLIN, WH) is None and calls == [0.0]  # paused: nothing asked
    now[0] = PAUSE_S + 1
    assert j(KREMLIN, WH) is True and calls == [0.0, PAUSE_S + 1]  # not cached as None: asked again
    assert j.asked == 1


def test_an_unreadable_answer_is_kept_not_asked_again():
    calls = []
    j = llm_judge(lambda m: calls.append(1) or "Perhaps.")
    assert j(KREMLIN, WH) is None and j(WH, KREMLIN) is None and len(calls) == 1
