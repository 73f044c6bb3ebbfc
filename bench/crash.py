"""Crash safety: SIGKILL `copydesk import`, `copydesk run` and a registry write at random moments, resume, compare.

    python bench/crash.py [DATA] [--trials 50] [--articles 60] [--store-articles 1479] [--per-feed 12] [--seed 1]
                          [--jobs 1] [--minutes 0]

DATA is ../shared/data (default; or $COPYDESK_SHARED_DATA): the AllSides set (allsides_neus) and the feed farm
(feed_farm) are used. Four scenarios, each first run once uninterrupted on a fresh data directory (the reference),
then killed and resumed on another fresh one per trial:

- ``import-store``: ``copydesk import --no-process`` of every AllSides article (title + lede; a file that takes
  seconds to store); killed while storing; resumed by the same command.
- ``import``: ``copydesk import`` of the first ``--articles`` AllSides articles (store, process, write); killed
  while processing or writing; resumed by the same command (stored lines are skipped as duplicates).
- ``run``: ``copydesk run --once`` over the newest snapshot of each news feed of the feed farm
  (rss-arch_snapshots), served with their article pages by a server on 127.0.0.1 (links rewritten to it; each page
  carries its item's title and summary), ``--per-feed`` entries a feed; killed while polling, processing, writing
  or publishing; resumed by ``copydesk run --once``.
- ``registry``: ``copydesk sources import-opml`` of an OPML list of every feed farm feed (the registry file is
  rewritten); killed while it runs; resumed by the same command.

Kills are spread over the steps: trial k of a scenario aims at its steps in turn; once that step is seen running
(read from the progress lines on stderr, the database's article count, the publish directory, the registry's
backup file), the kill comes after a uniformly random part of the step's length in the reference run. The step
actually running at the kill is what is reported (``kills_by_step``); a command that ends before its kill is run
again with the delay halved (``KILL_ATTEMPTS``; the last attempt kills as soon as the step is seen), and a trial
that never got killed counts in ``not_killed``, not in ``trials``, and is replaced by another (at most
``EXTRA_TRIALS_FRACTION`` more), so that ``--trials`` counts kills. ``--jobs N`` runs N trials at once, each on its
own data directory; ``--minutes M`` starts no trial after M minutes and says so (``stopped_at_time_limit``), so a
run that has to stop still prints its figures. After each resume: ``lost`` = reference articles (by canonical
URL) missing, ``duplicated`` = extra rows of one canonical URL, ``integrity_failures`` = trials where SQLite's
integrity or foreign-key check failed, articles were left unprocessed or stories unwritten, the site or the
registry did not load, or the stories' article sets differ from the reference's (``story_differences`` counts
those alone), ``resume_failures`` = resumes that exited non-zero or timed out. Goal: trials 50, lost 0, duplicated 0, integrity_failures 0, resume_failures 0.
The embedding model is slow on a small machine: keep ``--articles`` small for quick runs. Loopback only; the last
line is a JSON object.
"""

from __future__ import annotations

import argparse
import html
import json
import os
import random
import re
import shutil
import signal
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
import tomllib
import zlib
from collections import Counter, defaultdict
from concurrent.futures import FIRST_COMPLETED, ThreadPoolExecutor, wait
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
DEFAULT_DATA = (
    Path(os.environ["COPYDESK_SHARED_DATA"])
    if os.environ.get("COPYDESK_SHARED_DATA")
    else REPO.parent / "shared" / "data"
)
STEPS = {
    "import-store": ("store",),
    "import": ("process", "write"),
    "run": ("poll", "process", "write", "publish"),
    "registry": ("registry-write",),
}
COMMAND_TIMEOUT_S = 3600
#: Runs started per trial at most, when the command ends before the chosen kill moment.
KILL_ATTEMPTS = 3
#: Trials started beyond ``--trials`` at most, to replace those that ended before any kill (``not_killed``).
EXTRA_TRIALS_FRACTION = 0.2


# ------------------------------------------------------------------------------------------------------------
# Inputs
# ------------------------------------------------------------------------------------------------------------


def allsides_lines(data: Path, n: int | None) -> list[str]:
    path = data / "allsides_neus" / "allsides_articles_2021.jsonl"
    out = []
    for line in path.read_text(encoding="utf-8").splitlines():
        r = json.loads(line)
        out.append(
            json.dumps(
                {
                    "url": r["url"],
                    "title": r["title"],
                    "outlet": r["outlet"],
                    "text": r["lede"],
                    "published": r.get("date"),
                }
            )
        )
        if n and len(out) >= n:
            break
    return out


class FeedFarm:
    """The rss-arch news feeds (newest snapshot unless ``show`` says otherwise), links rewritten to pages this
    server serves, each page carrying its item's title and summary."""

    def __init__(self, data: Path) -> None:
        sys.path.insert(0, str(REPO / "tests"))
        import feedparser
        from localserver import LocalServer

        self.server = LocalServer()
        base = self.server.base_url
        root = data / "feed_farm"
        self.feed_urls: list[str] = []
        self.snapshots: dict[str, list[bytes]] = {}  # feed path -> its snapshots, oldest first
        alls = data / "allsides_neus" / "allsides_articles_2021.jsonl"
        ledes = [json.loads(x)["lede"] for x in alls.read_text(encoding="utf-8").splitlines()] if alls.exists() else []
        snaps = root / "rss-arch_snapshots"
        for feed_dir in sorted(p for p in snaps.iterdir() if p.is_dir()):
            path = f"/feeds/{feed_dir.name}.xml"
            self.snapshots[path] = []
            for snap in sorted(feed_dir.glob("*.xml")):
                raw = snap.read_text(encoding="utf-8", errors="replace")
                text = re.sub(r"https?://([^/\s\"'<>]+)", lambda m: f"{base}/p/{m.group(1)}", raw)
                self.snapshots[path].append(text.encode("utf-8"))
                for e in feedparser.parse(text).entries:
                    link = e.get("link", "")
                    if not link.startswith(base):
                        continue
                    title, summary = e.get("title", ""), re.sub(r"<[^>]+>", " ", e.get("summary", ""))
                    # the snapshots' summaries are a line: the page goes on with a real AllSides lede, picked by
                    # the link, so that it reads as an article (an empty page would not be processed at all)
                    more = ledes[zlib.crc32(link.encode()) % len(ledes)] if ledes else ""
                    paras = [x.strip() for x in (summary + "\n" + more).replace(". ", ".\n").split("\n") if x.strip()]
                    page = (
                        f"<!doctype html><html lang=en><head><title>{title}</title></head><body><article>"
                        f"<h1>{title}</h1>"
                        + "".join(f"<p>{html.escape(x)}</p>" for x in paras)
                        + "</article></body></html>"
                    )
                    self.server.add(
                        link[len(base) :].split("?")[0].split("#")[0],
                        page.encode("utf-8"),
                        content_type="text/html; charset=utf-8",
                    )
            self.feed_urls.append(base + path)
        self.show(-1)
        self.all_feeds: list[str] = []
        for line in (root / "manifest.jsonl").read_text(encoding="utf-8").splitlines():
            row = json.loads(line)
            if row["format"] in ("opml",) or row["path"].startswith("rss-arch_snapshots/"):
                continue
            self.all_feeds.append(f"{base}/farm/{row['path']}")

    def show(self, k: int) -> None:
        """Serve snapshot k of every feed (-1: the newest; k wraps around)."""
        for path, snaps in self.snapshots.items():
            self.server.add(path, snaps[k % len(snaps)], content_type="application/rss+xml")

    def opml(self) -> str:
        outlines = "".join(
            f'<outline type="rss" text="Farm feed {i}" title="Farm feed {i}" xmlUrl="{u}" '
            f'htmlUrl="{u.rsplit("/", 1)[0]}/"/>'
            for i, u in enumerate(self.all_feeds)
        )
        return (
            f'<?xml version="1.0"?><opml version="2.0"><head><title>farm</title></head><body>{outlines}</body></opml>'
        )

    def close(self) -> None:
        self.server.close()


# ------------------------------------------------------------------------------------------------------------
# One command, watched
# ------------------------------------------------------------------------------------------------------------


class Watched:
    """A copydesk command in a subprocess; tells which step it is in."""

    def __init__(self, cmd: list[str], env: dict, data_dir: Path, store_total: int) -> None:
        self.data_dir, self.store_total = data_dir, store_total
        self.t0 = time.monotonic()
        self.proc = subprocess.Popen(
            cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env, cwd=data_dir
        )
        self.label = ""
        self.done_write = False
        self.stderr: list[str] = []
        self.stdout = ""
        self.transitions: list[tuple[float, str]] = []
        threading.Thread(target=self._read_err, daemon=True).start()
        threading.Thread(target=self._read_out, daemon=True).start()

    def _read_err(self) -> None:
        for line in self.proc.stderr:
            self.stderr.append(line)
            m = re.match(r"^(\w[\w-]*): (\d+)/(\d+)", line)
            if m:
                self.label = m.group(1)
                if self.label == "write" and m.group(2) == m.group(3):
                    self.done_write = True

    def _read_out(self) -> None:
        self.stdout = self.proc.stdout.read()

    def articles(self) -> int:
        db = self.data_dir / "copydesk.sqlite3"
        if not db.exists():
            return 0
        try:
            with sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=0.2) as c:
                return c.execute("select count(*) from articles").fetchone()[0]
        except sqlite3.Error:
            return -1

    def step(self, scenario: str) -> str:
        if scenario == "registry":  # the file is copied to .toml.bak right before it is rewritten
            return "registry-write" if (self.data_dir / "sources.toml.bak").exists() else "startup"
        if scenario == "import-store":
            n = self.articles()
            if n < 0:  # no table yet, or the database was busy: the step has not changed
                return self.transitions[-1][1] if self.transitions else "startup"
            return "store" if n > 0 else "startup"
        publishing = any(p.name.startswith((".site.new-", ".site.old-")) for p in self.data_dir.iterdir())
        if scenario == "run":
            if publishing or (self.done_write and self.label in ("write", "audio")):
                return "publish"
            return self.label or "startup"
        # import: storing, then the model loads and processes, then writes
        if not self.label:
            n = self.articles()
            if n < 0:  # the database was busy: the step has not changed
                return self.transitions[-1][1] if self.transitions else "startup"
            return "startup" if n == 0 else "store" if 0 < n < self.store_total else "process"
        return self.label

    def watch(self, scenario: str, until: float | None = None) -> None:
        """Record step transitions until the process ends (or `until`, monotonic)."""
        last = None
        while self.proc.poll() is None and (until is None or time.monotonic() < until):
            s = self.step(scenario)
            if s != last:
                self.transitions.append((time.monotonic() - self.t0, s))
                last = s
            time.sleep(0.05)

    def wait(self, timeout: float = COMMAND_TIMEOUT_S) -> int | None:
        try:
            return self.proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
            return None


# ------------------------------------------------------------------------------------------------------------
# Data directories, state, comparison
# ------------------------------------------------------------------------------------------------------------


def make_dir(root: Path, name: str, farm: FeedFarm | None, with_registry: bool) -> Path:
    from copydesk.config import render_config

    d = root / name
    if d.exists():
        shutil.rmtree(d)
    d.mkdir(parents=True)
    (d / "copydesk.toml").write_text(render_config(base_url="https://news.example.org/"), encoding="utf-8")
    if with_registry and farm is not None:
        lines = ["# crash bench registry: the feed farm's news feeds on loopback\n"]
        for i, url in enumerate(farm.feed_urls):
            name_ = url.rsplit("/", 1)[-1].removesuffix(".xml").replace("_", "-")
            lines.append(
                f'\n[[outlet]]\nid = "farm-{name_}"\nname = "Farm {name_}"\nhomepage = "{url.rsplit("/", 2)[0]}/"\n'
                f'feeds = ["{url}"]\nlanguage = "en"\ncountry = "US"\nowner = "Farm owner {name_}"\n'
                'lean = { value = "unrated" }\nreliability = { value = "unrated" }\npaywall = "none"\n'
                'kind = "newspaper"\n'
            )
        (d / "sources.toml").write_text("".join(lines), encoding="utf-8")
    else:
        shutil.copy(REPO / "src" / "copydesk" / "data" / "sources.toml", d / "sources.toml")
    return d


def env_for(per_feed: int) -> dict:
    env = dict(os.environ)
    env.update(
        {
            "COPYDESK_FETCH__ALLOW_PRIVATE_ADDRESSES": "true",  # the feed farm is on 127.0.0.1
            "COPYDESK_FETCH__PER_HOST_INTERVAL_S": "0",
            "COPYDESK_FETCH__RETRIES": "0",
            "COPYDESK_FETCH__MAX_ARTICLES_PER_FEED": str(per_feed),
            "COPYDESK_AUDIO__ENABLED": "false",
            "PYTHONUNBUFFERED": "1",
        }
    )
    return env


def state(d: Path, scenario: str) -> dict:
    """What the data directory holds, for the comparison."""
    out: dict = {"problems": []}
    if scenario == "registry":
        try:
            reg = tomllib.loads((d / "sources.toml").read_text(encoding="utf-8"))
            outlets = reg.get("outlet") or reg.get("outlets") or []
            out["feeds"] = sorted(f for o in outlets for f in o.get("feeds", []))
        except (OSError, tomllib.TOMLDecodeError) as exc:
            out["problems"].append(f"registry does not load: {exc}")
            out["feeds"] = []
        return out
    db = d / "copydesk.sqlite3"
    with sqlite3.connect(db) as c:
        ic = c.execute("pragma integrity_check").fetchall()
        if ic != [("ok",)]:
            out["problems"].append(f"integrity_check: {ic[:3]}")
        fk = c.execute("pragma foreign_key_check").fetchall()
        if fk:
            out["problems"].append(f"foreign_key_check: {len(fk)} rows")
        rows = c.execute("select id, canonical_url, processed, story_id, duplicate_of from articles").fetchall()
        out["urls"] = Counter(r[1] for r in rows)
        if scenario != "import-store":  # compared with the reference's (non-articles are never processed)
            out["unprocessed"] = {r[1] for r in rows if not r[2]}
            out["dirty"] = c.execute("select count(*) from stories where dirty and merged_into is null").fetchone()[0]
            by_story: dict[str, set] = defaultdict(set)
            for _id, url, _p, sid, _dup in rows:
                if sid:
                    by_story[sid].add(url)
            out["stories"] = sorted(sorted(s) for s in by_story.values())
    if scenario == "run":
        if not (d / "site" / "index.html").exists():
            out["problems"].append("site/index.html missing after the resumed run")
    return out


def compare(ref: dict, got: dict, scenario: str) -> dict:
    res = {"lost": 0, "duplicated": 0, "integrity": list(got["problems"]), "story_difference": False}
    if scenario == "registry":
        missing = set(ref["feeds"]) - set(got["feeds"])
        res["lost"] = len(missing)
        res["duplicated"] = sum(n - 1 for n in Counter(got["feeds"]).values() if n > 1)
        return res
    res["lost"] = sum(1 for u in ref["urls"] if u not in got["urls"])
    res["duplicated"] = sum(n - 1 for n in got["urls"].values() if n > 1)
    left = got.get("unprocessed", set()) - ref.get("unprocessed", set())
    if left:
        res["integrity"].append(f"{len(left)} articles left unprocessed (the reference processed them)")
    if got.get("dirty", 0) > ref.get("dirty", 0):
        res["integrity"].append(f"{got['dirty']} stories left unwritten (reference: {ref.get('dirty', 0)})")
    if "stories" in ref and ref["stories"] != got.get("stories"):
        res["story_difference"] = True
        res["integrity"].append("stories' article sets differ from the reference")
    return res


# ------------------------------------------------------------------------------------------------------------
# Scenarios
# ------------------------------------------------------------------------------------------------------------


class Scenario:
    def __init__(
        self, name: str, work: Path, farm: FeedFarm, files: dict[str, Path], env: dict, store_total: int
    ) -> None:
        self.name, self.work, self.farm, self.files, self.env = name, work, farm, files, env
        self.store_total = store_total
        self.windows: dict[str, tuple[float, float]] = {}
        self.reference: dict = {}

    def command(self, d: Path) -> list[str]:
        cli = [sys.executable, "-m", "copydesk"]
        if self.name == "import-store":
            return cli + ["import", "--config", str(d), "--no-process", str(self.files["big"])]
        if self.name == "import":
            return cli + ["import", "--config", str(d), str(self.files["small"])]
        if self.name == "run":
            return cli + ["run", "--config", str(d), "--once"]
        return cli + ["sources", "import-opml", "--config", str(d), str(self.files["opml"])]

    def fresh(self, tag: str) -> Path:
        return make_dir(self.work, f"{self.name}-{tag}", self.farm, with_registry=self.name == "run")

    def run_reference(self) -> None:
        d = self.fresh("reference")
        w = Watched(self.command(d), self.env, d, self.store_total)
        w.watch(self.name)
        rc = w.wait()
        end = time.monotonic() - w.t0
        if rc != 0:
            raise SystemExit(f"{self.name}: reference run failed ({rc}): {''.join(w.stderr)[-2000:]}")
        trans = w.transitions + [(end, "end")]
        for (t, s), (t2, _) in zip(trans, trans[1:]):
            a, b = self.windows.get(s, (t, t2))
            self.windows[s] = (min(a, t), max(b, t2))
        self.reference = state(d, self.name)
        self.reference_seconds = end
        print(
            f"{self.name}: reference {end:.1f} s, steps {self.windows}, stdout {w.stdout.strip()[-300:]!r}",
            file=sys.stderr,
            flush=True,
        )

    def trial(self, k: int, fraction: float) -> dict:
        """Kill once the target step has been seen running, after ``fraction`` of its reference length; a run
        that ends first is started again (up to KILL_ATTEMPTS times, the delay halved each time, and the last
        attempt kills as soon as the step is seen: a step that ends sooner than its reference is still hit)."""
        steps = (
            [s for s in STEPS[self.name] if s in self.windows]
            or [s for s in self.windows if s != "startup"]
            or list(self.windows)
        )
        target = steps[k % len(steps)]
        a, b = self.windows[target]
        order = ["startup", *STEPS[self.name]]
        for attempt in range(KILL_ATTEMPTS):
            delay = fraction * (b - a) / (2**attempt) if attempt < KILL_ATTEMPTS - 1 else 0.0
            d = self.fresh(f"t{k}")
            w = Watched(self.command(d), self.env, d, self.store_total)
            seen_at = None
            killed_in = None
            while w.proc.poll() is None:
                step = w.step(self.name)
                if seen_at is None and step in order and order.index(step) >= order.index(target):
                    seen_at = time.monotonic()
                if seen_at is not None and time.monotonic() >= seen_at + delay:
                    killed_in = w.step(self.name)
                    os.kill(w.proc.pid, signal.SIGKILL)
                    break
                time.sleep(0.01)
            w.wait()
            if killed_in is not None:
                break
            shutil.rmtree(d, ignore_errors=True)
        out = {
            "scenario": self.name,
            "target": target,
            "delay_s": round(delay, 2),
            "attempts": attempt + 1,
            "killed_in": killed_in or "finished",
        }
        r = Watched(self.command(d), self.env, d, self.store_total)
        rc = r.wait()
        out["resume_rc"] = rc
        if rc != 0:
            out["resume_error"] = "".join(r.stderr)[-600:]
        got = state(d, self.name)
        out.update(compare(self.reference, got, self.name))
        shutil.rmtree(d, ignore_errors=True)
        return out


def run_trials(
    scenarios: list, trials: int, jobs: int, deadline: float | None, rng: random.Random, report
) -> tuple[list[dict], bool]:
    """The reference runs, then trials until ``trials`` of them killed their command: spread over the scenarios in
    turn (so --trials 10 still reaches every one), ``jobs`` at once, each trial's kill moment drawn in order from
    ``rng``. A trial whose command always ended first is replaced (at most EXTRA_TRIALS_FRACTION more trials). No
    trial starts after ``deadline`` (monotonic); the second value says whether that stopped the run short."""
    results: list[dict] = []
    stopped = False
    jobs = max(1, jobs)
    with ThreadPoolExecutor(max_workers=jobs) as pool:
        list(pool.map(lambda s: s.run_reference(), scenarios))
        limit = trials + max(len(scenarios), int(trials * EXTRA_TRIALS_FRACTION))
        running: set = set()
        k = 0
        while True:
            killed = sum(1 for r in results if r["killed_in"] != "finished")
            if deadline is not None and time.monotonic() >= deadline:
                stopped = killed + len(running) < trials
            while not stopped and len(running) < jobs and killed + len(running) < trials and k < limit:
                s = scenarios[k % len(scenarios)]
                running.add(pool.submit(s.trial, k // len(scenarios), rng.random()))
                k += 1
            if not running:
                break
            done, running = wait(running, return_when=FIRST_COMPLETED)
            for f in done:
                results.append(f.result())
                report(results[-1])
    return results, stopped


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("data", type=Path, nargs="?", default=DEFAULT_DATA)
    ap.add_argument("--trials", type=int, default=50)
    ap.add_argument("--articles", type=int, default=60, help="AllSides articles imported and processed")
    ap.add_argument("--store-articles", type=int, default=0, help="articles in the store-only import (0: all)")
    ap.add_argument("--per-feed", type=int, default=12, help="entries taken from each feed (fetch setting)")
    ap.add_argument("--scenarios", default="import-store,import,run,registry")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--workdir", type=Path, default=None)
    ap.add_argument("--jobs", type=int, default=1, help="trials run at once (each on its own data directory)")
    ap.add_argument(
        "--minutes", type=float, default=0, help="start no trial after this many minutes (0: no limit); reported"
    )
    args = ap.parse_args()
    if not (args.data / "allsides_neus").exists() or not (args.data / "feed_farm").exists():
        print(json.dumps({"skipped": f"{args.data} lacks allsides_neus or feed_farm"}))
        return
    work = args.workdir or Path(tempfile.mkdtemp(prefix="copydesk-crash-"))
    work.mkdir(parents=True, exist_ok=True)
    farm = FeedFarm(args.data)
    files = {"big": work / "big.jsonl", "small": work / "small.jsonl", "opml": work / "farm.opml"}
    big = allsides_lines(args.data, args.store_articles or None)
    files["big"].write_text("\n".join(big) + "\n", encoding="utf-8")
    files["small"].write_text("\n".join(allsides_lines(args.data, args.articles)) + "\n", encoding="utf-8")
    files["opml"].write_text(farm.opml(), encoding="utf-8")
    env = env_for(args.per_feed)
    names = [s for s in args.scenarios.split(",") if s]
    totals = {"big": len(set(json.loads(x)["url"] for x in big)), "small": args.articles}
    scenarios = [
        Scenario(n, work, farm, files, env, totals["big"] if n == "import-store" else totals["small"]) for n in names
    ]
    rng = random.Random(args.seed)
    results: list[dict] = []
    t0 = time.perf_counter()
    stopped = False
    try:
        results, stopped = run_trials(
            scenarios,
            args.trials,
            args.jobs,
            time.monotonic() + args.minutes * 60 if args.minutes else None,
            rng,
            lambda res: print(json.dumps(res), file=sys.stderr, flush=True),
        )
    finally:
        farm.close()
        if args.workdir is None:
            shutil.rmtree(work, ignore_errors=True)
    by_step = Counter(f"{r['scenario']}/{r['killed_in']}" for r in results)
    out = {
        "trials": sum(1 for r in results if r["killed_in"] != "finished"),
        "not_killed": sum(1 for r in results if r["killed_in"] == "finished"),
        "lost": sum(r["lost"] for r in results),
        "duplicated": sum(r["duplicated"] for r in results),
        "integrity_failures": sum(1 for r in results if r["integrity"]),
        "resume_failures": sum(1 for r in results if r["resume_rc"] != 0),
        "story_differences": sum(1 for r in results if r["story_difference"]),
        "kills_by_step": dict(sorted(by_step.items())),
        "reference_seconds": {s.name: round(s.reference_seconds, 1) for s in scenarios},
        "reference_step_windows_s": {
            s.name: {k: [round(a, 1), round(b, 1)] for k, (a, b) in s.windows.items()} for s in scenarios
        },
        "reference_articles": {
            s.name: (len(s.reference.get("urls", {})) if s.name != "registry" else len(s.reference.get("feeds", [])))
            for s in scenarios
        },
        "failures": [r for r in results if r["lost"] or r["duplicated"] or r["integrity"] or r["resume_rc"] != 0][:10],
        "seconds": round(time.perf_counter() - t0, 1),
        "jobs": args.jobs,
        "stopped_at_time_limit": stopped,
    }
    print(json.dumps(out))


if __name__ == "__main__":
    main()
