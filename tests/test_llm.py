"""copydesk.llm: the OpenAI-compatible client against a real server on 127.0.0.1 (fixed answers), its retries,
refusals and the answers it will not take."""

from __future__ import annotations

import pytest

from copydesk.config import load_settings
from copydesk.errors import ConfigError
from copydesk.llm import MAX_ANSWER_BYTES, ChatClient, LLMError, LLMOptions, client_from_settings
from llmserver import chat_server
from localserver import serve

Q = [{"role": "user", "content": "Is water wet? yes or no"}]


def client(base: str, **kw) -> ChatClient:
    return ChatClient(LLMOptions(base_url=base, model="m1", **kw), sleep=lambda s: None)


def test_complete_sends_the_protocol_and_returns_the_first_choice():
    with chat_server({"water": "yes"}) as srv:
        with client(srv.base, api_key="k-123", max_tokens=5) as c:
            assert c.complete(Q) == "yes"
            assert c.calls == 1
        asked = srv.questions[0]
        assert asked["model"] == "m1" and asked["messages"] == Q
        assert asked["temperature"] == 0 and asked["max_tokens"] == 5
        assert srv.server.hits("/v1/chat/completions")[0].headers["Authorization"] == "Bearer k-123"


def test_no_key_sends_no_authorization_header():
    with chat_server(default="no") as srv:
        with client(srv.base) as c:
            c.complete(Q)
        assert "Authorization" not in srv.server.hits("/v1/chat/completions")[0].headers


def test_busy_server_is_retried_honouring_retry_after():
    waits: list[float] = []
    with chat_server(default="yes") as srv:
        srv.statuses += [(503, {"Retry-After": "7"}), (429, {})]
        c = ChatClient(LLMOptions(base_url=srv.base, model="m", retries=2, backoff_s=0.5), sleep=waits.append)
        assert c.complete(Q) == "yes"
        assert len(srv.questions) == 3
    assert waits == [7.0, 1.0]  # the server's Retry-After, then the doubled backoff


def test_retries_run_out_with_a_clear_error():
    with chat_server(default="yes") as srv:
        srv.statuses += [(503, {})] * 3
        with pytest.raises(LLMError, match="answered 503"):
            client(srv.base, retries=1).complete(Q)
        assert len(srv.questions) == 2


def test_refusal_is_not_retried():
    with chat_server({}) as srv:  # no answer recorded: the server answers 400
        with pytest.raises(LLMError, match="answered 400.*no answer recorded"):
            client(srv.base, retries=3).complete(Q)
        assert len(srv.questions) == 1


def test_unreachable_server():
    with serve() as s:
        base = s.url("/v1")
    with pytest.raises(LLMError, match="did not answer"):
        client(base, retries=1, timeout_s=2).complete(Q)


@pytest.mark.parametrize(
    "body",
    [b"<html>not json</html>", b'{"choices": []}', b'{"choices": [{"message": {"content": null}}]}', b"[1, 2]"],
)
def test_answers_outside_the_protocol_are_refused(body):
    with serve() as s:
        s.add("/v1/chat/completions", body, content_type="application/json")
        with pytest.raises(LLMError, match="llm: the answer"):
            client(s.url("/v1")).complete(Q)


def test_an_endless_answer_is_cut_off():
    with serve() as s:
        s.endless("/v1/chat/completions")
        with pytest.raises(LLMError, match=f"larger than {MAX_ANSWER_BYTES}"):
            client(s.url("/v1")).complete(Q)


def test_bad_options_refused():
    with pytest.raises(LLMError):
        ChatClient(LLMOptions(base_url="ftp://x", model="m"))
    with pytest.raises(LLMError):
        ChatClient(LLMOptions(base_url="http://127.0.0.1:1/v1", model=""))


def test_settings(tmp_path, monkeypatch):
    cfg = tmp_path / "copydesk.toml"
    cfg.write_text('[llm]\nbase_url = "http://127.0.0.1:9/v1"\nmodel = "m"\njudge = true\n', encoding="utf-8")
    monkeypatch.setenv("COPYDESK_LLM__API_KEY", "secret-from-env")
    s = load_settings(cfg)
    c = client_from_settings(s)
    assert c is not None and c.opts.api_key == "secret-from-env" and c.opts.model == "m"
    c.close()
    assert client_from_settings(load_settings(None)) is None


@pytest.mark.parametrize(
    "text,words",
    [
        ("[llm]\njudge = true\n", "llm.judge"),
        ('[model]\nwriter = "llm"\n', "writer.*needs a language model"),
        ('[model]\nwriter = "llm"\n[llm]\nbase_url = "http://127.0.0.1:9/v1"\n', "writer.*needs a language model"),
        ('[llm]\nbase_url = "file:///etc/passwd"\n', "http"),
        ('[llm]\napi_key = "sk-in-a-file"\n', "COPYDESK_LLM__API_KEY"),
    ],
)
def test_wrong_llm_settings_stop_start_up(tmp_path, text, words):
    cfg = tmp_path / "copydesk.toml"
    cfg.write_text(text, encoding="utf-8")
    with pytest.raises(ConfigError, match=words):
        load_settings(cfg)


def test_a_question_asked_again_is_answered_from_the_kept_answers_and_a_failure_is_not_kept():
    with chat_server({"water": "yes"}) as srv:
        srv.statuses.append((400, {}))  # the first request is refused, not retried
        with client(srv.base, retries=0) as c:
            with pytest.raises(LLMError):
                c.complete(Q)
            assert c.complete(Q) == "yes" and c.complete(Q) == "yes"
            assert (c.asked, c.calls, c.cached) == (2, 1, 1)
            c.complete([*Q, {"role": "user", "content": "water again"}])  # another question is put
        assert len(srv.questions) == 3
