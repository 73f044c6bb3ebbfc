"""Every edit of every published sentence, headline included, is shown on the story page (issue 12, item 5):
what the source said, what was changed and why, and the published sentence."""

from __future__ import annotations

import dataclasses
import html
import sys

from testsupport import REPO

from copydesk.models import Section
from copydesk.neutral import neutralize
from copydesk.web import render

sys.path.insert(0, str(REPO / "tests" / "web"))
import sample_edition  # noqa: E402  (tests/web/sample_edition.py)


def _edited(ws, source: str):
    text, edits = neutralize(source)
    assert edits, source
    return dataclasses.replace(
        ws, text=text, edits=edits, support=(dataclasses.replace(ws.support[0], sentence=source), *ws.support[1:])
    )


def test_story_page_lists_every_edit_of_headline_lede_and_body() -> None:
    edition = sample_edition.build_edition()
    es = next(e for e in edition.stories if e.story.slug == "chain-bridge-closes")
    st = es.story
    headline = _edited(st.headline, "Mayor slams council over shocking bridge closure")
    lede = _edited(st.lede, "The Chain Bridge will close after a horrific crash, the city said.")
    first = st.body[0]
    body_ws = _edited(first.sentences[0], "Engineers said the repairs were an utterly unavoidable step.")
    body = (Section(first.heading, (body_ws, *first.sentences[1:])), *st.body[1:])
    story = dataclasses.replace(st, headline=headline, lede=lede, body=body)
    edition = dataclasses.replace(
        edition, stories=tuple(dataclasses.replace(e, story=story) if e is es else e for e in edition.stories)
    )

    page = html.unescape(render.render_story(edition, "chain-bridge-closes"))
    trail = page[page.index("How this was edited") :]
    trail = trail[: trail.index("</details>")]
    for ws in (headline, lede, body_ws):
        assert ws.support[0].sentence in trail and ws.text in trail
        for e in ws.edits:
            shown = f"“{e.before}” → “{e.after}” ({e.reason})" if e.after else f"“{e.before}” removed ({e.reason})"
            assert shown in trail, shown
    assert trail.count("Headline:") == 1 and trail.count("Sentence:") == 2
    assert "No wording was changed" not in page
