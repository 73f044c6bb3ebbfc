"""Real worker and scheduler processes for the tests: a newsroom on a loopback server, a PostgreSQL schema and a
Redis key prefix of its own (so parallel runs never meet), `copydesk worker` / `copydesk scheduler` as
subprocesses, and the checks that say nothing was lost, duplicated or split."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import uuid
from collections import defaultdict
from pathlib import Path

from sqlalchemy import create_engine, text

import newsroom

HERE = Path(__file__).resolve().parent
SRC = HERE.parents[1] / "src"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Newsroom:
    def __init__(self, tmp_path: Path, server, pg_url: str, broker_url: str, **workers) -> None:
        self.dir = tmp_path
        self.server = server
        self.schema = "t_" + uuid.uuid4().hex[:10]
        self.app_name = f"cdk_{self.schema}"  # our connections, and only ours, are the ones a test cuts
        self.admin = create_engine(pg_url)
        with self.admin.begin() as c:
            c.execute(text(f"CREATE SCHEMA {self.schema}"))
        sep = "&" if "?" in pg_url else "?"
        self.db_url = f"{pg_url}{sep}options=-csearch_path%3D{self.schema}&application_name={self.app_name}"
        self.engine = create_engine(f"{pg_url}{sep}options=-csearch_path%3D{self.schema}")
        self.prefix = f"copydesk-test-{self.schema}:"
        self.procs: list[subprocess.Popen] = []
        from copydesk.config import render_config

        (tmp_path / "copydesk.toml").write_text(render_config(), encoding="utf-8")
        (tmp_path / "sources.toml").write_text(newsroom.registry(server), encoding="utf-8")
        self.env = {
            **os.environ,
            "PYTHONPATH": os.pathsep.join([str(SRC), str(HERE.parent), os.environ.get("PYTHONPATH", "")]),
            "COPYDESK_DATABASE__URL": self.db_url,
            "COPYDESK_WORKERS__KEY_PREFIX": self.prefix,
            "COPYDESK_FETCH__ALLOW_PRIVATE_ADDRESSES": "true",
            "COPYDESK_FETCH__PER_HOST_INTERVAL_S": "0",
            "COPYDESK_FETCH__RETRIES": "0",
            "COPYDESK_AUDIO__ENABLED": "false",
        }
        self.set_broker(broker_url)
        for k, v in workers.items():
            self.env[f"COPYDESK_WORKERS__{k.upper()}"] = str(v)

    def set_broker(self, url: str) -> None:
        self.broker_url = url
        self.env["COPYDESK_WORKERS__BROKER_URL"] = url

    # -- processes -----------------------------------------------------------------------------------------
    def start(self, *args: str, embed_delay_s: float = 0.0, name: str = "proc") -> subprocess.Popen:
        log = open(self.dir / f"{name}-{len(self.procs)}.log", "wb")
        p = subprocess.Popen(
            [sys.executable, str(HERE / "workerproc.py"), "--log-level", "INFO", *args, "--config", str(self.dir)],
            env={**self.env, "COPYDESK_TEST_EMBED_DELAY_S": str(embed_delay_s)},
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
            cwd=self.dir,
        )
        p.log_path = log.name  # type: ignore[attr-defined]
        self.procs.append(p)
        return p

    def worker(self, queues: str = "copydesk,cluster", concurrency: int = 2, **kw) -> subprocess.Popen:
        return self.start("worker", "--queues", queues, "--concurrency", str(concurrency), name="worker", **kw)

    def scheduler(self) -> subprocess.Popen:
        n = len(self.procs)
        return self.start("scheduler", "--schedule-file", str(self.dir / f"beat-{n}"), name="scheduler")

    @staticmethod
    def kill(p: subprocess.Popen) -> None:
        """SIGKILL the process and its pool processes, as a machine that loses power."""
        try:
            os.killpg(p.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        p.wait(timeout=10)

    def logs(self) -> str:
        return "\n".join(
            f"--- {p.log_path}\n" + Path(p.log_path).read_text(errors="replace")[-3000:]  # type: ignore[attr-defined]
            for p in self.procs
        )

    def poll_now(self) -> None:
        """What the scheduler sends each interval: a poll of every feed."""
        from celery import Celery

        from copydesk.config import load_settings
        from copydesk.tasks import configure

        saved = dict(os.environ)
        os.environ.update(self.env)
        try:
            c = configure(Celery("test", set_as_current=False), load_settings(self.dir / "copydesk.toml"))
        finally:
            os.environ.clear()
            os.environ.update(saved)
        with c.connection_for_write() as conn:
            for o in newsroom.OUTLETS:
                c.send_task(
                    "copydesk.poll_feed", args=(o, self.server.url(f"/{o}.xml")), queue="copydesk", connection=conn
                )

    # -- the database --------------------------------------------------------------------------------------
    def q(self, sql: str, strict: bool = False, **params):
        try:
            with self.engine.connect() as c:
                return c.execute(text(sql), params).all()
        except Exception:  # the schema is not migrated yet
            if strict:
                raise
            return None

    def state(self) -> dict:
        rows = self.q("SELECT count(*), count(*) FILTER (WHERE processed) FROM articles") or [(0, 0)]
        dirty = self.q("SELECT count(*) FROM stories WHERE dirty AND merged_into IS NULL") or [(0,)]
        return {"articles": rows[0][0], "processed": rows[0][1], "dirty": dirty[0][0]}

    def wait(self, pred, timeout: float, what: str) -> float:
        t0 = time.monotonic()
        while time.monotonic() - t0 < timeout:
            if pred(self.state()):
                return time.monotonic() - t0
            time.sleep(0.25)
        raise AssertionError(f"{what}: not within {timeout} s; state {self.state()}\n{self.logs()}")

    def wait_done(self, expected: int, timeout: float = 60) -> float:
        return self.wait(
            lambda s: s["articles"] >= expected and s["processed"] == s["articles"] and s["dirty"] == 0,
            timeout,
            f"all {expected} articles processed and written",
        )

    def check_whole(self, expected: int) -> dict:
        """Every article once, processed once, one story per event, each story's count its articles', written."""
        arts = self.q("SELECT url, story_id, processed FROM articles", strict=True)
        assert len(arts) == expected, f"{len(arts)} articles stored, {expected} served"
        assert len({u for u, _, _ in arts}) == expected
        assert all(p for _, _, p in arts), "an article was never processed"
        events_of = defaultdict(set)
        for url, sid, _ in arts:
            events_of[sid].add(newsroom.event_of(url))
        stories_of = defaultdict(set)
        for sid, evs in events_of.items():
            assert len(evs) == 1, f"story {sid} mixes events {evs}"
            stories_of[next(iter(evs))].add(sid)
        split = {e: s for e, s in stories_of.items() if len(s) > 1}
        assert not split, f"events split over several stories: {split}"
        rows = self.q(
            "SELECT s.id, s.n_articles, (SELECT count(*) FROM articles a WHERE a.story_id = s.id), "
            "s.written IS NOT NULL FROM stories s WHERE s.merged_into IS NULL",
            strict=True,
        )
        for sid, n, actual, written in rows:
            assert n == actual, f"story {sid} counts {n} articles but has {actual} (processed twice?)"
            assert written, f"story {sid} was never written"
        assert len(rows) == len(stories_of)
        return {"articles": len(arts), "stories": len(rows)}

    def close(self) -> None:
        for p in self.procs:
            if p.poll() is None:
                self.kill(p)
        self.engine.dispose()
        with self.admin.begin() as c:
            c.execute(text(f"DROP SCHEMA {self.schema} CASCADE"))
        self.admin.dispose()
        try:
            import redis

            r = redis.Redis.from_url(self.broker_url, socket_timeout=2)
            keys = list(r.scan_iter(f"{self.prefix}*"))
            if keys:
                r.delete(*keys)
        except Exception:  # noqa: BLE001 clean-up of a test's keys is best effort; a down Redis was already reported
            pass
