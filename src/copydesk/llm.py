"""A client of an OpenAI-compatible chat server: the optional language model behind the story judge
(`cluster/judge.py`, `[llm] judge`) and the "llm" writer (`write/llm.py`, `model.writer = "llm"`).

Nothing in copydesk needs it: by default the clusterer judges with its own scores.
Configured (`[llm] base_url`, `model`; the key, if the server wants one, from COPYDESK_LLM__API_KEY), it speaks the
`POST {base_url}/chat/completions` protocol that llama.cpp's server, vLLM, Ollama and hosted services share.
Stages never hold a client: the orchestrator hands them its `complete` method (a `Complete`), so a stage stays a
function of its inputs and tests replay recorded answers from a server on 127.0.0.1.

A timeout, a connection error, a 5xx or a 429 is retried (`retries` times, the wait doubling from `backoff_s`, a
server's Retry-After honoured up to RETRY_AFTER_MAX); anything else, or an answer that is not the protocol's JSON,
raises `LLMError` naming what went wrong. An answer is read up to MAX_ANSWER_BYTES.
"""

from __future__ import annotations

import hashlib
import json
import logging
import time
from collections import OrderedDict
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import httpx

from copydesk.errors import CopydeskError

log = logging.getLogger(__name__)

#: A chat message as the protocol has it: {"role": "system" | "user" | "assistant", "content": "..."}.
Message = dict[str, str]
#: What a stage is given: messages in, the model's answer (the first choice's content) out; raises LLMError.
Complete = Callable[[Sequence[Message]], str]

#: The longest answer read, in bytes: a chat answer of a few thousand tokens is far below it; a server that sends
#: more is broken or hostile.
MAX_ANSWER_BYTES = 2 * 1024 * 1024
#: The longest wait a server's Retry-After can impose on one call, in seconds.
RETRY_AFTER_MAX = 60.0
#: Answers a client keeps, by question: the same question again (a story written again after a wire reprint joined
#: it, whose prompt is unchanged) is answered without a call. A day or two of questions; not tuned.
ANSWERS_KEPT = 1024
_RETRY_STATUS = frozenset({429, 500, 502, 503, 504})


class LLMError(CopydeskError):
    """The language model's server could not be reached, refused the request, or answered outside the protocol."""


@dataclass(frozen=True, slots=True)
class LLMOptions:
    base_url: str  # the API root, e.g. http://127.0.0.1:8080/v1
    model: str
    api_key: str | None = None
    timeout_s: float = 60.0
    retries: int = 2
    backoff_s: float = 1.0
    max_tokens: int = 800
    temperature: float = 0.0


def _retry_after(resp: httpx.Response) -> float | None:
    try:
        return min(RETRY_AFTER_MAX, max(0.0, float(resp.headers.get("retry-after", ""))))
    except ValueError:
        return None


def read_answer(body: bytes) -> str:
    """The first choice's message content of a chat-completions answer (LLMError if there is none)."""
    try:
        data = json.loads(body)
        content = data["choices"][0]["message"]["content"]
    except (ValueError, KeyError, IndexError, TypeError):
        raise LLMError(f"llm: the answer is not a chat completion: {body[:200]!r}") from None
    if not isinstance(content, str):
        raise LLMError("llm: the answer's message has no text content")
    return content


class ChatClient:
    """One connection pool to the server. `complete` is what stages are handed."""

    def __init__(
        self,
        opts: LLMOptions,
        transport: httpx.BaseTransport | None = None,
        sleep: Callable[[float], None] = time.sleep,
    ):
        if not opts.base_url.startswith(("http://", "https://")) or not opts.model:
            raise LLMError("llm: base_url must be an http(s) URL and model a name")
        self.opts = opts
        self.url = opts.base_url.rstrip("/") + "/chat/completions"
        headers = {"Authorization": f"Bearer {opts.api_key}"} if opts.api_key else {}
        self._http = httpx.Client(timeout=opts.timeout_s, headers=headers, transport=transport, trust_env=False)
        self._sleep = sleep
        self.calls = 0  # requests that got an answer (for run summaries and benchmarks)
        self.asked = 0  # questions sent to the server (answered or not)
        self.cached = 0  # questions answered from the kept answers (ANSWERS_KEPT)
        self._kept: OrderedDict[str, str] = OrderedDict()

    def close(self) -> None:
        self._http.close()

    def __enter__(self) -> ChatClient:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def complete(self, messages: Sequence[Message], max_tokens: int | None = None) -> str:
        """The model's answer to `messages` (temperature as configured, 0 by default: the same question gets the
        same answer from a deterministic server); a question asked before is answered from the kept answers
        (ANSWERS_KEPT), a failure is not kept."""
        payload = {
            "model": self.opts.model,
            "messages": list(messages),
            "temperature": self.opts.temperature,
            "max_tokens": max_tokens or self.opts.max_tokens,
        }
        key = hashlib.sha256(json.dumps(payload, sort_keys=True).encode()).hexdigest()
        if key in self._kept:
            self._kept.move_to_end(key)
            self.cached += 1
            return self._kept[key]
        self.asked += 1
        answer = self._ask(payload)
        self._kept[key] = answer
        while len(self._kept) > ANSWERS_KEPT:
            self._kept.popitem(last=False)
        return answer

    def _ask(self, payload: dict) -> str:
        wait = self.opts.backoff_s
        for attempt in range(self.opts.retries + 1):
            last = attempt == self.opts.retries
            try:
                with self._http.stream("POST", self.url, json=payload) as resp:
                    if resp.status_code in _RETRY_STATUS and not last:
                        pause = _retry_after(resp)
                        log.warning("llm: %s, retrying", resp.status_code, extra={"stage": "llm"})
                        self._sleep(wait if pause is None else pause)
                        wait *= 2
                        continue
                    body = bytearray()
                    for chunk in resp.iter_bytes():
                        body += chunk
                        if len(body) > MAX_ANSWER_BYTES:
                            raise LLMError(f"llm: the answer is larger than {MAX_ANSWER_BYTES} bytes")
                    if resp.status_code != 200:
                        raise LLMError(
                            f"llm: {self.url} answered {resp.status_code}: "
                            f"{bytes(body[:200]).decode('utf-8', 'replace')!r}"
                        )
            except httpx.TransportError as exc:  # timeouts, refused and dropped connections
                if last:
                    raise LLMError(f"llm: {self.url} did not answer: {type(exc).__name__}: {exc}") from None
                log.warning("llm: %s, retrying", type(exc).__name__, extra={"stage": "llm"})
                self._sleep(wait)
                wait *= 2
                continue
            self.calls += 1
            return read_answer(bytes(body))
        raise AssertionError("unreachable")  # the last attempt returns or raises


def client_from_settings(settings) -> ChatClient | None:
    """The configured client (`[llm]`), or None when no server is configured."""
    s = settings.llm
    if not s.base_url:
        return None
    return ChatClient(
        LLMOptions(
            base_url=s.base_url,
            model=s.model,
            api_key=s.api_key.get_secret_value() if s.api_key else None,
            timeout_s=s.timeout_s,
            retries=s.retries,
            max_tokens=s.max_tokens,
        )
    )


__all__ = [
    "ChatClient",
    "Complete",
    "LLMError",
    "LLMOptions",
    "MAX_ANSWER_BYTES",
    "Message",
    "client_from_settings",
    "read_answer",
]
