"""Names for sites the registry lacks: the site's own name when given, else a readable form of the host."""

import pytest

from copydesk.sources.naming import looks_like_domain, main_label, readable_name, site_name


@pytest.mark.parametrize(
    "url, name",
    [
        ("https://www.theguardian.com/world/2024/x", "The Guardian"),
        ("https://www.nytimes.com/2024/05/01/world/x.html", "NY Times"),
        ("https://news.bbc.co.uk/2/hi/x.stm", "BBC"),
        ("https://www.washingtonpost.com/x", "Washington Post"),
        ("https://dailynewshungary.com/x", "Daily News Hungary"),
        ("https://hvg.hu/x", "HVG"),
        ("https://telex.hu/x", "Telex"),
        ("https://www.breitbart.com/x", "Breitbart"),  # "bre it bart" is not a confident split
        ("https://www.lemonde.fr/x", "Lemonde"),  # nor "lemon de"
        ("https://my-local-paper.org/x", "My Local Paper"),
    ],
)
def test_a_readable_name_is_made_from_the_host(url, name):
    assert site_name(url) == name
    assert "." not in site_name(url)


def test_the_sites_own_name_wins_and_a_domain_given_as_a_name_is_read_as_a_host():
    assert site_name("https://www.nytimes.com/x", "The New York Times") == "The New York Times"
    assert site_name("https://example.org/x", "nytimes.com") == "NY Times"
    assert site_name("https://example.org/x", "https://www.theguardian.com/") == "The Guardian"
    assert site_name("https://example.org/x", "  Some   Blog ") == "Some Blog"


def test_main_label_and_domains():
    assert main_label("www.nytimes.com") == "nytimes" and main_label("https://news.bbc.co.uk/") == "bbc"
    assert looks_like_domain("www.theguardian.com") and looks_like_domain("https://x.org/a")
    assert not looks_like_domain("The Guardian") and not looks_like_domain("BBC News")
    assert readable_name("127.0.0.1") == "127.0.0.1"
