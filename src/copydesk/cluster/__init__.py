"""Grouping articles into stories, one story per real-world event (`online.OnlineClusterer`)."""

from copydesk.cluster.online import ClusterOptions, Decision, OnlineClusterer, absorb, article_text_for_embedding

__all__ = ["ClusterOptions", "Decision", "OnlineClusterer", "absorb", "article_text_for_embedding"]
