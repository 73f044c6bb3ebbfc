"""Property tests (hypothesis) of the URL canonicaliser: idempotent, and the host is never changed beyond the
documented normalisation (case, IDNA, trailing dot, a leading www. or amp.)."""

from __future__ import annotations

from urllib.parse import urlsplit

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from copydesk.dedup.urls import canonical_url

PROPERTY = settings(max_examples=200, deadline=None, database=None, suppress_health_check=[HealthCheck.too_slow])

_label = st.one_of(
    st.text(alphabet="abcdefghijklmnopqrstuvwxyz0123456789", min_size=1, max_size=10),
    st.sampled_from(["www", "amp", "m", "news"]),
)
_idn_label = st.text(alphabet="abcdefghijklmnopqrstuvwxyzäöüéñøå", min_size=1, max_size=10)
# Path, query and fragment characters, the awkward ones included: escapes, slashes, dots, unicode, spaces.
_part = st.text(alphabet=st.sampled_from(list("aZ09-._~%2F/?#&=;+@:!$'()*,[] \u00e9\u4e2d\u0000\t")), max_size=30)


@st.composite
def urls(draw):
    labels = draw(st.lists(st.one_of(_label, _idn_label), min_size=1, max_size=3))
    host = ".".join(labels + [draw(st.sampled_from(["com", "org", "co.uk", "hu"]))])
    prefix = draw(st.sampled_from(["", "www.", "WWW.", "amp."]))
    shown = prefix + host
    if draw(st.booleans()):
        shown = shown.upper() if shown.isascii() else shown
    if draw(st.booleans()):
        shown += "."
    port = draw(st.sampled_from(["", ":80", ":443", ":8080"]))
    scheme = draw(st.sampled_from(["http", "https", "HTTPS"]))
    userinfo = draw(st.sampled_from(["", "user:pass@"]))
    url = f"{scheme}://{userinfo}{shown}{port}/{draw(_part)}"
    return url, host


def _expected_host(host: str) -> str:
    """The host as the module docstring says it is written: lower case, IDNA, no leading www. or amp."""
    host = host.lower().encode("idna").decode("ascii")
    while any(host.startswith(p) and host.count(".") >= 2 for p in ("www.", "amp.")):
        host = host[4:]
    return host


@PROPERTY
@given(urls())
def test_canonical_url_is_idempotent_and_keeps_the_host(case):
    url, host = case
    try:
        canon = canonical_url(url)
    except ValueError as exc:
        assert str(exc).startswith("dedup: ")
        return
    assert canonical_url(canon) == canon
    assert urlsplit(canon).hostname == _expected_host(host), (url, canon)
    assert "#" not in canon


@PROPERTY
@given(st.text(max_size=80))
def test_any_text_is_refused_cleanly_or_canonical_for_good(text):
    for candidate in (text, "https://example.com/" + text, "http://" + text):
        try:
            canon = canonical_url(candidate)
        except ValueError as exc:
            assert str(exc).startswith("dedup: ")
            continue
        assert canon.startswith(("http://", "https://"))
        assert canonical_url(canon) == canon, (candidate, canon)
