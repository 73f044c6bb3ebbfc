"""copydesk.demo: the bundled corpora import without noise (their provenance key is not reported as unknown)."""

from __future__ import annotations

import itertools
import json

from copydesk.config import load_settings, render_config
from copydesk.demo import DEMO_CORPORA, PROVENANCE_KEYS, demo_file, without_provenance
from copydesk.pipeline import Desk
from copydesk.sources import load_registry


def test_without_provenance_drops_only_the_provenance_keys():
    for corpus in DEMO_CORPORA.values():
        with demo_file(corpus.articles).open("rb") as fh:
            raw = [line for line in fh if line.strip()]
        cleaned = list(without_provenance(raw))
        assert len(cleaned) == len(raw)
        for before, after in zip(raw, cleaned):
            a, b = json.loads(before), json.loads(after)
            assert not set(PROVENANCE_KEYS) & set(b)
            assert {k: v for k, v in a.items() if k not in PROVENANCE_KEYS} == b
    # lines that are not JSON objects are passed on for the import to report
    odd = [b"not json source_repo\n", b'["source_repo"]\n']
    assert list(without_provenance(odd)) == odd


def test_the_statements_corpus_imports_with_no_unknown_keys(tmp_path):
    corpus = DEMO_CORPORA["statements"]
    (tmp_path / "copydesk.toml").write_text(render_config(), encoding="utf-8")
    with demo_file(corpus.registry).open("rb") as fh:
        (tmp_path / "registry.toml").write_bytes(fh.read())
    desk = Desk(load_settings(tmp_path / "copydesk.toml"), load_registry(tmp_path / "registry.toml"))
    try:
        with demo_file(corpus.articles).open("rb") as fh:
            head = list(itertools.islice(fh, 20))
        assert any(b"source_repo" in line for line in head)  # the corpus carries the key ...
        raw = desk.import_lines(head[:10], source=corpus.articles)
        assert raw.counts.get("unknown-keys") == 10  # ... which the import format does not read
        rep = desk.import_lines(without_provenance(head[10:]), source=corpus.articles, origin="demo")
        assert "unknown-keys" not in rep.counts and not rep.errors, (rep.counts, rep.errors)
        assert rep.counts["stored"] == 10 and "outlet-claims-refused" not in rep.counts
    finally:
        desk.close()
