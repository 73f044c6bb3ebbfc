"""Building the edition: sections, related stories (and, later, feeds, newsletter, audio renderers)."""
