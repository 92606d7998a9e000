"""
Fact checks, their parts and their public record.

What lives here: the models of a fact check (Article, its sections,
claims, citations and related questions, Topic, Author) and of what readers
see of it (Publication, VersionRemoval, the about pages); the one
description of an article's shape and everything that reads it (the frozen
content, its schema, rendering, limits, diffs, the change rules and
spelling checks of a typo fix, structured data, social cards); publishing;
and the public pages of fact checks, topics, authors, corrections, the about
pages, feeds and sitemaps.

What it may import: Django, `factually` (the project's shared code) and
`sources`. Never `articles.newsroom` or `articles.readers` (import-linter
checks this; see `[tool.importlinter]` in pyproject.toml): the newsroom and
readers build on fact checks, not the other way round.
"""
