"""Article or not: ingest/classify against hand-read labels, with trafilatura's extraction alone as the baseline.

    python bench/pages.py DATA [--split test|dev|all] [--cache DIR] [--limit N]

DATA is ../shared/data (pages of the Zyte and trafilatura benchmarks are read from there at run time); pages we
recorded ourselves are in bench/data/pages/ (origin and licence in its README). Labels: bench/data/pages_labels.jsonl,
one page a line: ``path``, ``where`` ("shared": under DATA, "bench": under bench/data/pages), ``url``, ``label``
("article", "non-article", or "excluded": neither a news/blog article nor one of the non-article kinds, e.g. a
shop or recipe page; not scored), ``kind``, ``split`` (dev/test by a hash of the path), ``origin``.

Each page is extracted as the pipeline does (ingest/extract.extract_article, trafilatura with favor_precision) and
classified with ``classify_page(url, title, text, html=...)``. The baseline calls a page an article when trafilatura
returns any text. Positive class: article. ``article_precision`` = articles among pages called article;
``non_article_recall`` = non-articles called non-article. The thresholds were set on the dev split; the default
report is the test split. The last line is one JSON object.
"""

from __future__ import annotations

import argparse
import gzip
import hashlib
import json
import sys
import time
from collections import Counter
from pathlib import Path

from copydesk.ingest.classify import classify_page
from copydesk.ingest.extract import extract_article

HERE = Path(__file__).resolve().parent
LABELS = HERE / "data" / "pages_labels.jsonl"
PAGES = HERE / "data" / "pages"


def load_labels(split: str = "all") -> list[dict]:
    rows = [json.loads(line) for line in LABELS.read_text(encoding="utf-8").splitlines() if line.strip()]
    return [r for r in rows if r["label"] != "excluded" and (split == "all" or r["split"] == split)]


def page_bytes(row: dict, data: Path) -> bytes:
    path = (data if row["where"] == "shared" else PAGES) / row["path"]
    raw = path.read_bytes()
    return gzip.decompress(raw) if path.suffix == ".gz" else raw


def extracted(row: dict, html: bytes, cache: Path | None) -> tuple[str, str]:
    """(text, title) of the page as the pipeline extracts it; cached by page bytes when a cache folder is given."""
    key = hashlib.sha1(html).hexdigest()
    file = cache / f"{key}.json" if cache else None
    if file and file.exists():
        got = json.loads(file.read_text(encoding="utf-8"))
        return got["text"], got["title"]
    page = extract_article(html, row["url"] if row["url"].startswith("http") else "https://example.org/")
    text, title = (page.text, page.title or "") if page else ("", "")
    if file:
        file.write_text(json.dumps({"text": text, "title": title}), encoding="utf-8")
    return text, title


def score(truth: list[bool], said: list[bool]) -> dict[str, float]:
    """Precision/recall of "article" and recall of non-articles (True = article)."""
    tp = sum(t and s for t, s in zip(truth, said))
    called = sum(said)
    articles = sum(truth)
    non = len(truth) - articles
    caught = sum((not t) and (not s) for t, s in zip(truth, said))
    return {
        "article_precision": round(tp / called, 4) if called else 0.0,
        "article_recall": round(tp / articles, 4) if articles else 0.0,
        "non_article_recall": round(caught / non, 4) if non else 0.0,
    }


def main(argv: list[str] | None = None) -> dict:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("data", type=Path)
    ap.add_argument("--split", default="test", choices=("test", "dev", "all"))
    ap.add_argument("--cache", type=Path, default=None, help="folder to keep extractions in between runs")
    ap.add_argument("--limit", type=int, default=None)
    args = ap.parse_args(argv)
    if args.cache:
        args.cache.mkdir(parents=True, exist_ok=True)
    rows = load_labels(args.split)[: args.limit]
    t0 = time.perf_counter()
    truth, ours, base, wrong = [], [], [], []
    kinds: Counter = Counter()
    for row in rows:
        html = page_bytes(row, args.data)
        text, title = extracted(row, html, args.cache)
        v = classify_page(row["url"], title, text, html=html)
        is_article = row["label"] == "article"
        truth.append(is_article)
        ours.append(v.is_article)
        base.append(bool(text.strip()))
        kinds[(row["kind"], v.kind)] += 1
        if v.is_article != is_article:
            wrong.append(f"{row['label']:<12} {v.kind:<18} {row['path'][:60]:<60} {v.reason[:90]}")
    for line in wrong:
        print(line, file=sys.stderr)
    ours_s, base_s = score(truth, ours), score(truth, base)
    out = {
        "split": args.split,
        "pages": len(rows),
        "articles": sum(truth),
        "non_articles": len(truth) - sum(truth),
        **ours_s,
        **{f"baseline_{k}": v for k, v in base_s.items()},
        "verdicts": {f"{a}->{b}": n for (a, b), n in sorted(kinds.items())},
        "seconds": round(time.perf_counter() - t0, 1),
    }
    print(json.dumps(out))
    return out


if __name__ == "__main__":
    main()
