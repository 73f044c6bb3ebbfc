"""Turn AllSides stories (../shared/data/allsides_neus) into copydesk's import format, for trying the desk on
one real story told by left, centre and right outlets:

    python scripts/allsides_to_import.py STORY_ID [STORY_ID ...] > story.jsonl
    copydesk import story.jsonl && copydesk export --out site

The texts are the outlets' titles and first paragraphs, evaluation data whose copyright stays with the
outlets: the output is for local checking and is not part of copydesk.
"""

import json
import sys
from pathlib import Path

DATA = Path(__file__).resolve().parent.parent.parent / "shared/data/allsides_neus/allsides_articles_2021.jsonl"


def main(ids: list[str], data: Path = DATA) -> None:
    wanted = {int(i) for i in ids}
    for line in data.open(encoding="utf-8"):
        d = json.loads(line)
        if d["story_id"] in wanted and d.get("url") and d.get("lede"):
            print(json.dumps({
                "url": d["url"], "title": d["title"], "outlet": d["outlet"], "published": d.get("date"),
                "language": "en", "text": d["lede"].replace("\n", "\n\n"),
            }, ensure_ascii=False))


if __name__ == "__main__":
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    main(sys.argv[1:])
