"""Docs are contracts that tests check (house style 18).

docs/CLI.md must document every command and option of the Typer app, every setting of ``Settings``, every
field of the JSON Lines import, every published file and served URL, and every key of the JSON API. Each test
reads the thing documented from the code itself (the click command tree, the pydantic models, the import
reader's source, the renderers' output), so adding a command, option, setting, field, file or key without
documenting it fails here, and so does documenting one that no longer exists. README.md and .ci/run keep to the
two commands of house style 19; every other command of README.md is run by tests/test_readme_commands.py.
"""

from __future__ import annotations

import ast
import dataclasses
import inspect
import json
import re
import typing
from datetime import datetime, timezone
from pathlib import Path

import pytest
import typer
from pydantic import BaseModel

from copydesk.cli import app
from copydesk.config import Settings
from copydesk.ingest import jsonl
from copydesk.models import (
    UNRATED,
    Briefing,
    Edition,
    EditionStory,
    Narration,
    Outlet,
    Rating,
    Revision,
    Section,
    SectionConfig,
    SiteIdentity,
    SourceLink,
    Support,
    WrittenSentence,
    WrittenStory,
)
from copydesk.web import render
from copydesk.web.app import create_app
from copydesk.web.export import site_files

REPO = Path(__file__).resolve().parent.parent
CLI_MD = REPO / "docs" / "CLI.md"
README = REPO / "README.md"
CI_RUN = REPO / ".ci" / "run"
MAKEFILE = REPO / "Makefile"


# ---------------------------------------------------------------------------------------------------------
# Reading docs/CLI.md
# ---------------------------------------------------------------------------------------------------------


def _doc() -> str:
    return CLI_MD.read_text(encoding="utf-8")


def _headings(text: str) -> list[tuple[int, str, int, int]]:
    """(level, title, start of body, end of line) of every Markdown heading outside fenced code blocks."""
    out, fenced, pos = [], False, 0
    for line in text.splitlines(keepends=True):
        if line.startswith("```"):
            fenced = not fenced
        elif not fenced and (m := re.match(r"(#{1,6}) (.*?)\s*$", line)):
            out.append((len(m.group(1)), m.group(2), pos + len(line), pos))
        pos += len(line)
    return out


def _section(text: str, match: typing.Callable[[str], bool], what: str) -> str:
    """The text under the one heading whose title satisfies ``match``, up to the next heading of the same or a
    higher level."""
    heads = _headings(text)
    found = [i for i, h in enumerate(heads) if match(h[1])]
    assert len(found) == 1, f"docs/CLI.md needs exactly one heading for {what}, found {len(found)}"
    i = found[0]
    level, _, body, _ = heads[i]
    end = next((h[3] for h in heads[i + 1 :] if h[0] <= level), len(text))
    return text[body:end]


def _titled(text: str, title: str) -> str:
    return _section(text, lambda t: t == title, repr(title))


def _table_rows(text: str) -> dict[str, list[str]]:
    """Table rows whose first cell is one code span, keyed by that span's text: {`key`: [cells...]}."""
    rows: dict[str, list[str]] = {}
    for line in text.splitlines():
        m = re.match(r"\| `([^`]+)` \|", line)
        if m:
            assert m.group(1) not in rows, f"docs/CLI.md lists {m.group(1)!r} twice in one section"
            rows[m.group(1)] = [c.strip() for c in line.strip().strip("|").split("|")]
    return rows


def _code_words(text: str) -> set[str]:
    """Every identifier-like word inside a code span of ``text`` (spans may wrap lines)."""
    return {w for span in re.findall(r"`([^`]+)`", text) for w in re.findall(r"[A-Za-z_][A-Za-z0-9_]*", span)}


# ---------------------------------------------------------------------------------------------------------
# Commands and options
# ---------------------------------------------------------------------------------------------------------


def _commands() -> list[tuple[str, typing.Any]]:
    """("copydesk sources status", command) for the app and every visible command and subcommand."""
    out: list[tuple[str, typing.Any]] = []

    def walk(cmd: typing.Any, path: str) -> None:
        out.append((path, cmd))
        for name, sub in sorted(getattr(cmd, "commands", {}).items()):
            if not getattr(sub, "hidden", False):
                walk(sub, f"{path} {name}")

    walk(typer.main.get_command(app), "copydesk")
    return out


COMMANDS = _commands()


def _command_section(path: str) -> str:
    return _section(_titled(_doc(), "Commands"), lambda t: t.startswith(f"`{path}`"), f"`{path}`")


def _documented_options(section: str) -> set[str]:
    """Options named in the first cell of the option table rows (``| `--force` / `--no-force` | ...``)."""
    found: set[str] = set()
    for line in section.splitlines():
        if line.startswith("| `-"):
            found.update(re.findall(r"`(-[-\w]+)`", line.strip().strip("|").split("|")[0]))
    return found


def test_the_command_tree_is_what_we_think_it_is():
    # Guards the introspection itself: if this walk found nothing, the tests below would pass vacuously.
    paths = {p for p, _ in COMMANDS}
    assert {
        "copydesk",
        "copydesk init",
        "copydesk run",
        "copydesk import",
        "copydesk demo",
        "copydesk serve",
        "copydesk export",
        "copydesk sources",
        "copydesk sources status",
        "copydesk sources import-opml",
        "copydesk sources export-opml",
    } <= paths
    options = {o for _, c in COMMANDS for p in c.params if p.param_type_name == "option" for o in p.opts}
    assert {"--log-level", "--once", "--out", "--config", "--data-dir", "--force"} <= options


@pytest.mark.parametrize("path, cmd", COMMANDS, ids=[p for p, _ in COMMANDS])
def test_every_command_option_and_argument_is_documented(path, cmd):
    """Each command has its own heading; each option a row in that command's option table; each argument is
    shown in the command's Usage line."""
    sec = _command_section(path)
    documented = _documented_options(sec)
    for param in cmd.params:
        if getattr(param, "hidden", False):
            continue
        if param.param_type_name == "argument":
            name = param.name.upper()
            assert re.search(rf"Usage: `{re.escape(path)} [^`]*\b{name}\b", sec), (
                f"docs/CLI.md: the Usage line of `{path}` does not show its argument {name}"
            )
            continue
        for opt in [*param.opts, *getattr(param, "secondary_opts", [])]:
            assert opt in documented, f"docs/CLI.md: option `{opt}` of `{path}` has no row in its option table"


@pytest.mark.parametrize("path, cmd", COMMANDS, ids=[p for p, _ in COMMANDS])
def test_no_documented_option_is_stale(path, cmd):
    real = {o for p in cmd.params for o in [*p.opts, *getattr(p, "secondary_opts", [])]}
    stale = _documented_options(_command_section(path)) - real
    assert not stale, f"docs/CLI.md documents {sorted(stale)} for `{path}`, which has no such option"


def test_no_documented_command_is_stale():
    real = {p for p, _ in COMMANDS}
    for level, title, _, _ in _headings(_titled(_doc(), "Commands")):
        m = re.match(r"`(copydesk[^`]*)`", title)
        if m:
            assert m.group(1) in real, f"docs/CLI.md documents `{m.group(1)}`, which is not a command"


def test_exit_codes_are_documented():
    rows = _table_rows(_titled(_doc(), "Exit codes"))
    assert {"0", "1", "2"} <= set(rows)
    assert "configuration error" in rows["2"][1] and "registry error" in rows["2"][1]


# ---------------------------------------------------------------------------------------------------------
# Settings
# ---------------------------------------------------------------------------------------------------------


def _models_in(annotation: typing.Any) -> tuple[type[BaseModel] | None, bool]:
    """(model, is_list) when ``annotation`` is a model, an optional model or a list of models."""
    origin, args = typing.get_origin(annotation), typing.get_args(annotation)
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation, False
    if origin in (list, tuple, set, frozenset) and args:
        model, _ = _models_in(args[0])
        return model, model is not None
    if args:  # Optional[...] / Union[...]
        for arg in args:
            model, is_list = _models_in(arg)
            if model is not None:
                return model, is_list
    return None, False


def _settings() -> list[tuple[str, str, typing.Any]]:
    """(key, environment variable, pydantic field) for every setting, tables walked recursively.

    A key of a table is ``table.key`` with variable ``COPYDESK_TABLE__KEY``; a key of an array of tables is
    ``array.key``, set from the environment as the whole array (``COPYDESK_ARRAY``, JSON).
    """
    out: list[tuple[str, str, typing.Any]] = []

    def walk(model: type[BaseModel], prefix: str, env: str, env_fixed: str | None) -> None:
        for name, field in model.model_fields.items():
            key, var = f"{prefix}{name}", env_fixed or f"{env}{name.upper()}"
            sub, is_list = _models_in(field.annotation)
            if sub is None:
                out.append((key, var, field))
            else:
                walk(sub, f"{key}.", f"{var}__", var if (is_list or env_fixed) else None)

    walk(Settings, "", "COPYDESK_", None)
    return out


SETTINGS = _settings()


def _toml_literal(value: typing.Any) -> str | None:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return repr(value)
    if isinstance(value, str | Path):
        return json.dumps(str(value))
    if isinstance(value, list) and not value:
        return "[]"
    return None


def test_the_settings_walk_finds_the_tables():
    keys = {k for k, _, _ in SETTINGS}
    assert {
        "site.name",
        "sections.slug",
        "sources.file",
        "database.url",
        "model.embedding",
        "schedule.poll_minutes",
        "fetch.timeout_s",
        "data_dir",
    } <= keys
    assert dict((k, v) for k, v, _ in SETTINGS)["database.url"] == "COPYDESK_DATABASE__URL"


@pytest.mark.parametrize("key, env, field", SETTINGS, ids=[k for k, _, _ in SETTINGS])
def test_every_setting_is_documented_with_its_default_and_variable(key, env, field):
    rows = _table_rows(_titled(_doc(), "Settings (`copydesk.toml`)"))
    assert key in rows, f"docs/CLI.md: setting `{key}` has no row in the settings tables"
    cells = rows[key]
    assert len(cells) == 5, f"docs/CLI.md: the row of `{key}` needs key | type | default | allowed | variable"
    _, _, default, _, variable = cells
    assert f"`{env}`" in variable, f"docs/CLI.md: the row of `{key}` does not name `{env}`"
    if "." not in key:
        return  # top-level keys (data_dir) default to something load_settings computes
    if field.is_required():
        assert "required" in default, f"docs/CLI.md: `{key}` is required but its row says {default!r}"
    else:
        literal = _toml_literal(field.get_default(call_default_factory=True))
        if literal is not None:
            assert f"`{literal}`" in default, f"docs/CLI.md: default of `{key}` is `{literal}`, row says {default!r}"


def test_no_documented_setting_is_stale():
    documented = set(_table_rows(_titled(_doc(), "Settings (`copydesk.toml`)")))
    assert documented == {k for k, _, _ in SETTINGS}


# ---------------------------------------------------------------------------------------------------------
# JSON Lines import format
# ---------------------------------------------------------------------------------------------------------


def _import_fields() -> dict[str, str]:
    """{field: "required" | "optional"} as the import reader's source reads them."""
    fields: dict[str, str] = {}
    for node in ast.walk(ast.parse(inspect.getsource(jsonl))):
        if not isinstance(node, ast.Call):
            continue
        f = node.func
        if isinstance(f, ast.Name) and f.id in ("_required_str", "_optional_str") and len(node.args) >= 2:
            arg, kind = node.args[1], "required" if f.id == "_required_str" else "optional"
        elif (
            isinstance(f, ast.Attribute)
            and f.attr == "get"
            and isinstance(f.value, ast.Name)
            and f.value.id == "data"
            and node.args
        ):
            arg, kind = node.args[0], "optional"
        else:
            continue
        if isinstance(arg, ast.Constant) and isinstance(arg.value, str):
            fields[arg.value] = kind
    return fields


def test_every_import_field_is_documented():
    fields = _import_fields()
    assert {"url": "required", "title": "required", "outlet": "required"}.items() <= fields.items()
    section = _titled(_doc(), "JSON Lines import format")
    rows = _table_rows(section)
    for name, kind in fields.items():
        assert name in rows, f"docs/CLI.md: import field `{name}` is not documented"
        assert rows[name][1] == kind, f"docs/CLI.md: import field `{name}` is {kind}, docs say {rows[name][1]!r}"
    assert set(rows) == set(fields), "docs/CLI.md documents import fields the reader does not read"
    assert f"{jsonl.MAX_LINE_BYTES:,}" in section, "docs/CLI.md: the line length limit is not documented"


# ---------------------------------------------------------------------------------------------------------
# Output formats
# ---------------------------------------------------------------------------------------------------------

T0 = datetime(2024, 5, 1, 12, 0, tzinfo=timezone.utc)
STORY_SLUG, OLD_SLUG, SECTION_SLUG = "bridge-reopens", "old-bridge", "world"


def _edition() -> Edition:
    """The smallest edition that exercises every kind of file and JSON object."""
    support = Support(1, "wire", "The bridge reopened on Monday.", 1.0)
    sentence = WrittenSentence("The bridge reopened on Monday.", (support,), attribution="Wire", independent_outlets=1)
    story = WrittenStory(
        story_id="s1",
        slug=STORY_SLUG,
        headline=sentence,
        lede=sentence,
        body=(Section("Traffic", (sentence,)),),
        sources=(SourceLink(1, "wire", "Wire", "Bridge reopens", "https://wire.example/1", T0),),
        independent_sources=1,
        outlets=("wire",),
        single_source=True,
        section=SECTION_SLUG,
        published=T0,
        updated=T0,
        method="extractive",
        notes=("Only one outlet has reported this story.",),
    )
    first = dataclasses.replace(story, lede=WrittenSentence("The bridge will reopen on Monday.", (support,)))
    revisions = (
        Revision("s1", 1, T0, "coverage", None, None, first, ("first published",)),
        Revision(
            "s1",
            2,
            T0,
            "correction",
            "It reopened; it was not going to.",
            "editor1",
            story,
            ("a correction: It reopened; it was not going to.", "a sentence reworded"),
        ),
    )
    outlet = Outlet(
        id="wire",
        name="Wire",
        homepage="https://wire.example/",
        feeds=("https://wire.example/feed",),
        language="en",
        country="INT",
        owner="Wire",
        lean=Rating(UNRATED),
        reliability=Rating("high", "x"),
    )
    narration = Narration(f"{STORY_SLUG}-0123456789ab", "0" * 64, 1000, 12.5, "espeak-ng", "en")
    briefing = Briefing(
        T0.date(), ("s1",), T0, Narration("briefing-2024-05-01-0123456789ab", "1" * 64, 2000, 30.0, "espeak-ng", "en")
    )
    return Edition(
        site=SiteIdentity("Post", "News", "https://post.example/"),
        sections=(SectionConfig(SECTION_SLUG, "World"),),
        stories=(EditionStory(story, revisions=revisions),),
        outlets={"wire": outlet},
        generated=T0,
        redirects={OLD_SLUG: STORY_SLUG},
        audio={"s1": narration},
        briefings=(briefing,),
        audio_dir=Path("/nonexistent/audio"),
    )


def _static_site_section() -> str:
    return _titled(_titled(_doc(), "Output formats"), "Static site")


def test_every_exported_file_is_documented():
    files = sorted(site_files(_edition())) + [f"audio/{name}" for name in render.audio_files(_edition())]
    assert "index.html" in files and "feed.xml" in files and "api/stories.json" in files
    assert "podcast.xml" in files and f"audio/{STORY_SLUG}-0123456789ab.mp3" in files
    assert f"story/{STORY_SLUG}/v/1/index.html" in files  # an earlier version's page
    section = _static_site_section()
    for path in files:
        general = re.sub(r"^static/.+$", "static/<file>", path)
        general = re.sub(r"^audio/[^/]+(\.mp3|\.txt)$", r"audio/<name>\1", general)
        general = re.sub(r"/v/\d+/", "/v/<n>/", general)
        general = (
            general.replace(f"story/{STORY_SLUG}", "story/<slug>")
            .replace(f"story/{OLD_SLUG}", "story/<old-slug>")
            .replace(f"section/{SECTION_SLUG}/", "section/<slug>/")
        )
        assert f"`{general}`" in section, f"docs/CLI.md: exported file `{general}` ({path}) is not documented"


def test_every_served_url_is_documented():
    routes = [getattr(r, "path", None) for r in create_app(_edition).routes]
    paths = {re.sub(r"\{(\w+)\}", r"<\1>", p) for p in routes if p}
    assert "/api/stories.json" in paths and "/feed.xml" in paths
    section = _static_site_section()
    for path in paths:
        documented = "/static/<file>" if path == "/static" else path
        assert f"`{documented}`" in section, f"docs/CLI.md: served URL `{documented}` is not documented"


def _json_keys(obj: typing.Any, path: tuple[str, ...] = ()) -> set[str]:
    """Every key of every object in ``obj``, except the keys of id-keyed maps (outlets, redirects)."""
    keys: set[str] = set()
    if isinstance(obj, dict):
        id_keyed = path in (("outlets",), ("redirects",))
        for k, v in obj.items():
            if not id_keyed:
                keys.add(k)
            keys |= _json_keys(v, (*path, "*" if id_keyed else k))
    elif isinstance(obj, list):
        for item in obj:
            keys |= _json_keys(item, (*path, "[]"))
    return keys


def test_every_json_api_key_is_documented():
    edition = _edition()
    keys = _json_keys(render.edition_json(edition)) | _json_keys(render.story_json(edition.stories[0], edition))
    assert {
        "stories",
        "headline",
        "support",
        "reprint_of",
        "basis",
        "duration_s",
        "changes",
    } <= keys  # the walk reached the leaves
    documented = _code_words(_titled(_titled(_doc(), "Output formats"), "JSON API"))
    missing = sorted(keys - documented)
    assert not missing, f"docs/CLI.md: JSON API keys not documented: {missing}"


def test_every_api_v1_field_is_documented():
    """Every property of every object the OpenAPI document of /api/v1 describes (read from the served document,
    so a field added to a response model without a line in docs/CLI.md fails here)."""
    from fastapi.testclient import TestClient

    spec = TestClient(create_app(_edition)).get("/api/v1/openapi.json").json()
    schemas = {
        k: v for k, v in spec["components"]["schemas"].items() if k not in ("HTTPValidationError", "ValidationError")
    }  # FastAPI's own, described as `detail`
    keys = {p for schema in schemas.values() for p in schema.get("properties", {})}
    assert {"page", "per_page", "stories", "results", "headline_html", "snippet_html", "error", "detail"} <= keys
    documented = _code_words(_titled(_titled(_doc(), "Output formats"), "JSON API"))
    missing = sorted(keys - documented)
    assert not missing, f"docs/CLI.md: /api/v1 fields not documented: {missing}"
    params = {p["name"] for path in spec["paths"].values() for op in path.values() for p in op.get("parameters", [])}
    assert {"page", "per_page", "section", "since", "q", "slug"} <= params
    assert not sorted(params - documented - {"slug"}), "docs/CLI.md: an /api/v1 parameter is not documented"


# ---------------------------------------------------------------------------------------------------------
# README and CI: two commands to a passing build (house style 19)
# ---------------------------------------------------------------------------------------------------------


def test_readme_starts_with_make_demo_and_make_test():
    text = README.read_text(encoding="utf-8")
    first = re.search(r"^```[\w-]*\n(.*?)^```", text, re.S | re.M)
    assert first, "README.md has no code block"
    assert "\n## " not in text[: first.start()], "README.md's first code block must come before any section"
    commands = [line.split("#", 1)[0].strip() for line in first.group(1).splitlines()]
    assert [c for c in commands if c] == ["make demo", "make test"]
    makefile = MAKEFILE.read_text(encoding="utf-8")
    assert re.search(r"^demo:", makefile, re.M) and re.search(r"^test:", makefile, re.M)


def test_ci_runs_make_test():
    lines = [line.split("#", 1)[0].strip() for line in CI_RUN.read_text(encoding="utf-8").splitlines()]
    assert "make test" in lines, ".ci/run must call `make test`, the README's test command"


def test_readme_points_to_the_cli_reference():
    assert "docs/CLI.md" in README.read_text(encoding="utf-8")
