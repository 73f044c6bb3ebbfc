"""The demo, timed: `copydesk demo`'s stages (import, process, write, audio, export) on a bundled corpus.

    python bench/demo.py [--corpus statements] [--limit N] [--events FILE] [--workdir DIR] [--profile FILE]

Runs exactly what `make demo` runs (`copydesk.demo.run_demo`) into a fresh data directory and prints the seconds
of each stage, then narrates again with nothing changed (`audio_again`: every narration must be `unchanged`), and
what the site holds: stories, stories with more than one independent source, the largest story (articles) and
the longest (days from first to last article). With `--events` (the statements corpus's hand-checked
`events.jsonl`, e.g. tests/data/demo_events/events.jsonl) it also counts the events whose URLs all land in one
story (`events_whole`) and those of them whose story is backed by both publishers (`events_whole_both`). The
last line is a JSON object of the figures.
"""

from __future__ import annotations

import argparse
import cProfile
import json
import resource
import shutil
import tempfile
import time
from collections import defaultdict
from pathlib import Path

from copydesk.config import load_settings, render_config
from copydesk.demo import DEFAULT_CORPUS, DEMO_CORPORA, demo_file, run_demo
from copydesk.pipeline import Desk
from copydesk.sources import load_registry


def story_figures(desk: Desk, events: list[dict] | None) -> dict:
    edition = desk.edition()
    by_story: dict[str, list] = defaultdict(list)
    story_of_url: dict[str, str] = {}
    for es in edition.stories:
        for s in es.story.sources:
            by_story[es.story.story_id].append(s)
            story_of_url[s.url] = es.story.story_id
    spans = [
        (max(s.published for s in src) - min(s.published for s in src)).total_seconds() / 86400
        for src in by_story.values()
        if all(s.published for s in src)
    ]
    out = {
        "stories": len(edition.stories),
        "multi_source_stories": sum(es.story.independent_sources > 1 for es in edition.stories),
        "max_story_articles": max((len(v) for v in by_story.values()), default=0),
        "max_story_span_days": round(max(spans, default=0.0), 2),
        "follows_links": sum(1 for es in edition.stories if getattr(es, "follows", None)),
    }
    if events:
        whole = both = 0
        for ev in events:
            sids = {story_of_url.get(u) for u in ev["urls"]}
            if len(sids) == 1 and None not in sids:
                whole += 1
                sid = sids.pop()
                both += len({s.outlet_id for s in by_story[sid]}) > 1
        out.update(events=len(events), events_whole=whole, events_whole_both=both)
    return out


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--corpus", default=DEFAULT_CORPUS, choices=sorted(DEMO_CORPORA))
    ap.add_argument("--limit", type=int, default=None, help="import only the first N lines")
    ap.add_argument("--events", type=Path, default=None, help="events.jsonl with the URLs of each event")
    ap.add_argument("--workdir", type=Path, default=None, help="data directory to use (default: a temporary one)")
    ap.add_argument("--profile", type=Path, default=None, help="write cProfile stats of the run here")
    args = ap.parse_args()
    spec = DEMO_CORPORA[args.corpus]
    work = args.workdir or Path(tempfile.mkdtemp(prefix="copydesk-bench-demo-"))
    if args.workdir and work.exists():
        shutil.rmtree(work)
    work.mkdir(parents=True, exist_ok=True)
    (work / "copydesk.toml").write_text(render_config(), encoding="utf-8")
    (work / "sources.toml").write_bytes(demo_file(spec.registry).read_bytes())
    t0 = time.perf_counter()
    settings = load_settings(work / "copydesk.toml")
    desk = Desk(settings, load_registry(settings.sources_path))
    desk.embedder  # the model load is part of the demo's cost, reported as "setup"
    setup = time.perf_counter() - t0
    prof = cProfile.Profile() if args.profile else None
    if prof:
        prof.enable()
    run = run_demo(desk, spec, work / "site", limit=args.limit)
    if prof:
        prof.disable()
        prof.dump_stats(args.profile)
    # Audio is incremental: narrating again with nothing changed must read nothing again (counts and seconds).
    t, c = time.perf_counter(), time.process_time()
    again = desk.narrate()
    audio_again = {
        "audio_again_s": round(time.perf_counter() - t, 2),
        "audio_again_cpu_s": round(time.process_time() - c, 2),
        "audio_again": again.counts,
    }
    events = [json.loads(x) for x in open(args.events, encoding="utf-8")] if args.events else None
    figures = {
        "corpus": spec.name,
        "articles": run.reports["import"].counts.get("stored", 0),
        "setup_s": round(setup, 1),
        **{f"{k}_s": round(v, 1) for k, v in run.seconds.items()},
        **{f"{k}_cpu_s": round(v, 1) for k, v in run.cpu_seconds.items()},
        "total_s": round(time.perf_counter() - t0, 1),
        "process": run.reports["process"].counts,
        "write": run.reports["write"].counts,
        "audio": run.reports["audio"].counts,
        **audio_again,
        **story_figures(desk, events),
        "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
    }
    desk.close()
    if not args.workdir:
        shutil.rmtree(work, ignore_errors=True)
    print(json.dumps(figures))


if __name__ == "__main__":
    main()
