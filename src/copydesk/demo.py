"""The bundled demo corpora (`copydesk demo --corpus NAME`) and the demo run, timed per stage.

Each corpus is a JSON Lines file in the import format with the source registry it is read with; licences and
attribution are in the README next to it (src/copydesk/data/demo/). The CLI and `bench/demo.py` both run it
through `run_demo`, so the bench times exactly what `make demo` does.
"""

from __future__ import annotations

import itertools
import json
import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from importlib import resources
from importlib.abc import Traversable
from pathlib import Path
from typing import Callable

from copydesk.pipeline import Desk, Report


@dataclass(frozen=True, slots=True)
class DemoCorpus:
    name: str
    articles: str  # path under copydesk/data/demo/
    registry: str
    readme: str
    description: str


#: The corpora `copydesk demo --corpus NAME` knows; the first is the default.
DEMO_CORPORA: dict[str, DemoCorpus] = {
    c.name: c
    for c in (
        DemoCorpus(
            "statements",
            "statements/articles.jsonl",
            "statements/sources.toml",
            "statements/README.md",
            "691 official statements of the White House (public domain) and the President of Russia "
            "(CC BY 4.0) on the same events, 15 Nov 2021 - 31 Mar 2022",
        ),
        DemoCorpus(
            "wikinews",
            "wikinews_en_2004.jsonl",
            "sources.toml",
            "README.md",
            "101 English Wikinews articles (Nov 2004 - Jan 2005) and 6 US government pages they cite",
        ),
    )
}
DEFAULT_CORPUS = next(iter(DEMO_CORPORA))


#: Keys of the bundled corpora that say where each row was taken from (``source_repo``: repository@commit:path),
#: for whoever rebuilds or audits the corpus (its README's "Origin" table). They are not part of the import format,
#: so the demo leaves them out of what it imports rather than have every run report them as unknown keys.
PROVENANCE_KEYS = ("source_repo",)


def without_provenance(lines: Iterable[bytes]) -> Iterator[bytes]:
    """The corpus lines without their ``PROVENANCE_KEYS``; a line that is not a JSON object is passed on as it is
    (the import reports it)."""
    for line in lines:
        if not any(k.encode() in line for k in PROVENANCE_KEYS):
            yield line
            continue
        try:
            data = json.loads(line)
        except ValueError:
            yield line
            continue
        if isinstance(data, dict):
            for k in PROVENANCE_KEYS:
                data.pop(k, None)
            yield json.dumps(data, ensure_ascii=False).encode("utf-8") + b"\n"
        else:
            yield line


def demo_file(relpath: str) -> Traversable:
    return resources.files("copydesk.data").joinpath("demo").joinpath(relpath)


@dataclass
class DemoRun:
    """What `run_demo` did: the stage reports and the seconds each stage took."""

    reports: dict[str, Report] = field(default_factory=dict)
    seconds: dict[str, float] = field(default_factory=dict)  # wall clock
    cpu_seconds: dict[str, float] = field(default_factory=dict)  # this process's CPU time (all threads)
    files: list[Path] = field(default_factory=list)


def run_demo(
    desk: Desk,
    corpus: DemoCorpus,
    site_dir: Path,
    progress: Callable[[str, int, int], None] | None = None,
    limit: int | None = None,
) -> DemoRun:
    """Import the corpus (its first `limit` lines if given), process, write, narrate and export the site; seconds
    per stage in `DemoRun.seconds`."""
    run = DemoRun()
    prog = progress or (lambda *_: None)
    t, c = time.perf_counter(), time.process_time()
    with demo_file(corpus.articles).open("rb") as fh:
        lines = fh if limit is None else itertools.islice(fh, limit)
        run.reports["import"] = desk.import_lines(without_provenance(lines), source=corpus.articles, origin="demo")
    run.seconds["import"], run.cpu_seconds["import"] = time.perf_counter() - t, time.process_time() - c
    t, c = time.perf_counter(), time.process_time()
    run.reports["process"] = desk.process(prog)
    run.seconds["process"], run.cpu_seconds["process"] = time.perf_counter() - t, time.process_time() - c
    t, c = time.perf_counter(), time.process_time()
    run.reports["write"] = desk.write(prog)
    run.seconds["write"], run.cpu_seconds["write"] = time.perf_counter() - t, time.process_time() - c
    t, c = time.perf_counter(), time.process_time()
    run.reports["audio"] = desk.narrate(prog)
    run.seconds["audio"], run.cpu_seconds["audio"] = time.perf_counter() - t, time.process_time() - c
    t, c = time.perf_counter(), time.process_time()
    run.files = desk.export(site_dir)
    run.seconds["export"], run.cpu_seconds["export"] = time.perf_counter() - t, time.process_time() - c
    return run
