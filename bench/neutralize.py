"""Neutralising a biased sentence, on the Wiki Neutrality Corpus word-level test set (1,000 pairs).

    python bench/neutralize.py ../shared/data/wnc [--show N]

Each biased sentence (`src_raw`) goes through `copydesk.neutral.neutralize`, exactly as the writer applies it
to source sentences; the result is compared with the neutral target (`tgt_raw`): exact-match accuracy and
corpus BLEU (sacrebleu, 13a tokenisation, lower-cased text as given). Baselines in the same run: copying the
input, and deleting every loaded word copydesk detects. WNC is CC BY-SA 3.0; nothing is trained on it.

``edit_precision``: of the words of the biased sentences that our editor changes (replaces or deletes), the
share that the human editor changed too (word-level diff of source against output and against target; an
"a"/"an" made to agree with the next word is part of the edit beside it, not a change of its own).
``edited_words`` and ``edited_sentences`` say how much was edited, so precision is not bought by editing
nothing; ``edit_recall`` is the share of the human editor's changed words that we changed too. Measured on the
1,000 test pairs: main at c413447 (before issue 12) 0.764 of 182 edited words; with the parser check and the
narrower word lists of issue 12, 0.823 of 130 (goal >= 0.80).
The last line is a JSON object: accuracy, bleu, edit_precision, and the baselines'.
"""

from __future__ import annotations

import argparse
import difflib
import json
import re
import sys
from pathlib import Path

from copydesk.neutral import loaded_words, neutralize


def delete_detected(text: str) -> str:
    out = text
    for h in reversed(loaded_words(text)):
        out = out[: h.start] + out[h.end :]
    return re.sub(r"\s+", " ", re.sub(r"\s+([,.;:])", r"\1", out)).strip()


def norm(s: str) -> str:
    return re.sub(r"\s+", " ", s).strip()


_TOKEN = re.compile(r"\w+(?:['’-]\w+)*")


def changed_words(src: str, out: str) -> set[int]:
    """Positions of the words of ``src`` that ``out`` replaces or deletes (a/an agreement excluded)."""
    a, b = _TOKEN.findall(src.lower()), _TOKEN.findall(out.lower())
    changed: set[int] = set()
    for op, i1, i2, j1, j2 in difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        if op in ("replace", "delete"):
            changed.update(
                i
                for i in range(i1, i2)
                if not (a[i] in ("a", "an") and op == "replace" and {a[i], *b[j1:j2]} <= {"a", "an"})
            )
    return changed


def edit_scores(src: list[str], outputs: list[str], targets: list[str]) -> dict:
    ours = [changed_words(s, o) for s, o in zip(src, outputs)]
    human = [changed_words(s, t) for s, t in zip(src, targets)]
    edited = sum(len(o) for o in ours)
    agreed = sum(len(o & h) for o, h in zip(ours, human))
    return {
        "edit_precision": round(agreed / edited, 4) if edited else None,
        "edit_recall": round(agreed / max(sum(len(h) for h in human), 1), 4),
        "edited_words": edited,
        "edited_sentences": sum(bool(o) for o in ours),
    }


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
    out = {
        "pairs": len(rows),
        **scores(ours, tgt),
        "changed": sum(o != s for o, s in zip(ours, src)),
        **edit_scores(src, ours, tgt),
    }
    out.update({f"baseline_copy_{k}": v for k, v in scores(src, tgt).items()})
    deleted = [delete_detected(s) for s in src]
    out.update({f"baseline_delete_detected_{k}": v for k, v in scores(deleted, tgt).items()})
    out.update({f"baseline_delete_detected_{k}": v for k, v in edit_scores(src, deleted, tgt).items()})
    shown = 0
    for s, o, t in zip(src, ours, tgt):
        if o != s and shown < args.show:
            print(f"SRC  {s}\nOURS {o}\nTGT  {t}\n", file=sys.stderr)
            shown += 1
    print(json.dumps(out))
    return out


if __name__ == "__main__":
    main()
