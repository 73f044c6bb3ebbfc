"""Root of the test suite: puts tests/ on sys.path so test modules can import `testsupport` and
`localserver` (the loopback HTTP server), and gives every test the `db_url` fixture: an empty database on
each backend (SQLite, and PostgreSQL from COPYDESK_TEST_POSTGRES_URL in a schema of its own)."""

import sys
from pathlib import Path

import pytest

TESTS = Path(__file__).resolve().parent
if str(TESTS) not in sys.path:
    sys.path.insert(0, str(TESTS))

from testsupport import DATABASES, database  # noqa: E402


@pytest.fixture(params=DATABASES)
def db_url(request, tmp_path):
    """An empty database's URL, once on SQLite and once on PostgreSQL (a fresh schema, dropped afterwards)."""
    with database(request.param, tmp_path) as url:
        yield url
