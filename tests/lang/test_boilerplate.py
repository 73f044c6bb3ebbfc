"""lang/boilerplate: furniture lines go, reporting stays; the writer's sentence test uses the same lists."""

from __future__ import annotations

import json

import pytest

from copydesk.lang.boilerplate import clean_text, is_boilerplate_line, is_boilerplate_sentence

FURNITURE = [
    "Opinion",
    "Advertisement",
    "Continue reading...",
    "Continue reading the main story",
    "By Jane Doe",
    "By JANE DOE and JOHN ROE, Associated Press",
    "Jane Doe | Published March 3, 2021",
    "Published: 12:34 EST, 3 March 2021 | Updated: 13:00",
    "Photo: John Doe/Reuters",
    "(Photo by John Doe/Getty Images)",
    "Sign up for our daily newsletter",
    "Registering for Example.com is free and gives you access to comments.",
    "Member Center",
    "Reporting by Jane Doe; Editing by Bob Roe",
    "March 3, 2021",
    "Foto: dpa",
    "Lesen Sie auch: Wie es weitergeht",
    "Hirdetés",
    "Fotó: MTI",
    "Share this article",
    "Read more",
]
REPORTING = [
    "By the way the government said nothing.",
    "By Monday, officials had evacuated 300 people.",
    "Published figures show unemployment rose to 5%.",
    "Advertisement revenue fell 5% in the quarter.",
    "The agency told dpa that the talks failed.",
    "Tovább nőtt az infláció.",
    "Share prices fell 3%.",
    "The president said on Monday that the talks would continue.",
]


@pytest.mark.parametrize("line", FURNITURE)
def test_furniture_lines(line):
    assert is_boilerplate_line(line) and is_boilerplate_sentence(line)


@pytest.mark.parametrize("line", REPORTING)
def test_reporting_lines_stay(line):
    assert not is_boilerplate_line(line)


def test_clean_text_keeps_paragraphs_and_drops_furniture():
    text = "Opinion\nBy Jane Doe\nThe council met on Tuesday.\n\nIt voted to close the bridge.\nContinue reading"
    assert clean_text(text) == "The council met on Tuesday.\nIt voted to close the bridge."


def test_gold_article_bodies_lose_little(shared_data):
    """On 60 real gold article bodies (Zyte benchmark), furniture rules remove under 2% of the characters."""
    rows = [
        json.loads(x) for x in (shared_data / "article_extraction_zyte" / "ground_truth.jsonl").read_text().splitlines()
    ][:60]
    total = kept = 0
    for r in rows:
        body = r["article_body"]
        total += len(body)
        kept += len(clean_text(body)) + body.count("\n")
    assert kept / total > 0.98
