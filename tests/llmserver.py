"""An OpenAI-compatible chat server on 127.0.0.1 for tests, answering from fixed answers.

    with chat_server({"Story A": "yes"}) as srv:      # the first rule whose key is in the question wins
        client = ChatClient(LLMOptions(base_url=srv.base, model="test"))
        srv.questions                                   # every request's JSON body, in order

An answer is the protocol's JSON (`{"choices": [{"message": {"role": "assistant", "content": ...}}]}`, the shape
llama.cpp's server and vLLM send); a question that matches no rule gets `default`, or a 400 when there is none.
`status` overrides (a 503 with Retry-After, say) are consumed one per request before the answers.
"""

from __future__ import annotations

import contextlib
import json
from collections.abc import Iterator
from dataclasses import dataclass, field

from localserver import LocalServer, serve

PATH = "/v1/chat/completions"


def completion(content: str, model: str = "test") -> bytes:
    return json.dumps(
        {
            "id": "chatcmpl-test",
            "object": "chat.completion",
            "model": model,
            "choices": [{"index": 0, "message": {"role": "assistant", "content": content}, "finish_reason": "stop"}],
            "usage": {"prompt_tokens": 1, "completion_tokens": 1, "total_tokens": 2},
        }
    ).encode()


@dataclass
class ChatServer:
    server: LocalServer
    rules: dict[str, str]
    default: str | None = None
    statuses: list[tuple[int, dict[str, str]]] = field(default_factory=list)
    questions: list[dict] = field(default_factory=list)

    @property
    def base(self) -> str:
        return self.server.url("/v1")

    def _answer(self, h) -> None:
        body = json.loads(h.rfile.read(int(h.headers.get("Content-Length") or 0)) or b"{}")
        self.questions.append(body)
        if self.statuses:
            status, headers = self.statuses.pop(0)
            self._send(h, status, b'{"error": "busy"}', headers)
            return
        text = "\n".join(m.get("content", "") for m in body.get("messages", []))
        for key, answer in self.rules.items():
            if key in text:
                self._send(h, 200, completion(answer))
                return
        if self.default is not None:
            self._send(h, 200, completion(self.default))
        else:
            self._send(h, 400, b'{"error": "no answer recorded for this question"}')

    @staticmethod
    def _send(h, status: int, body: bytes, headers: dict[str, str] | None = None) -> None:
        h.send_response(status)
        h.send_header("Content-Type", "application/json")
        h.send_header("Content-Length", str(len(body)))
        for k, v in (headers or {}).items():
            h.send_header(k, v)
        h.end_headers()
        h.wfile.write(body)


@contextlib.contextmanager
def chat_server(rules: dict[str, str] | None = None, default: str | None = None) -> Iterator[ChatServer]:
    with serve() as server:
        srv = ChatServer(server, dict(rules or {}), default)
        server.handle(PATH, srv._answer)
        yield srv
