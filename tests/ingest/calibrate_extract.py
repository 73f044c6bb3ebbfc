"""Re-measure the numbers behind MIN_ARTICLE_CHARS and PAYWALL_MAX_CHARS (copydesk/ingest/extract.py).

Not a test (about 15 s): run ``.venv/bin/python tests/ingest/calibrate_extract.py`` after changing extraction
options or upgrading trafilatura, and update the constants' comments if the numbers move. Uses the Zyte benchmark
in ../shared/data/article_extraction_zyte (181 real pages with gold article bodies).
"""

from __future__ import annotations

import gzip
import json
import sys
from pathlib import Path

from copydesk.ingest.extract import MIN_ARTICLE_CHARS, PAYWALL_MAX_CHARS, _page_signals, extract_article

ZYTE = Path(__file__).resolve().parents[3] / "shared" / "data" / "article_extraction_zyte"


def main() -> int:
    if not ZYTE.is_dir():
        print(f"{ZYTE} not present", file=sys.stderr)
        return 1
    rows = [json.loads(line) for line in (ZYTE / "ground_truth.jsonl").read_text().splitlines()]
    lengths, flagged, marked = [], [], []
    for row in rows:
        html = gzip.decompress((ZYTE / row["html_file"]).read_bytes())
        page = extract_article(html, row["url"])
        n = len(page.text) if page else 0
        lengths.append((n, row["url"]))
        if page and page.paywalled:
            flagged.append((n, row["url"]))
        signals = _page_signals(html)
        if signals.not_free or signals.paywall_class:
            marked.append((n, signals.not_free, signals.paywall_class, row["url"]))
    lengths.sort()
    print(f"pages: {len(rows)}; MIN_ARTICLE_CHARS={MIN_ARTICLE_CHARS} PAYWALL_MAX_CHARS={PAYWALL_MAX_CHARS}")
    for q in (0.0, 0.05, 0.1, 0.25, 0.5):
        print(f"  extracted length p{int(q * 100):02d}: {lengths[int(q * (len(lengths) - 1))][0]}")
    print("  shortest:", lengths[:5])
    print(f"  below MIN_ARTICLE_CHARS: {[x for x in lengths if x[0] < MIN_ARTICLE_CHARS]}")
    print(f"  flagged paywalled: {flagged}")
    print("  pages with paywall markers (chars, JSON-LD not free, paywall class):")
    for item in marked:
        print("   ", item)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
