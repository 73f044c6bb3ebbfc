"""Turn AllSides stories (../shared/data/allsides_neus) into copydesk's import format, for trying the desk on
one real story told by left, centre and right outlets:

    python scripts/allsides_to_import.py STORY_ID [STORY_ID ...] > story.jsonl
    copydesk import story.jsonl && copydesk export --out site

A STORY_ID is a story of ``allsides_articles_2021.jsonl`` (a number), or a NeuS story written ``neus:SPLIT:IDX``
(``neus:val:52``): NeuS gives each outlet's title and first paragraph but hides which outlet wrote it, so those
articles come as "NeuS source 1..3" at addresses under ``https://neus.invalid/``.

The texts are the outlets' titles and first paragraphs, evaluation data whose copyright stays with the
outlets: the output is for local checking and is not part of copydesk.
"""

import json
import sys
from pathlib import Path

DATA = Path(__file__).resolve().parent.parent.parent / "shared/data/allsides_neus"


def allsides(ids: set[int], data: Path) -> None:
    for line in (data / "allsides_articles_2021.jsonl").open(encoding="utf-8"):
        d = json.loads(line)
        if d["story_id"] in ids and d.get("url") and d.get("lede"):
            print(json.dumps({
                "url": d["url"], "title": d["title"], "outlet": d["outlet"], "published": d.get("date"),
                "language": "en", "text": d["lede"].replace("\n", "\n\n"),
            }, ensure_ascii=False))


def neus(split: str, idx: int, data: Path) -> None:
    for line in (data / f"neus_{split}.jsonl").open(encoding="utf-8"):
        row = json.loads(line)
        if row["idx"] != idx:
            continue
        for i, src in enumerate(row["sources"], 1):
            print(json.dumps({
                "url": f"https://neus.invalid/{split}/{idx}/{i}", "title": src["title"].strip(),
                "outlet": f"NeuS source {i}", "language": "en", "text": src["text"].replace("\n", "\n\n"),
            }, ensure_ascii=False))


def main(ids: list[str], data: Path = DATA) -> None:
    allsides({int(i) for i in ids if not i.startswith("neus:")}, data)
    for i in ids:
        if i.startswith("neus:"):
            _, split, idx = i.split(":")
            neus(split, int(idx), data)


if __name__ == "__main__":
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    main(sys.argv[1:])
