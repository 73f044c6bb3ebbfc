"""The editor never damages a sentence (issue 12, item 5): real sentences whose loaded-looking words are fixed
terms, literal senses, facts or names come out of `neutralize` exactly as they went in.

Every sentence was taken from a real set (tests/data/neutral/README.md says where, under which licence, and how
they were found: most are sentences the editor once changed for the worse, the reason in each row's ``why``).
Sentences under a licence that lets them be copied are in ``keep.jsonl``; the others are read from
../shared/data at run time through ``keep_shared.jsonl`` (file, line, field and character offsets, and the
sha256 of the sentence so that a changed data file is noticed)."""

from __future__ import annotations

import hashlib
import json

from testsupport import REPO, shared_data

from copydesk.neutral import neutralize

DATA = REPO / "tests" / "data" / "neutral"


def _rows(name: str) -> list[dict]:
    with (DATA / name).open(encoding="utf-8") as fh:
        return [json.loads(line) for line in fh if line.strip()]


def _field(record, path):
    for key in path:
        record = record[key]
    return record


def _damaged(texts: list[str]) -> list[tuple[str, tuple]]:
    out = []
    for t in texts:
        new, edits = neutralize(t)
        if edits or new != t:
            out.append((t, tuple((e.before, e.after) for e in edits)))
    return out


def test_shipped_keep_set_comes_out_unchanged() -> None:
    rows = _rows("keep.jsonl")
    assert len(rows) >= 200 and all(r["licence"] and r["source"] and r["why"] for r in rows)
    damaged = _damaged([r["text"] for r in rows])
    assert not damaged, f"{len(damaged)} of {len(rows)} kept sentences edited, e.g. {damaged[:5]}"


def test_keep_set_from_shared_data_comes_out_unchanged() -> None:
    rows = _rows("keep_shared.jsonl")
    texts, files = [], {}
    for r in rows:
        if r["file"] not in files:
            with shared_data(*r["file"].split("/")).open(encoding="utf-8") as fh:
                files[r["file"]] = fh.read().splitlines()
        text = _field(json.loads(files[r["file"]][r["line"]]), r["field"])[r["start"] : r["end"]]
        if r.get("whitespace") == "collapsed":
            text = " ".join(text.split())
        assert hashlib.sha256(text.encode()).hexdigest() == r["sha256"], f"{r['file']} changed: {text[:80]}"
        texts.append(text)
    assert len(texts) >= 150
    damaged = _damaged(texts)
    assert not damaged, f"{len(damaged)} of {len(texts)} kept sentences edited, e.g. {damaged[:5]}"
