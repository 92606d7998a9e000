"""
Review comments: reviewers and writers comment on a draft or one of its
parts, answer each other and resolve what is dealt with. Comments are never
published; each is on the newsroom's record (`workflow.record()`) and
notifies the people concerned. Plain functions taking `user=`, as the review
transitions in `articles.newsroom.workflow` are.
"""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from articles.models import Article, ReviewComment

from . import notifications
from .workflow import latest_revision, record


def _part(article, part_kind, part_id):
    """Check that the part commented on is this article's; returns its id."""
    Part = ReviewComment.Part
    if part_kind not in Part.values:
        raise ValidationError(_("Choose what the comment is about."))
    if part_kind in (Part.DRAFT, Part.SUMMARY):
        return None
    related = article.sections if part_kind == Part.SECTION else article.claims
    if part_id is None or not related.filter(pk=part_id).exists():
        raise ValidationError(
            _(
                "That %(part)s is not part of this fact check (it may have been removed)."
            )
            % {"part": str(Part(part_kind).label).lower()}
        )
    return part_id


def comment(
    *,
    article: Article,
    user,
    body: str,
    part_kind: str = ReviewComment.Part.DRAFT,
    part_id: int | None = None,
    parent: ReviewComment | None = None,
) -> ReviewComment:
    """
    Comment on the draft or one of its parts, or answer a comment (`parent`).
    Reviewers and writers alike may comment; they need to be able to edit or
    review fact checks.
    """
    if not (
        user.has_perm("articles.review_article")
        or user.has_perm("articles.change_article")
    ):
        raise PermissionDenied(_("You may not comment on fact checks."))
    body = (body or "").strip()
    if not body:
        raise ValidationError(_("Write the comment first."))
    max_length = ReviewComment._meta.get_field("body").max_length
    if len(body) > max_length:
        raise ValidationError(
            _("Keep a comment under %(max)s characters.") % {"max": max_length}
        )
    if parent is not None:
        if parent.article_id != article.pk:
            raise ValidationError(_("That comment is about another fact check."))
        parent = parent.parent or parent  # Answers stay one level deep.
        part_kind, part_id = parent.part_kind, parent.part_id
    else:
        part_id = _part(article, part_kind, part_id)
    with transaction.atomic():
        created = ReviewComment.objects.create(
            article=article,
            part_kind=part_kind,
            part_id=part_id,
            parent=parent,
            body=body,
            author=user,
            revision=latest_revision(article),
        )
        if parent is not None and parent.resolved_at is not None:
            # An answer to a resolved comment reopens the discussion.
            ReviewComment.objects.filter(pk=parent.pk).update(
                resolved_at=None, resolved_by=None
            )
        record(
            article=article,
            action="review.answered" if parent else "review.commented",
            message=(
                _("Answered a comment: %(body)s")
                if parent
                else _("Commented: %(body)s")
            )
            % {"body": body[:200]},
            user=user,
            comment_id=created.pk,
            part_kind=part_kind,
            part_id=part_id,
        )
        participants = [
            article.assigned_writer,
            article.assigned_reviewer,
            article.submitted_by,
            parent.author if parent else None,
            *((answer.author for answer in parent.answers.all()) if parent else ()),
        ]
        notifications.notify(
            recipients=participants,
            actor=user,
            article=article,
            message=_("%(user)s commented on “%(title)s”.")
            % {"user": user, "title": article.title},
            detail=body,
        )
    return created


def resolve(*, comment: ReviewComment, user) -> None:
    """Mark a comment (and its answers) dealt with."""
    if not (
        user.has_perm("articles.review_article")
        or user.has_perm("articles.change_article")
    ):
        raise PermissionDenied(_("You may not resolve review comments."))
    if comment.parent_id is not None:
        raise ValidationError(
            _("Resolve the comment an answer belongs to, not the answer.")
        )
    if comment.resolved_at is not None:
        raise ValidationError(_("This comment is already resolved."))
    comment.resolved_at = timezone.now()
    comment.resolved_by = user
    comment.save(update_fields=["resolved_at", "resolved_by"])
    record(
        article=comment.article,
        action="review.resolved",
        message=_("Resolved a comment: %(body)s") % {"body": comment.body[:200]},
        user=user,
        comment_id=comment.pk,
    )
