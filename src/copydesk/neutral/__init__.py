"""Neutral wording: loaded and sensational words found (`lexicon`, `edit.loaded_words`), replaced or deleted
with a trail of edits (`edit.neutralize`) only where a parser finds the phrase stays whole (`grammar`), and
headlines checked (`edit.headline_problems`)."""

from copydesk.neutral.edit import Edit, headline_problems, is_loaded, loaded_words, neutralize

__all__ = ["Edit", "headline_problems", "is_loaded", "loaded_words", "neutralize"]
