"""Language detection on real text: FLORES passages shipped in tests/data/lang (three Wikinews passages in 16
languages), and a CI floor on a fixed subset of ../shared/data scored by bench/language.py's own code.

tests/data/lang/flores_sample.jsonl was made with:
    python -c "import json; [print(json.dumps({k: r[k] for k in ('id','language','gold','text','source_url',
    'source_title_en')}, ensure_ascii=False)) for r in map(json.loads, open('flores_xling.jsonl'))
    if r['gold'] in ('flores-wikinews-018','flores-wikinews-029','flores-wikinews-030')]"
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest
from testsupport import REPO, shared_data

from copydesk.lang.detect import (
    ARTICLE_CONFIDENCE,
    LANGUAGES,
    article_language,
    detect,
    in_language,
    language_name,
    with_language,
)
from copydesk.models import ArticleIn
from copydesk.text import split_sentences

SAMPLE = Path(__file__).resolve().parent.parent / "data" / "lang" / "flores_sample.jsonl"
ROWS = [json.loads(x) for x in SAMPLE.open(encoding="utf-8")]


def passage(gold: str, lang: str) -> str:
    return next(r["text"] for r in ROWS if r["gold"] == f"flores-wikinews-{gold}" and r["language"] == lang)


def test_every_sample_passage_is_detected_in_its_language():
    wrong = [(r["id"], detect(r["text"])) for r in ROWS if detect(r["text"])[0] != r["language"]]
    assert not wrong
    assert {r["language"] for r in ROWS} <= set(LANGUAGES)


def test_the_text_overrules_a_wrong_hint_and_the_hint_decides_what_the_text_cannot():
    de = passage("018", "de")
    d = article_language(de, hint="en", outlet_language="en")
    assert (d.language, d.source) == ("de", "text") and d.confidence >= ARTICLE_CONFIDENCE
    # A title alone is too short to tell: the hint, then the registry's language, then nothing.
    assert article_language("Papst beerdigt", hint="de", outlet_language="en").source == "hint"
    assert article_language("Papst beerdigt", hint=None, outlet_language="hu").language == "hu"
    assert article_language("Papst beerdigt", hint=None, outlet_language="und").source in ("guess", "none")
    assert article_language("", None, None).language is None


def test_with_language_keeps_the_claim_as_the_hint():
    a = ArticleIn(
        url="https://x.test/1", outlet_id="x", title="Beerdigung in Rom", text=passage("018", "de"), language="en"
    )
    out = with_language(a, "en")
    assert (out.language, out.language_hint) == ("de", "en")
    again = with_language(out, "en")  # idempotent: the hint is not replaced by the detected language
    assert (again.language, again.language_hint) == ("de", "en")


def test_sentence_guard_keeps_english_and_drops_other_languages():
    for gold in ("018", "029", "030"):
        for s in split_sentences(passage(gold, "en")):
            assert in_language(s, "en"), s
        for lang in ("de", "es", "fr", "hu", "pl", "ru"):
            for s in split_sentences(passage(gold, lang)):
                if len(s.split()) >= 6:
                    assert not in_language(s, "en"), (lang, s)
    assert in_language("Rom.", "en")  # too short to tell: kept
    assert in_language(passage("018", "de"), "de")
    assert in_language(passage("018", "hu"), "tlh")  # a language lingua does not know: no guard


def test_language_names():
    assert language_name("de") == "German"
    assert language_name("pt") == "Portuguese"
    assert language_name("nb") == "Norwegian"
    assert language_name(None) == "an unknown language"
    assert language_name("tlh") == "tlh"


# -- CI floor on ../shared/data -----------------------------------------------------------------------------

#: Passages per language of the FLORES Wikinews (test) split, and Tatoeba odd rows, used by the floor.
FLOOR_PASSAGES = 10
FLOOR_TATOEBA_ROWS = 3000
#: Measured with the committed detector on this subset: accuracy 1.000 (160 passages, hint "en" for all),
#: short (first sentence) 0.994, English sentences dropped 0.005 (of 413), others caught 0.975 (of 2,950; the
#: first Tatoeba rows are mostly short Hungarian sentences). Floors a little under.
FLOOR = {"accuracy": 0.98, "short_accuracy": 0.96, "sentence_false_drop_max": 0.02, "sentence_catch": 0.95}


def test_detection_floor_on_flores_and_tatoeba():
    sys.path.insert(0, str(REPO / "bench"))
    import language as bench  # bench/language.py

    flores = [json.loads(x) for x in shared_data("flores_xling", "flores_xling.jsonl").open(encoding="utf-8")]
    _, test = bench.split_flores(flores, FLOOR_PASSAGES)
    ok = [article_language(r["text"], hint="en").language == r["language"] for r in test]
    short = [article_language(bench.fragments(r)["first sentence"], hint="en").language == r["language"] for r in test]
    assert sum(ok) / len(ok) >= FLOOR["accuracy"]
    assert sum(short) / len(short) >= FLOOR["short_accuracy"]

    tat_path = shared_data("tatoeba_xling", "tatoeba_x_eng.jsonl")
    tat = [json.loads(x) for _, x in zip(range(FLOOR_TATOEBA_ROWS * 4), tat_path.open(encoding="utf-8"))]
    en_t, other_t = bench.tatoeba_sentences(tat, 1)
    en_f, other_f = bench.flores_sentences(test)
    en, other = en_t + en_f, [s for _, s in other_t + other_f]
    assert len(en) >= 100 and len(other) >= 500
    dropped = sum(not in_language(s, "en") for s in en) / len(en)
    caught = sum(not in_language(s, "en") for s in other) / len(other)
    assert dropped <= FLOOR["sentence_false_drop_max"]
    assert caught >= FLOOR["sentence_catch"]


@pytest.mark.parametrize("lang", ["de", "fr", "es", "it", "hu"])
def test_registry_languages_detected_on_whole_sample_passages(lang):
    for gold in ("018", "029", "030"):
        assert article_language(passage(gold, lang), hint="en").language == lang


def test_many_sentences_get_the_verdicts_one_at_a_time_gets_and_are_remembered(monkeypatch):
    from copydesk.lang import detect

    sents = [s for lang in ("en", "de", "fr") for s in split_sentences(passage("029", lang))] + ["Rom."]
    one_by_one = []
    for s in sents:
        detect._verdicts.clear()
        one_by_one.append(in_language(s, "en"))
    detect._verdicts.clear()
    assert detect.in_language_many(sents, "en") == one_by_one
    assert True in one_by_one and False in one_by_one
    monkeypatch.setattr(detect, "_detector", lambda extra=(): pytest.fail("asked the detector again"))
    assert detect.in_language_many(list(reversed(sents)), "en") == one_by_one[::-1]
