"""Wire copies and near-duplicates: precision and recall of reprint detection on real articles.

    python bench/wire.py DATA... [--seed N] [--show 5] [--max-wires N] [--max-separate N] [--no-stream]

DATA is ../shared/data (both sets), ../shared/data/ecbplus, ../shared/data/allsides_neus, or a JSON Lines
file with `id`, `text`, `gold` (the event label). The pairs come from bench/_wirepairs.py, the generator the
CI gate (tests/dedup/test_reprints.py) runs a fixed subset of:

* positives: every original of at least 60 words, reprinted once per kind (new dateline, own first
  paragraph, own last paragraph, credit lines, truncation, copy-editing, all combined);
* negatives: every pair of different articles of one gold event or story, gold copies left out.

Three measurements, all on the real `copydesk.dedup.DuplicateIndex` with its calibrated defaults:

1. pairs: each pair through a fresh index, online (the original, then the candidate); a positive is found
   when the candidate is called an exact copy or reprint *of the original*. Precision, recall, F1, recall by
   kind and corpus, and a few misses and false alarms with their shingle overlap.
2. stream: one index per corpus fed every original in file order, then every reprint, as a site would see
   them: reprints given the original's wire group, originals wrongly grouped with a separate report, and
   the time per article.
3. ten reprints: per event with four mutually separate reports, the wire report, ten outlets' copies (own
   dateline and credit; half with one more edit) and three separate reports in a seeded arrival order must
   make exactly one wire group and four groups in all (the site's count of independent sources).

The last line printed is a JSON object of the figures (`precision`, `recall`, `f1`, `pairs_positive`,
`pairs_negative`, ...).
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _wirepairs import (  # noqa: E402
    BENCH_SEED,
    KINDS,
    N_INDEPENDENT,
    N_REPRINTS,
    Judged,
    build_benchmark,
    build_scenarios,
    copy_pairs,
    is_copy,
    judge,
    load_corpora,
    run_scenario,
    summarise,
    wire_version,
)

from copydesk.dedup import DuplicateIndex  # noqa: E402
from copydesk.dedup.near import _fingerprint  # noqa: E402  (diagnostics only: the shingle overlap of a miss)

GOAL_RECALL = 0.95
GOAL_PRECISION = 0.99


def overlap(a: str, b: str) -> str:
    fa, fb = _fingerprint(a), _fingerprint(b)
    shared = len(set(fa.shingles.tolist()) & set(fb.shingles.tolist()))
    small = min(len(fa.shingles), len(fb.shingles)) or 1
    union = (len(fa.shingles) + len(fb.shingles) - shared) or 1
    return (
        f"words {fa.n_words}/{fb.n_words}, shingles {len(fa.shingles)}/{len(fb.shingles)}, shared {shared}, "
        f"containment {shared / small:.3f}, jaccard {shared / union:.3f}"
    )


def show(j: Judged, width: int = 160) -> None:
    p = j.pair
    said = "none"
    if j.match:
        said = f"{j.match.kind} of {'original' if j.match.of == 1 else j.match.of} ({j.match.similarity})"
    print(f"  [{p.corpus} {p.kind}] {p.earlier_id} -> {p.later_id}: index says {said}; {overlap(p.earlier, p.later)}")
    for label, text in (("earlier", p.earlier), ("later", p.later)):
        lines = text.split("\n")
        print(
            f"    {label} ({len(lines)} paragraphs): "
            + " | ".join(ln[:width] for ln in lines[:2])
            + (f" ... | {lines[-1][:width]}" if len(lines) > 2 else "")
        )


def stream(corpora, copies, seed: int, pairs) -> dict:
    """One long-lived index per corpus: all originals in file order, then all reprints."""
    reprints_by_corpus: dict[str, list] = {}
    for p in pairs:
        if p.positive:
            reprints_by_corpus.setdefault(p.corpus, []).append(p)
    adds = found = wrong_group = with_donor = with_sibling = alone = 0
    originals_wrong = originals_copy = 0
    spent = 0.0
    examples: dict[str, list[str]] = {}
    for name, events in corpora.items():
        index = DuplicateIndex()
        key_of: dict[str, int] = {}
        gold = copies[name]
        docs = [d for _, arts in sorted(events.items()) for d in arts]
        doc_by_key = {}
        name_of: dict[int, str] = {}
        for d in docs:
            key = len(key_of)
            key_of[d.id] = key
            doc_by_key[key] = d
            name_of[key] = d.id
            t0 = time.perf_counter()
            m = index.add(key, f"src:{d.id}", "\n".join(wire_version(d, seed)))
            spent += time.perf_counter() - t0
            adds += 1
            if m is not None:
                other = doc_by_key[m.of]
                if frozenset({other.id, d.id}) in gold or is_copy(other, d):  # a copy filed under two events
                    originals_copy += 1
                else:
                    originals_wrong += 1
                    examples.setdefault("original", []).append(
                        f"original {d.id} grouped with separate report {other.id}"
                    )
        copies_of: dict[str, set[str]] = {}
        for pair in gold:
            a, b = tuple(pair)
            copies_of.setdefault(a, set()).add(b)
            copies_of.setdefault(b, set()).add(a)
        carried_by: dict[str, list[int]] = {}  # a separate report -> the reprints carrying a paragraph of it
        for p in reprints_by_corpus.get(name, []):
            key = len(key_of)
            key_of[p.later_id] = key
            name_of[key] = p.later_id
            t0 = time.perf_counter()
            index.add(key, f"outlet:{p.later_id}", p.later)
            spent += time.perf_counter() - t0
            adds += 1
            for d in p.donors:
                carried_by.setdefault(d, []).append(key)
            allowed = {index.group_of(key_of[x]) for x in {p.earlier_id, *copies_of.get(p.earlier_id, ())}}
            g = index.group_of(key)
            if g in allowed:
                found += 1
            elif g == key:
                alone += 1  # matched nothing: a miss
            elif g in {
                index.group_of(key_of[f"{p.earlier_id}/{k}"])
                for k in KINDS
                if k != p.kind and f"{p.earlier_id}/{k}" in key_of
            }:
                with_sibling += 1  # joined another reprint of its report that the wire group had missed
                examples.setdefault("sibling", []).append(
                    f"reprint {p.later_id} grouped with {name_of[g]}, a reprint outside the wire group"
                )
            elif g in {index.group_of(k) for d in p.donors for k in [key_of[d], *carried_by.get(d, ())]}:
                with_donor += 1
                examples.setdefault("donor", []).append(
                    f"reprint {p.later_id} grouped with {name_of[g]}: it carries a paragraph of {', '.join(p.donors)}"
                )
            else:
                wrong_group += 1
                examples.setdefault("wrong", []).append(f"reprint {p.later_id} grouped with {name_of[g]}")
    n_reprints = sum(len(v) for v in reprints_by_corpus.values())
    return {
        "articles": adds,
        "reprints": n_reprints,
        "reprints_in_wire_group": found,
        "reprints_missed": alone,
        "reprints_in_wrong_group": wrong_group,
        "reprints_with_donor": with_donor,
        "reprints_with_sibling_reprint": with_sibling,
        "originals_grouped_with_gold_copy": originals_copy,
        "originals_grouped_with_separate_report": originals_wrong,
        "recall": found / n_reprints if n_reprints else 1.0,
        "ms_per_article": 1000 * spent / adds if adds else 0.0,
        "examples": [e for v in examples.values() for e in v[:3]],
    }


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("data", nargs="+", type=Path)
    ap.add_argument("--seed", type=int, default=BENCH_SEED)
    ap.add_argument("--show", type=int, default=5, help="misses and false alarms printed (each)")
    ap.add_argument("--max-wires", type=int, default=None, help="sample this many originals per corpus")
    ap.add_argument("--max-separate", type=int, default=None, help="sample this many same-event pairs per corpus")
    ap.add_argument("--no-stream", action="store_true", help="skip the one-index-per-corpus stream run")
    args = ap.parse_args(argv)

    t0 = time.perf_counter()
    corpora = load_corpora(args.data)
    copies = {name: copy_pairs(events) for name, events in corpora.items()}
    pairs, not_applicable = build_benchmark(
        corpora, args.seed, max_wires=args.max_wires, max_separate=args.max_separate, copies=copies
    )
    built = time.perf_counter() - t0
    for name, events in corpora.items():
        n = sum(len(a) for a in events.values())
        print(
            f"{name}: {n} articles in {len(events)} events; {len(copies[name])} same-event pairs are gold copies "
            f"(left out of the negatives)"
        )
    print(f"built {len(pairs)} pairs in {built:.1f}s (seed {args.seed})")

    judged, spent = judge(pairs)
    s = summarise(judged)
    ms_pair_article = 1000 * spent / (2 * len(pairs)) if pairs else 0.0

    print("\n== pairs: each through a fresh index, original then candidate")
    names = list(corpora)
    print(f"{'kind':<16} {'pairs':>6} {'recall':>7}   " + "   ".join(f"{n + ' (n, n/a)':>24}" for n in names))
    for kind in KINDS:
        if kind not in s["pairs_by_kind"]:
            continue
        cells = []
        for n in names:
            key = f"{n}/{kind}"
            if key in s["pairs_by_corpus_kind"]:
                cells.append(
                    f"{s['recall_by_corpus_kind'][key]:.4f} ({s['pairs_by_corpus_kind'][key]}, "
                    f"{not_applicable[n][kind]})"
                )
            else:
                cells.append(f"- (0, {not_applicable[n][kind]})")
        print(
            f"{kind:<16} {s['pairs_by_kind'][kind]:>6} {s['recall_by_kind'][kind]:>7.4f}   "
            + "   ".join(f"{c:>24}" for c in cells)
        )
    neg_by_corpus = Counter(j.pair.corpus for j in judged if not j.pair.positive)
    fp_by_corpus = Counter(j.pair.corpus for j in judged if not j.pair.positive and j.flagged)
    print(
        f"{'separate (neg)':<16} {s['pairs_negative']:>6} {'':>7}   "
        + "   ".join(f"{f'{fp_by_corpus[n]} flagged of {neg_by_corpus[n]}':>24}" for n in names)
    )
    print(
        f"overall: precision {s['precision']:.4f}  recall {s['recall']:.4f}  F1 {s['f1']:.4f}  "
        f"(tp {s['tp']}, fn {s['fn']}, fp {s['fp']}, tn {s['tn']}; "
        f"false-positive rate {s['false_positive_rate']:.5f})"
    )
    print(
        f"goals: recall >= {GOAL_RECALL} {'met' if s['recall'] >= GOAL_RECALL else 'MISSED'}, "
        f"precision >= {GOAL_PRECISION} {'met' if s['precision'] >= GOAL_PRECISION else 'MISSED'}; "
        f"dedup {ms_pair_article:.2f} ms per article added"
    )

    misses = [j for j in judged if j.pair.positive and not j.flagged]
    alarms = [j for j in judged if not j.pair.positive and j.flagged]
    if misses:
        print(
            f"\nmissed reprints by kind: {dict(Counter(j.pair.kind for j in misses))}; "
            f"what the index said: {dict(Counter(j.match.kind if j.match else 'none' for j in misses))}"
        )
        shown: Counter = Counter()
        for j in misses:
            if shown[j.pair.kind] < args.show:
                shown[j.pair.kind] += 1
                show(j)
    if alarms:
        print(f"\nfalse alarms (separate reports called copies): {len(alarms)}")
        for j in alarms[: args.show]:
            show(j)

    st = None
    if not args.no_stream:
        st = stream(corpora, copies, args.seed, pairs)
        print(
            f"\n== stream: one index per corpus, {st['articles']} articles (originals, then {st['reprints']} reprints)"
        )
        print(
            f"reprints in their wire group {st['reprints_in_wire_group']} ({st['recall']:.4f}), in no group "
            f"{st['reprints_missed']}; elsewhere: with the separate report whose paragraph it carries as its own, "
            f"or another reprint carrying that paragraph {st['reprints_with_donor']}; with another reprint of its "
            f"report outside the wire group {st['reprints_with_sibling_reprint']}; in a wrong group "
            f"{st['reprints_in_wrong_group']}"
        )
        print(
            f"originals grouped with a gold copy {st['originals_grouped_with_gold_copy']}, with a separate report "
            f"{st['originals_grouped_with_separate_report']}; {st['ms_per_article']:.2f} ms per article"
        )
        for e in st["examples"]:
            print("  " + e)

    scenarios = build_scenarios(corpora, args.seed, copies=copies)
    results = [run_scenario(sc) for sc in scenarios]
    ok = sum(r.ok for r in results)
    print(
        f"\n== ten reprints of one report: {len(results)} events (wire + {N_REPRINTS} reprints + "
        f"{N_INDEPENDENT} separate reports each)"
    )
    if not results:
        print(f"not run: no event has {1 + N_INDEPENDENT} mutually separate reports (AllSides stories have at most 3)")
    else:
        print(
            f"exactly one wire group and {1 + N_INDEPENDENT} groups in all: {ok}/{len(results)}; "
            f"wire groups {dict(Counter(r.wire_groups for r in results))}, "
            f"groups in all {dict(Counter(r.groups for r in results))}, "
            f"separate reports merged {sum(r.independents_merged for r in results)}"
        )
        first = results[0]
        print(
            f"e.g. {first.scenario.corpus} event {first.scenario.event}: wire {first.scenario.wire_id}, separate "
            f"{', '.join(first.scenario.independent_ids)} -> wire groups {first.wire_groups}, groups {first.groups}"
        )
        for r in results:
            if not r.ok:
                print(
                    f"  FAILED {r.scenario.event}: wire groups {r.wire_groups}, groups {r.groups}, "
                    f"merged {r.independents_merged}"
                )

    out = {
        k: (round(v, 5) if isinstance(v, float) else v)
        for k, v in s.items()
        if k not in ("recall_by_corpus_kind", "pairs_by_corpus_kind")
    }
    out["recall_by_kind"] = {k: round(v, 5) for k, v in s["recall_by_kind"].items()}
    out["recall_by_corpus_kind"] = {k: round(v, 5) for k, v in s["recall_by_corpus_kind"].items()}
    out["ms_per_article"] = round(ms_pair_article, 3)
    if st is not None:
        out["stream"] = {k: (round(v, 5) if isinstance(v, float) else v) for k, v in st.items() if k != "examples"}
    out["ten_reprints"] = {
        "events": len(results),
        "passed": ok,
        "wire_groups": dict(Counter(r.wire_groups for r in results)),
        "groups": dict(Counter(r.groups for r in results)),
    }
    out["seed"] = args.seed
    print(json.dumps(out))
    return 0


if __name__ == "__main__":
    sys.exit(main())
