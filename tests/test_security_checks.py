"""The security checks CI runs (issue 17, part 7): ruff's bandit rules (`S`) over the source, and pip-audit over
the installed dependencies. A finding ruff reports must be fixed or carry a `# noqa: S...` comment that says why
it does not apply; a known vulnerability fails unless `audit-exceptions.toml` lists it, dated, with the reason.
pip-audit needs PyPI's vulnerability service: when it cannot reach it (no network, or a mirror without the JSON
API), the test skips and says so; it never passes without having audited anything."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import tomllib
import warnings
from datetime import date, timedelta
from importlib.util import find_spec

import pytest

from testsupport import REPO

EXCEPTIONS = REPO / "audit-exceptions.toml"
#: Longest an exception may stand before it is looked at again.
MAX_EXCEPTION_DAYS = 180
#: What pip-audit says of a package it could not look up (the service unreachable, or not on PyPI).
_NOT_AUDITED = re.compile(r"could not be audited|not found on PyPI", re.I)
_NETWORK = re.compile(
    r"ConnectionError|ConnectTimeout|NameResolution|Max retries exceeded|Temporary failure in "
    r"name resolution|Network is unreachable|ReadTimeout|SSLError|ProxyError",
    re.I,
)


def _tool(module: str, package: str) -> None:
    if find_spec(module) is None:
        message = f"{package} is not installed (it is in the test extra: pip install -e '.[test]')"
        if os.environ.get("CI") or os.environ.get("COPYDESK_REQUIRE_SERVICES"):
            pytest.fail(message)
        pytest.skip(message)


def test_ruff_security_rules_pass():
    _tool("ruff", "ruff")
    out = subprocess.run(
        [
            sys.executable,
            "-m",
            "ruff",
            "check",
            "--select",
            "S",
            "--no-cache",
            "--output-format",
            "concise",
            str(REPO / "src"),
        ],
        capture_output=True,
        text=True,
        timeout=300,
        cwd=REPO,
    )
    assert out.returncode == 0, out.stdout + out.stderr


def test_every_security_noqa_says_why():
    bare = []
    for path in sorted((REPO / "src").rglob("*.py")):
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            m = re.search(r"#\s*noqa:\s*(S\d+(?:\s*,\s*\w+)*)(.*)$", line)
            if m and len(m.group(2).strip(" ()")) < 10:
                bare.append(f"{path.relative_to(REPO)}:{n}: {line.strip()}")
    assert bare == [], "a `# noqa: S...` needs its reason after it:\n" + "\n".join(bare)


def _exceptions(today: date) -> dict[tuple[str, str], dict]:
    data = tomllib.loads(EXCEPTIONS.read_text(encoding="utf-8"))
    out = {}
    for k, e in enumerate(data.get("exception", []), 1):
        where = f"{EXCEPTIONS.name}, exception {k}"
        missing = {"id", "package", "reason", "added", "expires"} - set(e)
        assert not missing, f"{where}: missing {sorted(missing)}"
        assert isinstance(e["added"], date) and isinstance(e["expires"], date), f"{where}: dates are TOML dates"
        assert len(e["reason"].strip()) >= 20, f"{where}: say why it does not apply"
        assert e["added"] <= today, f"{where}: added in the future"
        assert e["expires"] - e["added"] <= timedelta(days=MAX_EXCEPTION_DAYS), f"{where}: expires too late"
        out[(e["package"].lower(), e["id"])] = e
    return out


def test_exception_file_is_valid():
    _exceptions(date.today())


def test_no_known_vulnerability_in_the_installed_dependencies():
    _tool("pip_audit", "pip-audit")
    try:
        out = subprocess.run(
            [
                sys.executable,
                "-m",
                "pip_audit",
                "--local",
                "--skip-editable",
                "--format",
                "json",
                "--progress-spinner",
                "off",
                "--timeout",
                "30",
            ],
            capture_output=True,
            text=True,
            timeout=900,
            cwd=REPO,
        )
    except subprocess.TimeoutExpired:
        pytest.skip("pip-audit: the vulnerability service did not answer within 15 minutes; nothing was audited")
    if out.returncode not in (0, 1) or not out.stdout.strip().startswith("{"):
        if _NETWORK.search(out.stderr):
            last = out.stderr.strip().splitlines()[-1][:300] if out.stderr.strip() else ""
            pytest.skip(f"pip-audit could not reach the vulnerability service; nothing was audited ({last})")
        pytest.fail(f"pip-audit failed (exit {out.returncode}): {out.stderr[-2000:]}")
    deps = json.loads(out.stdout)["dependencies"]
    skipped = [d for d in deps if d.get("skip_reason")]
    audited = [d for d in deps if not d.get("skip_reason")]
    if not audited:
        reason = skipped[0]["skip_reason"] if skipped else "no packages"
        pytest.skip(
            f"pip-audit audited 0 of {len(deps)} installed packages: the vulnerability service is not "
            f"reachable from here ({reason})"
        )
    if skipped:
        warnings.warn(
            f"pip-audit could not audit {len(skipped)} of {len(deps)} packages: "
            + ", ".join(d["name"] for d in skipped[:20]),
            stacklevel=1,
        )
    found = unexcused(audited, _exceptions(date.today()), date.today())
    assert found == [], (
        "known vulnerabilities (upgrade, or add a dated entry to audit-exceptions.toml saying why "
        "it does not apply):\n" + "\n".join(found)
    )


def unexcused(deps: list[dict], known: dict[tuple[str, str], dict], today: date) -> list[str]:
    """The vulnerabilities pip-audit found (its JSON ``dependencies``) that no exception in force excuses."""
    found = []
    for d in deps:
        for v in d.get("vulns", []):
            ids = {v["id"], *v.get("aliases", [])}
            entry = next((known[(d["name"].lower(), i)] for i in ids if (d["name"].lower(), i) in known), None)
            if entry is None or entry["expires"] < today:
                fix = ", ".join(v.get("fix_versions", [])) or "none yet"
                found.append(
                    f"{d['name']} {d['version']}: {v['id']} (fixed in {fix})"
                    + (" - its exception expired" if entry else "")
                )
    return found


def test_a_vulnerability_fails_unless_a_dated_exception_in_force_excuses_it():
    deps = [
        {
            "name": "Jinja2",
            "version": "3.1.0",
            "vulns": [{"id": "GHSA-aaaa", "aliases": ["CVE-2024-1"], "fix_versions": ["3.1.4"]}],
        },
        {"name": "lxml", "version": "5.0", "vulns": [{"id": "PYSEC-1", "aliases": [], "fix_versions": []}]},
        {"name": "httpx", "version": "0.27", "vulns": []},
    ]
    today = date(2026, 12, 5)
    entry = {
        "id": "CVE-2024-1",
        "package": "jinja2",
        "reason": "xmlattr filter is never used",
        "added": today,
        "expires": today + timedelta(days=90),
    }
    assert unexcused(deps, {}, today) == [
        "Jinja2 3.1.0: GHSA-aaaa (fixed in 3.1.4)",
        "lxml 5.0: PYSEC-1 (fixed in none yet)",
    ]
    assert unexcused(deps, {("jinja2", "CVE-2024-1"): entry}, today) == ["lxml 5.0: PYSEC-1 (fixed in none yet)"]
    later = today + timedelta(days=91)
    assert unexcused(deps, {("jinja2", "CVE-2024-1"): entry}, later)[0].endswith("its exception expired")
