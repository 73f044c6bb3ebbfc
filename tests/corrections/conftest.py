import sys
from pathlib import Path

import pytest

HERE = Path(__file__).resolve().parent
for p in (HERE, HERE.parent / "web", HERE.parent / "newsletter"):  # helpers, html_check, smtpserver
    if str(p) not in sys.path:
        sys.path.insert(0, str(p))


@pytest.fixture
def smtp():
    smtpserver = pytest.importorskip("smtpserver", reason="aiosmtpd is missing (pip install '.[test]')")
    with smtpserver.SmtpServer() as server:
        yield server
