"""The one place ingest touches the network: a polite, bounded HTTP client.

``PoliteClient.fetch(url)`` returns a ``FetchResult`` and never raises for network problems. Each fetch, in order:

1. the URL is checked: http/https only, no address the policy forbids (outcome ``blocked-address``);
2. the host's robots.txt is read (RFC 9309, through protego) and cached: rules disallow (``robots-disallowed``);
   a 4xx robots.txt allows all; 5xx, 429 or no answer means "not fetched for now" (``robots-unreachable``), and
   robots.txt is asked again after ``ROBOTS_RETRY_S``;
3. the request waits for the host's next free slot (``per_host_interval_s``; thread-safe);
4. a conditional GET is sent (If-None-Match / If-Modified-Since; 304 gives ``not-modified``);
5. redirects are followed by hand, each hop going through steps 1-4 again (``too-many-redirects``);
6. the body is streamed and decompressed by us, counting decoded bytes against ``max_bytes`` (``too-large``)
   under a wall-clock deadline for the whole fetch (``timeout``);
7. a transient failure (timeout, connection error, 5xx, 429) is retried with exponential backoff, at most
   ``retries`` times, honouring Retry-After; a host that asks for a longer pause than ``retry_max_wait_s`` is
   left alone until then (``rate-limited``), and each host has a retry budget per client (``host_retry_budget``)
   so one dead host cannot hold a run.

The address policy is enforced twice: on IP literals before connecting, and inside the connection itself (a
guarded httpcore network backend resolves the name, refuses forbidden addresses and connects to the address it
checked), so DNS rebinding between a check and the connect cannot slip through. The same backend clamps every
socket read and write to the fetch's deadline, so a server dripping headers or body one byte at a time cannot hold
a fetch past ``deadline_s``.
"""

from __future__ import annotations

import ipaddress
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

import httpcore
import httpx
from protego import Protego

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
_REDIRECT_STATUSES = frozenset((301, 302, 303, 307, 308))
# IPv6 ranges that embed an IPv4 address, which must be checked too (NAT64 well-known prefix, RFC 6052).
_NAT64 = ipaddress.ip_network("64:ff9b::/96")


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


# ------------------------------------------------------------------------------------------------------------
# Address policy
# ------------------------------------------------------------------------------------------------------------


def is_forbidden_address(address: str) -> bool:
    """True for addresses a fetcher must not connect to: loopback, private, link-local (cloud metadata),
    carrier-grade NAT, multicast, reserved and unspecified, including IPv4 embedded in IPv6."""
    try:
        ip = ipaddress.ip_address(address.split("%", 1)[0])
    except ValueError:
        return True
    if isinstance(ip, ipaddress.IPv6Address):
        embedded = ip.ipv4_mapped or ip.sixtofour or (ip.teredo[1] if ip.teredo else None)
        if embedded is None and ip in _NAT64:
            embedded = ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF)
        if embedded is not None and is_forbidden_address(str(embedded)):
            return True
    return not ip.is_global or ip.is_multicast


class AddressBlocked(Exception):
    """Raised inside the connection when a host resolves to a forbidden address."""


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

    def start_tls(self, ssl_context: Any, server_hostname: str | None = None,
                  timeout: float | None = None) -> httpcore.NetworkStream:
        return _DeadlineStream(self._inner.start_tls(ssl_context, server_hostname, _remaining(timeout)))

    def get_extra_info(self, info: str) -> Any:
        return self._inner.get_extra_info(info)


class _GuardedBackend(httpcore.NetworkBackend):
    """Resolves the host itself, refuses forbidden addresses, connects to a checked address."""

    def __init__(self, allow_private: bool) -> None:
        self._allow_private = allow_private
        self._inner = httpcore.SyncBackend()

    def connect_tcp(self, host: str, port: int, timeout: float | None = None,
                    local_address: str | None = None, socket_options: Any = None) -> httpcore.NetworkStream:
        timeout = _remaining(timeout)
        try:
            infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
        except (OSError, UnicodeError) as exc:
            raise httpcore.ConnectError(f"cannot resolve {host}: {exc}") from exc
        addresses = list(dict.fromkeys(info[4][0] for info in infos))
        if not self._allow_private:
            bad = [a for a in addresses if is_forbidden_address(a)]
            if bad:
                raise AddressBlocked(f"{host} resolves to forbidden address {bad[0]}")
        last: Exception | None = None
        for address in addresses:
            try:
                stream = self._inner.connect_tcp(address, port, timeout=_remaining(timeout),
                                                 local_address=local_address, socket_options=socket_options)
            except httpcore.ConnectError as exc:
                last = exc
                continue
            return _DeadlineStream(stream)
        raise last or httpcore.ConnectError(f"no address for {host}")

    def connect_unix_socket(self, *args: Any, **kwargs: Any) -> httpcore.NetworkStream:
        raise AddressBlocked("unix sockets are not allowed")

    def sleep(self, seconds: float) -> None:
        time.sleep(seconds)


def _guarded_transport(allow_private: bool) -> tuple[httpx.BaseTransport, bool]:
    """httpx's own transport with our network backend; the bool says whether the guard could be installed."""
    transport = httpx.HTTPTransport(retries=0)
    pool = getattr(transport, "_pool", None)
    if isinstance(pool, httpcore.ConnectionPool) and hasattr(pool, "_network_backend"):
        # httpx has no public hook for the network backend; httpcore's pool takes one (public constructor
        # argument), which we set after httpx built the pool. Checked by tests/ingest/test_http.py.
        pool._network_backend = _GuardedBackend(allow_private)
        return transport, True
    return transport, False


# ------------------------------------------------------------------------------------------------------------
# Body decoding
# ------------------------------------------------------------------------------------------------------------


def _inflate(chunks: Iterator[bytes], encoding: str) -> Iterator[bytes]:
    """Decompress a gzip/deflate stream in bounded steps (never more than _INFLATE_STEP per call)."""
    decompressor = None
    for chunk in chunks:
        if not chunk:
            continue
        if decompressor is None:
            if encoding in ("gzip", "x-gzip"):
                wbits = 16 + zlib.MAX_WBITS
            else:  # "deflate" is zlib-wrapped by the spec, raw deflate by some servers: look at the header
                wbits = zlib.MAX_WBITS if len(chunk) >= 2 and (chunk[0] & 0x0F) == 8 and \
                    ((chunk[0] << 8) | chunk[1]) % 31 == 0 else -zlib.MAX_WBITS
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
    if not decompressor.eof:
        raise zlib.error(f"truncated {encoding} stream")


class _UnsupportedEncoding(Exception):
    pass


def _decoded(raw: Iterator[bytes], content_encoding: str | None) -> Iterator[bytes]:
    encodings = [e.strip().lower() for e in (content_encoding or "").split(",") if e.strip()]
    stream = raw
    for encoding in reversed(encodings):  # the last encoding listed was applied last
        if encoding == "identity":
            continue
        if encoding not in ("gzip", "x-gzip", "deflate"):
            raise _UnsupportedEncoding(encoding)
        stream = _inflate(stream, encoding)
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
        if transport is None:
            transport, self._guard_in_connection = _guarded_transport(self.options.allow_private_addresses)
        else:
            self._guard_in_connection = False
        timeout = httpx.Timeout(self.options.timeout_s)
        self._client = httpx.Client(
            transport=transport,
            timeout=timeout,
            follow_redirects=False,
            trust_env=False,  # no proxy from the environment: the address policy must see the real peer
            headers={"User-Agent": self.options.user_agent, "Accept-Encoding": "gzip, deflate"},
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
        host = (urlsplit(url).hostname or "").lower()
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
            log.info("fetch retry", extra={"stage": "fetch", "url": url, "outcome": result.outcome,
                                           "attempt": attempt, "wait_s": round(wait, 2)})
            time.sleep(wait)
        if attempt:
            result = replace(result, attempts=attempt + 1)
        if result.outcome == "not-modified":
            result = replace(result, etag=result.etag or etag, last_modified=result.last_modified or last_modified)
        if result.outcome not in ("ok", "not-modified"):
            log.info("fetch failed", extra={"stage": "fetch", "url": url, "outcome": result.outcome,
                                            "error": result.error})
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
            result.outcome == "http-error" and result.status in _TRANSIENT_STATUSES)
        if not transient or result.error and "invalid URL" in result.error:
            return None
        asked = result.retry_after_s
        if asked is not None and asked > opts.retry_max_wait_s:
            # The host asked for a longer pause than a run should wait: leave it alone until then.
            until = time.monotonic() + asked
            with self._lock:
                self._cooling[host] = (until, f"fetch: {host} asked for a pause of {asked:.0f}s (Retry-After); "
                                              "not fetched until then")
            return None
        if attempt >= opts.retries:
            return None
        with self._lock:
            left = self._retries_left.get(host, opts.host_retry_budget)
            if left <= 0:
                return None
            self._retries_left[host] = left - 1
        backoff = min(opts.retry_backoff_s * (2 ** attempt), opts.retry_max_wait_s)
        return asked if asked is not None else backoff

    # -- one fetch, all hops ---------------------------------------------------------------------------------

    def _run(self, url: str, headers: dict[str, str], max_bytes: int, started: float, *,
             check_robots: bool, truncate: bool) -> FetchResult:
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
                            url, "robots-unreachable", started, final_url=current,
                            error=f"fetch: robots.txt of {netloc} unavailable "
                                  f"({robots.unavailable.removeprefix('fetch: ')}), so nothing there is fetched for "
                                  "now (RFC 9309); asked again later")
                    return self._result(url, "robots-disallowed", started, final_url=current,
                                        error=f"fetch: disallowed by robots.txt of {netloc}")
                waited += self._wait_for_slot(current)
                _current.deadline = started + waited + opts.deadline_s
                seen.add(current)
                response = self._client.send(self._client.build_request("GET", current, headers=headers),
                                             stream=True)
                try:
                    status = response.status_code
                    location = response.headers.get("location")
                    if status in _REDIRECT_STATUSES and location:
                        target = urljoin(current, location.strip())
                        if target in seen:
                            return self._result(url, "too-many-redirects", started, final_url=current, status=status,
                                                error=f"fetch: redirect loop at {target}")
                        if hop >= opts.max_redirects:
                            return self._result(url, "too-many-redirects", started, final_url=current, status=status,
                                                error=f"fetch: more than {opts.max_redirects} redirects")
                        hop += 1
                        current = target
                        continue
                    etag = response.headers.get("etag")
                    modified = response.headers.get("last-modified")
                    if status == 304:
                        return self._result(url, "not-modified", started, final_url=current, status=status,
                                            etag=etag, last_modified=modified)
                    if not 200 <= status < 300:
                        reason = response.reason_phrase or httpx.codes.get_reason_phrase(status) or "error"
                        return self._result(url, "http-error", started, final_url=current, status=status,
                                            error=f"fetch: {status} {reason}",
                                            retry_after_s=retry_after_seconds(response.headers.get("retry-after")))
                    body = self._read_body(response, max_bytes, truncate)
                    return self._result(url, "ok", started, final_url=current, status=status, body=body,
                                        content_type=response.headers.get("content-type"),
                                        etag=etag, last_modified=modified)
                finally:
                    response.close()
        except AddressBlocked as exc:
            return self._result(url, "blocked-address", started, final_url=current, error=f"fetch: {exc}")
        except _DeadlineExceeded:
            return self._result(url, "timeout", started, final_url=current,
                                error=f"fetch: deadline of {opts.deadline_s}s exceeded")
        except httpx.TimeoutException:
            deadline = getattr(_current, "deadline", None)
            if deadline is not None and time.monotonic() >= deadline - 0.05:
                message = f"fetch: deadline of {opts.deadline_s}s exceeded"
            else:
                message = f"fetch: timed out after {opts.timeout_s}s"
            return self._result(url, "timeout", started, final_url=current, error=message)
        except _TooLarge:
            return self._result(url, "too-large", started, final_url=current,
                                error=f"fetch: body exceeds {max_bytes} bytes")
        except _UnsupportedEncoding as exc:
            return self._result(url, "network-error", started, final_url=current,
                                error=f"fetch: unsupported Content-Encoding {exc}")
        except zlib.error as exc:
            return self._result(url, "network-error", started, final_url=current,
                                error=f"fetch: corrupt compressed body ({exc})")
        except (httpx.HTTPError, httpx.InvalidURL, httpcore.ConnectError, OSError, ValueError) as exc:
            return self._result(url, "network-error", started, final_url=current,
                                error=f"fetch: {type(exc).__name__}: {exc}".rstrip(": "))
        finally:
            _current.deadline = previous_deadline

    def _read_body(self, response: httpx.Response, max_bytes: int, truncate: bool) -> bytes:
        declared = response.headers.get("content-length", "")
        if declared.isdigit() and int(declared) > max_bytes and not truncate:
            raise _TooLarge()
        if response.is_stream_consumed:  # a ready-made response (httpx.MockTransport): httpx has decoded it
            body = response.content
            if len(body) > max_bytes and not truncate:
                raise _TooLarge()
            return body[:max_bytes]
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

        for piece in _decoded(raw(), response.headers.get("content-encoding")):
            size += len(piece)
            if size > max_bytes:
                if truncate:
                    parts.append(piece[: max_bytes - (size - len(piece))])
                    break
                raise _TooLarge()
            parts.append(piece)
            _remaining(None)
        return b"".join(parts)

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
        try:
            ipaddress.ip_address(host.split("%", 1)[0])
            literal = True
        except ValueError:
            literal = False
        if literal:
            if is_forbidden_address(host):
                return "blocked-address", f"fetch: forbidden address {host}"
            return None
        if not self._guard_in_connection:
            try:
                infos = socket.getaddrinfo(host, parts.port or (443 if scheme == "https" else 80),
                                           type=socket.SOCK_STREAM)
            except (OSError, UnicodeError) as exc:
                return "network-error", f"fetch: cannot resolve {host}: {exc}"
            for info in infos:
                if is_forbidden_address(info[4][0]):
                    return "blocked-address", f"fetch: {host} resolves to forbidden address {info[4][0]}"
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
        if result.outcome == "blocked-address" and \
                urlsplit(result.final_url or "").hostname == urlsplit(robots_url).hostname:
            return _Robots(blocked=result.error)  # the host itself is forbidden: report that, not robots
        if result.outcome == "too-many-redirects":
            return _Robots(allow_all=True)  # RFC 9309 2.3.1.2: may be treated as unavailable
        if result.outcome == "http-error" and result.status is not None and 400 <= result.status < 500 \
                and result.status != 429:
            return _Robots(allow_all=True)
        log.info("robots unreachable", extra={"stage": "fetch", "url": robots_url, "outcome": result.outcome,
                                              "error": result.error})
        return _Robots(allow_all=False, unavailable=result.error or result.outcome,
                       until=time.monotonic() + ROBOTS_RETRY_S)

    # -- results ---------------------------------------------------------------------------------------------

    @staticmethod
    def _result(url: str, outcome: FetchOutcome, started: float, **fields: Any) -> FetchResult:
        return FetchResult(url=url, outcome=outcome, elapsed_s=round(time.monotonic() - started, 3), **fields)
