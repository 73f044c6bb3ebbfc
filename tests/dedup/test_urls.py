"""canonical_url: tracking parameters, AMP, fragments, ports, ordering, encoding, idempotence, garbage."""

from __future__ import annotations

import pytest

from copydesk.dedup import TRACKING_PARAMS, canonical_url

CASES = [
    # tracking parameters (named set, utm_* prefix, AT Internet at_* prefix), case-insensitive names
    ("https://example.com/a?utm_source=rss&utm_medium=feed&id=7", "https://example.com/a?id=7"),
    ("https://example.com/a?fbclid=X&gclid=Y&mc_cid=1&mc_eid=2&ref=tw&ref_src=twsrc", "https://example.com/a"),
    ("https://example.com/a?cmpid=1&ocid=2&igshid=3&_ga=4&yclid=5&spm=6", "https://example.com/a"),
    ("https://bbc.co.uk/news/x?at_medium=RSS&at_campaign=KARANGA", "https://bbc.co.uk/news/x"),
    ("https://example.com/a?UTM_Source=x&FBCLID=y", "https://example.com/a"),
    # content-selecting parameters are kept, sorted by name then value
    ("https://example.com/view?b=2&a=1&a=0", "https://example.com/view?a=0&a=1&b=2"),
    ("https://example.com/article.php?source=x&cid=9", "https://example.com/article.php?cid=9&source=x"),
    ("https://example.com/a?print", "https://example.com/a?print"),
    ("https://example.com/a?", "https://example.com/a"),
    # fragments
    ("https://example.com/a#comments", "https://example.com/a"),
    ("https://example.com/a?x=1#:~:text=foo", "https://example.com/a?x=1"),
    # scheme, host, ports, www, user info, trailing dot
    ("HTTPS://WWW.Example.COM/Path", "https://example.com/Path"),
    ("https://example.com:443/a", "https://example.com/a"),
    ("http://example.com:80/a", "http://example.com/a"),
    ("http://example.com:8080/a", "http://example.com:8080/a"),
    ("https://example.com:80/a", "https://example.com:80/a"),
    ("https://user:secret@example.com./a", "https://example.com/a"),
    ("https://m.example.com/a", "https://m.example.com/a"),
    ("https://www.com/", "https://www.com/"),
    # path: trailing slash, duplicate slashes, dot segments, percent-encoding
    ("https://example.com/a/b/", "https://example.com/a/b"),
    ("https://example.com", "https://example.com/"),
    ("https://example.com//a///b", "https://example.com/a/b"),
    ("https://example.com/a/./b/../c", "https://example.com/a/c"),
    ("https://example.com/../../a", "https://example.com/a"),
    ("https://example.com/%7euser/caf%c3%a9", "https://example.com/~user/caf%C3%A9"),
    ("https://example.com/café news", "https://example.com/caf%C3%A9%20news"),
    ("https://example.com/a%2fb", "https://example.com/a%2Fb"),
    ("https://example.com/100%/x", "https://example.com/100%25/x"),
    ("https://example.com/s?q=a+b&r=%26", "https://example.com/s?q=a%20b&r=%26"),
    # AMP variants
    ("https://example.com/2024/story/amp", "https://example.com/2024/story"),
    ("https://example.com/2024/story/amp/", "https://example.com/2024/story"),
    ("https://example.com/amp/2024/story", "https://example.com/2024/story"),
    ("https://www.bbc.co.uk/news/amp/world-europe-1", "https://bbc.co.uk/news/world-europe-1"),
    ("https://amp.theguardian.com/world/2024/x", "https://theguardian.com/world/2024/x"),
    ("https://edition.cnn.com/2024/x/index.amp.html", "https://edition.cnn.com/2024/x/index.html"),
    ("https://example.com/story?outputType=amp", "https://example.com/story"),
    ("https://example.com/story?amp=1&id=3", "https://example.com/story?id=3"),
    ("https://www-example-com.cdn.ampproject.org/c/s/www.example.com/story/amp?x=1", "https://example.com/story?x=1"),
    ("https://example-com.cdn.ampproject.org/c/example.com/story", "http://example.com/story"),
    # hosts: IDN, IPv6, whitespace around the URL
    ("https://例え.jp/a", "https://xn--r8jz45g.jp/a"),
    ("http://[2001:DB8::1]:8080/a", "http://[2001:db8::1]:8080/a"),
    ("  https://example.com/a\n", "https://example.com/a"),
]


@pytest.mark.parametrize(("raw", "expected"), CASES)
def test_canonical_url(raw: str, expected: str) -> None:
    assert canonical_url(raw) == expected


@pytest.mark.parametrize("raw", [raw for raw, _ in CASES])
def test_idempotent(raw: str) -> None:
    once = canonical_url(raw)
    assert canonical_url(once) == once


def test_same_article_spellings_agree() -> None:
    spellings = [
        "https://www.example.com/news/story-1/?utm_source=twitter#top",
        "HTTPS://example.com:443/news//story-1?fbclid=abc",
        "https://amp.example.com/news/story-1/amp?outputType=amp",
        "https://example.com/news/./story-1",
    ]
    assert len({canonical_url(u) for u in spellings}) == 1


def test_tracking_params_is_named_frozenset() -> None:
    assert isinstance(TRACKING_PARAMS, frozenset)
    assert {
        "fbclid",
        "gclid",
        "mc_cid",
        "mc_eid",
        "ref",
        "ref_src",
        "cmpid",
        "ocid",
        "igshid",
        "_ga",
    } <= TRACKING_PARAMS


@pytest.mark.parametrize(
    "garbage",
    [
        "",
        "   ",
        "not a url",
        "/relative/path",
        "example.com/a",
        "ftp://example.com/a",
        "mailto:a@b.c",
        "javascript:alert(1)",
        "http://",
        "https://:80/a",
        "https://example.com:99999/",
        "https://example.com:x/",
        "http://[::1/",
        "data:text/html,hi",
    ],
)
def test_garbage_raises_value_error(garbage: str) -> None:
    with pytest.raises(ValueError, match=r"^dedup: "):
        canonical_url(garbage)


def test_non_string_raises_value_error() -> None:
    with pytest.raises(ValueError):
        canonical_url(None)  # type: ignore[arg-type]


def test_hostile_inputs_never_crash_otherwise() -> None:
    hostile = [
        "https://example.com/" + "a/" * 5000,
        "https://example.com/?" + "&".join(f"k{i}=v" for i in range(2000)),
        "https://exa\x00mple.com/a",
        "https://example.com/%zz%",
        "https://xn--.com/a",
        "https://" + "a" * 300 + ".com/",
        "http://a.cdn.ampproject.org/c/s/b.cdn.ampproject.org/c/s/c.cdn.ampproject.org/c/s/d.com/x",
    ]
    for url in hostile:
        try:
            out = canonical_url(url)
        except ValueError:
            continue
        assert canonical_url(out) == out
