"""Fixtures for the ingest tests: a real loopback HTTP server and the shared data folders."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

TESTS = Path(__file__).resolve().parents[1]
if str(TESTS) not in sys.path:  # tests/localserver.py is shared with other test packages
    sys.path.insert(0, str(TESTS))

from localserver import server_fixture  # noqa: E402

DATA = TESTS / "data"
from testsupport import SHARED_DATA as SHARED  # noqa: E402  (../shared/data next to the repository)

local_server = server_fixture()


@pytest.fixture
def shared_data() -> Path:
    """The machine's shared corpus; tests that need it skip (visibly) when it is absent."""
    if not SHARED.is_dir():
        pytest.skip(f"shared data folder {SHARED} not present")
    return SHARED
