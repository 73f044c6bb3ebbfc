"""Every command in README.md is run by a test (house style 18; issue 13 item 5).

The README's fenced ``sh`` blocks are read here, line by line, and each command must be claimed by one of:

- the first block (``make demo``, ``make test``): the Makefile targets exist (tests/test_docs.py), ``.ci/run``
  runs ``make test`` (tests/test_docs.py), and the ``copydesk`` command ``make demo`` runs parses against the
  CLI and is the one the demo tests run (``test_make_demo_runs_the_demo_the_tests_run``);
- "Using it": ``test_using_it_as_a_user_would`` runs the block's lines in order in a temporary folder, exactly
  as written (only ``.venv/bin/copydesk`` is this test run's own console script, ``serve`` gets a free
  ``--port`` instead of 8000, and the registry ``init`` wrote is replaced by outlets whose feeds this test serves
  on 127.0.0.1, as a user puts their own outlets there). ``copydesk demo`` takes minutes; it is not run twice:
  its line must parse against the CLI and be, argument for argument, what the ``demo`` fixture of
  ``DEMO_TEST`` runs (``DIR`` and other upper-case placeholders match any expression there);
- "Benchmarks": each ``bench/NAME.py`` exists and is run, in a subprocess, with exactly the README's
  arguments up to the end of its argument parsing (its imports load and argparse accepts every option and value;
  the run stops there, the figures are the benches' job); the data folder the line names exists under
  ../shared/data when that is present; and ``BENCH_SUBSET_TESTS`` names the test that runs the bench's own
  scoring code on a fixed subset (or says that none does).

A line that none of these claims fails ``test_every_readme_command_is_claimed``, so a command added to the
README must come with a test; a misspelt or removed command or option, or one that fails, fails the test that
runs it.
"""

from __future__ import annotations

import ast
import gzip
import json
import os
import re
import shlex
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
import typer

from copydesk.cli import app
from copydesk.config import Settings
from copydesk.sources import load_registry
from testsupport import SHARED_DATA, outlet_toml, shared_data

REPO = Path(__file__).resolve().parent.parent
README = REPO / "README.md"
MAKEFILE = REPO / "Makefile"
PAGES = REPO / "tests" / "data" / "pages"
#: The test whose module fixture ``demo`` runs ``copydesk demo --no-serve --data-dir DIR`` (about 5 minutes).
DEMO_TEST = REPO / "tests" / "pipeline" / "test_demo_statements.py"
#: The README's "Using it" commands are written from the repository root, where `make` made `.venv`.
README_COPYDESK = REPO / ".venv" / "bin" / "copydesk"
#: What the README's comment on `init` promises: "a registry of 45+ real outlets".
MIN_DEFAULT_OUTLETS = 45

#: bench name -> (test file, module it imports) for the test that runs the bench's own scoring code on a fixed
#: subset of its data, or None where no test does (the README line is still run to the end of its parsing).
BENCH_SUBSET_TESTS: dict[str, tuple[str, str] | None] = {
    "cluster": ("tests/cluster/test_quality.py", "cluster"),
    "sections": ("tests/publish/test_publish_quality.py", "sections"),
    "related": ("tests/publish/test_publish_quality.py", "related"),
    "wire": ("tests/dedup/test_reprints.py", "_wirepairs"),  # the pair generator; wire.py scores in full only
    "throughput": None,  # a timing, not a score
    "faithfulness": ("tests/verify/test_verify_floors.py", "faithfulness"),
    "disagreement": ("tests/verify/test_verify_floors.py", "_disagreepairs"),
    "disagreement_real": ("tests/verify/test_verify_floors.py", "disagreement_real"),
    "loaded_language": ("tests/neutral/test_neutral_floors.py", "loaded_language"),
    "neutralize": ("tests/neutral/test_neutral_floors.py", "neutralize"),
    "neutral_summary": ("tests/neutral/test_neutral_floors.py", "neutral_summary"),
    "dates": None,  # counts over whole sets; the date readers themselves are tested in tests/ingest/test_dates.py
    "language": ("tests/lang/test_detect.py", "language"),
    "pages": ("tests/ingest/test_classify.py", "pages"),
    "headlines": ("tests/write/test_headline.py", "headlines"),
    "serve": ("tests/bench/test_serve_bench.py", '"serve.py"'),  # run whole as a subprocess on a 3-article site
    "demo": None,  # a timing of the bundled demo, which tests/pipeline/test_demo_statements.py runs whole
    "hostile": ("tests/bench/test_hostile_bench.py", '"hostile.py"'),  # run whole on a 28-case slice
    "crash": ("tests/bench/test_crash_bench.py", '"crash.py"'),  # run whole on its two scenarios without the model
    "soak": ("tests/bench/test_soak_bench.py", '"soak.py"'),  # run whole for half a minute
    "keepalive_race": None,  # a race over about a minute of timing; the soak's client setting is tested instead
}
#: Data folders a README bench line may read besides ../shared/data: made by a README command, not shipped.
LOCAL_DATA = {".copydesk-demo": "the data directory `make demo` fills"}


# ---------------------------------------------------------------------------------------------------------
# Reading the README
# ---------------------------------------------------------------------------------------------------------


def readme_blocks() -> list[tuple[str, list[str]]]:
    """(heading above it, command lines) of every fenced ``sh`` block; comments and blank lines dropped."""
    out, heading, block = [], "", None
    for line in README.read_text(encoding="utf-8").splitlines():
        if block is None:
            if m := re.match(r"#{1,6} (.*?)\s*$", line):
                heading = m.group(1)
            elif re.match(r"```\s*(sh|bash|shell|console)\s*$", line):
                block = []
            elif line.startswith("```"):  # a fence of another language: skip to its end
                block = False
        elif line.startswith("```"):
            if block is not False:
                out.append((heading, block))
            block = None
        elif block is not False:
            command = line.split(" #", 1)[0].strip() if not line.lstrip().startswith("#") else ""
            if command:
                block.append(command)
    return out


def _block(heading: str) -> list[str]:
    found = [cmds for h, cmds in readme_blocks() if h == heading]
    assert len(found) == 1, f"README.md needs exactly one sh block under {heading!r}, found {len(found)}"
    return found[0]


BLOCKS = readme_blocks()
FIRST_BLOCK_HEADING = "copydesk"  # the title: the block before any section
USING_IT, BENCHMARKS = "Using it", "Benchmarks"


def _is_copydesk(argv: list[str]) -> bool:
    return bool(argv) and Path(argv[0]).name == "copydesk"


def _is_bench(argv: list[str]) -> bool:
    return len(argv) >= 2 and Path(argv[0]).name == "python" and argv[1].startswith("bench/")


def _claim(heading: str, line: str) -> str | None:
    """Which test runs this README line, or None."""
    argv = shlex.split(line)
    if heading == FIRST_BLOCK_HEADING and line in ("make demo", "make test"):
        return "Makefile targets and .ci/run (tests/test_docs.py), test_make_demo_runs_the_demo_the_tests_run"
    if heading == USING_IT and (_is_copydesk(argv) or argv[0] == "cd"):
        return "test_using_it_as_a_user_would"
    if heading == BENCHMARKS and _is_bench(argv):
        return "test_bench_line_loads_and_parses_its_arguments"
    return None


def test_the_readme_walk_finds_the_blocks():
    # Guards the parsing itself: if it found nothing, the tests below would pass vacuously.
    headings = [h for h, _ in BLOCKS]
    assert headings[0] == FIRST_BLOCK_HEADING and USING_IT in headings and BENCHMARKS in headings
    assert any(line.endswith("copydesk run --once") for line in _block(USING_IT))
    assert len(_block(BENCHMARKS)) >= 10


def test_every_readme_command_is_claimed():
    unclaimed = [f"{h}: {line}" for h, cmds in BLOCKS for line in cmds if _claim(h, line) is None]
    assert not unclaimed, (
        "README.md has commands no test runs; add them to tests/test_readme_commands.py: " + "; ".join(unclaimed)
    )


# ---------------------------------------------------------------------------------------------------------
# The command line, parsed as the CLI parses it (no command body runs)
# ---------------------------------------------------------------------------------------------------------


def parse_cli(args: list[str]) -> tuple[str, dict]:
    """("demo", {param: value}) as click parses ``copydesk ARGS``; raises click's usage error on a misspelt
    command, an unknown option or a bad value."""
    cmd, ctx, path = typer.main.get_command(app), None, []
    while hasattr(cmd, "commands"):
        assert args and args[0] in cmd.commands, f"`copydesk {' '.join(path)}` has no command {args[:1]}"
        path.append(args[0])
        cmd, args = cmd.commands[args[0]], args[1:]
    ctx = cmd.make_context(" ".join(["copydesk", *path]), list(args))
    return " ".join(path), dict(ctx.params)


def _fixture_argv(test_file: Path, fixture: str) -> list[str | None]:
    """The arguments after "copydesk" of the one list literal in ``fixture`` that runs copydesk (``-m
    copydesk``); None for an element that is not a string constant (a path the test makes)."""
    tree = ast.parse(test_file.read_text(encoding="utf-8"))
    func = next((n for n in ast.walk(tree) if isinstance(n, ast.FunctionDef) and n.name == fixture), None)
    assert func is not None, f"{test_file.name} has no function {fixture}"
    for node in ast.walk(func):
        if isinstance(node, ast.List):
            items = [e.value if isinstance(e, ast.Constant) and isinstance(e.value, str) else None for e in node.elts]
            if "copydesk" in items:
                return items[items.index("copydesk") + 1 :]
    raise AssertionError(f"{test_file.name}::{fixture} runs no copydesk command")


def _placeholder(token: str) -> bool:
    """DIR, FILE.jsonl: a word the README means the user to replace."""
    return bool(re.fullmatch(r"[A-Z][A-Z_]*(\.\w+)?", token))


def _run_by_demo_test(readme_args: list[str]) -> None:
    ran = _fixture_argv(DEMO_TEST, "demo")
    matches = len(ran) == len(readme_args) and all(
        (r is None) if _placeholder(a) else (r == a) for a, r in zip(readme_args, ran)
    )
    assert matches, (
        f"README runs `copydesk {' '.join(readme_args)}` but {DEMO_TEST.name} runs `copydesk "
        f"{' '.join(r or '<path>' for r in ran)}`: run the README's line there, or change the README"
    )


def test_make_demo_runs_the_demo_the_tests_run():
    """`make demo` runs `copydesk demo --data-dir .copydesk-demo` (serving at the end): the same command as the
    demo test's, on the same default corpus, but serving."""
    recipe = re.search(r"^demo:.*\n((?:\t.*\n)+)", MAKEFILE.read_text(encoding="utf-8"), re.M)
    assert recipe, "Makefile has no demo target with a recipe"
    lines = [shlex.split(x.strip()) for x in recipe.group(1).splitlines()]
    runs = [argv for argv in lines if argv and argv[0].endswith("/copydesk")]
    assert len(runs) == 1, f"Makefile's demo target should run copydesk once: {recipe.group(1)!r}"
    command, params = parse_cli(runs[0][1:])
    assert command == "demo" and params["serve"], params
    _, tested = parse_cli([a if a is not None else "DIR" for a in _fixture_argv(DEMO_TEST, "demo")])
    assert params["corpus"] == tested["corpus"], "make demo and the demo test use different corpora"


def test_parse_cli_catches_what_the_mapping_would_miss():
    # A misspelt option of a line that is mapped rather than run must still fail.
    with pytest.raises(Exception, match="No such option"):
        parse_cli(["demo", "--no-serv", "--data-dir", "DIR"])
    with pytest.raises(AssertionError, match="no command"):
        parse_cli(["demoo"])


# ---------------------------------------------------------------------------------------------------------
# "Using it", run as a user would
# ---------------------------------------------------------------------------------------------------------


def _copydesk_bin() -> list[str]:
    """This test run's own console script (what `make` puts at .venv/bin/copydesk), else the module."""
    script = Path(sys.executable).with_name("copydesk")
    return [str(script)] if script.exists() else [sys.executable, "-m", "copydesk"]


def _env() -> dict[str, str]:
    """The environment of a user's shell: no COPYDESK_* setting from ours, fetching allowed on loopback."""
    prefixes = tuple(f"COPYDESK_{name.upper()}" for name in Settings.model_fields)
    env = {k: v for k, v in os.environ.items() if not k.upper().startswith(prefixes)}
    env.update(
        COPYDESK_FETCH__ALLOW_PRIVATE_ADDRESSES="true",
        COPYDESK_FETCH__PER_HOST_INTERVAL_S="0",
        COPYDESK_FETCH__DEADLINE_S="10",
    )
    return env


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _get(url: str, timeout: float = 5) -> tuple[int, bytes]:
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))  # loopback: never through a proxy
    with opener.open(url, timeout=timeout) as resp:
        return resp.status, resp.read()


def _serve_and_get(argv: list[str], cwd: Path, env: dict[str, str]) -> dict[str, bytes]:
    """Start `copydesk serve` on a free port, GET the home page and the API, stop it."""
    port = _free_port()
    proc = subprocess.Popen(
        [*argv, "--port", str(port)], cwd=cwd, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )
    got: dict[str, bytes] = {}
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and proc.poll() is None:
            try:
                status, got["/"] = _get(f"http://127.0.0.1:{port}/")
                assert status == 200
                break
            except OSError:
                time.sleep(0.3)
        assert proc.poll() is None, f"`copydesk serve` exited {proc.returncode}: {proc.communicate()[1][-2000:]}"
        assert "/" in got, "`copydesk serve` did not answer within 60 s"
        got["/api/stories.json"] = _get(f"http://127.0.0.1:{port}/api/stories.json")[1]
    finally:
        proc.terminate()
        try:
            proc.communicate(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.communicate()
    return got


def _loopback_registry(server) -> str:
    """The user's own outlets: one whose feed lists two real recorded articles served on loopback."""
    pages = [p for p in json.loads((PAGES / "pages.json").read_text()) if not p["paywalled"]]
    items = ""
    for i, page in enumerate(pages):
        server.add(f"/a/{i}", gzip.decompress((PAGES / page["file"]).read_bytes()), content_type="text/html")
        items += (
            f"<item><title>{page['title_contains']} report {i}</title><link>{server.url(f'/a/{i}')}</link>"
            f"<pubDate>Mon, 23 Nov 2026 0{i}:00:00 GMT</pubDate><description>Summary {i}.</description></item>"
        )
    server.add(
        "/feed.xml",
        f'<?xml version="1.0"?><rss version="2.0"><channel><title>Local</title>{items}</channel></rss>',
        content_type="application/rss+xml",
    )
    return outlet_toml("local", "Loopback Herald", server.url("/feed.xml"))


#: A small import file for `copydesk import FILE.jsonl`: one article of an outlet that is not in the registry.
IMPORT_LINE = {
    "url": "https://harbour.example.org/2026/11/24/ferry",
    "title": "Night ferry to the islands resumes after storm repairs",
    "outlet": "Harbour Gazette",
    "published": "2026-11-24T08:00:00Z",
    "language": "en",
    "text": (
        "The night ferry to the outer islands resumed service on Tuesday after three weeks of storm repairs "
        "to the harbour wall. The port authority said the first crossing left on time with 212 passengers "
        "aboard. Engineers replaced forty metres of the wall that the November storm had broken. Islanders "
        "had relied on a smaller day boat since the storm, which cut the number of crossings by half. "
        "The authority said the repairs cost 1.4 million euros and were paid from its reserve fund. "
        "Freight services will return to the full timetable next week, the authority said."
    ),
}


def _using_it_copydesk_lines() -> list[list[str]]:
    return [argv for argv in map(shlex.split, _block(USING_IT)) if _is_copydesk(argv)]


def test_using_it_lines_parse_against_the_cli(tmp_path, monkeypatch):
    """The quick half of the walk below (which is marked slow): every command, option and value is the CLI's."""
    monkeypatch.chdir(tmp_path)
    for argv in _using_it_copydesk_lines():
        for arg in argv[2:]:
            if arg.endswith(".jsonl") and _placeholder(arg):
                (tmp_path / arg).write_text("", encoding="utf-8")  # `import` checks that its file exists
        parse_cli(argv[1:])


def test_readme_demo_line_is_what_the_demo_test_runs():
    demos = [argv for argv in _using_it_copydesk_lines() if argv[1] == "demo"]
    assert demos, "README's 'Using it' no longer shows `copydesk demo`; drop this test if that is meant"
    for argv in demos:
        _run_by_demo_test(argv[1:])


@pytest.mark.slow
@pytest.mark.timeout(240)
def test_using_it_as_a_user_would(tmp_path, monkeypatch):
    from localserver import serve

    lines = _block(USING_IT)
    env, copydesk = _env(), _copydesk_bin()
    cwd, rel = tmp_path, Path(".")  # where the user is, and where that is relative to the repository root
    done: list[str] = []
    with serve() as server:
        for line in lines:
            argv = shlex.split(line)
            if argv[0] == "cd":
                cwd, rel = cwd / argv[1], rel / argv[1]
                assert cwd.is_dir(), f"README: `{line}`: no folder {argv[1]} (the commands before make it)"
                done.append("cd")
                continue
            assert _is_copydesk(argv), line
            # The path the README gives is .venv/bin/copydesk as seen from where the user is at that line.
            assert os.path.normpath(REPO / rel / argv[0]) == str(README_COPYDESK), (
                f"README: `{line}`: from {rel}/ that is not the repository's .venv/bin/copydesk"
            )
            if argv[1] == "import":  # the user's file, which the CLI checks exists: a small one of ours
                (cwd / argv[2]).write_text(json.dumps(IMPORT_LINE) + "\n", encoding="utf-8")
            monkeypatch.chdir(cwd)  # relative paths parse as from the user's folder
            command, params = parse_cli(argv[1:])
            run = [*copydesk, *argv[1:]]

            def check(result: subprocess.CompletedProcess) -> subprocess.CompletedProcess:
                assert result.returncode == 0, (
                    f"README: `{line}` exited {result.returncode}:\n{result.stdout[-2000:]}\n{result.stderr[-3000:]}"
                )
                return result

            def sh() -> subprocess.CompletedProcess:
                return check(subprocess.run(run, cwd=cwd, env=env, capture_output=True, text=True, timeout=180))

            if command == "init":
                sh()
                folder = cwd / params["directory"]
                toml = (folder / "copydesk.toml").read_text(encoding="utf-8")
                assert f'base_url = "{params["base_url"]}"' in toml
                assert len(load_registry(folder / "sources.toml")) >= MIN_DEFAULT_OUTLETS
                # the user puts their own outlets in the registry; here, ones served on loopback
                (folder / "sources.toml").write_text(_loopback_registry(server), encoding="utf-8")
            elif command == "run":
                assert params["once"], "a `run` without --once would never return"
                out = sh().stdout
                assert re.search(r"stored [1-9]", out) and "published" in out, out
                stories = json.loads((cwd / "site" / "api" / "stories.json").read_text())["stories"]
                assert stories and (cwd / "site" / "story" / stories[0]["slug"] / "index.html").exists()
                assert {r.path for r in server.requests} >= {"/feed.xml", "/a/0", "/a/1"}
            elif command == "serve":
                assert params["port"] == 8000  # the address the README's comment gives
                got = _serve_and_get(run, cwd, env)
                assert b"Top stories" in got["/"]
                assert json.loads(got["/api/stories.json"])["stories"]
            elif command == "sources status":
                out = sh().stdout
                row = next((x for x in out.splitlines() if x.startswith("local")), "")
                assert " ok" in row, out
            elif command == "import":
                out = sh().stdout
                assert "stored 1" in out, out
            elif command == "export":
                out_dir = cwd / params["out"]
                sh()
                stories = json.loads((out_dir / "api" / "stories.json").read_text())["stories"]
                assert (out_dir / "index.html").exists() and stories
                assert IMPORT_LINE["url"] in json.dumps(stories), "the imported article is not in the export"
            elif command == "demo":
                _run_by_demo_test(argv[1:])  # minutes long: run by DEMO_TEST, not twice
            else:
                pytest.fail(
                    f"README runs `copydesk {command}` but this test does not know what it should do; add a step for it"
                )
            done.append(command)
    assert done[:2] == ["init", "cd"] and "run" in done and "serve" in done, done


# ---------------------------------------------------------------------------------------------------------
# Benchmarks
# ---------------------------------------------------------------------------------------------------------

#: Runs each bench script as `python bench/NAME.py ARGS` would, stopping when argparse has parsed ARGS.
_PARSE_ONLY = r"""
import argparse, contextlib, io, json, runpy, sys
from pathlib import Path

class Parsed(BaseException):
    pass

original = argparse.ArgumentParser.parse_args

def parse_args(self, args=None, namespace=None):
    ns = original(self, args, namespace)
    raise Parsed(vars(ns))

argparse.ArgumentParser.parse_args = parse_args
for script, args in json.loads(sys.argv[1]):
    sys.argv = [script, *args]
    sys.path[0] = str(Path(script).resolve().parent)
    err = io.StringIO()
    try:
        with contextlib.redirect_stderr(err):
            runpy.run_path(script, run_name="__main__")
        result = {"error": "finished without parsing arguments"}
    except Parsed as p:
        result = {"parsed": {k: str(v) for k, v in p.args[0].items()}}
    except SystemExit as e:
        result = {"error": f"exit {e.code}: {err.getvalue()[-1500:]}"}
    except Exception as e:
        result = {"error": f"{type(e).__name__}: {e}"}
    print(json.dumps([script, result]), flush=True)
"""


def _bench_lines() -> list[list[str]]:
    return [shlex.split(line) for line in _block(BENCHMARKS) if _is_bench(shlex.split(line))]


def _bench_name(argv: list[str]) -> str:
    return Path(argv[1]).stem


def _data_arg(arg: str) -> str:
    """The README's ../shared/data (next to the repository) is where this machine keeps it (SHARED_DATA)."""
    return str(SHARED_DATA) + arg[len("../shared/data") :] if arg.startswith("../shared/data") else arg


@pytest.fixture(scope="module")
def bench_parses() -> dict[str, dict]:
    """One subprocess runs every README bench line to the end of its argument parsing: {line: result}."""
    lines = [argv for argv in _bench_lines() if (REPO / argv[1]).exists()]
    jobs = [[argv[1], [_data_arg(a) for a in argv[2:]]] for argv in lines]
    out = subprocess.run(
        [sys.executable, "-c", _PARSE_ONLY, json.dumps(jobs)], cwd=REPO, capture_output=True, text=True, timeout=240
    )
    assert out.returncode == 0, out.stderr[-3000:]
    results = [result for _, result in map(json.loads, out.stdout.splitlines())]
    assert len(results) == len(lines), out.stdout
    return {shlex.join(argv): result for argv, result in zip(lines, results)}


@pytest.mark.parametrize("argv", _bench_lines(), ids=_bench_name)
def test_bench_line_loads_and_parses_its_arguments(argv, bench_parses):
    script = REPO / argv[1]
    assert script.exists(), f"README runs {argv[1]}, which does not exist"
    assert Path(argv[0]).name == "python" and argv[0] == ".venv/bin/python", f"README: {' '.join(argv)}"
    result = bench_parses[shlex.join(argv)]
    assert "parsed" in result, f"README: `{' '.join(argv)}`: {result.get('error')}"
    if len(argv) > 2 and not argv[2].startswith("-"):  # the data folder, relative to the repository
        assert argv[2].startswith("../shared/data") or argv[2] in LOCAL_DATA, (
            f"README: {argv[1]} reads {argv[2]}, not ../shared/data"
        )


@pytest.mark.parametrize("argv", _bench_lines(), ids=_bench_name)
def test_bench_data_folder_exists(argv):
    if len(argv) < 3 or argv[2].startswith("-"):
        pytest.skip(f"{argv[1]} reads the bundled demo corpus, not a data folder")
    if any(a in LOCAL_DATA for a in argv[2:]):
        pytest.skip(f"{argv[1]} reads {LOCAL_DATA[next(a for a in argv[2:] if a in LOCAL_DATA)]}")
    data = [a for a in argv[2:] if a.startswith("../shared/data")]
    assert data, f"README: {argv[1]} names no data folder"
    shared_data()  # skips, naming it, where the evaluation data is absent
    assert Path(_data_arg(data[0])).exists(), f"README: {argv[1]} reads {data[0]}, which does not exist"


def test_every_readme_bench_names_the_test_that_runs_its_scoring():
    names = [_bench_name(argv) for argv in _bench_lines()]
    assert set(names) == set(BENCH_SUBSET_TESTS), (
        "README's benches and BENCH_SUBSET_TESTS differ: name the test that runs each new bench's scoring on a "
        "subset (or None)"
    )
    for name, where in BENCH_SUBSET_TESTS.items():
        if where is None:
            continue
        test_file, module = where
        source = (REPO / test_file).read_text(encoding="utf-8")
        if module.startswith('"'):  # the test runs the bench script whole, by its file name
            assert module in source, f"{test_file} no longer runs bench/{module.strip(chr(34))}"
            continue
        assert re.search(rf"^\s*(import {module}\b|from {module} import)", source, re.M), (
            f"{test_file} no longer imports bench/{module}.py"
        )
