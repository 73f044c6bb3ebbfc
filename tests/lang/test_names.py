"""copydesk.lang.names: the capitalised words that name no one, and one key per spelling of a name."""

from copydesk.lang.names import NOT_NAMES, name_key


def test_contractions_and_generational_suffixes_are_not_names():
    assert {"i'm", "i've", "i'd", "i'll", "jr", "sr"} <= NOT_NAMES
    assert {"crown", "prince", "prime", "minister", "chancellor"} <= NOT_NAMES  # titles name the office
    assert "biden" not in NOT_NAMES


def test_spellings_that_double_a_letter_share_a_key():
    assert name_key("zelenskyy") == name_key("zelensky") == "zelensky"
    assert name_key("donbass") == name_key("donbas")
    assert name_key("2022") == "2022" and name_key("1,000") == "1,000"  # figures are kept as they are
    assert name_key("putin") == "putin"


def test_a_numeral_of_one_letter_repeated_is_no_name():
    from copydesk.lang.names import proper_names

    # "II" and "III" would both become the key "i" and make two texts share a name they do not share
    n = proper_names("Since the end of World War II the treaty of Queen Elizabeth II held. Mark Twain III wrote.")
    assert "i" not in n and {"world", "war", "elizabeth", "twain"} <= set(n)
    assert "xi" in proper_names("The letter of Pope Pius XII was read.")  # two letters remain: kept
