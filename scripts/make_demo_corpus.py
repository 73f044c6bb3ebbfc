"""Regenerate the bundled demo corpus from ../shared/data/demo_candidates/wikinews_en_2004.

    python scripts/make_demo_corpus.py [SRC_DIR]

Converts the rows to copydesk's import format (JSON Lines: url, title, outlet, published, language, text,
categories, license). A row without a `published` date takes the date its Wikinews categories name
("December 6, 2004") when there is one; otherwise it stays without a date here, and `copydesk import` reads a
dateline at the top of its text if it has one (copydesk.ingest.dates.dateline); else the site says "date not
given by the sources". No date is ever guessed (not from the cited sources' dates, not from the row order).
"""

import json
import re
import sys
from datetime import datetime
from pathlib import Path

SRC = Path(sys.argv[1] if len(sys.argv) > 1 else "../shared/data/demo_candidates/wikinews_en_2004")
DST = Path(__file__).resolve().parent.parent / "src/copydesk/data/demo/wikinews_en_2004.jsonl"
#: Outlet names in the source file -> ids in src/copydesk/data/demo/sources.toml.
OUTLETS = {
    "Wikinews (English)": "wikinews-en",
    "2001-2009.state.gov": "us-state-department",
    "travel.state.gov": "us-state-department",
    "usaid.gov": "usaid",
    "house.gov": "us-house",
    "gao.gov": "us-gao",
}
DATE_CAT = re.compile(r"^(January|February|March|April|May|June|July|August|September|October|November|December) \d{1,2}, \d{4}$")

rows = [json.loads(line) for line in open(SRC / "wikinews_en_2004.jsonl", encoding="utf-8")]
out = []
for r in rows:
    published = r.get("published")
    categories = [c.strip() for c in r.get("categories", []) if c.strip()]  # some carry a leading space
    if not published:
        for c in categories:
            if DATE_CAT.match(c):
                published = datetime.strptime(c, "%B %d, %Y").date().isoformat()
                break
    cats = [c for c in categories if c != "Published" and not DATE_CAT.match(c)]
    out.append({
        "url": r["url"], "title": r["title"], "outlet": OUTLETS[r["outlet"]], "published": published,
        "language": r.get("language") or "en", "text": r["text"], "categories": cats, "license": r["license"],
    })
DST.parent.mkdir(parents=True, exist_ok=True)
with open(DST, "w", encoding="utf-8") as f:
    for o in out:
        f.write(json.dumps(o, ensure_ascii=False) + "\n")
print(f"{len(out)} rows -> {DST} ({sum(1 for o in out if o['published'])} dated)")
