"""Grouping articles into stories, one story per real-world event."""

from copydesk.cluster.online import ClusterOptions, absorb, article_text_for_embedding, assign, new_story

__all__ = ["ClusterOptions", "absorb", "article_text_for_embedding", "assign", "new_story"]
