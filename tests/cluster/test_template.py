"""cluster.template: sentences whose shape recurs are template; only their names and figures count."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

from copydesk.cluster import OnlineClusterer
from copydesk.cluster.template import TemplateIndex, shape
from copydesk.models import Article

T0 = datetime(2022, 2, 1, tzinfo=timezone.utc)
LEADERS = [
    ("France", "Emmanuel Macron"),
    ("Finland", "Sauli Niinistö"),
    ("Turkey", "Recep Tayyip Erdogan"),
    ("Israel", "Naftali Bennett"),
    ("Belarus", "Alexander Lukashenko"),
]


def readout(country: str, name: str) -> str:
    return f"Telephone conversation with President of {country} {name}"


def test_shape_keeps_lowercase_words_and_slots_names_and_figures():
    sh, fill = shape("Vladimir Putin had a telephone conversation with President of France Emmanuel Macron on 12 May.")
    assert sh == "vladimir \u2022 had a telephone conversation with \u2022 of \u2022 on \u2022"
    assert fill == ("Putin", "President", "France Emmanuel Macron", "12 May")


def test_a_recurring_shape_is_reduced_to_its_specifics_but_ordinary_sentences_are_kept():
    t = TemplateIndex()
    for i, (country, name) in enumerate(LEADERS[:4]):
        t.observe(readout(country, name), T0 + timedelta(hours=i))
    t.observe(readout(*LEADERS[4]), T0 + timedelta(hours=5))
    assert t.specific(readout(*LEADERS[4])) == "President Belarus Alexander Lukashenko."
    news = "The storm killed 12 people in Kentucky on Friday, the governor said."
    assert t.specific(news) == news
    # forgotten after the window
    t.observe("Something else entirely was said today.", T0 + timedelta(days=90))
    assert t.specific(readout(*LEADERS[0])) == readout(*LEADERS[0])


def test_clusterer_embeds_and_counts_the_specifics_of_templated_articles():
    c = OnlineClusterer()
    texts = []
    for i, (country, name) in enumerate(LEADERS):
        when = T0 + timedelta(hours=i)
        a = Article(
            id=i,
            url=f"https://x.test/{i}",
            canonical_url=f"https://x.test/{i}",
            outlet_id="o",
            title=readout(country, name),
            text=f"The two leaders discussed relations between Russia and {country}.",
            summary="",
            published=when,
            first_seen=when,
        )
        texts.append(c.observe(a))
    assert texts[0].startswith("Telephone conversation with President of France")  # not yet a template
    assert "Telephone conversation" not in texts[-1] and "Lukashenko" in texts[-1]
