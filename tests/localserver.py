"""A real HTTP server on 127.0.0.1 for tests: register routes, point a client at it, inspect what arrived.

Runs ``http.server.ThreadingHTTPServer`` on a random free port in a background thread; every connection gets
its own thread, so slow or endless routes never block the others. Nothing leaves the machine.

Usage::

    from localserver import serve, server_fixture

    local_server = server_fixture()          # in a conftest.py: a pytest fixture named "local_server"

    def test_x(local_server):
        local_server.add("/feed.xml", body, content_type="application/rss+xml", etag='"v1"')
        client.fetch(local_server.url("/feed.xml"))
        assert local_server.hits("/feed.xml")[0].headers["User-Agent"].startswith("copydesk/")

    with serve() as server:                   # or without pytest
        ...

API of ``LocalServer``:

- ``base_url`` ("http://127.0.0.1:PORT"), ``url(path)``, ``host``, ``port``.
- ``add(path, body=b"", *, status=200, headers=None, content_type=None, etag=None, last_modified=None,
  delay_s=0.0)``: static response. With ``etag`` / ``last_modified`` the route answers 304 (no body) to a
  matching If-None-Match / If-Modified-Since (If-None-Match wins, as in RFC 9110). ``headers`` are sent as
  given, e.g. ``{"Content-Encoding": "gzip"}`` for pre-compressed bytes (bombs are served byte for byte).
  Re-adding a path replaces the route (serve successive feed snapshots that way).
- ``redirect(path, location, status=302)``: one hop; chain or loop redirects by registering several.
- ``drip(path, chunk=b"x", interval_s=0.2, count=None, headers=None)``: sends ``chunk`` every ``interval_s``
  seconds, ``count`` times or forever (``None``), without Content-Length: a slow or endless body.
- ``endless(path, chunk=64 KiB of b"x")``: body written as fast as the client reads, forever.
- ``robots(text)``: shortcut for ``add("/robots.txt", text)``; unregistered paths (robots.txt included) give 404.
- ``handle(path, func)``: full control; ``func(handler)`` gets the ``BaseHTTPRequestHandler``.
- ``requests``: list of ``Recorded(method, path, headers, time)`` in arrival order (``time`` is
  ``time.monotonic()`` once its headers were read); ``hits(path)`` filters it; ``clear()`` empties it.
- ``close()``: stops the server (running slow routes notice within one interval and stop).
"""

from __future__ import annotations

import contextlib
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from email.utils import parsedate_to_datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import urlsplit

__all__ = ["LocalServer", "Recorded", "serve", "server_fixture"]


@dataclass(frozen=True)
class Recorded:
    method: str
    path: str  # path with query string, as requested
    headers: dict[str, str]
    time: float


@dataclass
class _Route:
    kind: str  # "static", "redirect", "drip", "endless", "custom"
    status: int = 200
    body: bytes = b""
    headers: dict[str, str] = field(default_factory=dict)
    etag: str | None = None
    last_modified: str | None = None
    delay_s: float = 0.0
    location: str = ""
    chunk: bytes = b""
    interval_s: float = 0.0
    count: int | None = None
    func: Callable[[BaseHTTPRequestHandler], None] | None = None


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    block_on_close = False
    allow_reuse_address = True

    def __init__(self, owner: LocalServer) -> None:
        self.owner = owner
        super().__init__(("127.0.0.1", 0), _Handler)

    def handle_error(self, request: Any, client_address: Any) -> None:  # client hung up: not a test failure
        pass


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server: _Server

    def log_message(self, format: str, *args: Any) -> None:  # keep test output clean
        pass

    def do_GET(self) -> None:  # noqa: N802 - http.server's naming
        owner = self.server.owner
        owner._record(self)
        route = owner._routes.get(urlsplit(self.path).path)
        if route is None:
            self._send(404, b"not found", {"Content-Type": "text/plain"})
            return
        if route.delay_s:
            time.sleep(route.delay_s)
        if route.kind == "custom" and route.func is not None:
            route.func(self)
        elif route.kind == "redirect":
            self._send(route.status, b"", {"Location": route.location})
        elif route.kind in ("drip", "endless"):
            self._stream(route)
        else:
            self._static(route)

    do_HEAD = do_GET  # noqa: N815
    do_POST = do_GET  # noqa: N815 - a custom route reads the request body itself

    def _static(self, route: _Route) -> None:
        headers = dict(route.headers)
        if route.etag:
            headers["ETag"] = route.etag
        if route.last_modified:
            headers["Last-Modified"] = route.last_modified
        if route.status == 200 and self._not_modified(route):
            self._send(304, b"", {k: v for k, v in headers.items() if k in ("ETag", "Last-Modified")})
            return
        self._send(route.status, route.body, headers)

    def _not_modified(self, route: _Route) -> bool:
        inm = self.headers.get("If-None-Match")
        if inm is not None and route.etag:
            tags = [t.strip() for t in inm.split(",")]
            return "*" in tags or route.etag in tags or route.etag.removeprefix("W/") in tags
        ims = self.headers.get("If-Modified-Since")
        if ims and route.last_modified:
            try:
                return parsedate_to_datetime(route.last_modified) <= parsedate_to_datetime(ims)
            except (TypeError, ValueError):
                return ims == route.last_modified
        return False

    def _send(self, status: int, body: bytes, headers: dict[str, str]) -> None:
        self.send_response(status)
        lowered = {k.lower() for k in headers}
        for key, value in headers.items():
            self.send_header(key, value)
        if "content-length" not in lowered:
            self.send_header("Content-Length", str(len(body)) if status != 304 else "0")
        self.end_headers()
        if body and self.command != "HEAD" and status != 304:
            self.wfile.write(body)

    def _stream(self, route: _Route) -> None:
        stop = self.server.owner._stop
        self.close_connection = True
        self.send_response(route.status)
        for key, value in route.headers.items():
            self.send_header(key, value)
        self.send_header("Connection", "close")
        self.end_headers()
        sent = 0
        try:
            while not stop.is_set() and (route.count is None or sent < route.count):
                self.wfile.write(route.chunk)
                self.wfile.flush()
                sent += 1
                if route.interval_s:
                    stop.wait(route.interval_s)
        except OSError:  # the client gave up: that is what these routes test
            pass


class LocalServer:
    """See the module docstring."""

    def __init__(self) -> None:
        self._routes: dict[str, _Route] = {}
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self.requests: list[Recorded] = []
        self._server = _Server(self)
        self.host, self.port = self._server.server_address[:2]
        self.base_url = f"http://{self.host}:{self.port}"
        self._thread = threading.Thread(
            target=self._server.serve_forever,
            kwargs={"poll_interval": 0.05},
            name=f"localserver-{self.port}",
            daemon=True,
        )
        self._thread.start()

    def url(self, path: str) -> str:
        return self.base_url + (path if path.startswith("/") else "/" + path)

    def add(
        self,
        path: str,
        body: bytes | str = b"",
        *,
        status: int = 200,
        headers: dict[str, str] | None = None,
        content_type: str | None = None,
        etag: str | None = None,
        last_modified: str | None = None,
        delay_s: float = 0.0,
    ) -> str:
        data = body.encode("utf-8") if isinstance(body, str) else bytes(body)
        hdrs = dict(headers or {})
        if content_type:
            hdrs["Content-Type"] = content_type
        self._routes[path] = _Route(
            "static", status=status, body=data, headers=hdrs, etag=etag, last_modified=last_modified, delay_s=delay_s
        )
        return self.url(path)

    def redirect(self, path: str, location: str, status: int = 302) -> str:
        self._routes[path] = _Route("redirect", status=status, location=location)
        return self.url(path)

    def drip(
        self,
        path: str,
        chunk: bytes = b"x",
        interval_s: float = 0.2,
        count: int | None = None,
        headers: dict[str, str] | None = None,
    ) -> str:
        self._routes[path] = _Route(
            "drip",
            chunk=chunk,
            interval_s=interval_s,
            count=count,
            headers=dict(headers or {"Content-Type": "text/html"}),
        )
        return self.url(path)

    def endless(self, path: str, chunk: bytes = b"x" * 65536, headers: dict[str, str] | None = None) -> str:
        self._routes[path] = _Route("endless", chunk=chunk, headers=dict(headers or {"Content-Type": "text/html"}))
        return self.url(path)

    def robots(self, text: str) -> str:
        return self.add("/robots.txt", text, content_type="text/plain")

    def handle(self, path: str, func: Callable[[BaseHTTPRequestHandler], None]) -> str:
        self._routes[path] = _Route("custom", func=func)
        return self.url(path)

    def hits(self, path: str) -> list[Recorded]:
        with self._lock:
            return [r for r in self.requests if urlsplit(r.path).path == path]

    def clear(self) -> None:
        with self._lock:
            self.requests.clear()

    def close(self) -> None:
        self._stop.set()
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=5)

    def _record(self, handler: BaseHTTPRequestHandler) -> None:
        entry = Recorded(handler.command, handler.path, dict(handler.headers.items()), time.monotonic())
        with self._lock:
            self.requests.append(entry)

    def __enter__(self) -> LocalServer:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


@contextlib.contextmanager
def serve() -> Iterator[LocalServer]:
    server = LocalServer()
    try:
        yield server
    finally:
        server.close()


def server_fixture(scope: str = "function", name: str = "local_server") -> Any:
    """A pytest fixture (assign it to a module-level name in a conftest.py) yielding a fresh ``LocalServer``."""
    import pytest

    @pytest.fixture(scope=scope, name=name)
    def _fixture() -> Iterator[LocalServer]:
        with serve() as server:
            yield server

    return _fixture
