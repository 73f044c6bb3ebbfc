"""Root of the test suite: puts tests/ on sys.path so test modules can import `testsupport` and
`localserver` (the loopback HTTP server)."""

import sys
from pathlib import Path

TESTS = Path(__file__).resolve().parent
if str(TESTS) not in sys.path:
    sys.path.insert(0, str(TESTS))
