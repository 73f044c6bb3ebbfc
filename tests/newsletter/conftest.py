import sys
from pathlib import Path

import pytest

HERE = Path(__file__).resolve().parent
for p in (HERE, HERE.parent / "web"):  # smtpserver, and the web tests' sample edition
    if str(p) not in sys.path:
        sys.path.insert(0, str(p))

from smtpserver import SmtpServer  # noqa: E402


@pytest.fixture
def smtp():
    with SmtpServer() as server:
        yield server
