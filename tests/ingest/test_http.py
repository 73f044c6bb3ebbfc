"""PoliteClient against a real loopback server (tests/localserver.py); no test touches the network."""

from __future__ import annotations

import gzip
import json
import re
import threading
import time
import tracemalloc
from urllib.parse import urlsplit

import httpcore
import httpx
import pytest

from copydesk.ingest.http import FetchOptions, PoliteClient, is_forbidden_address

FEED = b'<?xml version="1.0"?><rss version="2.0"><channel><title>t</title></channel></rss>'


def local_options(**overrides: object) -> FetchOptions:
    """Options for the loopback server: private addresses allowed, no waiting unless a test asks for it."""
    values: dict[str, object] = {
        "allow_private_addresses": True,
        "per_host_interval_s": 0.0,
        "timeout_s": 5.0,
        "deadline_s": 10.0,
        "retry_backoff_s": 0.05,
        "retries": 0,
    }
    values.update(overrides)
    return FetchOptions(**values)  # type: ignore[arg-type]


@pytest.fixture
def client():
    with PoliteClient(local_options()) as c:
        yield c


def test_ok_fetch_sends_our_user_agent_and_returns_headers(local_server, client):
    url = local_server.add(
        "/feed.xml",
        FEED,
        content_type="application/rss+xml",
        etag='"v1"',
        last_modified="Tue, 10 Feb 2026 10:00:00 GMT",
    )
    result = client.fetch(url)
    assert result.outcome == "ok", result.error
    assert result.status == 200 and result.body == FEED and result.error is None
    assert result.content_type == "application/rss+xml"
    assert result.etag == '"v1"' and result.last_modified == "Tue, 10 Feb 2026 10:00:00 GMT"
    assert result.final_url == url
    hit = local_server.hits("/feed.xml")[0]
    assert hit.headers["User-Agent"] == FetchOptions().user_agent


def test_conditional_get_gives_not_modified(local_server, client):
    url = local_server.add("/feed.xml", FEED, etag='"v1"', last_modified="Tue, 10 Feb 2026 10:00:00 GMT")
    first = client.fetch(url)
    second = client.fetch(url, etag=first.etag, last_modified=first.last_modified)
    assert second.outcome == "not-modified" and second.status == 304 and second.body is None
    assert second.etag == '"v1"'
    sent = local_server.hits("/feed.xml")[1].headers
    assert sent["If-None-Match"] == '"v1"' and sent["If-Modified-Since"] == "Tue, 10 Feb 2026 10:00:00 GMT"

    # Last-Modified alone also works, and a changed resource comes back whole.
    local_server.add("/dated.xml", FEED, last_modified="Tue, 10 Feb 2026 10:00:00 GMT")
    assert (
        client.fetch(local_server.url("/dated.xml"), last_modified="Tue, 10 Feb 2026 10:00:00 GMT").outcome
        == "not-modified"
    )
    local_server.add("/feed.xml", FEED + b" ", etag='"v2"')
    changed = client.fetch(url, etag='"v1"')
    assert changed.outcome == "ok" and changed.etag == '"v2"'


def test_robots_disallow_is_honoured_and_robots_fetched_once(local_server):
    local_server.robots("User-agent: *\nDisallow: /private/\n\nUser-agent: copydesk\nDisallow: /no-copydesk/\n")
    local_server.add("/private/page.html", b"secret")
    local_server.add("/no-copydesk/page.html", b"secret")
    local_server.add("/public.html", b"hello")
    with PoliteClient(local_options()) as client:
        blocked = client.fetch(local_server.url("/no-copydesk/page.html"))
        assert blocked.outcome == "robots-disallowed"
        assert blocked.error.startswith("fetch: disallowed by robots.txt")
        assert client.fetch(local_server.url("/public.html")).outcome == "ok"
        # The copydesk group replaces the * group (RFC 9309 2.2.1), so /private/ is open to us.
        assert client.fetch(local_server.url("/private/page.html")).outcome == "ok"
    assert local_server.hits("/no-copydesk/page.html") == []
    assert len(local_server.hits("/robots.txt")) == 1


def test_robots_wildcard_group_applies_to_us(local_server):
    local_server.robots("User-agent: *\nDisallow: /private/\n")
    local_server.add("/private/page.html", b"secret")
    with PoliteClient(local_options()) as client:
        assert client.fetch(local_server.url("/private/page.html")).outcome == "robots-disallowed"
    assert local_server.hits("/private/page.html") == []


def test_robots_4xx_allows_all_and_5xx_means_not_for_now(local_server):
    local_server.add("/page.html", b"hello")
    with PoliteClient(local_options()) as client:  # no robots.txt registered: 404
        assert client.fetch(local_server.url("/page.html")).outcome == "ok"
    local_server.add("/robots.txt", b"oops", status=503)
    with PoliteClient(local_options()) as client:
        result = client.fetch(local_server.url("/page.html"))
        assert result.outcome == "robots-unreachable"  # never reported as "disallowed"
        assert "robots.txt of" in result.error and "unavailable (fetch: 503" not in result.error
        assert "unavailable (" in result.error and "RFC 9309" in result.error and "later" in result.error
        assert client.fetch(local_server.url("/page.html")).outcome == "robots-unreachable"
    assert len(local_server.hits("/page.html")) == 1  # only the first client's fetch reached the page
    with PoliteClient(local_options(respect_robots=False)) as client:
        assert client.fetch(local_server.url("/page.html")).outcome == "ok"


def test_per_host_interval_spaces_requests_across_threads(local_server):
    interval = 0.3
    for i in range(4):
        local_server.add(f"/p{i}", b"x")
    with PoliteClient(local_options(per_host_interval_s=interval, respect_robots=False)) as client:
        threads = [threading.Thread(target=client.fetch, args=(local_server.url(f"/p{i}"),)) for i in range(4)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
    arrivals = sorted(r.time for r in local_server.requests)
    assert len(arrivals) == 4
    gaps = [b - a for a, b in zip(arrivals, arrivals[1:])]
    # Server-side arrival times: each gap is at least the interval, less a little scheduling jitter.
    assert min(gaps) >= interval - 0.05, gaps


def test_404_is_an_http_error(local_server, client):
    result = client.fetch(local_server.url("/missing"))
    assert result.outcome == "http-error" and result.status == 404
    assert result.error == "fetch: 404 Not Found" and result.body is None


def test_redirects_are_followed_and_reported(local_server, client):
    local_server.add("/final.xml", FEED)
    for i in range(5):
        local_server.redirect(f"/r{i}", f"/r{i + 1}" if i < 4 else "/final.xml", status=301 if i % 2 else 302)
    result = client.fetch(local_server.url("/r0"))
    assert result.outcome == "ok" and result.body == FEED
    assert result.final_url == local_server.url("/final.xml")


def test_too_many_redirects(local_server, client):
    for i in range(7):
        local_server.redirect(f"/r{i}", f"/r{i + 1}")
    result = client.fetch(local_server.url("/r0"))
    assert result.outcome == "too-many-redirects"
    assert result.error == "fetch: more than 5 redirects"
    assert len(local_server.hits("/r5")) == 1 and local_server.hits("/r6") == []


def test_redirect_loop(local_server, client):
    local_server.redirect("/a", "/b")
    local_server.redirect("/b", "/a")
    result = client.fetch(local_server.url("/a"))
    assert result.outcome == "too-many-redirects" and "redirect loop" in result.error


def test_redirect_to_other_scheme_is_blocked(local_server, client):
    local_server.redirect("/r", "file:///etc/passwd")
    result = client.fetch(local_server.url("/r"))
    assert result.outcome == "blocked-address" and "scheme 'file'" in result.error


def test_slow_drip_body_hits_the_deadline(local_server):
    url = local_server.drip("/drip", chunk=b"x", interval_s=0.1)  # never ends, never idle long enough to time out
    with PoliteClient(local_options(deadline_s=1.0, timeout_s=5.0)) as client:
        started = time.monotonic()
        result = client.fetch(url)
    assert result.outcome == "timeout" and result.error == "fetch: deadline of 1.0s exceeded"
    assert time.monotonic() - started < 3.0


def test_slow_drip_headers_hit_the_deadline(local_server):
    """A server dripping header lines never completes a response; the guarded streams still end the fetch."""

    def drip_headers(handler):
        handler.wfile.write(b"HTTP/1.1 200 OK\r\n")
        for i in range(200):
            handler.wfile.write(f"X-Drip-{i}: x\r\n".encode())
            handler.wfile.flush()
            time.sleep(0.1)

    url = local_server.handle("/headers", drip_headers)
    with PoliteClient(local_options(deadline_s=1.0, timeout_s=5.0)) as client:
        started = time.monotonic()
        result = client.fetch(url)
    assert result.outcome == "timeout", result
    assert time.monotonic() - started < 3.0


def test_read_timeout(local_server):
    url = local_server.add("/slow", b"late", delay_s=1.5)
    with PoliteClient(local_options(timeout_s=0.5, deadline_s=10.0)) as client:
        result = client.fetch(url)
    assert result.outcome == "timeout" and result.error == "fetch: timed out after 0.5s"


def test_endless_body_hits_the_size_cap(local_server):
    url = local_server.endless("/endless")
    with PoliteClient(local_options(max_bytes=1024 * 1024)) as client:
        result = client.fetch(url)
    assert result.outcome == "too-large" and result.error == "fetch: body exceeds 1048576 bytes"
    assert result.body is None


def test_declared_content_length_over_cap_is_refused_before_reading(local_server):
    url = local_server.add("/big", b"x" * 2048)
    with PoliteClient(local_options(max_bytes=1000)) as client:
        assert client.fetch(url).outcome == "too-large"


def _bomb_dir(shared_data):
    folder = shared_data / "hostile" / "decompression_bombs" / "scrapy-2.19.0"
    if not folder.is_dir():
        pytest.skip(f"decompression bombs not present at {folder}")
    return folder


@pytest.mark.parametrize("name,encoding", [("bomb-gzip.bin", "gzip"), ("bomb-br.bin", "br")])
def test_real_bombs_hit_the_cap_with_bounded_memory(local_server, shared_data, name, encoding):
    bomb = (_bomb_dir(shared_data) / name).read_bytes()  # 34 or 27,988 bytes -> 11,511,612 decoded
    url = local_server.add("/bomb", bomb, headers={"Content-Encoding": encoding}, content_type="text/html")
    cap = 1024 * 1024
    with PoliteClient(local_options(max_bytes=cap)) as client:
        tracemalloc.start()
        try:
            result = client.fetch(url)
            _, peak = tracemalloc.get_traced_memory()
        finally:
            tracemalloc.stop()
    assert result.outcome == "too-large" and result.error == f"fetch: body exceeds {cap} bytes"
    # Fully inflated the bomb is 11 MiB; we stop one 64 KiB step past the 1 MiB cap.
    assert peak < 4 * cap, peak


def test_zstd_rle_bomb_is_capped(local_server):
    import zstandard

    bomb = zstandard.ZstdCompressor(level=19).compress(b"\0" * (64 * 1024 * 1024))  # 64 MiB of zeros, ~2 KiB
    assert len(bomb) < 10_000
    url = local_server.add("/zbomb", bomb, headers={"Content-Encoding": "zstd"})
    cap = 1024 * 1024
    with PoliteClient(local_options(max_bytes=cap)) as client:
        tracemalloc.start()
        try:
            result = client.fetch(url)
            _, peak = tracemalloc.get_traced_memory()
        finally:
            tracemalloc.stop()
    assert result.outcome == "too-large"
    assert peak < 8 * cap, peak


def test_compressed_bodies_are_decoded(local_server, shared_data):
    folder = _bomb_dir(shared_data)
    plain = (folder / "feed-sample1.xml").read_bytes()
    cases = (
        ("feed-sample1.xml.gz", "gzip"),
        ("html-zlibdeflate.bin", "deflate"),
        ("html-rawdeflate.bin", "deflate"),
        ("html-gzip-deflate.bin", "gzip, deflate"),
        ("html-br.bin", "br"),
        ("html-zstd-static-content-size.bin", "zstd"),
        ("html-zstd-streaming-no-content-size.bin", "zstd"),
    )
    with PoliteClient(local_options()) as client:
        for name, encoding in cases:
            url = local_server.add(f"/{name}", (folder / name).read_bytes(), headers={"Content-Encoding": encoding})
            result = client.fetch(url)
            assert result.outcome == "ok" and result.partial is None, (name, result.error)
            if name == "feed-sample1.xml.gz":
                assert result.body == plain
            else:
                assert len(result.body) in (74837, 74840), name
                assert result.body.rstrip().endswith(b"</html>"), name
        assert "br" in local_server.hits("/html-br.bin")[0].headers["Accept-Encoding"]
        assert "zstd" in local_server.hits("/html-br.bin")[0].headers["Accept-Encoding"]


def test_truncated_streams_keep_what_decoded_marked_partial(local_server, shared_data):
    """As scrapy's tests expect of a tolerant gunzip: unexpected-eof.gz decodes (cp1252) to the stored output, and
    truncated-crc-error.gz ends with '</html'."""
    import brotli
    import zstandard

    folder = _bomb_dir(shared_data)
    expected = (folder / "unexpected-eof-output.txt").read_text(encoding="utf-8")
    page = (folder / "feed-sample1.xml").read_bytes()
    with PoliteClient(local_options()) as client:
        eof = client.fetch(
            local_server.add(
                "/eof.gz", (folder / "unexpected-eof.gz").read_bytes(), headers={"Content-Encoding": "gzip"}
            )
        )
        crc = client.fetch(
            local_server.add(
                "/crc.gz", (folder / "truncated-crc-error.gz").read_bytes(), headers={"Content-Encoding": "gzip"}
            )
        )
        cut_br = client.fetch(
            local_server.add("/cut.br", brotli.compress(page)[:-40], headers={"Content-Encoding": "br"})
        )
        # zstd decodes whole blocks (up to 128 KiB each): cut a body of several blocks.
        long_page = b"".join(page.replace(b"<", b"<%d" % i) for i in range(40))
        cut_zstd = client.fetch(
            local_server.add(
                "/cut.zst", zstandard.ZstdCompressor().compress(long_page)[:-40], headers={"Content-Encoding": "zstd"}
            )
        )
        nothing = client.fetch(
            local_server.add("/head.gz", gzip.compress(page)[:8], headers={"Content-Encoding": "gzip"})
        )
    assert eof.outcome == "ok" and eof.body.decode("cp1252") == expected
    assert eof.partial.startswith("fetch: partial body: truncated gzip stream"), eof.partial
    assert crc.outcome == "ok" and crc.body.rstrip().endswith(b"</html") and crc.partial
    for cut, whole in ((cut_br, page), (cut_zstd, long_page)):
        assert cut.outcome == "ok" and cut.partial and 0 < len(cut.body) < len(whole), cut
        assert whole.startswith(cut.body)
    assert nothing.outcome == "network-error" and nothing.error.startswith("fetch: undecodable body"), nothing


def test_private_address_blocked_by_default(local_server):
    url = local_server.add("/page.html", b"hello")
    with PoliteClient(FetchOptions(per_host_interval_s=0)) as client:
        assert client._guard_in_connection, "the connect-time address guard must be installed"
        literal = client.fetch(url)
        by_name = client.fetch(url.replace("127.0.0.1", "localhost"))  # checked after DNS, at connect time
    assert literal.outcome == "blocked-address" and literal.error == "fetch: refused: 127.0.0.1 is Loopback"
    assert by_name.outcome == "blocked-address"
    assert re.fullmatch(
        r"fetch: refused: (127\.0\.0\.1 is Loopback|::1 is Loopback Address) "
        r"\(localhost resolves to it\)",
        by_name.error,
    ), by_name.error
    assert local_server.requests == []


def test_unknown_content_encoding_is_a_clear_error(local_server, client):
    url = local_server.add("/lzw", b"\x1f\x9d\x90", headers={"Content-Encoding": "compress"})
    result = client.fetch(url)
    assert result.outcome == "network-error" and result.error == "fetch: unsupported Content-Encoding compress"


def test_non_http_schemes_are_refused(client):
    for url in ("file:///etc/passwd", "ftp://example.com/x", "gopher://127.0.0.1:70/_x"):
        result = client.fetch(url)
        assert result.outcome == "blocked-address" and result.error.startswith("fetch: scheme"), url


def test_connection_refused_is_a_network_error():
    import socket

    with socket.socket() as s:  # a port nobody listens on
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    with PoliteClient(local_options(respect_robots=False)) as client:
        result = client.fetch(f"http://127.0.0.1:{port}/")
    assert result.outcome == "network-error" and result.error.startswith("fetch: ConnectError")


def test_custom_transport_is_used():
    def handler(request: httpx.Request) -> httpx.Response:
        if request.url.path == "/robots.txt":
            return httpx.Response(404)
        return httpx.Response(200, content=FEED, headers={"Content-Type": "application/xml"})

    with PoliteClient(local_options(), transport=httpx.MockTransport(handler)) as client:
        result = client.fetch("https://example.com/feed.xml")
    assert result.outcome == "ok" and result.body == FEED


def test_ssrf_address_forms_never_reach_a_forbidden_address(shared_data, monkeypatch):
    """Every loopback/private/metadata URL form of the hostile corpus that resolves without DNS is refused, and
    no connection to a forbidden address is ever attempted."""
    path = shared_data / "hostile" / "ssrf" / "payloadsallthethings" / "ssrf_address_forms.jsonl"
    if not path.is_file():
        pytest.skip(f"{path} not present")
    attempted: list[str] = []
    original = httpcore.SyncBackend.connect_tcp

    def recording_connect(self, host, port, *args, **kwargs):
        attempted.append(host)
        return original(self, host, port, *args, **kwargs)

    monkeypatch.setattr(httpcore.SyncBackend, "connect_tcp", recording_connect)
    local_names = {"localhost", "ip6-loopback", "ip6-localhost"}
    checked = 0
    with PoliteClient(FetchOptions(per_host_interval_s=0, timeout_s=2, deadline_s=4)) as client:
        for line in path.read_text().splitlines():
            case = json.loads(line)
            if case["form"] != "url":
                continue
            try:
                host = urlsplit(case["input"]).hostname or ""
            except ValueError:
                host = ""
            # Only hosts that need no DNS server (tests have no network): literals in any notation, /etc/hosts.
            if not (re.fullmatch(r"[0-9a-fA-Fx.:]+", host) or host in local_names):
                continue
            result = client.fetch(case["input"])
            assert result.outcome != "ok", case
            checked += 1
    assert checked > 40
    assert [a for a in attempted if is_forbidden_address(a)] == []


def test_gzip_helper_roundtrip_small(local_server, client):
    body = gzip.compress(FEED)
    url = local_server.add("/small.gz", body, headers={"Content-Encoding": "gzip"})
    assert client.fetch(url).body == FEED


def test_robots_rfc9309_wildcards(local_server):
    local_server.robots("User-agent: *\nDisallow: /*.pdf$\nDisallow: /private*/draft\n")
    for path in ("/a.pdf", "/a.pdf?x=1", "/private-1/draft", "/news/1"):
        local_server.add(path.split("?")[0], b"x")
    with PoliteClient(local_options()) as client:
        assert client.fetch(local_server.url("/a.pdf")).outcome == "robots-disallowed"
        assert client.fetch(local_server.url("/a.pdf?x=1")).outcome == "ok"  # "$" anchors the end
        assert client.fetch(local_server.url("/private-1/draft")).outcome == "robots-disallowed"
        assert client.fetch(local_server.url("/news/1")).outcome == "ok"


def test_unreachable_robots_is_asked_again_later(local_server, monkeypatch):
    import copydesk.ingest.http as http

    local_server.add("/robots.txt", b"down", status=500)
    local_server.add("/page.html", b"hello")
    monkeypatch.setattr(http, "ROBOTS_RETRY_S", 0.2)
    with PoliteClient(local_options()) as client:
        assert client.fetch(local_server.url("/page.html")).outcome == "robots-unreachable"
        local_server.add("/robots.txt", b"User-agent: *\nAllow: /\n")
        time.sleep(0.3)
        assert client.fetch(local_server.url("/page.html")).outcome == "ok"
    assert len(local_server.hits("/robots.txt")) == 2


def test_transient_5xx_is_retried_with_backoff(local_server):
    calls = []

    def flaky(handler):
        calls.append(time.monotonic())
        status = 503 if len(calls) < 3 else 200
        body = b"ok" if status == 200 else b"busy"
        handler.send_response(status)
        handler.send_header("Content-Length", str(len(body)))
        handler.end_headers()
        handler.wfile.write(body)

    local_server.handle("/flaky", flaky)
    with PoliteClient(local_options(retries=3, retry_backoff_s=0.1)) as client:
        result = client.fetch(local_server.url("/flaky"))
    assert result.outcome == "ok" and result.body == b"ok" and result.attempts == 3
    assert calls[1] - calls[0] >= 0.09 and calls[2] - calls[1] >= 0.19  # 0.1 s, then doubled


def test_404_is_not_retried(local_server):
    with PoliteClient(local_options(retries=3)) as client:
        result = client.fetch(local_server.url("/missing"))
    assert result.outcome == "http-error" and result.status == 404 and result.attempts == 1
    assert len(local_server.hits("/missing")) == 1


def test_429_retry_after_is_honoured(local_server):
    calls = []

    def limited(handler):
        calls.append(time.monotonic())
        first = len(calls) == 1
        body = b"slow down" if first else b"ok"
        handler.send_response(429 if first else 200)
        if first:
            handler.send_header("Retry-After", "1")
        handler.send_header("Content-Length", str(len(body)))
        handler.end_headers()
        handler.wfile.write(body)

    local_server.handle("/limited", limited)
    with PoliteClient(local_options(retries=2, retry_backoff_s=0.01)) as client:
        result = client.fetch(local_server.url("/limited"))
    assert result.outcome == "ok" and result.attempts == 2
    assert calls[1] - calls[0] >= 0.95  # the server's Retry-After, not our 0.01 s backoff


def test_long_retry_after_leaves_the_host_alone(local_server):
    local_server.add("/a", b"no", status=429, headers={"Retry-After": "3600"})
    local_server.add("/b", b"fine")
    with PoliteClient(local_options(retries=2)) as client:
        first = client.fetch(local_server.url("/a"))
        assert first.outcome == "http-error" and first.status == 429 and first.retry_after_s == 3600
        second = client.fetch(local_server.url("/b"))
        assert second.outcome == "rate-limited" and "Retry-After" in second.error
    assert len(local_server.hits("/a")) == 1 and local_server.hits("/b") == []


def test_timeouts_are_retried_within_the_host_budget(local_server):
    local_server.add("/slow", b"late", delay_s=1.0)
    with PoliteClient(
        local_options(timeout_s=0.2, deadline_s=0.3, retries=5, retry_backoff_s=0.01, host_retry_budget=2)
    ) as client:
        first = client.fetch(local_server.url("/slow"))
        second = client.fetch(local_server.url("/slow"))
    assert first.outcome == "timeout" and first.attempts == 3  # the budget of 2 retries, not 5
    assert second.outcome == "timeout" and second.attempts == 1  # budget spent: no more retries on this host


def _allow_only(monkeypatch, allowed: str):
    """The real address policy, except that ``allowed`` (the test server's loopback address) passes."""
    from copydesk.ingest import addresses
    from copydesk.ingest import http as http_module

    def check(address):
        verdict = addresses.check(address)
        if str(verdict.address) == allowed:
            return addresses.Verdict(verdict.address, True, verdict.entry)
        return verdict

    monkeypatch.setattr(http_module, "check_address", check)


def test_every_redirect_hop_is_checked(local_server, monkeypatch):
    _allow_only(monkeypatch, "127.0.0.1")
    port = urlsplit(local_server.add("/x", b"")).port
    for target in (
        f"http://127.0.0.2:{port}/secret",
        f"http://0x7f000002:{port}/secret",
        f"http://[::ffff:7f00:2]:{port}/secret",
        "http://192.0.0.192/latest/",
    ):
        url = local_server.add("/hop", b"", status=302, headers={"Location": target})
        with PoliteClient(FetchOptions(per_host_interval_s=0, retries=0, respect_robots=False)) as client:
            result = client.fetch(url)
        assert result.outcome == "blocked-address" and result.error.startswith("fetch: refused: "), result
        assert result.final_url == target
    assert not local_server.hits("/secret")


def test_the_connection_goes_to_the_address_that_was_checked(local_server, monkeypatch):
    """A name is resolved once, inside the connection; the checked numeric address is what is connected to, so a
    rebinding resolver (allowed answer first, loopback after) cannot slip in between."""
    from copydesk.ingest import http as http_module

    _allow_only(monkeypatch, "127.0.0.1")
    port = urlsplit(local_server.add("/page", b"hello")).port
    answers = iter(["127.0.0.1", "127.0.0.2", "127.0.0.2", "127.0.0.2"])
    resolved: list[str] = []
    connected: list[str] = []

    real_getaddrinfo = http_module.socket.getaddrinfo

    def rebinding_getaddrinfo(host, port, *args, **kwargs):
        if host != "rebind.test":  # numeric hosts (the connect itself) resolve as usual
            return real_getaddrinfo(host, port, *args, **kwargs)
        address = next(answers)
        resolved.append(address)
        return [(2, 1, 6, "", (address, port))]

    original = httpcore.SyncBackend.connect_tcp

    def recording_connect(self, host, port, *args, **kwargs):
        connected.append(host)
        return original(self, host, port, *args, **kwargs)

    monkeypatch.setattr(http_module.socket, "getaddrinfo", rebinding_getaddrinfo)
    monkeypatch.setattr(httpcore.SyncBackend, "connect_tcp", recording_connect)
    with PoliteClient(FetchOptions(per_host_interval_s=0, retries=0, respect_robots=False)) as client:
        result = client.fetch(f"http://rebind.test:{port}/page")
    assert result.outcome == "ok" and result.body == b"hello"
    assert resolved == ["127.0.0.1"] and connected == ["127.0.0.1"]
    assert local_server.hits("/page")[0].headers["Host"] == f"rebind.test:{port}"


def test_no_private_httpx_attribute_is_used():
    import inspect

    from copydesk.ingest import http as http_module

    source = inspect.getsource(http_module)
    assert "._pool" not in source.replace("self._pool", "") and "_network_backend" not in source
    assert "httpx._" not in source


@pytest.mark.parametrize(
    "url,reason",
    [
        ("http://127.0.0.1./", "127.0.0.1 is Loopback"),
        ("http://[fe80::1%25lo]/", "fe80::1 is Link-Local Unicast"),
        ("http://2130706433/", "127.0.0.1 is Loopback"),
        ("http://0177.0.0.1/", "127.0.0.1 is Loopback"),
        ("http://0x7f.1/", "127.0.0.1 is Loopback"),
        ("http://0/", '0.0.0.0 is "This host on this network"'),
        ("http://[::ffff:7f00:1]/", "::ffff:7f00:1 is IPv4-mapped Address"),
        (
            "http://[64:ff9b::127.0.0.1]/",
            "64:ff9b::7f00:1 is IPv4-IPv6 Translat. carrying 127.0.0.1, which is Loopback",
        ),
        ("http://[2002:a9fe:a9fe::]/", "2002:a9fe:a9fe:: is 6to4 carrying 169.254.169.254, which is Link Local"),
        ("http://192.0.0.192/latest/", "192.0.0.192 is IETF Protocol Assignments"),
    ],
)
def test_literal_url_forms_are_refused_naming_the_registry_row(url, reason, monkeypatch):
    attempted: list[str] = []
    monkeypatch.setattr(httpcore.SyncBackend, "connect_tcp", lambda self, host, *a, **k: attempted.append(host))
    with PoliteClient(FetchOptions(per_host_interval_s=0, retries=0)) as client:
        result = client.fetch(url)
    assert result.outcome == "blocked-address" and result.error == f"fetch: refused: {reason}"
    assert attempted == []


def test_a_malformed_authority_is_an_outcome_not_an_exception():
    """bench/hostile.py found `gopher://[host]:port/` raising ValueError out of fetch (urlsplit of the host)."""
    client = PoliteClient(FetchOptions())
    try:
        for url in ("gopher://[host]:8080/x", "http://[host]/", "http://[::1/"):
            r = client.fetch(url)
            assert r.outcome == "network-error" and r.error.startswith("fetch: invalid URL"), (url, r)
    finally:
        client.close()
