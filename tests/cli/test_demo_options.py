"""`copydesk demo --corpus NAME`: the choice of corpus and the data directory that holds one (no model run)."""

from __future__ import annotations

from typer.testing import CliRunner

from copydesk.cli import app
from copydesk.demo import DEFAULT_CORPUS, DEMO_CORPORA, demo_file


def test_unknown_corpus_is_a_usage_error(tmp_path):
    out = CliRunner().invoke(app, ["demo", "--corpus", "nope", "--no-serve", "--data-dir", str(tmp_path / "d")])
    assert out.exit_code == 2
    assert "no corpus 'nope'" in out.output and "statements" in out.output


def test_a_data_directory_holds_one_corpus(tmp_path):
    d = tmp_path / "d"
    d.mkdir()
    (d / ".demo-corpus").write_text("wikinews\n", encoding="utf-8")
    out = CliRunner().invoke(app, ["demo", "--corpus", "statements", "--no-serve", "--data-dir", str(d)])
    assert out.exit_code == 2 and "holds the 'wikinews' demo" in out.output


def test_every_corpus_ships_its_files_and_the_default_is_statements():
    assert DEFAULT_CORPUS == "statements"
    for c in DEMO_CORPORA.values():
        for rel in (c.articles, c.registry, c.readme):
            assert demo_file(rel).is_file(), rel
    readme = demo_file(DEMO_CORPORA["statements"].readme).read_text(encoding="utf-8")
    assert "CC BY 4.0" in readme and "President of Russia, en.kremlin.ru" in readme
