"""Keep-alive race: clients that reuse a connection after it sat idle about as long as `serve` keeps it open.

    python bench/keepalive_race.py [--clients 100] [--rounds 5] [--spread 0.05] [--port-base 18900]

Starts `copydesk serve` on an empty data directory, then runs two arms, each of ``--clients`` concurrent clients
with one connection apiece: GET /healthz, wait an idle time drawn uniformly from `SERVE_KEEP_ALIVE_S` plus or
minus ``--spread`` seconds, GET again, ``--rounds`` times.

- ``same``: the client keeps idle connections as long as `serve` does (httpx's default, 5 s, equals uvicorn's;
  bench/soak.py's client before it set `KEEPALIVE_EXPIRY_S`);
- ``half``: bench/soak.py's `KEEPALIVE_EXPIRY_S`, half of `serve`'s.

Per arm: ``requests``, ``reused`` (requests sent on a connection opened by an earlier one), ``failed`` and
``failures`` by exception and connection. A failure on a reused connection with no answer is the race: the server
closed the idle connection as the request went out. The last line is a JSON object.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import random
import shutil
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent))
from crash import make_dir  # noqa: E402
from serve import _free_port  # noqa: E402
from soak import KEEPALIVE_EXPIRY_S  # noqa: E402

from copydesk.cli import SERVE_KEEP_ALIVE_S  # noqa: E402


async def arm(base: str, keepalive_s: float, clients: int, rounds: int, spread: float, seed: int) -> dict:
    stats: dict = {"requests": 0, "reused": 0, "failed": 0, "failures": Counter()}
    rng = random.Random(seed)

    async def client(i: int) -> None:
        limits = httpx.Limits(max_connections=1, max_keepalive_connections=1, keepalive_expiry=keepalive_s)
        async with httpx.AsyncClient(base_url=base, limits=limits, timeout=30.0) as c:
            await asyncio.sleep(i * 0.05)
            for k in range(rounds + 1):
                connected: list[str] = []

                async def trace(event: str, _info: dict) -> None:
                    if event.startswith("connection.connect_tcp"):
                        connected.append(event)

                stats["requests"] += 1
                try:
                    r = await c.get("/healthz", extensions={"trace": trace})
                    r.raise_for_status()
                except httpx.HTTPError as exc:
                    stats["failed"] += 1
                    stats["failures"][f"{type(exc).__name__} on a {'new' if connected else 'reused'} connection"] += 1
                if not connected:
                    stats["reused"] += 1
                if k < rounds:
                    await asyncio.sleep(SERVE_KEEP_ALIVE_S + rng.uniform(-spread, spread))

    await asyncio.gather(*(client(i) for i in range(clients)))
    stats["failures"] = dict(stats["failures"])
    stats["client_keepalive_s"] = keepalive_s
    return stats


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--clients", type=int, default=100)
    ap.add_argument("--rounds", type=int, default=5)
    ap.add_argument("--spread", type=float, default=0.05, help="idle time = serve's keep-alive +- this, seconds")
    ap.add_argument("--port-base", type=int, default=18900)
    ap.add_argument("--seed", type=int, default=1)
    args = ap.parse_args()
    work = Path(tempfile.mkdtemp(prefix="copydesk-keepalive-"))
    d = make_dir(work, "serve", None, with_registry=False)
    port = _free_port(args.port_base)
    serve = subprocess.Popen(
        [sys.executable, "-m", "copydesk", "serve", "--config", str(d), "--port", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        cwd=d,
    )
    base = f"http://127.0.0.1:{port}"
    out: dict = {
        "serve_keepalive_s": SERVE_KEEP_ALIVE_S,
        "idle_s": [SERVE_KEEP_ALIVE_S - args.spread, SERVE_KEEP_ALIVE_S + args.spread],
    }
    try:
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            try:
                if httpx.get(base + "/healthz", timeout=2).status_code == 200:
                    break
            except httpx.HTTPError:
                time.sleep(0.3)
        for name, keepalive in (("same", float(SERVE_KEEP_ALIVE_S)), ("half", KEEPALIVE_EXPIRY_S)):
            out[name] = asyncio.run(arm(base, keepalive, args.clients, args.rounds, args.spread, args.seed))
            print(f"{name}: {out[name]}", file=sys.stderr, flush=True)
    finally:
        serve.terminate()
        try:
            serve.wait(timeout=20)
        except subprocess.TimeoutExpired:
            serve.kill()
        shutil.rmtree(work, ignore_errors=True)
    print(json.dumps(out))


if __name__ == "__main__":
    main()
