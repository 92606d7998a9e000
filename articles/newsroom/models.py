"""
The newsroom's own records around a draft, never published: review
comments, notifications, and the preview links outside reviewers use.
"""

import secrets
from datetime import datetime, timedelta

import reversion
from django.conf import settings
from django.db import models
from django.db.models import Exists, OuterRef, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from articles.factchecks.publications import Publication
from factually import text as normalised

PREVIEW_MAX_AGE = timedelta(days=7)


@reversion.register()
class ReviewComment(models.Model):
    """
    A reviewer's (or writer's) comment on a draft, or on one of its parts;
    answers hang off the comment they answer. Never published. Each comment
    keeps the id of the draft revision it was written on, so the history can
    show what it was about; it is not itself part of the draft's revisions,
    so reverting the draft never deletes the discussion (see README).
    """

    class Part(models.TextChoices):
        DRAFT = "draft", _("Whole draft")
        SUMMARY = "summary", _("Executive summary")
        SECTION = "section", _("Section")
        CLAIM = "claim", _("Claim")

    article = models.ForeignKey(
        "articles.Article", on_delete=models.CASCADE, related_name="review_comments"
    )
    part_kind = normalised.CharField(
        _("on"), max_length=20, choices=Part, default=Part.DRAFT
    )
    part_id = models.PositiveIntegerField(
        _("part id"),
        null=True,
        blank=True,
        help_text=_("The id of the section or claim commented on."),
    )
    parent = models.ForeignKey(
        "self",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="answers",
        verbose_name=_("answers"),
    )
    body = normalised.TextField(_("comment"), max_length=5_000)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("by"),
    )
    created_at = models.DateTimeField(_("written"), default=timezone.now)
    revision = models.ForeignKey(
        "reversion.Revision",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("on the revision"),
    )
    resolved_at = models.DateTimeField(_("resolved"), null=True, blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("resolved by"),
    )

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("review comment")
        verbose_name_plural = _("review comments")
        constraints = [
            models.CheckConstraint(
                condition=Q(part_kind__in=["section", "claim"], part_id__isnull=False)
                | Q(part_kind__in=["draft", "summary"], part_id__isnull=True),
                name="articles_reviewcomment_part_id_for_parts",
            ),
        ]

    def __str__(self):
        return self.body[:80]

    def is_open(self) -> bool:
        return self.resolved_at is None


class NotificationQuerySet(models.QuerySet):
    def for_user(self, user):
        return self.filter(recipient=user)

    def unread(self):
        return self.filter(read_at__isnull=True)


class Notification(models.Model):
    """A note in a staff member's admin: a draft submitted, approved, sent back."""

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="notifications",
        verbose_name=_("for"),
    )
    article = models.ForeignKey(
        "articles.Article",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("fact check"),
    )
    message = normalised.CharField(_("message"), max_length=500)
    url = normalised.CharField(_("link"), max_length=500, blank=True)
    created_at = models.DateTimeField(_("sent"), default=timezone.now)
    read_at = models.DateTimeField(_("read"), null=True, blank=True)

    objects = NotificationQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        indexes = [models.Index(fields=["recipient", "read_at"])]

    def __str__(self):
        return self.message


def new_preview_token() -> str:
    return secrets.token_urlsafe(32)


class PreviewLinkQuerySet(models.QuerySet):
    def usable(self, now: datetime | None = None):
        """
        Links that still open the draft: not revoked, not expired, and made
        after the article's latest publication or withdrawal (a link shows a
        draft, so publishing or withdrawing the article ends it).
        """
        now = now or timezone.now()
        since = Publication.objects.filter(
            article=OuterRef("article"), created_at__gte=OuterRef("created_at")
        )
        withdrawn = Publication.objects.current().filter(
            article=OuterRef("article"), kind=Publication.Kind.WITHDRAWAL
        )
        return self.filter(revoked_at__isnull=True, expires_at__gt=now).exclude(
            Exists(since) | Exists(withdrawn)
        )

    def find(self, *, article_id: int, token: str):
        """The usable link with this token for this article, or None."""
        return (
            self.usable()
            .select_related("article")
            .filter(article_id=article_id, token=token)
            .first()
        )


class PreviewLink(models.Model):
    """A private link to a draft's preview, for an outside reviewer."""

    article = models.ForeignKey(
        "articles.Article",
        on_delete=models.CASCADE,
        related_name="preview_links",
        verbose_name=_("fact check"),
    )
    token = models.CharField(
        max_length=64, unique=True, default=new_preview_token, editable=False
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("made by"),
    )
    created_at = models.DateTimeField(_("made"), default=timezone.now)
    expires_at = models.DateTimeField(_("expires"))
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("revoked by"),
    )

    objects = PreviewLinkQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("preview link")
        verbose_name_plural = _("preview links")

    def __str__(self):
        return _("Preview link for “%(title)s”") % {"title": self.article.title}

    def save(self, *args, **kwargs):
        if self.expires_at is None:
            self.expires_at = (self.created_at or timezone.now()) + PREVIEW_MAX_AGE
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse(
            "articles:shared_preview",
            kwargs={"pk": self.article_id, "token": self.token},
        )

    def is_usable(self) -> bool:
        return PreviewLink.objects.usable().filter(pk=self.pk).exists()
