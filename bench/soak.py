"""Soak: `copydesk run` polling the feed farm every minute while `copydesk serve` takes steady load, same data.

    python bench/soak.py [DATA] [--minutes 30] [--rate 10] [--concurrency 4] [--per-feed 6] [--port-base 18800]

DATA is ../shared/data (default; or $COPYDESK_SHARED_DATA); its feed farm's news feeds (rss-arch_snapshots, 30
successive snapshots each) are served with their article pages on 127.0.0.1 (bench/crash.py's FeedFarm), and the
farm moves to the next snapshot every minute, so each poll finds new items as from a live feed. One data directory
(SQLite); `copydesk run` with `schedule.poll_minutes = 1` polls, processes, writes and publishes every minute, and
`copydesk serve` answers a load generator in this process (httpx, asyncio) at a steady `--rate` requests per second
over `--concurrency` connections, cycling through the home page, a section page, the newest story pages, the Atom
feed, the JSON API and a search.

The client keeps idle connections `KEEPALIVE_EXPIRY_S` (half of `serve`'s keep-alive; ``--keepalive`` to
change) and says of each failed request whether it went out on a new or a reused connection.

Figures: ``failed_requests`` (connection errors, timeouts, 5xx), ``user_errors`` (answers or stderr lines of either
process showing a traceback or "database is locked"), ``serve_rss_growth_pct`` = growth of the server's resident
set from minute 5 (or a third of the run, when shorter) to the end, and the same for the poller (information: its
model and data grow with the stories). ``polls`` = passes `run` finished. Goal for `--minutes 30`: growth <= 10 %,
0 failed requests, 0 user errors. The last line is a JSON object.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import re
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter, deque
from pathlib import Path

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent))
from crash import DEFAULT_DATA, FeedFarm, env_for, make_dir  # noqa: E402
from serve import _free_port  # noqa: E402

from copydesk.cli import SERVE_KEEP_ALIVE_S  # noqa: E402

USER_ERRORS = re.compile(r"Traceback \(most recent call last\)|database is locked", re.I)
SAMPLE_S = 10.0


def rss_mb(pid: int) -> float | None:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    except OSError:
        return None
    return None


class Tail:
    """Reads a process's stream; keeps the lines that show an error to the user, counts the passes."""

    def __init__(self, stream, name: str) -> None:
        self.name, self.errors, self.passes, self.lines = name, [], 0, 0
        self.last: deque[str] = deque(maxlen=12)  # the last lines, shown when the process exits early
        threading.Thread(target=self._read, args=(stream,), daemon=True).start()

    def _read(self, stream) -> None:
        for line in stream:
            self.lines += 1
            self.last.append(line.rstrip()[:300])
            if USER_ERRORS.search(line):
                self.errors.append(line.strip()[:300])
            if line.startswith("published "):
                self.passes += 1


#: How long the load generator keeps an idle connection for reuse: half of `serve`'s keep-alive. httpx's default
#: (5 s) equals uvicorn's, so a connection idle for about 5 s can be reused just as the server closes it, and the
#: request fails with ReadError or RemoteProtocolError, never a 5xx (bench/keepalive_race.py shows it). A browser
#: retries such a GET; this client does not, so it must give connections up first (RFC 9112 section 9.3.1.1).
KEEPALIVE_EXPIRY_S = SERVE_KEEP_ALIVE_S / 2


async def load(base: str, rate: float, concurrency: int, until: float, stats: dict, keepalive_s: float) -> None:
    limits = httpx.Limits(
        max_connections=concurrency, max_keepalive_connections=concurrency, keepalive_expiry=keepalive_s
    )
    async with httpx.AsyncClient(base_url=base, limits=limits, timeout=30.0) as client:
        paths = ["/", "/feed.xml", "/api/stories.json", "/search/?q=economy", "/section/world/"]
        interval = concurrency / rate
        k = 0

        async def refresh() -> None:
            try:
                r = await client.get("/api/stories.json")
                stories = r.json().get("stories", [])[:5] if r.status_code == 200 else []
            except (httpx.HTTPError, ValueError):
                return
            paths[5:] = [f"/story/{s['slug']}/" for s in stories]

        async def worker(i: int) -> None:
            nonlocal k
            next_at = time.monotonic() + i * interval / concurrency
            while time.monotonic() < until:
                await asyncio.sleep(max(0.0, next_at - time.monotonic()))
                next_at += interval
                k += 1
                if k % 50 == 0:
                    await refresh()
                path = paths[k % len(paths)]
                t0 = time.perf_counter()
                connected: list[str] = []

                async def trace(event: str, _info: dict) -> None:
                    if event.startswith("connection.connect_tcp"):
                        connected.append(event)

                try:
                    r = await client.get(path, extensions={"trace": trace})
                except httpx.HTTPError as exc:
                    # a request that opened no connection of its own went out on a reused (idle) one
                    how = "new connection" if connected else "reused connection"
                    stats["failed"] += 1
                    stats["failures"][f"{path}: {type(exc).__name__} on a {how}"] += 1
                    continue
                stats["latencies"].append(time.perf_counter() - t0)
                stats["statuses"][r.status_code] += 1
                if r.status_code >= 500:
                    stats["failed"] += 1
                    stats["failures"][f"{path}: HTTP {r.status_code}"] += 1
                if USER_ERRORS.search(r.text):
                    stats["user_errors"].append(f"{path}: {USER_ERRORS.search(r.text).group(0)}")

        await asyncio.gather(*(worker(i) for i in range(concurrency)))


def growth(samples: list[tuple[float, float]], from_s: float) -> tuple[float | None, float | None, float | None]:
    after = [(t, m) for t, m in samples if t >= from_s and m]
    if len(after) < 2:
        return None, None, None
    start, end = after[0][1], after[-1][1]
    return round(100 * (end - start) / start, 1), round(start, 1), round(end, 1)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("data", type=Path, nargs="?", default=DEFAULT_DATA)
    ap.add_argument("--minutes", type=float, default=30.0)
    ap.add_argument("--rate", type=float, default=10.0, help="requests per second to `serve`")
    ap.add_argument("--concurrency", type=int, default=4)
    ap.add_argument("--per-feed", type=int, default=6, help="entries taken from each feed per poll")
    ap.add_argument("--port-base", type=int, default=18800)
    ap.add_argument("--workdir", type=Path, default=None)
    ap.add_argument(
        "--keepalive",
        type=float,
        default=KEEPALIVE_EXPIRY_S,
        help=f"seconds the client reuses an idle connection (serve keeps it {SERVE_KEEP_ALIVE_S} s)",
    )
    args = ap.parse_args()
    if not (args.data / "feed_farm").exists():
        print(json.dumps({"skipped": f"{args.data} has no feed_farm"}))
        return
    work = args.workdir or Path(tempfile.mkdtemp(prefix="copydesk-soak-"))
    work.mkdir(parents=True, exist_ok=True)
    farm = FeedFarm(args.data)
    farm.show(0)
    d = make_dir(work, "soak", farm, with_registry=True)
    env = env_for(args.per_feed)
    env["COPYDESK_SCHEDULE__POLL_MINUTES"] = "1"
    cli = [sys.executable, "-m", "copydesk"]
    port = _free_port(args.port_base)
    procs: list[subprocess.Popen] = []
    seconds = args.minutes * 60
    warm_s = min(5 * 60.0, seconds / 3)
    stats: dict = {"failed": 0, "failures": Counter(), "statuses": Counter(), "latencies": [], "user_errors": []}
    samples: dict[str, list[tuple[float, float]]] = {"serve": [], "run": []}
    try:
        run = subprocess.Popen(
            cli + ["run", "--config", str(d)],
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            env=env,
            cwd=d,
        )
        procs.append(run)
        serve = subprocess.Popen(
            cli + ["serve", "--config", str(d), "--port", str(port)],
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            env=env,
            cwd=d,
        )
        procs.append(serve)
        tails = {"run": Tail(run.stdout, "run"), "serve": Tail(serve.stdout, "serve")}
        base = f"http://127.0.0.1:{port}"
        end_wait = time.monotonic() + 120
        while time.monotonic() < end_wait:
            try:
                if httpx.get(base + "/healthz", timeout=2).status_code < 500:
                    break
            except httpx.HTTPError:
                time.sleep(0.3)
        t0 = time.monotonic()
        until = t0 + seconds
        stop = threading.Event()

        def sampler() -> None:
            k = 0
            while not stop.is_set():
                now = time.monotonic() - t0
                for name, p in (("serve", serve), ("run", run)):
                    samples[name].append((now, rss_mb(p.pid) or 0.0))
                if now >= 60 * (k + 1):  # the farm moves on every minute
                    k += 1
                    farm.show(k)
                    print(
                        f"minute {k}: serve {samples['serve'][-1][1]:.0f} MB, run {samples['run'][-1][1]:.0f} MB,"
                        f" requests {sum(stats['statuses'].values())}, failed {stats['failed']}, polls "
                        f"{tails['run'].passes}",
                        file=sys.stderr,
                        flush=True,
                    )
                stop.wait(SAMPLE_S)

        threading.Thread(target=sampler, daemon=True).start()
        asyncio.run(load(base, args.rate, args.concurrency, until, stats, args.keepalive))
        stop.set()
        for name, p in (("serve", serve), ("run", run)):
            samples[name].append((time.monotonic() - t0, rss_mb(p.pid) or 0.0))
        exited = {name: p.poll() for name, p in (("run", run), ("serve", serve))}
    finally:
        for p in procs:
            p.terminate()
        for p in procs:
            try:
                p.wait(timeout=20)
            except subprocess.TimeoutExpired:
                p.kill()
        farm.close()
        if args.workdir is None:
            shutil.rmtree(work, ignore_errors=True)
    g_serve, s0, s1 = growth(samples["serve"], warm_s)
    g_run, r0, r1 = growth(samples["run"], warm_s)
    lat = sorted(stats["latencies"])
    user_errors = stats["user_errors"] + [f"{n}: {e}" for n, t in tails.items() for e in t.errors]
    out = {
        "minutes": args.minutes,
        "requests": sum(stats["statuses"].values())
        + sum(stats["failures"].values())
        - sum(v for k, v in stats["failures"].items() if "HTTP" in k),
        "failed_requests": stats["failed"],
        "user_errors": len(user_errors),
        "serve_rss_growth_pct": g_serve,
        "serve_rss_mb": [s0, s1],
        "run_rss_growth_pct": g_run,
        "run_rss_mb": [r0, r1],
        "growth_from_s": warm_s,
        "polls": tails["run"].passes,
        "exited_early": {k: v for k, v in exited.items() if v is not None},
        "exit_output": {k: list(tails[k].last) for k, v in exited.items() if v is not None},
        "statuses": {str(k): v for k, v in sorted(stats["statuses"].items())},
        "p50_ms": round(lat[len(lat) // 2] * 1000, 1) if lat else None,
        "p99_ms": round(lat[int(len(lat) * 0.99)] * 1000, 1) if lat else None,
        "failures": dict(stats["failures"].most_common(10)),
        "user_error_examples": user_errors[:10],
        "rate": args.rate,
        "concurrency": args.concurrency,
        "client_keepalive_s": args.keepalive,
        "serve_keepalive_s": SERVE_KEEP_ALIVE_S,
    }
    print(json.dumps(out))


if __name__ == "__main__":
    main()
