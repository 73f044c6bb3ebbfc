from copydesk.verify.quotes import check_quotes

SOURCE = (
    'Tara Reid checked into rehab on Tuesday. "We appreciate your respect to her privacy at this time," '
    "the actress's rep Jack Ketsoyan told the magazine. “She is doing well and thanks her fans,” he said."
)


def test_verbatim_quote_with_its_speaker_passes():
    assert check_quotes('"We appreciate your respect to her privacy at this time," Jack Ketsoyan said.', [SOURCE]).ok


def test_quote_marks_and_spacing_do_not_matter_and_the_speaker_may_come_from_the_sentence_before():
    assert check_quotes('"She is doing well  and thanks her fans," Ketsoyan said.', [SOURCE]).ok


def test_altered_quote_is_dropped():
    r = check_quotes('"She is doing very well and thanks her fans," Ketsoyan said.', [SOURCE])
    assert not r.ok and "verbatim" in r.problems[0]


def test_wrong_speaker_or_only_a_pronoun_is_dropped():
    assert not check_quotes('"She is doing well and thanks her fans," Tara Reid said.', [SOURCE]).ok
    r = check_quotes('"She is doing well and thanks her fans," he said.', [SOURCE])
    assert not r.ok and "named speaker" in r.problems[0]


def test_sentences_without_quotations_pass():
    assert check_quotes("Tara Reid checked into rehab on Tuesday.", [SOURCE]).ok
