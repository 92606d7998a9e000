"""
What readers do beyond reading a fact check: searching (`search`), asking
for a claim to be checked (`asking`, the ReaderQuestion model) and the
forms and pages of both.

What it may import: `articles.factchecks` and `factually`; never
`articles.newsroom` (import-linter checks this; see `[tool.importlinter]`
in pyproject.toml).
"""
