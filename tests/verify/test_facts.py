from copydesk.verify.facts import facts, normalise, quotations


def test_numbers_with_the_word_they_count():
    f = facts("At least 12 people were killed and twenty-one injured in Kabul on Tuesday, officials said.")
    assert {(q.value, q.unit) for q in f.quantities} == {(12.0, "people"), (21.0, "injur")}
    assert f.days == {"tuesday"} and "Kabul" in f.names


def test_money_percent_scale_and_years_are_not_counts():
    f = facts("The company raised $3.5 million in 2021, up 40% on the year.")
    assert {(q.value, q.unit) for q in f.quantities} == {(3.5e6, "$"), (40.0, "%")}
    assert f.years == {"2021"}


def test_day_of_month_is_a_date_not_a_quantity():
    f = facts("President Joe Biden signed the bill on March 3, the White House said.")
    assert f.quantities == () and f.days == {"3 march"}
    assert f.names == {"Joe Biden", "White House"}


def test_names_skip_sentence_openers_and_number_words_but_keep_inner_capitals():
    f = facts("Nine senators, including Mitch McConnell, voted against it.")
    assert f.names == {"Mitch McConnell"}


def test_negation_and_lowercased_corpora():
    assert facts("He did not attend.").negated and facts("he does n't know .").negated
    assert not facts("He attended.").negated
    assert normalise("kilmarnock 's manager , he said .") == "kilmarnock's manager, he said."


def test_quotations_need_a_few_words():
    assert quotations('"We will not back down," said Sen. Smith.') == ["We will not back down"]
    assert quotations('She starred in "American Pie" in 1999.') == []
