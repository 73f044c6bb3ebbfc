"""The worker process of bench/hostile.py: runs the cases it reads on stdin, one result line each on stdout.

Protocol: stdin is a JSON list of [relative path, index, category]; stdout gets ``READY`` once set up, then for each
case ``S <n>`` when it starts and ``R <json>`` when it ends. Everything else goes to stderr. See hostile.py's
docstring for what each category goes through.
"""

from __future__ import annotations

import contextlib
import ipaddress
import json
import re
import resource
import os
import socket
import sys
import tempfile
import time
import traceback
from collections import Counter
from pathlib import Path
from urllib.parse import quote

from _addresses import EXTRA_PREFIX, not_global
from hostile import PUBLIC_HOST, PUBLIC_IP, _split

REPO = Path(__file__).resolve().parents[1]

# ------------------------------------------------------------------------------------------------------------
# The network: a fake resolver and a connect that only ever reaches the bench's loopback server
# ------------------------------------------------------------------------------------------------------------

_real_getaddrinfo = socket.getaddrinfo
_real_connect = socket.socket.connect
_real_connect_ex = socket.socket.connect_ex


class Net:
    """What the current case's resolver answers, and where its connections were attempted."""

    def __init__(self) -> None:
        self.server_port = 0
        self.names: dict[str, str] = {}
        self.default = "127.0.0.1"
        self.rebind: set[str] = set()
        self.asked: Counter = Counter()
        self.attempts: list[str] = []

    def reset(self, default: str, names: dict[str, str] | None = None, rebind: set[str] | None = None) -> None:
        self.default, self.names, self.rebind = default, dict(names or {}), set(rebind or ())
        self.asked = Counter()
        self.attempts = []

    def resolve(self, host: str) -> str:
        h = host.lower().rstrip(".")
        self.asked[h] += 1
        if h == PUBLIC_HOST:
            return PUBLIC_IP
        if h in self.rebind:  # DNS rebinding: a public first answer, loopback afterwards
            return PUBLIC_IP if self.asked[h] == 1 else "127.0.0.1"
        if h in self.names:
            return self.names[h]
        if h == "localhost" or h.endswith(".localhost"):
            return "127.0.0.1"
        m = re.search(r"(\d{1,3}(?:[.-]\d{1,3}){3})\.(?:nip\.io|sslip\.io|xip\.io|nip\.me)$", h)
        if m:
            return m.group(1).replace("-", ".")
        return self.default


NET = Net()


class Clock:
    """The slowest single entry-point call of the current case (a fetch, a parse, an import line, one request):
    what a deadline applies to, and what ``hangs`` and ``max_seconds`` are about."""

    def __init__(self) -> None:
        self.slowest, self.label = 0.0, ""

    def reset(self) -> None:
        self.slowest, self.label = 0.0, ""

    @contextlib.contextmanager
    def __call__(self, label: str):
        t0 = time.perf_counter()
        try:
            yield
        finally:
            took = time.perf_counter() - t0
            if took > self.slowest:
                self.slowest, self.label = took, label


CLOCK = Clock()


class TimedClient:
    """A TestClient whose every request is timed by CLOCK."""

    def __init__(self, inner) -> None:
        self.inner = inner

    def get(self, path: str, **kw):
        with CLOCK(f"GET {path[:60]}"):
            return self.inner.get(path, **kw)

    def post(self, path: str, **kw):
        with CLOCK(f"POST {path[:60]}"):
            return self.inner.post(path, **kw)


def _fake_getaddrinfo(host, port, family=0, type=0, proto=0, flags=0):  # noqa: A002 - socket's signature
    if host is None:
        return _real_getaddrinfo(host, port, family, type, proto, flags)
    if isinstance(host, bytes):
        host = host.decode("idna", "replace")
    try:  # numeric forms (127.1, 0x7f.1, 2130706433, ::1) as the C library reads them; no DNS query
        return _real_getaddrinfo(host, port, family, type, proto, flags | socket.AI_NUMERICHOST)
    except (socket.gaierror, UnicodeError, ValueError):
        pass
    address = NET.resolve(str(host))
    fam = socket.AF_INET6 if ":" in address else socket.AF_INET
    if family not in (0, socket.AF_UNSPEC, fam):
        raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")
    sockaddr = (address, int(port or 0), 0, 0) if fam == socket.AF_INET6 else (address, int(port or 0))
    return [(fam, type or socket.SOCK_STREAM, proto or 6, "", sockaddr)]


def _target(address) -> tuple[str, object]:
    if isinstance(address, tuple) and address and isinstance(address[0], str):
        return address[0], address
    return repr(address), address


def _own_ipc(address) -> bool:
    """A socket multiprocessing made for this process (its forkserver listens in its own pymp-* temporary
    directory): local plumbing, not a destination any input named."""
    import multiprocessing.util

    path = address.decode(errors="replace") if isinstance(address, bytes) else str(address)
    return path.startswith(multiprocessing.util.get_temp_dir() + os.sep)


def _fake_connect(self, address):
    host, _ = _target(address)
    if host == PUBLIC_IP:
        return _real_connect(self, ("127.0.0.1", NET.server_port)) if self.family == socket.AF_INET else _refuse(host)
    if self.family == socket.AF_UNIX and _own_ipc(address):  # the parse deadline's process server (ingest/guard)
        return _real_connect(self, address)
    if self.family == socket.AF_UNIX:
        NET.attempts.append(f"unix:{address}")
        raise ConnectionRefusedError("bench: unix socket refused")
    NET.attempts.append(host)
    raise ConnectionRefusedError(f"bench: connection to {host} intercepted")


def _refuse(host: str):
    NET.attempts.append(host)
    raise ConnectionRefusedError(f"bench: connection to {host} intercepted")


def _fake_connect_ex(self, address):
    try:
        _fake_connect(self, address)
    except ConnectionRefusedError:
        return 111
    return 0


def install_network() -> None:
    socket.getaddrinfo = _fake_getaddrinfo
    socket.socket.connect = _fake_connect
    socket.socket.connect_ex = _fake_connect_ex


def uninstall_network() -> None:
    socket.getaddrinfo = _real_getaddrinfo
    socket.socket.connect = _real_connect
    socket.socket.connect_ex = _real_connect_ex


# ------------------------------------------------------------------------------------------------------------
# Unsafe output
# ------------------------------------------------------------------------------------------------------------

_URL_ATTRS = {
    "href",
    "src",
    "action",
    "formaction",
    "xlink:href",
    "data",
    "poster",
    "background",
    "srcset",
    "{http://www.w3.org/1999/xlink}href",
    "lowsrc",
    "dynsrc",
    "codebase",
    "cite",
    "longdesc",
}
_BAD_SCHEME = re.compile(r"^(javascript|vbscript|data:text/html|data:image/svg\+xml|livescript):", re.I)
_STRIP = re.compile(r"[\x00-\x20\x7f]+")


def html_findings(markup: str) -> set[str]:
    """Script elements, event handlers and script URLs in an HTML document."""
    import lxml.html

    found: set[str] = set()
    if not markup.strip():
        return found
    try:
        root = lxml.html.document_fromstring(markup)
    except Exception as exc:  # noqa: BLE001 - any parser failure on our own output is itself a finding
        return {f"unparseable HTML: {exc!r}"}
    for el in root.iter():
        tag = el.tag if isinstance(el.tag, str) else ""
        if tag.lower() == "script":
            kind = (el.get("type") or "").lower()
            if kind in ("application/ld+json", "application/json"):
                continue
            found.add(f"<script src={el.get('src')!r}>" + ("" if el.get("src") else (el.text or "")[:60]))
        for name, value in el.attrib.items():
            lname = name.lower()
            if lname.startswith("on"):
                found.add(f"<{tag} {lname}=…>")
            if lname in _URL_ATTRS or lname.endswith("href"):
                if _BAD_SCHEME.match(_STRIP.sub("", value or "")):
                    found.add(f"<{tag} {lname}={value[:60]!r}>")
            if (  # only a refresh navigates: a description or og:title may quote "url=javascript:" as text
                lname == "content"
                and tag.lower() == "meta"
                and (el.get("http-equiv") or "").strip().lower() == "refresh"
                and "url=" in (value or "").lower()
            ):
                if _BAD_SCHEME.match(_STRIP.sub("", value.lower().split("url=", 1)[1].strip("'\" "))):
                    found.add(f"<meta refresh {value[:60]!r}>")
        if tag.lower() in ("iframe", "object", "embed", "frame", "base"):
            found.add(f"<{tag}>")
    return found


def atom_findings(body: bytes) -> set[str]:
    """The same in an Atom (or RSS) document: URL attributes, and the HTML inside type="html" and xhtml content."""
    from lxml import etree

    found: set[str] = set()
    try:
        root = etree.fromstring(body, etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False))
    except etree.XMLSyntaxError as exc:
        return {f"malformed feed: {exc}"}
    for el in root.iter():
        if not isinstance(el.tag, str):
            continue
        for name, value in el.attrib.items():
            if (name.endswith("href") or name.endswith("src")) and _BAD_SCHEME.match(_STRIP.sub("", value)):
                found.add(f"feed <{etree.QName(el).localname} {name}={value[:60]!r}>")
        kind = el.get("type")
        if kind in ("html", "text/html") or etree.QName(el).localname == "description":
            found |= {f"feed html: {f}" for f in html_findings(f"<html><body>{el.text or ''}</body></html>")}
        elif kind == "xhtml":
            inner = "".join(etree.tostring(c, encoding="unicode") for c in el)
            found |= {f"feed xhtml: {f}" for f in html_findings(f"<html><body>{inner}</body></html>")}
        if etree.QName(el).localname == "link" and el.text and _BAD_SCHEME.match(_STRIP.sub("", el.text)):
            found.add(f"feed <link>{el.text[:60]}")
    return found


# ------------------------------------------------------------------------------------------------------------
# Rendering: the served app over an edition holding the strings a case produced
# ------------------------------------------------------------------------------------------------------------

RENDER_PATHS = ("/", "/story/hostile-story/", "/story/chain-bridge-closes/", "/section/world/")
FEED_PATHS = ("/feed.xml",)


class Renderer:
    def __init__(self) -> None:
        for p in (REPO / "tests", REPO / "tests" / "web"):
            sys.path.insert(0, str(p))
        from fastapi.testclient import TestClient
        from sample_edition import build_edition

        from copydesk.web.app import create_app

        self.build_edition = build_edition
        self.current = build_edition(self._benign())
        self.client = TimedClient(TestClient(create_app(lambda: self.current)))
        self.baseline: set[str] = set()
        self.baseline = self.findings(self._benign())

    @staticmethod
    def _benign() -> list[str]:
        return [f"Plain words number {i} about the harbour" for i in range(40)]

    def findings(self, strings: list[str]) -> set[str]:
        strings = [s for s in strings if s] or ["(empty)"]
        hostile = (strings * (40 // len(strings) + 1))[:40]
        self.current = self.build_edition(hostile)
        found: set[str] = set()
        for path in RENDER_PATHS:
            r = self.client.get(path)
            if r.status_code >= 500:
                found.add(f"{path}: HTTP {r.status_code}")
            elif "html" in r.headers.get("content-type", ""):
                found |= {f"{path} {f}" for f in html_findings(r.text)}
        for path in FEED_PATHS:
            r = self.client.get(path)
            if r.status_code >= 500:
                found.add(f"{path}: HTTP {r.status_code}")
            elif r.status_code == 200:
                found |= {f"{path} {f}" for f in atom_findings(r.content)}
        return found - self.baseline


# ------------------------------------------------------------------------------------------------------------
# The served app over a real database (as `copydesk serve` builds it)
# ------------------------------------------------------------------------------------------------------------

_LEAK_MARKERS = (
    "root:x:0:0",
    "root:*:0:0",
    "[boot loader]",
    "[fonts]",
    "for 16-bit app support",
    "daemon:x:1:1",
    "[database]",
    "BEGIN RSA PRIVATE KEY",
    "BEGIN OPENSSH PRIVATE KEY",
)
_ERROR_MARKERS = ("Traceback (most recent call last)", "database is locked", "sqlalche.me/e/")


class Site:
    def __init__(self) -> None:
        from fastapi.testclient import TestClient

        from copydesk import cli
        from copydesk.config import load_settings, render_config
        from copydesk.pipeline import Desk
        from copydesk.sources import load_registry
        from copydesk.web.app import create_app

        self.tmp = Path(tempfile.mkdtemp(prefix="copydesk-hostile-"))
        text = render_config()
        text = re.sub(r"(\[newsletter\][^\[]*?)enabled = false", r"\1enabled = true", text, count=1, flags=re.S)
        text = re.sub(r"(\[corrections\][^\[]*?)enabled = false", r"\1enabled = true", text, count=1, flags=re.S)
        (self.tmp / "copydesk.toml").write_text(text, encoding="utf-8")
        (self.tmp / "sources.toml").write_bytes((REPO / "src" / "copydesk" / "data" / "sources.toml").read_bytes())
        settings = load_settings(self.tmp / "copydesk.toml")
        self.desk = Desk(settings, load_registry(settings.sources_path))
        self.desk.import_lines(
            [
                json.dumps(
                    {
                        "url": f"https://harbour.example.org/2026/11/2{i}/ferry-{i}",
                        "outlet": "Harbour Gazette",
                        "title": f"Night ferry route {i} resumes after storm repairs",
                        "published": f"2026-11-2{i}T08:00:00Z",
                        "text": f"The night ferry on route {i} resumed service on Tuesday after three weeks of repairs.",
                    }
                )
                for i in range(3)
            ],
            source="bench",
        )
        editions = cli.EditionCache(self.desk)

        def changed() -> None:
            editions.invalidate()

        app = create_app(
            editions.get,
            self.desk.store.search,
            newsletter=cli._newsletter_service(self.desk),
            corrections=cli._corrections_service(self.desk, changed),
        )
        self.client = TimedClient(TestClient(app, raise_server_exceptions=False))
        self.line = 0

    def import_line(self, fields: dict) -> str | None:
        """One import line through `Desk.import_lines`; a raised exception is the crash."""
        self.line += 1
        with CLOCK("import line"):
            # bytes, as a file holds them: a payload with invalid UTF-8 keeps its raw bytes
            self.desk.import_lines(
                [json.dumps(fields, ensure_ascii=False).encode("utf-8", "surrogateescape")], source="bench"
            )
        return None

    def check(self, r, what: str, problems: list[str], leaks: list[str]) -> None:
        if r.status_code >= 500:
            problems.append(f"{what}: HTTP {r.status_code}")
        body = (
            r.text
            if "text" in r.headers.get("content-type", "")
            or "json" in r.headers.get("content-type", "")
            or "xml" in r.headers.get("content-type", "")
            else ""
        )
        for m in _ERROR_MARKERS:
            if m in body:
                problems.append(f"{what}: shows {m!r}")
        for m in _LEAK_MARKERS:
            if m in body:
                leaks.append(f"{what}: shows {m!r}")

    def form(
        self, get_path: str, post_path: str, fields: dict, problems: list[str], leaks: list[str], unsafe: set[str]
    ) -> None:
        r = self.client.get(get_path)
        self.check(r, f"GET {get_path}", problems, leaks)
        m = re.search(r'name="csrf[^"]*"\s+value="([^"]+)"', r.text) or re.search(
            r'value="([^"]+)"\s+name="csrf[^"]*"', r.text
        )
        name = re.search(r'name="(csrf[^"]*)"', r.text)
        data = dict(fields)
        if m and name:
            data[name.group(1)] = m.group(1)
        r = self.client.post(post_path, data=data)
        self.check(r, f"POST {post_path}", problems, leaks)
        if "html" in r.headers.get("content-type", ""):
            unsafe |= {f"POST {post_path} {f}" for f in html_findings(r.text)}


# ------------------------------------------------------------------------------------------------------------
# Per-category cases
# ------------------------------------------------------------------------------------------------------------


class Worker:
    def __init__(self, root: Path, deadline: float, categories: set[str]) -> None:
        self.root, self.deadline = root, deadline
        install_network()
        sys.path.insert(0, str(REPO / "tests"))
        from localserver import LocalServer

        from copydesk.ingest.http import FetchOptions, PoliteClient

        self.server = LocalServer()
        NET.server_port = self.server.port
        self._client_args = (
            PoliteClient,
            FetchOptions(per_host_interval_s=0.0, retries=0, timeout_s=10.0, deadline_s=30.0),
        )
        self.renderer = (
            Renderer()
            if categories
            & {
                "html_sanitizer",
                "prompt_injection",
                "feeds_malformed",
                "feeds_wellformed_edge",
                "encodings",
                "xml_attacks",
                "decompression_bombs",
            }
            else None
        )
        self.site = (
            Site() if categories & {"sql_injection", "path_traversal", "html_sanitizer", "prompt_injection"} else None
        )
        self.n = 0
        self._files: dict[str, list] = {}
        self.declared = {
            row["path"]: row["cases"]
            for row in map(json.loads, (root / "manifest.jsonl").read_text(encoding="utf-8").splitlines())
        }

    def client(self):
        cls, opts = self._client_args
        return cls(opts)

    def payload(self, rel: str, index: int):
        if rel not in self._files:
            self._files[rel] = _split(self.root / rel, self.declared[rel])
        return self._files[rel][index]

    # -- ssrf -------------------------------------------------------------------------------------------------

    def ssrf(self, rel: str, index: int) -> dict:
        item = self.payload(rel, index)
        res: dict = {}
        control = "should_allow" in rel or (isinstance(item, dict) and item.get("expect") == "public")
        if isinstance(item, dict):
            raw = str(item.get("input", ""))
        else:
            raw = str(item)
        names: dict[str, str] = {}
        rebind: set[str] = set()
        if isinstance(item, dict) and item.get("resolves_to"):
            names[raw.lower().rstrip(".")] = str(item["resolves_to"]).split(",")[0].strip()
        if isinstance(item, dict) and "rebinding" in str(item.get("form", "")):
            rebind.add(raw.lower().rstrip("."))
        if "Open_Redirect" in rel:
            urls = []
            redirect_to = raw
        else:
            if "://" in raw:
                url = raw
            else:
                try:
                    ip = ipaddress.ip_address(raw.strip("[]"))
                    url = f"http://[{ip}]/" if ip.version == 6 else f"http://{raw}/"
                except ValueError:
                    url = f"http://{raw}/" if "/" not in raw else f"http://{raw}"
            urls = [url]
            redirect_to = url
        path = f"/r{self.n}"
        self.server.redirect(path, redirect_to)
        urls.append(f"http://{PUBLIC_HOST}:{80}{path}")
        accepted: list[str] = []
        reserved: list[str] = []
        outcomes: list[str] = []
        for url in urls:
            NET.reset("93.184.215.15" if control else "127.0.0.1", names, rebind)
            client = self.client()
            try:
                with CLOCK("fetch"):
                    result = client.fetch(url)
            finally:
                client.close()
            outcomes.append(result.outcome)
            for address in NET.attempts:
                why = not_global(address)
                if why:
                    (reserved if EXTRA_PREFIX in why else accepted).append(f"{url} -> {address} ({why})")
        if accepted:
            res["ssrf"] = accepted
        if reserved:
            res["ssrf_reserved"] = reserved
        if control and "should_allow" in rel:
            res["control"] = True
            if outcomes and outcomes[0] == "blocked-address":
                res["control_refused"] = f"{raw}: {outcomes[0]}"
        res["outcome"] = ",".join(outcomes)
        return res

    # -- fetched files ----------------------------------------------------------------------------------------

    def fetched(self, rel: str, index: int, category: str) -> dict:
        raw = (self.root / rel).read_bytes()
        item = self.payload(rel, index)
        body = raw if item is None else _payload_text(item).encode("utf-8", "surrogateescape")
        headers = _headers_for(rel, raw)
        route = f"/f{self.n}{_suffix(rel)}"
        self.server.add(route, body, headers=headers)
        NET.reset("127.0.0.1")
        client = self.client()
        try:
            with CLOCK("fetch"):
                result = client.fetch(f"http://{PUBLIC_HOST}{route}")
        finally:
            client.close()
        strings: list[str] = []
        out: dict = {"outcome": result.outcome}
        if result.outcome == "ok" and result.body is not None:
            strings += self.parse(result.body, result.final_url or result.url, result.content_type, out)
        if self.renderer is not None and strings:
            found = self.renderer.findings(strings)
            if found:
                out["unsafe"] = sorted(found)
        return out

    def parse(self, body: bytes, url: str, content_type: str | None, out: dict) -> list[str]:
        from copydesk.errors import FeedError
        from copydesk.ingest.extract import extract_article
        from copydesk.ingest.feeds import parse_feed

        head = body[:2048].lstrip().lower()
        strings: list[str] = []
        if "html" in (content_type or "") or head.startswith((b"<!doctype html", b"<html")):
            with CLOCK("extract_article"):
                page = extract_article(body, url)
            if page is not None:
                strings += [page.title or "", page.text[:500], page.author or "", page.canonical_url or ""]
                out["parsed"] = "page"
            return strings
        try:
            with CLOCK("parse_feed"):
                feed = parse_feed(body, url, content_type)
        except FeedError as exc:
            out["parsed"] = f"refused: {exc}"[:200]
            return strings
        out["parsed"] = f"feed {len(feed.entries)} entries"
        strings.append(feed.title)
        for e in feed.entries[:10]:
            strings += [e.title, e.summary[:500], e.url, e.author or ""]
        return strings

    # -- text payloads ----------------------------------------------------------------------------------------

    def text(self, rel: str, index: int, category: str) -> dict:
        item = self.payload(rel, index)
        if item is None:  # a whole file (XSS inside .svg/.xml/... or feedparser sanitize feeds): a fetched body
            return self.fetched(rel, index, category)
        payload = _payload_text(item)
        out: dict = {}
        strings = [payload]
        # an import line carrying it everywhere a line can
        self.site.import_line(
            {
                "url": f"https://hostile.example.org/{category}/{self.n}",
                "outlet": payload[:300],
                "title": payload[:500],
                "text": payload,
                "author": payload[:200],
            }
        )
        # an RSS item
        rss = (
            f'<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>t</title>'
            f"<link>https://hostile.example.org/</link><item><title>{_xml_escape(payload)}</title>"
            f"<link>https://hostile.example.org/{self.n}</link><description>{_xml_escape(payload)}</description>"
            f"</item><item><title>raw</title><link>https://hostile.example.org/{self.n}/b</link>"
            f"<description><![CDATA[{payload.replace(']]>', ']]&gt;')}]]></description></item>"
            f"</channel></rss>"
        ).encode("utf-8", "surrogateescape")
        strings += self.parse(rss, "https://hostile.example.org/feed.xml", "application/rss+xml", out)
        # an article page
        page = (
            f"<!doctype html><html><head><title>{payload}</title></head><body><article><h1>{payload}</h1>"
            + "<p>The council met on Tuesday to discuss the harbour wall and the ferry timetable for winter.</p>" * 4
            + f"<p>{payload}</p></article></body></html>"
        ).encode("utf-8", "surrogateescape")
        strings += self.parse(page, "https://hostile.example.org/page", "text/html", {})
        if self.renderer is not None:
            found = self.renderer.findings(strings)
            if found:
                out["unsafe"] = sorted(found)
        if category == "prompt_injection":
            problems: list[str] = []
            leaks: list[str] = []
            r = self.site.client.get("/search/", params={"q": payload[:500]})
            self.site.check(r, "GET /search/", problems, leaks)
            if problems:
                out["crash"] = "; ".join(problems)
        return out

    def web(self, rel: str, index: int, category: str) -> dict:
        item = self.payload(rel, index)
        payload = _payload_text(item) if item is not None else (self.root / rel).read_text("utf-8", "replace")
        raw = payload.encode("utf-8", "surrogateescape")  # a list line may hold bytes that are not UTF-8
        typed = raw.decode("utf-8", "replace")  # what a browser could send of it in a form or query
        problems: list[str] = []
        leaks: list[str] = []
        unsafe: set[str] = set()
        c = self.site.client
        self.site.import_line(
            {
                "url": f"https://hostile.example.org/{category}/{self.n}?q={quote(raw[:200])}",
                "outlet": payload[:300],
                "title": f"Harbour report {payload[:300]}",
                "text": f"The harbour reopened. {payload}",
            }
        )
        payload = typed
        r = c.get("/search/", params={"q": payload})
        self.site.check(r, "GET /search/?q=", problems, leaks)
        if "html" in r.headers.get("content-type", ""):
            unsafe |= {f"search {f}" for f in html_findings(r.text)}
        r = c.get("/search/", params={"q": payload, "page": payload[:50]})
        self.site.check(r, "GET /search/?page=", problems, leaks)
        safe = quote(raw, safe="")
        raw_path = "".join(chr(b) if 0x21 <= b < 0x7F and b not in b"?#" else f"%{b:02X}" for b in raw)
        for tmpl in (
            "/story/{}/",
            "/section/{}/",
            "/audio/{}",
            "/api/story/{}.json",
            "/story/{}/v/1/",
            "/section/{}/feed.xml",
            "/{}",
        ):
            for p in (safe, raw_path):
                try:
                    r = c.get(tmpl.format(p))
                except Exception as exc:  # noqa: BLE001 - the test client refusing a URL is not the app's fault
                    if type(exc).__name__ in (
                        "InvalidURL",
                        "UnsupportedProtocol",
                        "LocalProtocolError",
                        "InvalidHeader",
                    ):
                        continue
                    raise
                self.site.check(r, f"GET {tmpl}", problems, leaks)
        if self.site.desk.settings.newsletter.enabled:
            self.site.form(
                "/newsletter/",
                "/newsletter/",
                {"email": payload[:500], "source": payload[:200]},
                problems,
                leaks,
                unsafe,
            )
        if self.site.desk.settings.corrections.enabled:
            self.site.form(
                "/report/",
                "/report/",
                {
                    "story": payload[:200],
                    "sentence": payload[:100],
                    "text": payload[:2000],
                    "email": payload[:200],
                    "explanation": payload[:2000],
                },
                problems,
                leaks,
                unsafe,
            )
        out: dict = {}
        if problems:
            out["crash"] = "; ".join(problems)[:600]
        if leaks:
            out["leak"] = leaks[:3]
        if unsafe:
            out["unsafe"] = sorted(unsafe)
        return out

    # -- dispatch ---------------------------------------------------------------------------------------------

    def run(self, rel: str, index: int, category: str) -> dict:
        self.n += 1
        if category == "ssrf":
            return self.ssrf(rel, index)
        if category in ("decompression_bombs", "encodings", "feeds_malformed", "feeds_wellformed_edge"):
            return self.fetched(rel, index, category)
        if category == "xml_attacks":
            return self.fetched(rel, index, category)
        if category in ("html_sanitizer", "prompt_injection"):
            return self.text(rel, index, category)
        return self.web(rel, index, category)


def _payload_text(item) -> str:
    if isinstance(item, str):
        return item
    if isinstance(item, dict):
        for key in ("payload", "attack", "input", "text", "prompt", "data", "content", "value"):
            if isinstance(item.get(key), str):
                return item[key]
        return json.dumps(item, ensure_ascii=False)
    return json.dumps(item, ensure_ascii=False)


def _xml_escape(s: str) -> str:
    return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _suffix(rel: str) -> str:
    name = rel.rsplit("/", 1)[-1]
    return "/" + re.sub(r"[^A-Za-z0-9._-]", "_", name)


_HEADER = re.compile(rb"Header:\s*([A-Za-z-]+):\s*([^\r\n>]*?)\s*(?:-->|\r?\n)", re.I)


def _headers_for(rel: str, raw: bytes) -> dict[str, str]:
    """Content-Type and Content-Encoding a server would have sent: the file's own ``Header:`` comments
    (feedparser's convention), or what its name says."""
    headers: dict[str, str] = {}
    for name, value in _HEADER.findall(raw[:4096]):
        key = name.decode("ascii", "replace").title()
        if key in ("Content-Type", "Content-Encoding", "Content-Language", "Content-Location"):
            headers[key] = value.decode("latin-1").strip()
    name = rel.rsplit("/", 1)[-1].lower()
    if "Content-Encoding" not in headers:
        if name.startswith("bomb-br") or name.startswith("html-br"):
            headers["Content-Encoding"] = "br"
        elif "zstd" in name:
            headers["Content-Encoding"] = "zstd"
        elif name == "html-gzip-deflate.bin":
            headers["Content-Encoding"] = "gzip, deflate"
        elif "rawdeflate" in name or "zlibdeflate" in name or name.endswith(".z"):
            headers["Content-Encoding"] = "deflate"
        elif name.endswith(".gz") or "gzip" in name:
            headers["Content-Encoding"] = "gzip"
    if "Content-Type" not in headers:
        if name.endswith(".json"):
            headers["Content-Type"] = "application/feed+json"
        elif name.startswith("html") or name.endswith((".html", ".htm")):
            headers["Content-Type"] = "text/html"
        elif name.endswith((".xml", ".rss", ".atom", ".rdf", ".gz", ".z", ".xsl", ".dtd", ".svg")):
            headers["Content-Type"] = "application/xml"
        elif name.endswith((".zip", ".tar", ".bz2", ".bin")):
            headers["Content-Type"] = "application/octet-stream" if not name.startswith("bomb") else "text/html"
        else:
            headers["Content-Type"] = "application/xml"
    return headers


def _rss_mb() -> float:
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return max(own, children) / 1024


def work(root: Path, deadline: float) -> None:
    import logging

    logging.disable(logging.CRITICAL)
    cases = json.loads(sys.stdin.read())
    worker = Worker(root, deadline, {c[2] for c in cases})
    out = sys.stdout
    out.write("READY\n")
    out.flush()
    for n, (rel, index, category) in enumerate(cases):
        out.write(f"S {n}\n")
        out.flush()
        CLOCK.reset()
        t0 = time.perf_counter()
        try:
            res = worker.run(rel, index, category)
        except BaseException as exc:  # noqa: BLE001 - anything escaping an entry point is the crash being counted
            if isinstance(exc, KeyboardInterrupt):
                raise
            res = {
                "crash": f"{type(exc).__name__}: {str(exc)[:300]} at "
                + " < ".join(
                    f"{Path(f.filename).name}:{f.lineno}" for f in traceback.extract_tb(exc.__traceback__)[::-1][:4]
                )
            }
        res["n"] = n
        res["case_seconds"] = round(time.perf_counter() - t0, 4)
        res["seconds"] = round(CLOCK.slowest, 4)
        res["slowest"] = CLOCK.label
        res["rss_mb"] = round(_rss_mb(), 1)
        out.write("R " + json.dumps(res, default=str) + "\n")
        out.flush()
