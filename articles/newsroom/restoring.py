"""
The draft's own history, kept by django-reversion: restoring the draft to
an earlier revision, and recovering a deleted fact check. Neither changes
what readers see; both are plain functions taking `user=`, raising
ValidationError with a readable message when a revision cannot be applied.
"""

import reversion
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F, ProtectedError
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from reversion.errors import RevertError

from articles.factchecks.shape import refresh_draft_digest
from articles.models import (
    POSITION_OFFSET,
    Article,
    Citation,
    Claim,
    RelatedQuestion,
    Section,
)
from factually.revisions import check_restorable

from . import workflow

# What can stop an old revision being restored: its slug taken since, a
# source it cites deleted, a part that no longer fits.
REVERT_ERRORS = (RevertError, IntegrityError, ProtectedError, Article.DoesNotExist)


def revision_label(revision) -> str:
    """When a revision was made, and by whom, e.g. “May 2, 2026, 14:05 by ana”."""
    when = date_format(timezone.localtime(revision.date_created), "DATETIME_FORMAT")
    if revision.user:
        return _("%(when)s by %(user)s") % {"when": when, "user": revision.user}
    return when


def _cannot_restore(error) -> ValidationError:
    return ValidationError(
        _(
            "Nothing was changed: that revision cannot be restored as it stands "
            "(%(reason)s). Its slug may now belong to another fact check, or a "
            "source it cites may have been deleted."
        )
        % {"reason": error}
    )


def revert(*, article: Article, revision, user) -> None:
    """
    Restore the draft and its parts exactly as in `revision`, deleting parts
    added since, as a new revision of the draft. Refused, changing nothing,
    if the revision no longer matches the models' fields.
    """
    check_restorable(revision)
    try:
        with transaction.atomic(), reversion.create_revision():
            reversion.set_user(user)
            reversion.set_comment(
                _("Reverted to the revision of %(when)s.")
                % {"when": revision_label(revision)}
            )
            for model in (Section, Claim, Citation, RelatedQuestion):
                model.objects.filter(article=article).update(
                    position=F("position") + POSITION_OFFSET
                )
            # The review state and assignments are the newsroom's, not the draft's.
            review = workflow.review_fields(article)
            revision.revert(delete=True)
            Article.objects.filter(pk=article.pk).update(**review)
            article.refresh_from_db()
            article.save()
            refresh_draft_digest(article)
    except REVERT_ERRORS as error:
        raise _cannot_restore(error) from error
    workflow.record_revert(article=article, revision=revision, user=user)


def recover(*, version, user) -> Article:
    """Bring back a deleted fact check with its parts, from its last revision."""
    check_restorable(version.revision)
    try:
        with transaction.atomic(), reversion.create_revision():
            reversion.set_user(user)
            reversion.set_comment(_("Recovered after deletion."))
            version.revision.revert(delete=True)
            article = Article.objects.get(pk=version.object_id)
            refresh_draft_digest(article)
    except REVERT_ERRORS as error:
        raise _cannot_restore(error) from error
    workflow.record(
        article=article,
        action="recovered",
        message=_("Recovered after deletion."),
        user=user,
    )
    return article
