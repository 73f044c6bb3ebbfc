"""Every case of the hostile-input corpus through the entry point it targets; counts crashes, hangs, unsafe output.

    python bench/hostile.py [DIR] [--category ssrf,feeds_malformed] [--limit N] [--chunk 200] [--kill-after 30]

DIR is the corpus (default ../shared/data/hostile; read its README). Cases are split as its README says (one file,
one non-empty line of a list, one JSON Lines record, one item of a JSON payload list) and checked against the
counts of its manifest.jsonl. Each category goes through the code an attacker reaches with it:

- ``ssrf``: the fetcher (``PoliteClient.fetch``, default options: private addresses refused) asked for the URL, and
  asked for a public URL that redirects to it. Nothing leaves the machine: the bench replaces the resolver
  (numeric forms are read by the C library as usual; names resolve as the case says, names with an address in them
  (nip.io) to that address, localhost names to loopback, any other name to loopback for attack cases (hostile DNS,
  the first answer public for the rebinding case) and to a public address for controls), and every socket connect
  is intercepted: the bench's own public address goes to its loopback server, anything else is recorded and
  refused. ``ssrf_accepted`` counts cases in which a connection was attempted to an address that the IANA special-
  purpose registries mark as not globally reachable (bench/_addresses.py: the bench's own table, not the guard's).
  ``ssrf_controls_refused`` counts public controls the guard refused, and ``ssrf_accepted_reserved`` connections to
  multicast or IETF-reserved ::/8 addresses, outside those registries (both for information).
- ``feeds_malformed``, ``feeds_wellformed_edge``, ``encodings``, ``xml_attacks``, ``decompression_bombs``: served by
  a server on 127.0.0.1 (reached as a public host, as above) with the Content-Type the file's ``Header:`` comment
  names and the Content-Encoding its name says, fetched by the fetcher, then parsed as a feed (``parse_feed``) or,
  when it is a page, extracted (``extract_article``); what came out (titles, summaries, links, text) is rendered.
- ``html_sanitizer``, ``prompt_injection``: the payload as an import line's title, text and outlet
  (``Desk.import_lines`` into a real database), as an RSS item's title and description (``parse_feed``), inside an
  HTML page (``extract_article``); everything that came out, and the payload itself, is rendered into an edition's
  pages and Atom feed by the served app (TestClient; the edition from tests/web/sample_edition.py).
- ``sql_injection``, ``path_traversal``: the served app over a real database, built as ``copydesk serve`` builds it
  (search, newsletter and report forms with their CSRF tokens, story/section/audio/API paths), plus an import line.

A case is a *crash* when the entry point raised something other than its documented error, a worker died, or the
app answered 5xx or showed a traceback or "database is locked"; a *hang* when it took longer than the parse
deadline + 1 s (the deadline is read from the settings when they have one, else 5 s) or had to be killed
(``--kill-after``, default 30 s: the worker is killed and the rest of its chunk goes on in a new one). The time that
counts is that of the slowest single entry-point call of the case (one fetch, one parse, one import line, one
request to the app: what a deadline applies to); ``max_case_seconds`` is the slowest case in all its calls. An *unsafe
output* is a script element, an event-handler attribute or a javascript:/vbscript:/data:text/html URL (or an
iframe, frame, object, embed or base element) in rendered HTML or in the Atom feed's HTML that the same pages
rendered from benign text do not have. ``file_leaks`` counts
app answers that show a local file's content (``root:x:0:0``, ``[boot loader]``, the data directory's settings).

Cases run in worker processes (``--chunk`` cases each, ``--jobs`` at once), so a hang is detected and a crash
counted without ending the bench; ``max_seconds`` is the slowest entry-point call, ``max_rss_mb`` the largest
resident set of any worker (and its children).
Goal: crashes, hangs, unsafe_outputs, ssrf_accepted all 0; max_seconds <= 6; max_rss_mb <= 512. The last line is a
JSON object; ``by_category`` has the same figures per category and ``examples`` a few cases of each failure.
"""

from __future__ import annotations

import argparse
import json
import os
import queue
import resource
import subprocess
import sys
import threading
import time
from collections import Counter, defaultdict
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
#: ../shared/data/hostile from the repository, or under $COPYDESK_SHARED_DATA (as the tests find shared data).
DEFAULT_DIR = (
    Path(os.environ["COPYDESK_SHARED_DATA"]) / "hostile"
    if os.environ.get("COPYDESK_SHARED_DATA")
    else REPO.parent / "shared" / "data" / "hostile"
)
CATEGORIES = (
    "ssrf",
    "decompression_bombs",
    "xml_attacks",
    "encodings",
    "feeds_malformed",
    "feeds_wellformed_edge",
    "html_sanitizer",
    "sql_injection",
    "path_traversal",
    "prompt_injection",
)
FETCHED = ("decompression_bombs", "xml_attacks", "encodings", "feeds_malformed", "feeds_wellformed_edge")
DEFAULT_DEADLINE_S = 5.0
#: The public address the bench's loopback server answers as (example.com's; never actually contacted: the connect
#: is redirected to 127.0.0.1 by the bench before any packet leaves).
PUBLIC_IP = "93.184.215.14"
PUBLIC_HOST = "feeds.bench-public.example"
MAX_EXAMPLES = 5


# ------------------------------------------------------------------------------------------------------------
# Cases
# ------------------------------------------------------------------------------------------------------------


def _split(path: Path, declared: int) -> list:
    """The cases of one file, as the corpus README defines them."""
    if declared == 1 and path.suffix != ".jsonl":
        return [None]  # the whole file
    raw = path.read_bytes()
    if path.suffix == ".jsonl":
        return [json.loads(line) for line in raw.decode("utf-8").split("\n") if line.strip()]
    if path.suffix == ".json":
        data = json.loads(raw)
        if isinstance(data, dict) and "payloads" in data:
            return list(data["payloads"])
        if isinstance(data, dict):
            return [item for v in data.values() if isinstance(v, list) for item in v]
        return list(data)
    if path.suffix == ".ini":
        return [
            line.split("=", 1)[1].strip()
            for line in raw.decode("utf-8", "replace").split("\n")
            if line.strip().startswith("payload") and "=" in line
        ]
    return [line for line in raw.decode("utf-8", "surrogateescape").splitlines() if line.strip()]


def enumerate_cases(
    root: Path, categories: list[str], limit: int | None
) -> tuple[list[tuple[str, str, int]], list[str]]:
    """(category, relative path, index) of every case, and the files whose count differs from the manifest."""
    mismatches: list[str] = []
    by_cat: dict[str, list[tuple[str, str, int]]] = defaultdict(list)
    for line in (root / "manifest.jsonl").read_text(encoding="utf-8").splitlines():
        row = json.loads(line)
        if row["category"] not in categories or row["path"].endswith(".md"):
            continue
        path = root / row["path"]
        if not path.exists():
            mismatches.append(f"{row['path']}: missing")
            continue
        n = len(_split(path, row["cases"]))
        if n != row["cases"]:
            mismatches.append(f"{row['path']}: {n} cases, manifest says {row['cases']}")
        by_cat[row["category"]] += [(row["category"], row["path"], i) for i in range(n)]
    out: list[tuple[str, str, int]] = []
    for cat in categories:
        cases = by_cat.get(cat, [])
        if limit and len(cases) > limit:  # spread over the category, not its first file only
            step = len(cases) / limit
            cases = [cases[int(k * step)] for k in range(limit)]
        out += cases
    return out, mismatches


def parse_deadline_s() -> float:
    """The parse deadline from the settings when they have one (any `*deadline*` field of a parse/extract table)."""
    try:
        from copydesk.config import Settings
    except ImportError:
        return DEFAULT_DEADLINE_S
    settings = Settings()
    for table_name in type(settings).model_fields:
        table = getattr(settings, table_name, None)
        fields = getattr(type(table), "model_fields", {})
        for name in fields:
            lowered = f"{table_name}.{name}".lower()
            if ("deadline" in lowered or "timeout" in lowered) and any(w in lowered for w in ("parse", "extract")):
                value = getattr(table, name)
                if isinstance(value, int | float) and value > 0:
                    return float(value)
    return DEFAULT_DEADLINE_S


# ------------------------------------------------------------------------------------------------------------
# Parent: workers per chunk, hang and crash accounting
# ------------------------------------------------------------------------------------------------------------


class Totals:
    def __init__(self) -> None:
        self.cat: dict[str, Counter] = defaultdict(Counter)
        self.max_s: dict[str, float] = defaultdict(float)
        self.max_case_s: dict[str, float] = defaultdict(float)
        self.max_rss: dict[str, float] = defaultdict(float)
        self.examples: dict[str, list] = defaultdict(list)
        self.seconds: dict[str, float] = defaultdict(float)
        self.outcomes: dict[str, Counter] = defaultdict(Counter)
        self.lock = threading.Lock()
        self.ssrf_addresses: Counter = Counter()  # "address (registry entry)" -> connections attempted

    def example(self, kind: str, case: tuple, detail: object) -> None:
        if len(self.examples[kind]) < MAX_EXAMPLES:
            self.examples[kind].append({"case": f"{case[1]}#{case[2]}", "detail": detail})

    def add(self, case: tuple, res: dict, hang_s: float) -> None:
        with self.lock:
            self._add(case, res, hang_s)

    def _add(self, case: tuple, res: dict, hang_s: float) -> None:
        cat = case[0]
        c = self.cat[cat]
        c["cases"] += 1
        sec = res.get("seconds", 0.0)
        self.seconds[cat] += res.get("case_seconds", sec)
        self.max_s[cat] = max(self.max_s[cat], sec)
        self.max_case_s[cat] = max(self.max_case_s[cat], res.get("case_seconds", sec))
        self.max_rss[cat] = max(self.max_rss[cat], res.get("rss_mb", 0.0))
        what = " ".join(str(res[k]).split(":")[0].split(" entries")[0] for k in ("outcome", "parsed") if res.get(k))
        if what:
            self.outcomes[cat][what[:60]] += 1
        if res.get("crash"):
            c["crashes"] += 1
            self.example("crashes", case, res["crash"])
        if res.get("killed") or sec > hang_s:
            c["hangs"] += 1
            self.example(
                "hangs",
                case,
                f"{sec:.1f} s {res.get('slowest', '')}".strip() + (" (killed)" if res.get("killed") else ""),
            )
        if res.get("unsafe"):
            c["unsafe_outputs"] += 1
            self.example("unsafe_outputs", case, res["unsafe"][:3])
        if res.get("ssrf"):
            for line in res["ssrf"]:
                self.ssrf_addresses[line.split(" -> ", 1)[-1]] += 1
            c["ssrf_accepted"] += 1
            self.example("ssrf_accepted", case, res["ssrf"][:3])
        if res.get("ssrf_reserved"):
            c["ssrf_accepted_reserved"] += 1
            self.example("ssrf_accepted_reserved", case, res["ssrf_reserved"][:2])
        if res.get("control_refused"):
            c["ssrf_controls_refused"] += 1
            self.example("ssrf_controls_refused", case, res["control_refused"])
        if res.get("leak"):
            c["file_leaks"] += 1
            self.example("file_leaks", case, res["leak"])
        for k in ("control",):
            if res.get(k):
                c["ssrf_controls"] += 1


def _reader(stream, q: queue.Queue) -> None:
    for line in stream:
        q.put(line)
    q.put(None)


def _drain_err(stream, tail: list[str]) -> None:
    for line in stream:
        tail.append(line)
        del tail[:-40]


def run_chunk(
    root: Path, chunk: list[tuple[str, str, int]], totals: Totals, hang_s: float, kill_after: float, deadline: float
) -> None:
    """Run the cases of one chunk in worker processes; a killed or dead worker is replaced for the rest."""
    pending = list(chunk)
    while pending:
        cmd = [sys.executable, str(Path(__file__).resolve()), "--worker", str(root), "--deadline", str(deadline)]
        proc = subprocess.Popen(
            cmd,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env={**os.environ, "PYTHONUNBUFFERED": "1"},
        )
        q: queue.Queue = queue.Queue()
        threading.Thread(target=_reader, args=(proc.stdout, q), daemon=True).start()
        err_tail: list[str] = []
        threading.Thread(target=_drain_err, args=(proc.stderr, err_tail), daemon=True).start()
        proc.stdin.write(json.dumps([[c[1], c[2], c[0]] for c in pending]))
        proc.stdin.close()
        current: tuple | None = None
        started = 0.0
        ready = False
        while True:
            limit = kill_after if ready else 300.0  # start-up (imports, app, database) gets longer
            try:
                line = q.get(timeout=limit)
            except queue.Empty:
                line = "TIMEOUT"
            if line == "TIMEOUT" or (
                line is not None and current is not None and time.monotonic() - started > kill_after
            ):
                proc.kill()
                proc.wait()
                if current is None:
                    raise SystemExit("worker did not start: " + "".join(err_tail)[-3000:])
                totals.add(current, {"seconds": time.monotonic() - started, "killed": True}, hang_s)
                pending = pending[pending.index(current) + 1 :]
                break
            if line is None:  # the worker ended
                rc = proc.wait()
                if current is not None:  # died inside a case
                    totals.add(
                        current,
                        {
                            "seconds": time.monotonic() - started,
                            "crash": f"worker died (exit {rc}): {''.join(err_tail)[-600:]}",
                        },
                        hang_s,
                    )
                    pending = pending[pending.index(current) + 1 :]
                elif rc != 0:
                    raise SystemExit(f"worker failed (exit {rc}): " + "".join(err_tail)[-3000:])
                else:
                    pending = []
                break
            if line.startswith("READY"):
                ready = True
            elif line.startswith("S "):
                current = pending[int(line[2:])]
                started = time.monotonic()
            elif line.startswith("R "):
                res = json.loads(line[2:])
                totals.add(pending[res["n"]], res, hang_s)
                current = None
        try:
            proc.wait(timeout=5)
        except subprocess.TimeoutExpired:
            proc.kill()


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("dir", type=Path, nargs="?", default=DEFAULT_DIR)
    ap.add_argument("--category", default=",".join(CATEGORIES), help="comma-separated categories")
    ap.add_argument("--limit", type=int, default=None, help="at most N cases per category, spread over it")
    ap.add_argument("--chunk", type=int, default=300, help="cases per worker process")
    ap.add_argument("--jobs", type=int, default=1, help="worker processes at once")
    ap.add_argument("--kill-after", type=float, default=30.0, help="kill a case's worker after this many seconds")
    ap.add_argument("--worker", type=Path, default=None, help=argparse.SUPPRESS)
    ap.add_argument("--deadline", type=float, default=None, help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.worker is not None:
        from _hostile_worker import work  # noqa: PLC0415 - the worker's imports stay out of the parent

        work(args.worker, args.deadline or DEFAULT_DEADLINE_S)
        return
    if not (args.dir / "manifest.jsonl").exists():
        print(json.dumps({"skipped": f"{args.dir} holds no manifest.jsonl (the hostile corpus)"}))
        return
    categories = [c for c in args.category.split(",") if c]
    unknown = set(categories) - set(CATEGORIES)
    if unknown:
        raise SystemExit(f"unknown categories: {', '.join(sorted(unknown))}; known: {', '.join(CATEGORIES)}")
    deadline = parse_deadline_s()
    hang_s = deadline + 1.0
    cases, mismatches = enumerate_cases(args.dir, categories, args.limit)
    for m in mismatches:
        print(f"manifest: {m}", file=sys.stderr)
    totals = Totals()
    t0 = time.perf_counter()
    for cat in categories:
        cat_cases = [c for c in cases if c[0] == cat]
        t_cat = time.perf_counter()

        def one(i: int, cat: str = cat, cat_cases: list = cat_cases, t_cat: float = t_cat) -> None:
            run_chunk(args.dir, cat_cases[i : i + args.chunk], totals, hang_s, args.kill_after, deadline)
            c = totals.cat[cat]
            print(
                f"{cat}: {c['cases']}/{len(cat_cases)} cases, crashes {c['crashes']}, hangs {c['hangs']}, "
                f"unsafe {c['unsafe_outputs']}, ssrf {c['ssrf_accepted']}, max {totals.max_s[cat]:.2f} s, "
                f"rss {totals.max_rss[cat]:.0f} MB, {time.perf_counter() - t_cat:.0f} s so far",
                file=sys.stderr,
                flush=True,
            )

        with ThreadPoolExecutor(max_workers=max(1, args.jobs)) as pool:
            list(pool.map(one, range(0, len(cat_cases), args.chunk)))
    keys = ("cases", "crashes", "hangs", "unsafe_outputs", "ssrf_accepted")
    out: dict = {k: sum(totals.cat[c][k] for c in categories) for k in keys}
    out["max_seconds"] = round(max([totals.max_s[c] for c in categories] or [0.0]), 3)
    out["max_rss_mb"] = round(max([totals.max_rss[c] for c in categories] or [0.0]), 1)
    out["max_case_seconds"] = round(max([totals.max_case_s[c] for c in categories] or [0.0]), 3)
    out["file_leaks"] = sum(totals.cat[c]["file_leaks"] for c in categories)
    out["ssrf_accepted_reserved"] = sum(totals.cat[c]["ssrf_accepted_reserved"] for c in categories)
    out["ssrf_accepted_addresses"] = dict(totals.ssrf_addresses.most_common())
    out["ssrf_controls"] = sum(totals.cat[c]["ssrf_controls"] for c in categories)
    out["ssrf_controls_refused"] = sum(totals.cat[c]["ssrf_controls_refused"] for c in categories)
    out["deadline_s"] = deadline
    out["hang_over_s"] = hang_s
    out["seconds"] = round(time.perf_counter() - t0, 1)
    out["manifest_mismatches"] = mismatches
    out["by_category"] = {
        c: {
            **{
                k: totals.cat[c][k]
                for k in keys + ("file_leaks", "ssrf_accepted_reserved", "ssrf_controls", "ssrf_controls_refused")
            },
            "max_seconds": round(totals.max_s[c], 3),
            "max_case_seconds": round(totals.max_case_s[c], 3),
            "max_rss_mb": round(totals.max_rss[c], 1),
            "seconds": round(totals.seconds[c], 1),
        }
        for c in categories
    }
    out["examples"] = dict(totals.examples)
    out["outcomes"] = {c: dict(totals.outcomes[c].most_common(12)) for c in categories if totals.outcomes[c]}
    out["parent_rss_mb"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)
    print(json.dumps(out))


if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    main()
