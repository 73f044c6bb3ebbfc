"""What a narration says: plain text made from what a story page shows, and the day's briefing.

A story is read as its page reads: the headline, who wrote it (software, from how many independent sources), the
notes a reader sees, the first-reported date, the lede, the body under its subheadings, where sources differ, and
the outlets it is based on. Not read: the per-sentence source reveals and their links, the sources list's titles
and addresses, the coverage table, the method and edit trail, related stories, and anything that is markup.

The text is plain: ``speakable`` removes what a speech engine could take for an instruction (tags, espeak's and
piper's ``[[phoneme]]`` input, control and format characters), so hostile source text is only ever read out. The
engines are also given the text as plain text on stdin with SSML off (``copydesk.audio.engines``).
Pure functions: no I/O.
"""

from __future__ import annotations

import re
import unicodedata
from datetime import date

from copydesk.models import Edition, EditionStory, WrittenSentence, WrittenStory
from copydesk.web.render import _outlet_name, day_text, human_date, reader_notes
from copydesk.write.dates import story_dates

__all__ = ["speakable", "story_narration", "briefing_narration", "outlets_phrase", "day_text"]

#: Outlets named in a story's "Based on reports by ..." line; the rest are counted ("and 4 other outlets").
#: An editorial choice (a listener cannot take in a long list), not tuned.
MAX_OUTLETS_READ = 6

# Anything shaped like a tag (HTML, XML, SSML): never read, never passed on.
_TAG = re.compile(r"</?[A-Za-z!?/][^<>]{0,500}>")
_SPACE = re.compile(r"[ \t\u00a0]+")


def speakable(text: str) -> str:
    """``text`` as plain words for a speech engine: NFC, no tags, no control or format characters (zero-width,
    bidi), square brackets as round ones (``[[...]]`` is phoneme input to espeak-ng and piper), no ``<``/``>``
    left, runs of spaces as one. Newlines are kept (paragraphs)."""
    t = unicodedata.normalize("NFC", text or "")
    t = _TAG.sub(" ", t)
    out = []
    for ch in t:
        if ch in "\n":
            out.append(ch)
        elif ch in "\t\r\f\v":
            out.append(" ")
        elif unicodedata.category(ch) in ("Cc", "Cf", "Cs", "Co", "Cn"):
            continue
        elif ch in "[{":
            out.append("(")
        elif ch in "]}":
            out.append(")")
        elif ch in "<>\\":
            out.append(" ")
        else:
            out.append(ch)
    lines = (_SPACE.sub(" ", line).strip() for line in "".join(out).split("\n"))
    return "\n".join(line for line in lines if line)


def _sentence(text: str) -> str:
    """One line that ends like a sentence (a headline or subheading has no full stop of its own)."""
    t = speakable(text).replace("\n", " ")
    if t and t[-1] not in ".!?…:;\"'”’)":
        t += "."
    return t


def _and(names: list[str]) -> str:
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]


def outlets_phrase(edition: Edition, story: WrittenStory) -> str:
    """ "Based on reports by A, B and C." from the story's sources, in their order."""
    names = list(dict.fromkeys(_outlet_name(edition, s.outlet_id, story) for s in story.sources))
    names = [n for n in (speakable(n).replace("\n", " ") for n in names) if n]
    if not names:
        return ""
    if len(names) > MAX_OUTLETS_READ:
        rest = len(names) - MAX_OUTLETS_READ
        names = names[:MAX_OUTLETS_READ] + [f"{rest} other outlet{'s' if rest > 1 else ''}"]
    return f"Based on reports by {_and(names)}."


def _notes(story: WrittenStory) -> tuple[str, ...]:
    return reader_notes(story)  # the page's own notes, so page and narration agree


def _when(story: WrittenStory) -> str:
    d = story.dates if story.dates is not None else story_dates(story.sources)
    if d.first_reported is None:
        return "The sources give no date."
    return f"First reported {human_date(d.first_reported)}."


def _text(ws: WrittenSentence) -> str:
    return _sentence(ws.text)


def story_narration(edition: Edition, story: WrittenStory) -> str:
    """The narration of one story page, as plain text, one paragraph a line."""
    n = story.independent_sources
    lines = [
        _sentence(story.headline.text),
        f"From {_sentence(edition.site.name)} This story was written by software, not by a journalist, from "
        f"{n} independent source{'' if n == 1 else 's'}.",
        *(_sentence(note) for note in _notes(story)),
        _when(story),
        _text(story.lede),
    ]
    for section in story.body:
        if section.heading:
            lines.append(_sentence(section.heading))
        lines.append(" ".join(_text(s) for s in section.sentences))
    kinds = {"number": "numbers", "date": "dates", "name": "names"}
    for d in story.disagreements:
        claims = "; ".join(f"{_outlet_name(edition, c.outlet_id, story)} reports {c.value}" for c in d.claims)
        lines.append(_sentence(f"Where sources differ: they give different {kinds.get(d.kind, d.kind)}: {claims}"))
    lines.append(outlets_phrase(edition, story))
    return "\n".join(line for line in (speakable(x) for x in lines) if line) + "\n"


def briefing_narration(edition: Edition, day: date, stories: list[EditionStory]) -> str:
    """One day's briefing: each story's headline, lede and outlets, in edition order."""
    lines = [
        _sentence(f"{edition.site.name}: the daily briefing for {day_text(day)}"),
        "Written by software, not by a journalist, from the reports of other outlets. "
        f"{len(stories)} {'story' if len(stories) == 1 else 'stories'}.",
    ]
    for k, es in enumerate(stories, 1):
        s = es.story
        lines += [f"Story {k}. {_sentence(s.headline.text)}", _text(s.lede), outlets_phrase(edition, s)]
    lines.append("That is the briefing. Every story is on the site, each sentence with its sources.")
    return "\n".join(line for line in (speakable(x) for x in lines) if line) + "\n"
