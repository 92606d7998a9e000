"""
The newsroom: how a draft becomes a fact check. The review workflow and
its record, approvals, assignments, review comments, notifications, the
editors' desk, previews of a draft and the links that share them, the
warnings shown while writing, and importing a fact check from a document.

What it may import: `articles.factchecks`, `articles.readers`, `audit`,
`sources` and `factually`. Nothing imports the newsroom but the admin, the
URLs, the app's ready() and (until its rewrite) publishing.
"""

# Migration 0013 names the preview link's default token by this path.
from .models import new_preview_token  # noqa: F401
