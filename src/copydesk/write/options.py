"""The write stage's options, shared by every writer, the gate's call and assembly."""

from __future__ import annotations

from dataclasses import dataclass

from copydesk.llm import Complete
from copydesk.verify.gate import SUPPORT_THRESHOLD

#: Two published sentences more similar than this (cosine) say the same thing; the less preferred is left out.
REDUNDANT = 0.93
#: "Just enough yet essential": the body stops at this many words (lede not counted) ...
BODY_WORDS = 170
#: ... or this many sentences.
BODY_MAX_SENTENCES = 8
#: Writers by name (`WriteOptions.writer`, setting `model.writer`); see `copydesk.write.WRITERS`.
WRITER_NAMES = ("extractive", "llm")


@dataclass(frozen=True, slots=True)
class WriteOptions:
    model_name: str = "multilingual-e5-small"
    support_threshold: float = (
        SUPPORT_THRESHOLD  # cosine at which another article's sentence says the same (verify.gate)
    )
    redundant: float = REDUNDANT
    body_words: int = BODY_WORDS
    body_max_sentences: int = BODY_MAX_SENTENCES
    writer: str = "extractive"  # one of WRITER_NAMES
    language: str = "en"  # the edition's language: the only language the story is written in
    # The "llm" writer's model (`copydesk.llm`): the orchestrator's client's `complete`, and the model's name for
    # the method note; None: no model configured (that writer then drafts extractively and says so).
    complete: Complete | None = None
    llm_model: str = ""
