"""Publication dates: how many articles get a date from their sources, with a time or as a day, and whether it
agrees with other evidence.

    python bench/dates.py DATA [--pages N]

DATA is ../shared/data. Three measurements, each with its baseline in the same run:

1. pages (article_extraction_zyte, 181 real news pages): our reading of the page metadata
   (``copydesk.ingest.extract._page_date``: JSON-LD ``datePublished``, ``article:published_time`` ...) against
   trafilatura's date alone (htmldate: a day without a time, which the site used to show as "00:00 UTC"): pages
   dated, pages dated with a time, and agreement of the day where both give one (within one day: time zones).
2. feeds (feed_farm, about 10,000 real entries): entries dated, entries whose date is a day without a time
   (``FeedEntry.date_only``), entries whose date could not be read.
3. demo corpus (src/copydesk/data/demo): articles dated by their import line or a dateline, datelines that
   agree with the line's own date, and undated articles (now shown as "date not given by the sources"; the
   baseline is the lines without a ``published``, which showed the import time as their date before dates came
   only from sources).

The last line printed is a JSON object of the figures.
"""

from __future__ import annotations

import argparse
import gzip
import json
import sys
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))

import lxml.html  # noqa: E402
import trafilatura  # noqa: E402

from copydesk.errors import FeedError  # noqa: E402
from copydesk.ingest.dates import dateline  # noqa: E402
from copydesk.ingest.extract import _date_or_none, _page_date  # noqa: E402
from copydesk.ingest.feeds import parse_feed  # noqa: E402
from copydesk.ingest.jsonl import read_import  # noqa: E402
from copydesk.models import ArticleIn  # noqa: E402


def pages(data: Path, limit: int | None) -> dict[str, float | int]:
    folder = data / "article_extraction_zyte"
    rows = [json.loads(line) for line in (folder / "ground_truth.jsonl").open(encoding="utf-8")][:limit]
    c: Counter[str] = Counter()
    for r in rows:
        html = gzip.decompress((folder / r["html_file"]).read_bytes())
        ours = _page_date(lxml.html.fromstring(html))
        doc = trafilatura.bare_extraction(html, url=r["url"], favor_precision=True, with_metadata=True)
        theirs = _date_or_none(getattr(doc, "date", None)) if doc is not None else None
        c["ours_dated"] += ours is not None
        c["ours_timed"] += ours is not None and not ours[1]
        c["trafilatura_dated"] += theirs is not None
        c["trafilatura_timed"] += theirs is not None and not theirs[1]
        if ours and theirs:
            c["both"] += 1
            c["agree"] += abs((ours[0].date() - theirs[0].date()).days) <= 1
        # what the extractor now keeps: our metadata first, trafilatura's day otherwise
        c["page_dated"] += (ours or theirs) is not None
    n = len(rows)
    return {
        "pages": n,
        "page_dated_share": round(c["page_dated"] / n, 3),
        "page_timed_share": round(c["ours_timed"] / n, 3),
        "baseline_trafilatura_dated_share": round(c["trafilatura_dated"] / n, 3),
        "baseline_trafilatura_timed_share": round(c["trafilatura_timed"] / n, 3),
        "page_day_agreement": round(c["agree"] / c["both"], 3) if c["both"] else None,
        "page_day_agreement_n": c["both"],
    }


def feeds(data: Path) -> dict[str, int]:
    folder = data / "feed_farm"
    c: Counter[str] = Counter()
    for line in (folder / "manifest.jsonl").open(encoding="utf-8"):
        m = json.loads(line)
        if m["format"] == "opml":
            continue
        try:
            feed = parse_feed((folder / m["path"]).read_bytes(), "https://example.org/feed", None)
        except FeedError:
            c["feed_errors"] += 1
            continue
        for e in feed.entries:
            c["feed_entries"] += 1
            c["feed_dated"] += e.published is not None
            c["feed_date_only"] += e.date_only
        c["feed_unreadable_dates"] += sum("unreadable date" in w or "unreadable date_" in w for w in feed.warnings)
    return dict(c)


def demo() -> dict[str, int]:
    path = ROOT / "src" / "copydesk" / "data" / "demo" / "wikinews_en_2004.jsonl"
    lines = path.read_text(encoding="utf-8").splitlines()
    arts = [a for a in read_import(lines) if isinstance(a, ArticleIn)]
    raw = {json.loads(line)["url"]: json.loads(line) for line in lines}
    c: Counter[str] = Counter()
    for a in arts:
        c["demo_articles"] += 1
        c["demo_dated"] += a.published is not None
        c["demo_date_only"] += a.date_only
        c["demo_undated"] += a.published is None  # shown as "date not given by the sources"
        if a.published is not None:
            c[f"demo_from_{a.published_from}"] += 1
        c["baseline_demo_import_time_shown"] += not raw[a.url].get("published")
        found = dateline(a.text)
        if found and raw[a.url].get("published"):
            c["demo_datelines_checked"] += 1
            c["demo_datelines_agree"] += found[0].date().isoformat() == raw[a.url]["published"]
    return dict(c)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("data", type=Path, help="../shared/data")
    ap.add_argument("--pages", type=int, default=None, help="only the first N Zyte pages")
    args = ap.parse_args()
    figures: dict[str, object] = {}
    figures.update(pages(args.data, args.pages))
    figures.update(feeds(args.data))
    figures.update(demo())
    for k, v in figures.items():
        print(f"{k:40} {v}")
    print(json.dumps(figures))


if __name__ == "__main__":
    main()
