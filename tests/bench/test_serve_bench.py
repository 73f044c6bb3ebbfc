"""bench/serve.py runs end to end on a small site: both servers answer every page, and it prints the ratios.

The figures themselves are not asserted (speed is a ratio measured by the bench, never a timed unit test); what is
checked is that the bench measures what it says: 200 answers from both servers for each page at each level."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = [pytest.mark.slow, pytest.mark.timeout(600)]

REPO = Path(__file__).resolve().parents[2]

ARTICLES = [
    {
        "url": f"https://harbour.example.org/2026/11/2{i}/ferry-{i}",
        "outlet": "Harbour Gazette",
        "title": f"Night ferry route {i} resumes after storm repairs",
        "published": f"2026-11-2{i}T08:00:00Z",
        "language": "en",
        "text": (
            f"The night ferry on route {i} to the outer islands resumed service on Tuesday after three weeks of "
            "storm repairs to the harbour wall. The port authority said the first crossing left on time with "
            f"{200 + i} passengers aboard. Engineers replaced forty metres of the wall that the November storm "
            "had broken. Islanders had relied on a smaller day boat while the wall was repaired."
        ),
    }
    for i in range(3)
]


def test_serve_bench_measures_both_servers(tmp_path):
    cli = [sys.executable, "-m", "copydesk"]
    subprocess.run(
        cli + ["init", str(tmp_path / "paper"), "--base-url", "https://news.example.org/"],
        check=True,
        capture_output=True,
    )
    lines = tmp_path / "articles.jsonl"
    lines.write_text("".join(json.dumps(a) + "\n" for a in ARTICLES), encoding="utf-8")
    out = subprocess.run(
        cli + ["import", "--config", str(tmp_path / "paper"), str(lines)], capture_output=True, text=True
    )
    assert out.returncode == 0, out.stderr[-2000:]
    run = subprocess.run(
        [
            sys.executable,
            str(REPO / "bench" / "serve.py"),
            str(tmp_path / "paper"),
            "--concurrency",
            "1,4",
            "--seconds",
            "0.5",
            "--max-requests",
            "40",
        ],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert run.returncode == 0, run.stderr[-3000:]
    figures = json.loads(run.stdout.strip().splitlines()[-1])
    for page in ("home", "article", "feed"):
        assert figures[f"{page}_ratio"] > 0, figures
        for server in ("app", "static"):
            for c in (1, 4):
                res = figures["results"][f"{server}/{page}/c{c}"]
                assert res["requests"] > 0 and set(res["statuses"]) == {"200"}, (server, page, c, res)
    assert figures["pages"]["article"].startswith("/story/")


def test_serve_bench_skips_visibly_without_a_site(tmp_path):
    run = subprocess.run(
        [sys.executable, str(REPO / "bench" / "serve.py"), str(tmp_path)], capture_output=True, text=True, timeout=60
    )
    assert run.returncode == 0 and "skipped" in json.loads(run.stdout.strip().splitlines()[-1])
