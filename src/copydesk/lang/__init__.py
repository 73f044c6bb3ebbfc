"""Everything language-specific, one copy: language detection, boilerplate lines, word lists per language."""
