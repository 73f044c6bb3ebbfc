"""A report in another language joins the story of the same event though it shares no words with it
(`CROSS_LINGUAL_BONUS`); within one language scoring is as before."""

from __future__ import annotations

from datetime import datetime, timezone

import numpy as np

from copydesk.cluster.online import CROSS_LINGUAL_BONUS, JOIN, ClusterOptions, OnlineClusterer
from copydesk.models import Article

T0 = datetime(2026, 11, 23, 8, tzinfo=timezone.utc)


def art(i: int, lang: str | None, text: str) -> Article:
    return Article(
        id=i,
        url=f"https://o{i}.test/{i}",
        canonical_url=f"https://o{i}.test/{i}",
        outlet_id=f"o{i}",
        title="",
        text=text,
        summary="",
        published=T0,
        first_seen=T0,
        language=lang,
    )


def unit(cos: float) -> np.ndarray:
    """A vector at cosine `cos` with (1, 0, 0)."""
    return np.array([cos, np.sqrt(1 - cos * cos), 0.0], np.float32)


ENGLISH = "Firefighters freed two people trapped in the tram on the Margaret Bridge on Monday morning."
GERMAN = "Feuerwehrleute befreiten am Montagmorgen zwei in der Straßenbahn eingeklemmte Menschen."


def test_bonus_only_between_languages():
    cos = JOIN - CROSS_LINGUAL_BONUS / 2  # below JOIN alone, above it with the bonus
    assert CROSS_LINGUAL_BONUS > 0
    c = OnlineClusterer(dim=3)
    first = c.add(art(1, "en", ENGLISH), unit(1.0))
    assert c.add(art(2, "de", GERMAN), unit(cos)).story_id == first.story_id

    c = OnlineClusterer(dim=3)
    first = c.add(art(1, "en", ENGLISH), unit(1.0))
    assert c.add(art(2, "en", GERMAN), unit(cos)).new  # same language: no bonus
    c = OnlineClusterer(dim=3)
    first = c.add(art(1, None, ENGLISH), unit(1.0))
    assert c.add(art(2, "de", GERMAN), unit(cos)).new  # a language unknown: no bonus
    c = OnlineClusterer(ClusterOptions(cross_lingual=0.0), dim=3)
    c.add(art(1, "en", ENGLISH), unit(1.0))
    assert c.add(art(2, "de", GERMAN), unit(cos)).new


def test_a_story_with_a_report_in_the_article_language_gets_no_bonus():
    c = OnlineClusterer(dim=3)
    first = c.add(art(1, "en", ENGLISH), unit(1.0))
    assert c.add(art(2, "de", GERMAN), unit(0.999)).story_id == first.story_id
    # the story now has a German report: another German one is scored as before
    assert c.add(art(3, "de", "Ganz andere Wörter hier."), unit(JOIN - CROSS_LINGUAL_BONUS / 2)).new
