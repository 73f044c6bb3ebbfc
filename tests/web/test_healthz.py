"""`/healthz`, the health check of `copydesk serve` (load balancers, systemd watchdogs, compose health checks): a
round trip to the database on each backend, 200 with the schema's revision while it answers, 503 when it cannot be
reached, never cached."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlalchemy import create_engine

import sample_edition
from copydesk.store import Store
from copydesk.web.app import create_app


def test_healthz_asks_the_database(db_url, tmp_path):
    store = Store(db_url)
    edition = sample_edition.build_edition()
    client = TestClient(create_app(lambda: edition, database=store.ping))
    try:
        r = client.get("/healthz")
        assert r.status_code == 200 and r.headers["cache-control"] == "no-store"
        body = r.json()
        assert body["status"] == "ok" and body["stories"] == len(edition.stories)
        assert body["schema"] == store.ping() and body["schema"] is not None and body["schema"].isdigit()

        # The database goes away (a server stopped, a disk unmounted): the process says it is unhealthy.
        store.engine.dispose()
        gone = (
            f"sqlite:///{tmp_path}/no/such/folder/x.sqlite3"
            if db_url.startswith("sqlite")
            else "postgresql+psycopg://postgres@127.0.0.1:1/test?connect_timeout=2"
        )
        store.engine = create_engine(gone)
        r = client.get("/healthz")
        assert r.status_code == 503 and r.headers["cache-control"] == "no-store"
        assert r.json()["status"] == "error" and r.json()["error"].startswith("database unreachable")
        assert "127.0.0.1:1" not in r.text and "no/such" not in r.text  # where the database lives is not told
    finally:
        client.close()
        store.close()


def test_healthz_without_a_database_reports_the_edition():
    edition = sample_edition.build_edition()
    with TestClient(create_app(lambda: edition)) as client:
        body = client.get("/healthz").json()
    assert body == {"status": "ok", "stories": len(edition.stories), "generated": body["generated"]}
    assert body["generated"].startswith(str(edition.generated.year))
