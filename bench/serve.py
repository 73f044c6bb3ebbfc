"""Serving: the app (`copydesk serve`) against its own static export behind a plain static server, same run.

    python bench/serve.py DATA [--concurrency 1,16,64] [--seconds 5] [--max-requests 3000] [--port-base 18700]

DATA is a copydesk data directory with a published site (for example the one `make demo` fills,
`.copydesk-demo`, or `copydesk demo --no-serve --data-dir DIR`). The bench exports the site (`copydesk export`),
starts `copydesk serve` and a plain static server over the export (Starlette's StaticFiles under uvicorn, the same
server stack as the app with no rendering at all; Python's `http.server` is no baseline: its listen backlog of 5
drops connections at 16 concurrent) on 127.0.0.1,
and asks each for three pages: the home page, one article page (the newest story) and the Atom feed. For each
server, page and concurrency level it sends requests from one asyncio client (httpx, keep-alive, as many
connections as the concurrency) for at most `--seconds` or `--max-requests`, whichever ends first, after a short
warm-up, and reports requests per second and the p50/p99 latency in milliseconds. When the app's answer carries
an ETag, it also measures the conditional GET (If-None-Match: the validator it gave), which the app should answer
with 304 without rendering (`*_304_rps`).

Figures: `<page>_ratio` = the app's requests per second over the static server's at the highest concurrency
(goal: at least 0.5 for every page); the full table is under `results`. The client runs on the same machine as the
servers and takes part of its CPU, equally for both. Loopback only. The last line is a JSON object.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx

PAGES = ("home", "article", "feed")
#: The baseline: the exported files and nothing else, on the app's server stack.
STATIC_SERVER = """
import sys, uvicorn
from starlette.applications import Starlette
from starlette.routing import Mount
from starlette.staticfiles import StaticFiles
app = Starlette(routes=[Mount("/", StaticFiles(directory=sys.argv[1], html=True))])
uvicorn.run(app, host="127.0.0.1", port=int(sys.argv[2]), log_level="warning")
"""
WARMUP = 20


def _free_port(start: int) -> int:
    for port in range(start, start + 200):
        with socket.socket() as s:
            try:
                s.bind(("127.0.0.1", port))
            except OSError:
                continue
            return port
    raise SystemExit("no free port on 127.0.0.1")


def _wait(url: str, proc: subprocess.Popen, timeout: float = 60.0) -> None:
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if proc.poll() is not None:
            raise SystemExit(f"server exited with {proc.returncode}: {proc.stderr.read().decode()[-2000:]}")
        try:
            if httpx.get(url, timeout=2.0).status_code < 500:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.2)
    raise SystemExit(f"{url} did not answer in {timeout:.0f} s")


async def _load(
    url: str, concurrency: int, seconds: float, max_requests: int, headers: dict[str, str] | None = None
) -> dict:
    limits = httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency)
    async with httpx.AsyncClient(limits=limits, timeout=30.0, headers=headers) as client:
        for _ in range(min(WARMUP, max_requests)):
            try:
                await client.get(url)
            except httpx.HTTPError:
                pass
        lat: list[float] = []
        statuses: dict[int | str, int] = {}
        sent = 0
        start = time.perf_counter()
        end = start + seconds

        async def worker() -> None:
            nonlocal sent
            while sent < max_requests and time.perf_counter() < end:
                sent += 1
                t = time.perf_counter()
                try:
                    r = await client.get(url)
                    await r.aread()
                except httpx.HTTPError as exc:  # a timeout or a refused connection is a failed request, counted
                    statuses[type(exc).__name__] = statuses.get(type(exc).__name__, 0) + 1
                    continue
                lat.append(time.perf_counter() - t)
                statuses[r.status_code] = statuses.get(r.status_code, 0) + 1

        await asyncio.gather(*(worker() for _ in range(concurrency)))
        took = time.perf_counter() - start
    lat.sort()
    q = statistics.quantiles(lat, n=100) if len(lat) >= 2 else (lat or [float("nan")]) * 99
    return {
        "requests": len(lat),
        "seconds": round(took, 3),
        "rps": round(len(lat) / took, 1) if took else None,
        "p50_ms": round(q[49] * 1000, 2),
        "p99_ms": round(q[98] * 1000, 2),
        "statuses": {str(k): v for k, v in sorted(statuses.items(), key=str)},
    }


def _paths(base: str) -> dict[str, str]:
    stories = httpx.get(f"{base}/api/stories.json", timeout=30).json()["stories"]
    if not stories:
        raise SystemExit("the site has no story: run the pipeline first")
    return {"home": "/", "article": f"/story/{stories[0]['slug']}/", "feed": "/feed.xml"}


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("data", type=Path, help="a copydesk data directory with a published site")
    ap.add_argument("--concurrency", default="1,16,64")
    ap.add_argument("--seconds", type=float, default=5.0, help="at most this long per measurement")
    ap.add_argument("--max-requests", type=int, default=3000, help="at most this many requests per measurement")
    ap.add_argument("--port-base", type=int, default=18700)
    args = ap.parse_args()
    if not (args.data / "copydesk.toml").exists():
        print(
            json.dumps(
                {
                    "skipped": f"{args.data} holds no copydesk.toml (run `copydesk demo --no-serve "
                    f"--data-dir {args.data}` first)"
                }
            )
        )
        return
    levels = [int(x) for x in args.concurrency.split(",")]
    cli = [sys.executable, "-m", "copydesk"]
    tmp = Path(tempfile.mkdtemp(prefix="copydesk-serve-bench-"))
    procs: list[subprocess.Popen] = []
    try:
        site = tmp / "site"
        subprocess.run(
            cli + ["export", "--config", str(args.data), "--out", str(site)], check=True, capture_output=True
        )
        app_port = _free_port(args.port_base)
        procs.append(
            subprocess.Popen(
                cli + ["serve", "--config", str(args.data), "--port", str(app_port)],
                stdout=subprocess.DEVNULL,
                stderr=subprocess.PIPE,
            )
        )
        static_port = _free_port(app_port + 1)
        procs.append(
            subprocess.Popen(
                [sys.executable, "-c", STATIC_SERVER, str(site), str(static_port)],
                stdout=subprocess.DEVNULL,
                stderr=subprocess.PIPE,
            )
        )
        servers = {"app": f"http://127.0.0.1:{app_port}", "static": f"http://127.0.0.1:{static_port}"}
        _wait(servers["app"] + "/healthz", procs[0])
        _wait(servers["static"] + "/", procs[1])
        paths = _paths(servers["app"])
        results: dict = {}
        for page in PAGES:
            for name, base in servers.items():
                url = base + paths[page]
                for c in levels:
                    results[f"{name}/{page}/c{c}"] = r = asyncio.run(_load(url, c, args.seconds, args.max_requests))
                    print(f"{name}/{page}/c{c}", json.dumps(r), file=sys.stderr, flush=True)
                if name == "app":
                    etag = httpx.get(url, timeout=30).headers.get("etag")
                    if etag:
                        results[f"app/{page}/c{levels[-1]}/304"] = asyncio.run(
                            _load(url, levels[-1], args.seconds, args.max_requests, {"If-None-Match": etag})
                        )
        top = levels[-1]
        out = {"concurrency": levels, "pages": paths}
        for page in PAGES:
            a, s = results[f"app/{page}/c{top}"]["rps"], results[f"static/{page}/c{top}"]["rps"]
            out[f"{page}_app_rps"], out[f"{page}_static_rps"] = a, s
            out[f"{page}_ratio"] = round(a / s, 3) if a and s else None
            cond = results.get(f"app/{page}/c{top}/304")
            out[f"{page}_304_rps"] = cond["rps"] if cond else None
        out["cpus"] = os.cpu_count()
        out["results"] = results
        print(json.dumps(out))
    finally:
        for p in procs:
            p.terminate()
        for p in procs:
            try:
                p.wait(timeout=10)
            except subprocess.TimeoutExpired:
                p.kill()
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
