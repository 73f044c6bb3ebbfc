"""Writing a story from its sources. The default writer is extractive (`extractive.write_story`)."""

from copydesk.write.extractive import StoryMaterial, WriteOptions, article_sentences, write_story

__all__ = ["StoryMaterial", "WriteOptions", "article_sentences", "write_story"]
