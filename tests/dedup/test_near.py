"""near.py: normalisation, exact / near / reprint detection, short texts, groups, signatures.

The texts here were written for these tests (no third-party copy); real-article checks are in
test_reprints.py.
"""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from copydesk.dedup import DedupOptions, DuplicateIndex, normalise_text, signature, text_hash
from copydesk.dedup import near

WIRE = """BUDAPEST (Reuters) - Hungary's parliament on Tuesday approved a bill that caps household energy prices for another year, a measure the government says will shield families from the winter heating bills that have soared since the war in Ukraine began.
The law, passed by 133 votes to 61, extends the price cap that was due to expire at the end of March. Opposition parties voted against, saying the scheme favours large households and drains the budget.
"Families cannot be left alone with prices set in Brussels and in Moscow," Economy Minister Marton Nagy told lawmakers before the vote, adding that the cost to the state would be about 400 billion forints.
Analysts at ING said the cap would lower inflation by roughly one percentage point but widen the budget deficit, which the government has pledged to bring below 4 percent of economic output next year.
The central bank, which kept its base rate at 6.5 percent last month, has warned that fiscal easing could slow the fall in inflation, currently running at 7 percent.
Reporting by Anita Komuves; Editing by Andrew Heavens"""

REPRINT = """By Jane Doe, Associated Press
(AP) — Hungary's parliament on Tuesday approved a bill that caps household energy prices for another year, a measure the government says will shield families from the winter heating bills that have soared since the war in Ukraine began.
The law, passed by 133 votes to 61, extends the price cap that was due to expire at the end of March. Opposition parties voted against, saying the scheme favors large households and drains the budget.
"Families cannot be left alone with prices set in Brussels and in Moscow," Economy Minister Marton Nagy told lawmakers before the vote, adding that the cost to the state would be about 400 billion forints.
Analysts at ING say the cap would lower inflation by roughly one percentage point but widen the budget deficit, which the government has pledged to bring below 4 per cent of economic output next year.
The measure still needs the signature of the president, who has five days to sign it.
Additional reporting by Marton Dunai in Budapest; editing by Jason Neely"""

# A separate report of the same event: same names, numbers and quote, the reporter's own sentences.
SEPARATE = """Lawmakers in Budapest voted 133 to 61 on Tuesday to keep Hungary's cap on household gas and electricity prices in place for a further twelve months.
Economy Minister Marton Nagy defended the plan in the chamber. "Families cannot be left alone with prices set in Brussels and in Moscow," he said, putting the annual cost at around 400 billion forints.
Critics in the opposition argued that the cap mostly helps wealthier homes with big heating bills, and that the money would be better spent on targeted aid for pensioners and low-income families.
Economists expect the measure to shave about a point off inflation, which stood at 7 percent, while adding to a deficit that Budapest has promised to cut below 4 percent of GDP.
The National Bank of Hungary, which held its base rate at 6.5 percent in its latest decision, has repeatedly cautioned against loosening fiscal policy too early."""

UPDATE = """Hungary's parliament on Tuesday approved a bill that caps household energy prices for another year, in a vote the opposition called a pre-election giveaway.
The law, passed by 133 votes to 61, extends the price cap that was due to expire at the end of March. Opposition parties voted against, saying the scheme favours large households and drains the budget.
"Families cannot be left alone with prices set in Brussels and in Moscow," Economy Minister Marton Nagy told lawmakers before the vote, adding that the cost to the state would be about 400 billion forints.
Analysts at ING said the cap would lower inflation by roughly one percentage point but widen the budget deficit, which the government has pledged to bring below 4 percent of economic output next year.
The central bank, which kept its base rate at 6.5 percent last month, has warned that fiscal easing could slow the fall in inflation, currently running at 7 percent.
President Tamas Sulyok signed the law late on Tuesday, his office said, and it will take effect on April 1. The European Commission declined to comment on the vote."""

T0 = datetime(2024, 3, 5, 9, 0, tzinfo=timezone.utc)


# ---------------------------------------------------------------------------------------------------------
# Normalisation
# ---------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "dateline",
    [
        "BUDAPEST (Reuters) - ",
        "(AP) — ",
        "LONDON, May 3 (AFP) - ",
        "(CNN)",
        "WASHINGTON — ",
        "SAN JUAN, Puerto Rico (AP) — ",
        "KYIV, Ukraine, Jan. 5 -- ",
        "NEW YORK (Reuters/Ipsos) - ",
    ],
)
def test_datelines_are_stripped(dateline: str) -> None:
    assert normalise_text(dateline + "The vote was close.") == "the vote was close"


@pytest.mark.parametrize(
    "credit",
    [
        "Reporting by Anita Komuves; Editing by Andrew Heavens",
        "(Reporting by Gergely Szakacs; Writing by Krisztina Than; Editing by Alex Richardson)",
        "Additional reporting by Marton Dunai in Budapest; editing by Jason Neely",
        "By JANE DOE and Bob Roe, The Associated Press",
        "Associated Press writer Pablo Gorondi in Budapest contributed to this report.",
        "© 2024 Reuters. All rights reserved.",
        "Our Standards: The Thomson Reuters Trust Principles.",
        "The Associated Press",
    ],
)
def test_credit_lines_are_dropped(credit: str) -> None:
    assert normalise_text(f"The vote was close.\n{credit}") == "the vote was close"


def test_trailing_credit_on_the_last_paragraph_is_cut() -> None:
    text = "The vote was close, he said. Reporting by Anita Komuves; Editing by Andrew Heavens"
    assert normalise_text(text) == "the vote was close he said"


def test_sentences_that_look_like_credits_are_kept() -> None:
    assert normalise_text("By Tuesday, the storm had passed.") == "by tuesday the storm had passed"
    assert "reporting by the times" in normalise_text("The claim rests on reporting by the Times.")
    assert normalise_text("US - China talks resume.") == "us china talks resume"


def test_text_hash_ignores_datelines_case_and_punctuation() -> None:
    a = text_hash("BUDAPEST (Reuters) - Prices rose 5%, the office said.\nReporting by A; Editing by B")
    b = text_hash("(AP) — prices rose 5% — the office said")
    assert a == b and a is not None and len(a) == 32
    assert text_hash("") is None and text_hash("(AP) — \n Reporting by X") is None


# ---------------------------------------------------------------------------------------------------------
# Index
# ---------------------------------------------------------------------------------------------------------


def test_exact_duplicate_same_and_other_outlet() -> None:
    index = DuplicateIndex()
    assert index.add(1, "reuters", WIRE, T0) is None
    m = index.add(2, "reuters", WIRE.replace("BUDAPEST (Reuters) - ", ""), T0)
    assert m is not None and (m.kind, m.of, m.similarity, m.group) == ("exact", 1, 1.0, 1)
    m = index.add(3, "telex", "(AP) — " + WIRE.split(" - ", 1)[1], T0)
    assert m is not None and (m.kind, m.of, m.group) == ("exact", 1, 1)


def test_short_exact_copy_across_outlets_is_not_a_duplicate() -> None:
    index = DuplicateIndex()
    index.add(1, "a", "Breaking news.")
    assert index.add(2, "b", "BREAKING NEWS") is None
    assert index.add(3, "a", "Breaking news!") is not None  # same outlet: its own repost


def test_updated_article_is_near_duplicate_of_same_outlet() -> None:
    index = DuplicateIndex()
    index.add(1, "reuters", WIRE, T0)
    m = index.add(2, "reuters", UPDATE, T0 + timedelta(hours=3))
    assert m is not None and m.kind == "near" and m.of == 1 and m.group == 1
    assert 0.5 <= m.similarity < 1.0


def test_reprint_with_new_dateline_credits_ending_and_copy_edits() -> None:
    index = DuplicateIndex()
    index.add(1, "reuters", WIRE, T0)
    m = index.add(2, "ap-member", REPRINT, T0 + timedelta(minutes=20))
    assert m is not None and m.kind == "reprint" and m.of == 1 and m.group == 1
    assert m.similarity >= near.REPRINT_CONTAINMENT


def test_separate_report_sharing_names_numbers_and_quote_is_not_a_reprint() -> None:
    index = DuplicateIndex()
    index.add(1, "reuters", WIRE, T0)
    assert index.add(2, "guardian", SEPARATE, T0) is None


def test_quoting_another_outlets_paragraph_is_not_a_reprint() -> None:
    lede = WIRE.splitlines()[0].split(" - ", 1)[1]
    aggregator = (
        "The Hungarian government has won another vote on its flagship energy subsidy, a policy that "
        "critics at home and in the European Union have attacked for months as costly and badly aimed.\n"
        f'As Reuters reported, "{lede}"\n'
        "The opposition, which voted against, said it would challenge parts of the scheme in the courts "
        "and called on the government to publish the full cost of the subsidy before the next budget."
    )
    index = DuplicateIndex()
    index.add(1, "reuters", WIRE, T0)
    assert index.add(2, "aggregator", aggregator, T0) is None


def test_short_summaries_sharing_a_sentence_are_not_reprints() -> None:
    s1 = "Hungary's parliament on Tuesday approved a bill that caps household energy prices for another year."
    s2 = (
        "Hungary's parliament on Tuesday approved a bill that caps household energy prices for another year. "
        "Opposition parties said the cap helps the rich."
    )
    index = DuplicateIndex()
    index.add(1, "a", s1)
    assert index.add(2, "b", s2) is None
    assert min(len(normalise_text(s1).split()), len(normalise_text(s2).split())) < near.SHORT_TEXT_WORDS


def test_short_text_near_identical_with_enough_words_is_a_reprint() -> None:
    s1 = WIRE.splitlines()[0]  # one 38-word paragraph: a short text
    s2 = "(AP) — " + s1.split(" - ", 1)[1].replace("soared", "risen sharply")
    assert len(normalise_text(s1).split()) < near.SHORT_TEXT_WORDS
    index = DuplicateIndex()
    index.add(1, "a", s1)
    m = index.add(2, "b", s2)
    assert m is not None and m.kind == "reprint"


def test_transitive_group_and_priority() -> None:
    index = DuplicateIndex()
    index.add(10, "reuters", WIRE, T0)
    index.add(11, "ap-member", REPRINT, T0)  # reprint of 10
    third = REPRINT.replace("The measure still needs", "The law still needs") + "\nIt was the 12th such vote."
    m = index.add(12, "local", third, T0)  # closest to 11
    assert m is not None and m.kind == "reprint" and m.of == 11 and m.group == 10
    # the member outlet updates its own copy: "near" its earlier copy beats "reprint" of the wire
    m = index.add(13, "ap-member", REPRINT + "\nThe president's office did not comment.", T0)
    assert m is not None and m.kind == "near" and m.of == 11 and m.group == 10
    assert index.group_of(13) == 10 and index.group_of(10) == 10 and index.group_of(99) == 99


def test_empty_text_is_never_a_duplicate() -> None:
    index = DuplicateIndex()
    assert index.add(1, "a", "") is None
    assert index.add(2, "a", "") is None
    assert index.add(3, "a", "   \n(AP) — \n") is None


def test_duplicate_key_is_refused() -> None:
    index = DuplicateIndex()
    index.add(1, "a", WIRE)
    with pytest.raises(ValueError, match="^dedup: "):
        index.add(1, "a", WIRE)


def test_remove_and_prune() -> None:
    index = DuplicateIndex()
    index.add(1, "reuters", WIRE, T0)
    index.add(2, "other", SEPARATE, T0 + timedelta(days=10))
    index.add(3, "undated", "Something else entirely, written without a date at all.", None)
    assert index.prune(T0 + timedelta(days=1)) == 1
    assert 1 not in index and 2 in index and 3 in index and len(index) == 2
    assert index.add(4, "ap-member", REPRINT, T0) is None  # the original is forgotten
    index.remove(2)
    index.remove(2)  # idempotent
    assert 2 not in index


def test_prune_forgets_everything_of_an_article_and_only_it() -> None:
    """What the index keeps for an article (its entry, its hash, its chain's group) goes when it is pruned, so the
    index holds the window's articles and nothing more however long it runs; a later copy's group stays."""
    index = DuplicateIndex()
    index.add(1, "reuters", WIRE, T0)
    assert index.add(2, "ap-member", REPRINT, T0 + timedelta(days=2)).group == 1
    assert index.add(3, "local", WIRE, T0 + timedelta(days=3)).group == 1  # exact copy of 1
    assert index.sizes() == {"articles": 3, "groups": 2, "hashes": 2}
    index.remove(3)  # an explicit removal leaves a stale heap item: prune skips it
    assert index.prune(T0 + timedelta(days=1)) == 1
    assert index.sizes() == {"articles": 1, "groups": 1, "hashes": 1}
    assert index.group_of(2) == 1  # the copy still leads back to the forgotten original
    assert index.add(4, "other", REPRINT, T0 + timedelta(days=4)).group == 1  # through 2, the one it copies
    assert index.prune(T0 + timedelta(days=30)) == 2
    assert index.sizes() == {"articles": 0, "groups": 0, "hashes": 0}
    assert index.prune(T0 + timedelta(days=60)) == 0


def test_options_change_thresholds() -> None:
    strict = DuplicateIndex(DedupOptions(reprint_containment=0.99))
    strict.add(1, "reuters", WIRE)
    assert strict.add(2, "ap-member", REPRINT) is None


# ---------------------------------------------------------------------------------------------------------
# Signatures: rebuild from stored bytes without the texts
# ---------------------------------------------------------------------------------------------------------


def test_signature_rebuild_gives_the_same_answers() -> None:
    texts = [("reuters", WIRE), ("ap-member", REPRINT), ("guardian", SEPARATE), ("reuters", UPDATE), ("reuters", WIRE)]
    live = DuplicateIndex()
    answers = [live.add(k, o, t, T0) for k, (o, t) in enumerate(texts)]
    stored = [(k, o, signature(t), text_hash(t)) for k, (o, t) in enumerate(texts)]
    rebuilt = DuplicateIndex()
    assert [rebuilt.add_signature(k, o, sig, h, T0) for k, o, sig, h in stored] == answers
    assert [a.kind if a else None for a in answers] == [None, "reprint", None, "near", "exact"]
    # and the rebuilt index keeps working on new texts
    assert rebuilt.add(99, "x", REPRINT).kind == "exact"


def test_signature_is_compact_and_versioned() -> None:
    sig = signature(WIRE)
    n_words = len(normalise_text(WIRE).split())
    assert len(sig) <= 16 + 4 * near.NUM_PERM + 4 * n_words
    with pytest.raises(ValueError, match="^dedup: "):
        DuplicateIndex().add_signature(1, "a", b"XYZ" + sig[3:], None)
    with pytest.raises(ValueError, match="^dedup: "):
        DuplicateIndex().add_signature(1, "a", sig[:-4], None)
    with pytest.raises(ValueError, match="^dedup: "):
        DuplicateIndex().add_signature(1, "a", b"", None)
    assert signature("") and DuplicateIndex().add_signature(1, "a", signature(""), None) is None
