"""
The kinds of publication, named once: every module that asks what kind a
publication is compares with these constants (`Publication.Kind` is this
`Kind`), never with the strings stored in the database. Imports nothing of
ours, so the queries of `articles.factchecks.state` can use it too.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Kind(models.TextChoices):
    FIRST = "first", _("First publication")
    UPDATE = "update", _("Update")
    CORRECTION = "correction", _("Correction")
    CLARIFICATION = "clarification", _("Clarification")
    # New evidence changed a verdict; the note says what.
    RERATING = "re-rating", _("Re-rating")
    TYPO = "typo", _("Typo fix")
    DETAILS = "details", _("Details updated")
    WITHDRAWAL = "withdrawal", _("Withdrawal")


# Kinds that need no note from the editor: the change speaks for itself.
UNNOTED_KINDS = (Kind.FIRST, Kind.TYPO, Kind.DETAILS)
# The only kinds that may change a verdict readers see (a claim's
# rating or statement, a claim added or removed): articles/changes.py.
VERDICT_KINDS = (Kind.CORRECTION, Kind.RERATING)
# Kinds listed as corrections: in the article's notices, its JSON-LD,
# /corrections/ and its feed, and the desk.
CORRECTIONS_LOG_KINDS = (Kind.CORRECTION, Kind.CLARIFICATION, Kind.RERATING)
