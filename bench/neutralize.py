"""Neutralising a biased sentence, on the Wiki Neutrality Corpus word-level test set (1,000 pairs).

    python bench/neutralize.py ../shared/data/wnc [--show N]

Each biased sentence (`src_raw`) goes through `copydesk.neutral.neutralize`, exactly as the writer applies it
to source sentences; the result is compared with the neutral target (`tgt_raw`): exact-match accuracy and
corpus BLEU (sacrebleu, 13a tokenisation, lower-cased text as given). Baselines in the same run: copying the
input, and deleting every loaded word copydesk detects. WNC is CC BY-SA 3.0; nothing is trained on it.
The last line is a JSON object: accuracy, bleu, and the baselines'.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from pathlib import Path

from copydesk.neutral import loaded_words, neutralize


def delete_detected(text: str) -> str:
    out = text
    for h in reversed(loaded_words(text)):
        out = out[:h.start] + out[h.end:]
    return re.sub(r"\s+", " ", re.sub(r"\s+([,.;:])", r"\1", out)).strip()


def norm(s: str) -> str:
    return re.sub(r"\s+", " ", s).strip()


def scores(outputs: list[str], targets: list[str]) -> dict:
    import sacrebleu

    acc = sum(norm(o) == norm(t) for o, t in zip(outputs, targets)) / len(targets)
    bleu = sacrebleu.corpus_bleu(outputs, [targets]).score
    return {"accuracy": round(100 * acc, 2), "bleu": round(bleu, 2)}


def main(argv: list[str] | None = None) -> dict:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("data", type=Path)
    ap.add_argument("--show", type=int, default=0)
    args = ap.parse_args(argv)
    path = args.data / "test.jsonl"
    if not path.exists():
        sys.exit(f"neutralize: no WNC test set at {args.data}")
    rows = [json.loads(line) for line in path.open(encoding="utf-8")]
    src = [r["src_raw"] for r in rows]
    tgt = [r["tgt_raw"] for r in rows]
    ours = [neutralize(s)[0] for s in src]
    out = {"pairs": len(rows), **scores(ours, tgt), "changed": sum(o != s for o, s in zip(ours, src))}
    out.update({f"baseline_copy_{k}": v for k, v in scores(src, tgt).items()})
    out.update({f"baseline_delete_detected_{k}": v for k, v in scores([delete_detected(s) for s in src], tgt).items()})
    shown = 0
    for s, o, t in zip(src, ours, tgt):
        if o != s and shown < args.show:
            print(f"SRC  {s}\nOURS {o}\nTGT  {t}\n", file=sys.stderr)
            shown += 1
    print(json.dumps(out))
    return out


if __name__ == "__main__":
    main()
