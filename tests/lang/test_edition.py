"""The edition's language: which articles the writer takes text from, and the "not yet in English" queue."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

from copydesk.lang.edition import HELD_REASON, held_reason, in_edition, queue_entry, queue_title, untranslated
from copydesk.models import Article, Outlet, Rating

T0 = datetime(2005, 4, 8, 12, tzinfo=timezone.utc)


def art(i: int, lang: str | None, outlet: str = "beta", hours: int = 0) -> Article:
    return Article(
        id=i,
        url=f"https://{outlet}.test/{i}",
        canonical_url=f"https://{outlet}.test/{i}",
        outlet_id=outlet,
        title=f"Titel {i}",
        text="",
        summary="",
        published=T0 + timedelta(hours=hours),
        first_seen=T0,
        language=lang,
    )


def test_only_articles_in_the_edition_language_or_of_unknown_language_are_written_from():
    assert in_edition(art(1, "en"), "en") and in_edition(art(2, None), "en")
    assert not in_edition(art(3, "de"), "en") and in_edition(art(3, "de"), "de")


def test_a_story_is_untranslated_when_no_source_is_in_the_edition_language():
    assert untranslated([art(1, "de"), art(2, "pt")], "en")
    assert not untranslated([art(1, "de"), art(2, "en")], "en")
    assert not untranslated([art(1, "de"), art(2, None)], "en")  # unknown: the writer's sentence check decides
    assert not untranslated([], "en")


def test_held_reason_names_what_the_story_has():
    why = held_reason([art(1, "de"), art(2, "de"), art(3, "pt")], "en")
    assert why.startswith(HELD_REASON)
    assert "(English)" in why and "German (2)" in why and "Portuguese (1)" in why


def test_queue_entry_lists_every_source_with_its_language_in_order():
    outlets = {
        "beta": Outlet(
            "beta",
            "Beta Zeitung",
            "https://beta.test/",
            (),
            "de",
            "DE",
            "Beta AG",
            Rating("unrated"),
            Rating("unrated"),
        )
    }
    q = queue_entry(
        "s1", "slug-1", [art(2, "pt", "gamma", hours=3), art(1, "de", hours=1), art(3, "de", hours=2)], outlets
    )
    assert q.languages == ("de", "pt")
    assert [s.article_id for s in q.sources] == [1, 3, 2]
    assert [s.language for s in q.sources] == ["de", "de", "pt"]
    assert q.sources[0].outlet_name == "Beta Zeitung" and q.sources[2].outlet_name == "gamma"
    assert q.dates.first_reported == T0 + timedelta(hours=1) and q.dates.last_updated == T0 + timedelta(hours=3)
    assert queue_title("en") == "Not yet in English" and queue_title("hu") == "Not yet in Hungarian"
