"""Property tests (hypothesis) of the output's safety: whatever text, names, titles and URLs sources send, the
pages and the feeds' HTML hold no script, no event handler and no javascript: (or other non-http) link.

The safety steps are those of copydesk.web.render's docstring: autoescape on every template, ``safe_url`` before
any href, ``nh3.clean`` last on the feeds' entry HTML. Hostile fragments come from the usual payload shapes (the
shared corpus's are used by tests/web/test_discovery.py); hypothesis mixes them with arbitrary text."""

from __future__ import annotations

import unicodedata
from html import escape

from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from lxml import etree

import sample_edition
from html_check import dangers
from copydesk.web import discovery, render

PROPERTY = settings(max_examples=100, deadline=None, database=None, suppress_health_check=[HealthCheck.too_slow])
ATOM = "{http://www.w3.org/2005/Atom}"

FRAGMENTS = [
    "<script>alert(1)</script>",
    "<script",
    "</script>",
    "<img src=x onerror=alert(1)>",
    "<svg onload=alert(1)>",
    '"><script>alert(1)</script>',
    "'><img src=x onerror=alert(1)>",
    "javascript:alert(1)",
    " JaVaScRiPt:alert(1)",
    "java\tscript:",
    "&#106;avascript:alert(1)",
    "&#x6A;avascript:",
    "data:text/html;base64,PHNjcmlwdD4=",
    "vbscript:msgbox(1)",
    '<a href="javascript:alert(1)">x</a>',
    "<iframe src=javascript:alert(1)>",
    "<body onload=alert(1)>",
    "<style>*{x:expression(alert(1))}</style>",
    '<base href="javascript:/">',
    '<meta http-equiv="refresh" content="0;url=javascript:alert(1)">',
    "</textarea>",
    "]]>",
    "<!--",
    "-->",
    "{{ 7*7 }}",
    "{% raw %}",
    "\u2028",
    "\x00",
    "onmouseover=alert(1)",
    "<math><mi//xlink:href=javascript:1>",
    '<form action="javascript:alert(1)">',
    "<object data=javascript:1>",
    "&lt;script&gt;",
    "%3Cscript%3E",
]
_piece = st.one_of(st.sampled_from(FRAGMENTS), st.text(max_size=12))
_hostile = st.lists(st.builds("".join, st.lists(_piece, min_size=1, max_size=4)), min_size=6, max_size=12)


@PROPERTY
@given(_hostile)
def test_pages_and_feed_html_hold_nothing_executable(hostile):
    edition = sample_edition.build_edition(hostile)
    for es in render.visible_stories(edition):
        html = render.render_story(edition, es.story.slug)
        assert html is not None and dangers(html) == [], es.story.slug
    assert dangers(render.render_home(edition)) == []
    root = etree.fromstring(discovery.render_feed_format(edition, "feed.xml"))
    for content in (e.findtext(f"{ATOM}content") or "" for e in root.findall(f"{ATOM}entry")):
        assert dangers(content) == [], content


@settings(max_examples=200, deadline=None, database=None)
@given(
    st.one_of(
        st.builds("".join, st.lists(_piece, max_size=4)),
        st.builds(
            lambda a, b: a + b, st.sampled_from(["http://", "https://", "HTTPS://", "//", ""]), st.text(max_size=30)
        ),
    )
)
@example("http://\xa00")  # a no-break space, which hypothesis found (str.isspace, not ASCII)
@example("https://bank.test/\u202egnp.exe")  # a right-to-left override shows the address backwards
@example("https://a.test/\u200bb")  # a zero-width space
def test_safe_url_only_lets_http_links_through(url):
    out = render.safe_url(url)
    if out is None:
        return
    assert out.lower().startswith(("http://", "https://"))
    assert not any(c.isspace() or ord(c) < 0x20 or unicodedata.category(c) == "Cf" for c in out)
    assert dangers(f'<a href="{escape(out)}">x</a>') == []
