"""The one place ingest touches the network: a polite, bounded HTTP client.

``PoliteClient.fetch(url)`` returns a ``FetchResult`` and never raises for network problems. Each fetch, in order:

1. the URL is checked: http/https only, no address the policy forbids (outcome ``blocked-address``; the policy
   is ``copydesk.ingest.addresses``, a table of the IANA special-purpose registries);
2. the host's robots.txt is read (RFC 9309, through protego) and cached: rules disallow (``robots-disallowed``);
   a 4xx robots.txt allows all; 5xx, 429 or no answer means "not fetched for now" (``robots-unreachable``), and
   robots.txt is asked again after ``ROBOTS_RETRY_S``;
3. the request waits for the host's next free slot (``per_host_interval_s``; thread-safe);
4. a conditional GET is sent (If-None-Match / If-Modified-Since; 304 gives ``not-modified``);
5. redirects are followed by hand, each hop going through steps 1-4 again (``too-many-redirects``);
6. the body is streamed and decompressed by us (gzip, deflate, br, zstd), counting decoded bytes against
   ``max_bytes`` (``too-large``) under a wall-clock deadline for the whole fetch (``timeout``); a compressed stream
   that ends early or breaks keeps what decoded, as browsers, curl and scrapy do (``FetchResult.partial`` says why);
7. a transient failure (timeout, connection error, 5xx, 429) is retried with exponential backoff, at most
   ``retries`` times, honouring Retry-After; a host that asks for a longer pause than ``retry_max_wait_s`` is
   left alone until then (``rate-limited``), and each host has a retry budget per client (``host_retry_budget``)
   so one dead host cannot hold a run.

The address policy is enforced twice: on IP literals before connecting, and inside the connection itself: our
transport is an httpcore connection pool (public API: ``httpcore.ConnectionPool(network_backend=...)``) whose
network backend resolves the name, refuses forbidden addresses and connects to the very address it checked, so DNS
rebinding between a check and the connect cannot slip through; every redirect hop connects through it again. The
same backend clamps every socket read and write to the fetch's deadline, so a server dripping headers or body one
byte at a time cannot hold a fetch past ``deadline_s``. No private attribute of httpx is touched.
"""

from __future__ import annotations

import logging
import socket
import threading
import time
import zlib
from collections.abc import Iterator
from dataclasses import dataclass, replace
from email.utils import parsedate_to_datetime
from typing import Any
from urllib.parse import urljoin, urlsplit

import brotli
import httpcore
import httpx
import zstandard
from protego import Protego

from copydesk.ingest.addresses import check as check_address
from copydesk.ingest.addresses import is_forbidden_address, parse_literal
from copydesk.models import FetchOutcome, FetchResult

log = logging.getLogger(__name__)

DEFAULT_USER_AGENT = "copydesk/0.1 (+https://github.com/copydesk/copydesk; news aggregator)"
#: RFC 9309 section 2.5: crawlers must parse at least 500 KiB of robots.txt and may ignore the rest.
ROBOTS_MAX_BYTES = 512 * 1024
#: A robots.txt that could not be read (5xx, 429, no answer) is asked for again after this many seconds; until
#: then nothing on the host is fetched (RFC 9309 2.3.1.4 "complete disallow", reported as robots-unreachable).
ROBOTS_RETRY_S = 300.0
#: Outcomes worth another attempt: the server or the path to it failed for now, not for good.
_TRANSIENT_STATUSES = frozenset((429, 500, 502, 503, 504))
#: Largest piece of decompressed output produced at once, so a compression bomb never inflates past the cap
#: by more than this.
_INFLATE_STEP = 64 * 1024
#: zstd input is fed in slices this small: one zstd byte can stand for at most ~32,768 output bytes (an RLE block
#: of 128 KiB costs 4 bytes), so one slice never yields more than ~1 MiB beyond the cap.
_ZSTD_SLICE = 32
#: Largest zstd window accepted, as RFC 9659 section 3 requires of HTTP clients (8 MiB); larger frames are refused
#: instead of allocating their window.
_ZSTD_MAX_WINDOW = 8 * 1024 * 1024
_REDIRECT_STATUSES = frozenset((301, 302, 303, 307, 308))
#: What we can decode, in the order offered to servers.
ACCEPT_ENCODING = "gzip, deflate, br, zstd"


@dataclass(frozen=True, slots=True)
class FetchOptions:
    """How politely and how far one fetch may go."""

    user_agent: str = DEFAULT_USER_AGENT
    timeout_s: float = 15.0  # connect and per-read timeout
    deadline_s: float = 60.0  # wall clock for a whole fetch, redirects included, politeness waits excluded
    max_bytes: int = 5 * 1024 * 1024  # decoded body size cap
    max_redirects: int = 5
    per_host_interval_s: float = 1.0  # minimum gap between two requests to one host
    respect_robots: bool = True
    allow_private_addresses: bool = False  # True only for tests against a loopback server
    retries: int = 2  # further attempts after a transient failure (timeout, connection error, 5xx, 429)
    retry_backoff_s: float = 2.0  # first wait before a retry; doubles each time (Retry-After wins when given)
    retry_max_wait_s: float = 30.0  # longest wait for one retry; a longer Retry-After leaves the host alone
    host_retry_budget: int = 10  # most retries one host gets from one client (a run)

    @classmethod
    def from_settings(cls, fetch: Any) -> FetchOptions:
        """The options of the ``[fetch]`` settings (``copydesk.config.FetchSettings``)."""
        return cls(
            user_agent=fetch.user_agent,
            timeout_s=fetch.timeout_s,
            deadline_s=fetch.deadline_s,
            per_host_interval_s=fetch.per_host_interval_s,
            max_bytes=fetch.max_bytes,
            max_redirects=fetch.max_redirects,
            allow_private_addresses=fetch.allow_private_addresses,
            retries=fetch.retries,
            retry_backoff_s=fetch.retry_backoff_s,
            retry_max_wait_s=fetch.retry_max_wait_s,
        )


# ------------------------------------------------------------------------------------------------------------
# Address policy (the decision itself: copydesk.ingest.addresses)
# ------------------------------------------------------------------------------------------------------------

__all__ = ["FetchOptions", "PoliteClient", "is_forbidden_address", "retry_after_seconds"]


class AddressBlocked(Exception):
    """Raised inside the connection when a host resolves to a forbidden address; the message is the reason
    (``127.0.0.1 is Loopback``)."""


class _DeadlineExceeded(Exception):
    pass


class _TooLarge(Exception):
    pass


# Deadline of the fetch running on this thread (monotonic seconds), read by the guarded network streams.
_current = threading.local()


def _remaining(timeout: float | None) -> float | None:
    deadline = getattr(_current, "deadline", None)
    if deadline is None:
        return timeout
    left = deadline - time.monotonic()
    if left <= 0:
        raise _DeadlineExceeded()
    return left if timeout is None else min(timeout, left)


class _DeadlineStream(httpcore.NetworkStream):
    """A network stream whose every read and write ends by the fetch's deadline."""

    def __init__(self, inner: httpcore.NetworkStream) -> None:
        self._inner = inner

    def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
        return self._inner.read(max_bytes, _remaining(timeout))

    def write(self, buffer: bytes, timeout: float | None = None) -> None:
        self._inner.write(buffer, _remaining(timeout))

    def close(self) -> None:
        self._inner.close()

    def start_tls(
        self, ssl_context: Any, server_hostname: str | None = None, timeout: float | None = None
    ) -> httpcore.NetworkStream:
        return _DeadlineStream(self._inner.start_tls(ssl_context, server_hostname, _remaining(timeout)))

    def get_extra_info(self, info: str) -> Any:
        return self._inner.get_extra_info(info)


class _GuardedBackend(httpcore.NetworkBackend):
    """Resolves the host itself, refuses forbidden addresses, connects to the address it checked."""

    def __init__(self, allow_private: bool) -> None:
        self._allow_private = allow_private
        self._inner = httpcore.SyncBackend()

    def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Any = None,
    ) -> httpcore.NetworkStream:
        timeout = _remaining(timeout)
        literal = parse_literal(host)
        if literal is not None:  # any notation (0x7f.1, 2130706433, [::ffff:127.0.0.1]): no resolver involved
            targets = [(str(literal), literal)]
        else:
            try:
                infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
            except (OSError, UnicodeError) as exc:
                raise httpcore.ConnectError(f"cannot resolve {host}: {exc}") from exc
            targets = []
            for raw in dict.fromkeys(str(info[4][0]) for info in infos):
                parsed = parse_literal(raw)
                if parsed is None:
                    raise AddressBlocked(f"{host} resolves to {raw!r}, which is not an IP address")
                targets.append((raw, parsed))
        if not self._allow_private:
            for _, address in targets:
                verdict = check_address(address)
                if not verdict.allowed:
                    raise AddressBlocked(
                        verdict.reason if literal is not None else f"{verdict.reason} ({host} resolves to it)"
                    )
        last: Exception | None = None
        for raw, _ in targets:  # connect to the checked numeric address itself: nothing is resolved again
            try:
                stream = self._inner.connect_tcp(
                    raw, port, timeout=_remaining(timeout), local_address=local_address, socket_options=socket_options
                )
            except httpcore.ConnectError as exc:
                last = exc
                continue
            return _DeadlineStream(stream)
        raise last or httpcore.ConnectError(f"no address for {host}")

    def connect_unix_socket(self, *args: Any, **kwargs: Any) -> httpcore.NetworkStream:
        raise AddressBlocked("unix sockets are not allowed")

    def sleep(self, seconds: float) -> None:
        time.sleep(seconds)


#: httpcore's exceptions as httpx's (both public), as httpx's own transport maps them.
_EXCEPTIONS: tuple[tuple[type[Exception], type[httpx.HTTPError]], ...] = (
    (httpcore.ConnectTimeout, httpx.ConnectTimeout),
    (httpcore.ReadTimeout, httpx.ReadTimeout),
    (httpcore.WriteTimeout, httpx.WriteTimeout),
    (httpcore.PoolTimeout, httpx.PoolTimeout),
    (httpcore.TimeoutException, httpx.TimeoutException),
    (httpcore.ConnectError, httpx.ConnectError),
    (httpcore.ReadError, httpx.ReadError),
    (httpcore.WriteError, httpx.WriteError),
    (httpcore.NetworkError, httpx.NetworkError),
    (httpcore.UnsupportedProtocol, httpx.UnsupportedProtocol),
    (httpcore.LocalProtocolError, httpx.LocalProtocolError),
    (httpcore.RemoteProtocolError, httpx.RemoteProtocolError),
    (httpcore.ProtocolError, httpx.ProtocolError),
)


def _as_httpx(exc: Exception) -> Exception:
    for theirs, ours in _EXCEPTIONS:
        if isinstance(exc, theirs):
            return ours(str(exc))
    return exc


class _GuardedStream(httpx.SyncByteStream):
    def __init__(self, response: httpcore.Response) -> None:
        self._response = response

    def __iter__(self) -> Iterator[bytes]:
        try:
            yield from self._response.iter_stream()
        except httpcore.TimeoutException as exc:
            raise _as_httpx(exc) from exc
        except (httpcore.NetworkError, httpcore.ProtocolError) as exc:
            raise _as_httpx(exc) from exc

    def close(self) -> None:
        self._response.close()


class GuardedTransport(httpx.BaseTransport):
    """An httpx transport (the public ``BaseTransport`` interface) over an httpcore connection pool whose network
    backend checks every address it connects to (``_GuardedBackend``). Environment proxies are never used: the
    address policy must see the real peer."""

    def __init__(self, allow_private: bool) -> None:
        self._pool = httpcore.ConnectionPool(
            ssl_context=httpx.create_ssl_context(trust_env=False),
            retries=0,
            network_backend=_GuardedBackend(allow_private),
        )

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        if not isinstance(request.stream, httpx.SyncByteStream):  # an async body handed to this sync transport
            raise TypeError("GuardedTransport sends synchronous request bodies only")
        core = httpcore.Request(
            method=request.method,
            url=httpcore.URL(
                scheme=request.url.raw_scheme,
                host=request.url.raw_host,
                port=request.url.port,
                target=request.url.raw_path,
            ),
            headers=request.headers.raw,
            content=request.stream,
            extensions=request.extensions,
        )
        try:
            response = self._pool.handle_request(core)
        except (
            httpcore.TimeoutException,
            httpcore.NetworkError,
            httpcore.ProtocolError,
            httpcore.UnsupportedProtocol,
        ) as exc:
            raise _as_httpx(exc) from exc
        return httpx.Response(
            status_code=response.status,
            headers=response.headers,
            stream=_GuardedStream(response),
            extensions=response.extensions,
        )

    def close(self) -> None:
        self._pool.close()


# ------------------------------------------------------------------------------------------------------------
# Body decoding
# ------------------------------------------------------------------------------------------------------------


class _Undecodable(Exception):
    """A compressed stream that ended early (``truncated``) or broke; what decoded before it is kept."""

    def __init__(self, encoding: str, detail: str, truncated: bool) -> None:
        super().__init__(
            f"{'truncated' if truncated else 'corrupt'} {encoding} stream ({detail})"
            if detail
            else f"{'truncated' if truncated else 'corrupt'} {encoding} stream"
        )
        self.truncated = truncated


def _inflate(chunks: Iterator[bytes], encoding: str) -> Iterator[bytes]:
    """Decompress a gzip/deflate stream in bounded steps (never more than _INFLATE_STEP per call)."""
    decompressor = None
    try:
        for chunk in chunks:
            if not chunk:
                continue
            if decompressor is None:
                if encoding in ("gzip", "x-gzip"):
                    wbits = 16 + zlib.MAX_WBITS
                else:  # "deflate" is zlib-wrapped by the spec, raw deflate by some servers: look at the header
                    wbits = (
                        zlib.MAX_WBITS
                        if len(chunk) >= 2 and (chunk[0] & 0x0F) == 8 and ((chunk[0] << 8) | chunk[1]) % 31 == 0
                        else -zlib.MAX_WBITS
                    )
                decompressor = zlib.decompressobj(wbits)
            data = chunk
            while data and not decompressor.eof:
                out = decompressor.decompress(data, _INFLATE_STEP)
                if out:
                    yield out
                data = decompressor.unconsumed_tail
        if decompressor is None:
            return
        while not decompressor.eof:
            out = decompressor.decompress(b"", _INFLATE_STEP)
            if not out:
                break
            yield out
    except zlib.error as exc:
        raise _Undecodable(encoding, str(exc), truncated=False) from exc
    if not decompressor.eof:
        raise _Undecodable(encoding, "", truncated=True)


def _unbrotli(chunks: Iterator[bytes]) -> Iterator[bytes]:
    """Brotli (RFC 7932) in bounded steps: ``output_buffer_limit`` caps each piece, so a 34-byte bomb cannot
    inflate at once."""
    decompressor = brotli.Decompressor()
    try:
        for chunk in chunks:
            out = decompressor.process(chunk, output_buffer_limit=_INFLATE_STEP)
            while out:  # drain what this input holds, one bounded piece at a time, before feeding more
                yield out
                if decompressor.is_finished():
                    break
                out = decompressor.process(b"", output_buffer_limit=_INFLATE_STEP)
    except brotli.error as exc:
        raise _Undecodable("br", str(exc), truncated=False) from exc
    if not decompressor.is_finished():
        raise _Undecodable("br", "", truncated=True)


def _unzstd(chunks: Iterator[bytes]) -> Iterator[bytes]:
    """Zstandard (RFC 8878), fed in small slices so that no call returns much more than the cap allows; windows over
    8 MiB refused (RFC 9659); a body of several frames is decoded frame after frame."""

    def fresh() -> Any:
        return zstandard.ZstdDecompressor(max_window_size=_ZSTD_MAX_WINDOW).decompressobj()

    decompressor, fed = fresh(), False
    try:
        for chunk in chunks:
            data, i = memoryview(bytes(chunk)), 0
            while i < len(data):
                if decompressor.eof:
                    decompressor = fresh()
                piece = bytes(data[i : i + _ZSTD_SLICE])
                i += len(piece)
                fed = True
                out = decompressor.decompress(piece)
                if decompressor.eof and decompressor.unused_data:  # the next frame began inside this slice
                    data, i = memoryview(decompressor.unused_data + bytes(data[i:])), 0
                if out:
                    yield out
    except zstandard.ZstdError as exc:
        raise _Undecodable("zstd", str(exc), truncated=False) from exc
    if fed and not decompressor.eof:
        raise _Undecodable("zstd", "", truncated=True)


class _UnsupportedEncoding(Exception):
    pass


def _decoded(raw: Iterator[bytes], content_encoding: str | None) -> Iterator[bytes]:
    encodings = [e.strip().lower() for e in (content_encoding or "").split(",") if e.strip()]
    stream = raw
    for encoding in reversed(encodings):  # the last encoding listed was applied last
        if encoding == "identity":
            continue
        if encoding in ("gzip", "x-gzip", "deflate"):
            stream = _inflate(stream, encoding)
        elif encoding == "br":
            stream = _unbrotli(stream)
        elif encoding == "zstd":
            stream = _unzstd(stream)
        else:
            raise _UnsupportedEncoding(encoding)
    return stream


# ------------------------------------------------------------------------------------------------------------
# The client
# ------------------------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Robots:
    parser: Protego | None = None  # None: allow_all decides
    allow_all: bool = False
    blocked: str | None = None  # the host itself is forbidden by the address policy (error message)
    unavailable: str | None = None  # why robots.txt could not be read (then nothing on the host is fetched)
    until: float | None = None  # monotonic time after which an unavailable robots.txt is asked again

    def allows(self, url: str, agent: str) -> bool:
        if self.parser is None:
            return self.allow_all
        return self.parser.can_fetch(url, agent)


def retry_after_seconds(value: str | None, now: float | None = None) -> float | None:
    """Seconds a Retry-After header asks for (delta-seconds or an HTTP date); None when absent or unreadable."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    if when is None:
        return None
    from datetime import datetime, timezone

    if when.tzinfo is None:
        when = when.replace(tzinfo=timezone.utc)
    return max(0.0, (when - datetime.now(timezone.utc)).total_seconds())


class PoliteClient:
    """One ``httpx.Client`` behind robots.txt, per-host spacing, an address policy, size and time caps.

    Thread-safe: several threads may call ``fetch`` at once; requests to one host are still spaced.
    ``transport`` replaces the network (e.g. ``httpx.MockTransport`` in tests); with a custom transport the address
    policy can only resolve names before the request, which leaves a DNS-rebinding window.
    """

    def __init__(self, options: FetchOptions | None = None, transport: httpx.BaseTransport | None = None) -> None:
        self.options = options or FetchOptions()
        self._guard_in_connection = transport is None
        if transport is None:
            transport = GuardedTransport(self.options.allow_private_addresses)
        timeout = httpx.Timeout(self.options.timeout_s)
        self._client = httpx.Client(
            transport=transport,
            timeout=timeout,
            follow_redirects=False,
            trust_env=False,  # no proxy from the environment: the address policy must see the real peer
            headers={"User-Agent": self.options.user_agent, "Accept-Encoding": ACCEPT_ENCODING},
        )
        self._agent_token = self.options.user_agent.split("/", 1)[0].strip() or "*"
        self._lock = threading.Lock()
        self._next_slot: dict[str, float] = {}
        self._robots: dict[tuple[str, str, int], _Robots] = {}
        self._robots_locks: dict[tuple[str, str, int], threading.Lock] = {}
        self._cooling: dict[str, tuple[float, str]] = {}  # host -> (monotonic until, why): rate-limited
        self._retries_left: dict[str, int] = {}  # host -> retries still allowed (host_retry_budget)

    # -- public --------------------------------------------------------------------------------------------

    def fetch(self, url: str, etag: str | None = None, last_modified: str | None = None) -> FetchResult:
        """GET ``url`` politely. Never raises for network problems: failures are outcomes with an error message."""
        started = time.monotonic()
        headers: dict[str, str] = {}
        if etag:
            headers["If-None-Match"] = etag
        if last_modified:
            headers["If-Modified-Since"] = last_modified
        try:
            host = (urlsplit(url).hostname or "").lower()
        except ValueError:  # a malformed authority ("[host]"): _check_url refuses it below, with its reason
            host = ""
        attempt = 0
        while True:
            cooling = self._cooling.get(host)
            if cooling is not None and cooling[0] > time.monotonic():
                result = self._result(url, "rate-limited", started, error=cooling[1])
                break
            result = self._run(url, headers, self.options.max_bytes, started, check_robots=True, truncate=False)
            wait = self._retry_wait(result, host, attempt)
            if wait is None:
                break
            attempt += 1
            log.info(
                "fetch retry",
                extra={
                    "stage": "fetch",
                    "url": url,
                    "outcome": result.outcome,
                    "attempt": attempt,
                    "wait_s": round(wait, 2),
                },
            )
            time.sleep(wait)
        if attempt:
            result = replace(result, attempts=attempt + 1)
        if result.outcome == "not-modified":
            result = replace(result, etag=result.etag or etag, last_modified=result.last_modified or last_modified)
        if result.outcome not in ("ok", "not-modified"):
            log.info(
                "fetch failed", extra={"stage": "fetch", "url": url, "outcome": result.outcome, "error": result.error}
            )
        return result

    def close(self) -> None:
        self._client.close()

    def __enter__(self) -> PoliteClient:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- retries -------------------------------------------------------------------------------------------------

    def _retry_wait(self, result: FetchResult, host: str, attempt: int) -> float | None:
        """Seconds to wait before trying ``result``'s URL again, or None when it should not be retried."""
        opts = self.options
        transient = result.outcome in ("timeout", "network-error") or (
            result.outcome == "http-error" and result.status in _TRANSIENT_STATUSES
        )
        if not transient or result.error and "invalid URL" in result.error:
            return None
        asked = result.retry_after_s
        if asked is not None and asked > opts.retry_max_wait_s:
            # The host asked for a longer pause than a run should wait: leave it alone until then.
            until = time.monotonic() + asked
            with self._lock:
                self._cooling[host] = (
                    until,
                    f"fetch: {host} asked for a pause of {asked:.0f}s (Retry-After); not fetched until then",
                )
            return None
        if attempt >= opts.retries:
            return None
        with self._lock:
            left = self._retries_left.get(host, opts.host_retry_budget)
            if left <= 0:
                return None
            self._retries_left[host] = left - 1
        backoff = min(opts.retry_backoff_s * (2**attempt), opts.retry_max_wait_s)
        return asked if asked is not None else backoff

    # -- one fetch, all hops ---------------------------------------------------------------------------------

    def _run(
        self, url: str, headers: dict[str, str], max_bytes: int, started: float, *, check_robots: bool, truncate: bool
    ) -> FetchResult:
        opts = self.options
        current = url
        seen: set[str] = set()
        waited = 0.0
        hop = 0
        previous_deadline = getattr(_current, "deadline", None)
        try:
            while True:
                problem = self._check_url(current)
                if problem is not None:
                    outcome, message = problem
                    return self._result(url, outcome, started, final_url=current, error=message)
                if check_robots and opts.respect_robots:
                    robots_started = time.monotonic()
                    robots = self._robots_for(current)
                    waited += time.monotonic() - robots_started  # robots.txt has its own deadline
                    if robots.blocked:
                        return self._result(url, "blocked-address", started, final_url=current, error=robots.blocked)
                    allowed = robots.allows(current, self._agent_token)
                else:
                    allowed = True
                if not allowed:
                    netloc = urlsplit(current).netloc
                    if robots.unavailable:
                        return self._result(
                            url,
                            "robots-unreachable",
                            started,
                            final_url=current,
                            error=f"fetch: robots.txt of {netloc} unavailable "
                            f"({robots.unavailable.removeprefix('fetch: ')}), so nothing there is fetched for "
                            "now (RFC 9309); asked again later",
                        )
                    return self._result(
                        url,
                        "robots-disallowed",
                        started,
                        final_url=current,
                        error=f"fetch: disallowed by robots.txt of {netloc}",
                    )
                waited += self._wait_for_slot(current)
                _current.deadline = started + waited + opts.deadline_s
                seen.add(current)
                response = self._client.send(self._client.build_request("GET", current, headers=headers), stream=True)
                try:
                    status = response.status_code
                    location = response.headers.get("location")
                    if status in _REDIRECT_STATUSES and location:
                        target = urljoin(current, location.strip())
                        if target in seen:
                            return self._result(
                                url,
                                "too-many-redirects",
                                started,
                                final_url=current,
                                status=status,
                                error=f"fetch: redirect loop at {target}",
                            )
                        if hop >= opts.max_redirects:
                            return self._result(
                                url,
                                "too-many-redirects",
                                started,
                                final_url=current,
                                status=status,
                                error=f"fetch: more than {opts.max_redirects} redirects",
                            )
                        hop += 1
                        current = target
                        continue
                    etag = response.headers.get("etag")
                    modified = response.headers.get("last-modified")
                    if status == 304:
                        return self._result(
                            url,
                            "not-modified",
                            started,
                            final_url=current,
                            status=status,
                            etag=etag,
                            last_modified=modified,
                        )
                    if not 200 <= status < 300:
                        reason = response.reason_phrase or httpx.codes.get_reason_phrase(status) or "error"
                        return self._result(
                            url,
                            "http-error",
                            started,
                            final_url=current,
                            status=status,
                            error=f"fetch: {status} {reason}",
                            retry_after_s=retry_after_seconds(response.headers.get("retry-after")),
                        )
                    body, partial = self._read_body(response, max_bytes, truncate)
                    if partial:
                        log.info("fetch partial body", extra={"stage": "fetch", "url": current, "error": partial})
                    return self._result(
                        url,
                        "ok",
                        started,
                        final_url=current,
                        status=status,
                        body=body,
                        content_type=response.headers.get("content-type"),
                        etag=etag,
                        last_modified=modified,
                        partial=partial,
                    )
                finally:
                    response.close()
        except AddressBlocked as exc:
            return self._result(url, "blocked-address", started, final_url=current, error=f"fetch: refused: {exc}")
        except _DeadlineExceeded:
            return self._result(
                url, "timeout", started, final_url=current, error=f"fetch: deadline of {opts.deadline_s}s exceeded"
            )
        except httpx.TimeoutException:
            deadline = getattr(_current, "deadline", None)
            if deadline is not None and time.monotonic() >= deadline - 0.05:
                message = f"fetch: deadline of {opts.deadline_s}s exceeded"
            else:
                message = f"fetch: timed out after {opts.timeout_s}s"
            return self._result(url, "timeout", started, final_url=current, error=message)
        except _TooLarge:
            return self._result(
                url, "too-large", started, final_url=current, error=f"fetch: body exceeds {max_bytes} bytes"
            )
        except _UnsupportedEncoding as exc:
            return self._result(
                url, "network-error", started, final_url=current, error=f"fetch: unsupported Content-Encoding {exc}"
            )
        except _Undecodable as exc:
            return self._result(
                url,
                "network-error",
                started,
                final_url=current,
                error=f"fetch: undecodable body, nothing decoded: {exc}",
            )
        except (httpx.HTTPError, httpx.InvalidURL, httpcore.ConnectError, OSError, ValueError) as exc:
            return self._result(
                url,
                "network-error",
                started,
                final_url=current,
                error=f"fetch: {type(exc).__name__}: {exc}".rstrip(": "),
            )
        finally:
            _current.deadline = previous_deadline

    def _read_body(self, response: httpx.Response, max_bytes: int, truncate: bool) -> tuple[bytes, str | None]:
        """The decoded body, and why it is partial (None when whole)."""
        declared = response.headers.get("content-length", "")
        if declared.isdigit() and int(declared) > max_bytes and not truncate:
            raise _TooLarge()
        if response.is_stream_consumed:  # a ready-made response (httpx.MockTransport): httpx has decoded it
            body = response.content
            if len(body) > max_bytes and not truncate:
                raise _TooLarge()
            return body[:max_bytes], None
        parts: list[bytes] = []
        size = 0
        raw_size = 0

        def raw() -> Iterator[bytes]:
            nonlocal raw_size
            for chunk in response.iter_raw():
                raw_size += len(chunk)
                if raw_size > max_bytes and not truncate:
                    raise _TooLarge()
                _remaining(None)  # raises once the deadline has passed, even if data keeps coming
                yield chunk

        try:
            for piece in _decoded(raw(), response.headers.get("content-encoding")):
                size += len(piece)
                if size > max_bytes:
                    if truncate:
                        parts.append(piece[: max_bytes - (size - len(piece))])
                        break
                    raise _TooLarge()
                parts.append(piece)
                _remaining(None)
        except _Undecodable as exc:
            if not parts:
                raise
            return b"".join(parts), f"fetch: partial body: {exc}; kept the {sum(map(len, parts))} bytes decoded"
        return b"".join(parts), None

    def _check_url(self, url: str) -> tuple[FetchOutcome, str] | None:
        try:
            parts = urlsplit(url)
            host = parts.hostname
            parts.port  # noqa: B018 - raises ValueError on a bad port
        except ValueError as exc:
            return "network-error", f"fetch: invalid URL ({exc})"
        scheme = parts.scheme.lower()
        if scheme not in ("http", "https"):
            return "blocked-address", f"fetch: scheme {scheme or '(none)'!r} not allowed (only http and https)"
        if not host:
            return "network-error", "fetch: invalid URL (no host)"
        if self.options.allow_private_addresses:
            return None
        literal = parse_literal(host)
        if literal is not None:
            verdict = check_address(literal)
            if not verdict.allowed:
                return "blocked-address", f"fetch: refused: {verdict.reason}"
            return None
        if not self._guard_in_connection:
            try:
                infos = socket.getaddrinfo(
                    host, parts.port or (443 if scheme == "https" else 80), type=socket.SOCK_STREAM
                )
            except (OSError, UnicodeError) as exc:
                return "network-error", f"fetch: cannot resolve {host}: {exc}"
            for info in infos:
                address = parse_literal(str(info[4][0]))
                verdict = check_address(address) if address is not None else None
                if verdict is None or not verdict.allowed:
                    reason = verdict.reason if verdict else f"{info[4][0]!r} is not an IP address"
                    return "blocked-address", f"fetch: refused: {reason} ({host} resolves to it)"
        return None

    # -- politeness ------------------------------------------------------------------------------------------

    def _wait_for_slot(self, url: str) -> float:
        """Sleep until this host's next free slot; returns the seconds waited."""
        interval = self.options.per_host_interval_s
        if interval <= 0:
            return 0.0
        host = (urlsplit(url).hostname or "").lower()
        with self._lock:
            now = time.monotonic()
            slot = max(now, self._next_slot.get(host, now))
            self._next_slot[host] = slot + interval
        wait = slot - now
        if wait > 0:
            time.sleep(wait)
        return max(wait, 0.0)

    def _robots_for(self, url: str) -> _Robots:
        parts = urlsplit(url)
        scheme = parts.scheme.lower()
        key = (scheme, (parts.hostname or "").lower(), parts.port or (443 if scheme == "https" else 80))
        with self._lock:
            lock = self._robots_locks.setdefault(key, threading.Lock())
        with lock:
            robots = self._robots.get(key)
            if robots is None or (robots.until is not None and robots.until <= time.monotonic()):
                robots = self._load_robots(f"{scheme}://{parts.netloc}/robots.txt")
                self._robots[key] = robots
        return robots

    def _load_robots(self, robots_url: str) -> _Robots:
        """RFC 9309: 2xx = rules, 4xx = no rules (allow all), 5xx, 429 or unreachable = disallow all for now."""
        result = self._run(robots_url, {}, ROBOTS_MAX_BYTES, time.monotonic(), check_robots=False, truncate=True)
        if result.outcome == "ok":
            return _Robots(Protego.parse((result.body or b"").decode("utf-8", errors="replace")))
        if (
            result.outcome == "blocked-address"
            and urlsplit(result.final_url or "").hostname == urlsplit(robots_url).hostname
        ):
            return _Robots(blocked=result.error)  # the host itself is forbidden: report that, not robots
        if result.outcome == "too-many-redirects":
            return _Robots(allow_all=True)  # RFC 9309 2.3.1.2: may be treated as unavailable
        if (
            result.outcome == "http-error"
            and result.status is not None
            and 400 <= result.status < 500
            and result.status != 429
        ):
            return _Robots(allow_all=True)
        log.info(
            "robots unreachable",
            extra={"stage": "fetch", "url": robots_url, "outcome": result.outcome, "error": result.error},
        )
        return _Robots(
            allow_all=False, unavailable=result.error or result.outcome, until=time.monotonic() + ROBOTS_RETRY_S
        )

    # -- results ---------------------------------------------------------------------------------------------

    @staticmethod
    def _result(url: str, outcome: FetchOutcome, started: float, **fields: Any) -> FetchResult:
        return FetchResult(url=url, outcome=outcome, elapsed_s=round(time.monotonic() - started, 3), **fields)
