"""Conversions between our dataclasses and JSON-able dicts (database columns, the JSON API).

Stored JSON stays readable as the model grows: a key a row lacks takes its default. Rows written before stories
had ``dates`` (and sources ``date_only``) get them on loading, computed from their sources by the same rule
(``copydesk.write.dates.story_dates``; see ``_source_from_dict`` for the sources' ``date_only``).
"""

from __future__ import annotations

from dataclasses import asdict
from datetime import datetime, timezone
from typing import Any

from copydesk.models import (
    Change,
    Claim,
    Disagreement,
    Dropped,
    Outlet,
    Rating,
    Section,
    SourceLink,
    StoryDates,
    Support,
    Verification,
    WrittenSentence,
    WrittenStory,
)


def aware(dt: datetime | None) -> datetime | None:
    """SQLite gives back naive datetimes; everything we store is UTC."""
    if dt is None:
        return None
    return dt if dt.tzinfo else dt.replace(tzinfo=timezone.utc)


def _dt(s: str | None) -> datetime | None:
    return aware(datetime.fromisoformat(s)) if s else None


def outlet_to_dict(o: Outlet) -> dict[str, Any]:
    d = asdict(o)
    d["feeds"] = list(o.feeds)
    d["hosts"] = list(o.hosts)
    return d


def outlet_from_dict(d: dict[str, Any]) -> Outlet:
    return Outlet(
        id=d["id"],
        name=d["name"],
        homepage=d["homepage"],
        feeds=tuple(d.get("feeds", ())),
        language=d["language"],
        country=d["country"],
        owner=d["owner"],
        lean=Rating(**d["lean"]),
        reliability=Rating(**d["reliability"]),
        paywall=d.get("paywall", "none"),
        kind=d.get("kind", "other"),
        hosts=tuple(d.get("hosts", ())),
        registered=d.get("registered", True),
    )


def _sentence_to_dict(s: WrittenSentence) -> dict[str, Any]:
    return {
        "text": s.text,
        "attribution": s.attribution,
        "independent_outlets": s.independent_outlets,
        "check": s.check,
        "edits": [asdict(x) for x in s.edits],
        "support": [asdict(x) for x in s.support],
    }


def _sentence_from_dict(d: dict[str, Any]) -> WrittenSentence:
    return WrittenSentence(
        text=d["text"],
        support=tuple(Support(**x) for x in d["support"]),
        attribution=d.get("attribution"),
        independent_outlets=d.get("independent_outlets", 1),
        check=d.get("check"),
        edits=tuple(Change(**x) for x in d.get("edits", ())),
    )


def written_to_dict(w: WrittenStory) -> dict[str, Any]:
    return {
        "story_id": w.story_id,
        "slug": w.slug,
        "headline": _sentence_to_dict(w.headline),
        "lede": _sentence_to_dict(w.lede),
        "body": [
            {"heading": sec.heading, "sentences": [_sentence_to_dict(s) for s in sec.sentences]} for sec in w.body
        ],
        "sources": [{**asdict(s), "published": s.published.isoformat() if s.published else None} for s in w.sources],
        "independent_sources": w.independent_sources,
        "outlets": list(w.outlets),
        "single_source": w.single_source,
        "section": w.section,
        "published": w.published.isoformat(),
        "updated": w.updated.isoformat(),
        "method": w.method,
        "language": w.language,
        "notes": list(w.notes),
        "disagreements": [asdict(x) for x in w.disagreements],
        "verification": asdict(w.verification) if w.verification else None,
        "coverage_by_lean": [list(x) for x in w.coverage_by_lean],
        "dates": _dates_to_dict(w.dates) if w.dates is not None else None,
    }


def _dates_to_dict(d: StoryDates) -> dict[str, Any]:
    return {
        "first_reported": d.first_reported.isoformat() if d.first_reported else None,
        "first_reported_date_only": d.first_reported_date_only,
        "last_updated": d.last_updated.isoformat() if d.last_updated else None,
        "last_updated_date_only": d.last_updated_date_only,
        "dated_sources": d.dated_sources,
        "undated_sources": d.undated_sources,
    }


def _dates_from_dict(d: dict[str, Any]) -> StoryDates:
    return StoryDates(
        first_reported=_dt(d.get("first_reported")),
        first_reported_date_only=bool(d.get("first_reported_date_only", False)),
        last_updated=_dt(d.get("last_updated")),
        last_updated_date_only=bool(d.get("last_updated_date_only", False)),
        dated_sources=int(d.get("dated_sources", 0)),
        undated_sources=int(d.get("undated_sources", 0)),
    )


def _source_from_dict(s: dict[str, Any], legacy: bool) -> SourceLink:
    published = _dt(s["published"])
    date_only = s.get("date_only")
    if date_only is None:
        # Before sources recorded it, a date-only source was stored as midnight UTC, and a source's own time is
        # almost never exactly midnight: read an old row's midnight as a date (shown as one, never "00:00 UTC").
        date_only = (
            legacy
            and published is not None
            and (published.hour, published.minute, published.second, published.microsecond) == (0, 0, 0, 0)
        )
    return SourceLink(**{**s, "published": published, "date_only": bool(date_only)})


def written_from_dict(d: dict[str, Any]) -> WrittenStory:
    legacy = "dates" not in d  # written before stories carried their dates
    sources = tuple(_source_from_dict(s, legacy) for s in d["sources"])
    if d.get("dates"):
        dates = _dates_from_dict(d["dates"])
    else:
        from copydesk.write.dates import story_dates  # the one rule, also for rows written before it existed

        dates = story_dates(sources)
    return WrittenStory(
        story_id=d["story_id"],
        slug=d["slug"],
        headline=_sentence_from_dict(d["headline"]),
        lede=_sentence_from_dict(d["lede"]),
        body=tuple(
            Section(sec["heading"], tuple(_sentence_from_dict(s) for s in sec["sentences"])) for sec in d["body"]
        ),
        sources=sources,
        independent_sources=d["independent_sources"],
        outlets=tuple(d["outlets"]),
        single_source=d["single_source"],
        section=d["section"],
        published=_dt(d["published"]),
        updated=_dt(d["updated"]),
        method=d["method"],
        language=d.get("language", "en"),
        notes=tuple(d.get("notes", ())),
        disagreements=tuple(
            Disagreement(x["kind"], tuple(Claim(**c) for c in x["claims"])) for x in d.get("disagreements", ())
        ),
        verification=_verification(d.get("verification")),
        coverage_by_lean=tuple((str(k), int(n)) for k, n in d.get("coverage_by_lean", ())),
        dates=dates,
    )


def _verification(d: dict[str, Any] | None) -> Verification | None:
    if not d:
        return None
    return Verification(**{**d, "dropped": tuple(Dropped(**x) for x in d.get("dropped", ()))})
