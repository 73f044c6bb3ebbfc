"""Writing a story from its sources, in four steps that do not know which writer ran:

    writer (drafts) -> verify.gate (checks every sentence) -> neutral.desk (edits) -> write.assemble (publishes)

A writer only drafts: it returns a `Draft` (candidate headlines; sentences, each with the source sentences it
claims as support). The first writer is extractive (`extractive.draft_story`), the default; the optional second
asks a language model (`llm.draft_story`, any OpenAI-compatible server). Writers are chosen by name
(`WriteOptions.writer`, setting `model.writer`). When nothing a writer drafted passes the gate, the story is
drafted from the sources' own sentences instead (`extractive.instead`), and its method note says so.
"""

from collections.abc import Callable

from copydesk.models import Draft, StoryMaterial, WrittenStory
from copydesk.neutral.desk import edit_draft
from copydesk.verify.gate import Embed, GateOptions, gate
from copydesk.write import extractive, llm
from copydesk.write.assemble import assemble
from copydesk.write.extractive import article_sentences, coverage_by_lean, pick_section
from copydesk.write.options import WRITER_NAMES, WriteOptions

Writer = Callable[[StoryMaterial, WriteOptions], "Draft | None"]
WRITERS: dict[str, Writer] = {extractive.NAME: extractive.draft_story, llm.NAME: llm.draft_story}
if set(WRITERS) != set(WRITER_NAMES):  # a writer added in one place only: refuse to start, not only under -O
    raise RuntimeError(f"write: WRITERS {sorted(WRITERS)} differ from WRITER_NAMES {sorted(WRITER_NAMES)}")


def writer(name: str) -> Writer:
    """The writer registered under `name` (ValueError for an unknown one)."""
    try:
        return WRITERS[name]
    except KeyError:
        raise ValueError(f"write: unknown writer {name!r} (known: {', '.join(WRITERS)})") from None


def write_story(
    m: StoryMaterial, opts: WriteOptions = WriteOptions(), embed: Embed | None = None
) -> WrittenStory | None:
    """The four steps for one story (what `pipeline.Desk.write` runs): None when nothing publishable remains."""
    draft: Draft | None = writer(opts.writer)(m, opts)
    if draft is None:
        return None
    gate_opts = GateOptions(support_threshold=opts.support_threshold, language=opts.language)
    checked = gate(draft, m, embed, gate_opts)
    if not checked.sentences and draft.writer != extractive.NAME:
        # nothing of what the writer drafted passed: the sources' own sentences, gated the same way
        fallback = extractive.instead(
            m, opts, f"None of the sentences the {draft.writer} writer drafted passed the check."
        )
        if fallback is not None:
            checked = gate(fallback, m, embed, gate_opts)
    return assemble(edit_draft(checked), m, opts)


__all__ = [
    "StoryMaterial",
    "WRITERS",
    "WriteOptions",
    "article_sentences",
    "coverage_by_lean",
    "pick_section",
    "write_story",
    "writer",
]
