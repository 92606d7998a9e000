"""
The audit trail: who did what, when, to which object (and which revision of
it), for the acts that matter to the newsroom, to fundraising and to staff
accounts.

A leaf app: it imports no project app, so that `articles` and `donations`
(which must not import each other) can both record entries here. Entries
are written by explicit calls (`AuditEntry.objects.record()`) in the domain
functions and admin save paths, never by signals, and never changed after.
"""

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class AuditEntryQuerySet(models.QuerySet):
    def visible_to(self, user):
        """The entries of the areas `user` may read (see `Area.permission`)."""
        if not user.is_active:
            return self.none()
        areas = [
            area for area in AuditEntry.Area if user.has_perm(area_permission(area))
        ]
        return self.filter(area__in=areas)


class AuditEntryManager(models.Manager.from_queryset(AuditEntryQuerySet)):
    def record(
        self,
        *,
        area: str,
        action: str,
        message: str,
        user=None,
        obj: models.Model | None = None,
        revision=None,
        revision_id: int | None = None,
        details: dict | None = None,
    ) -> "AuditEntry":
        """
        Append one entry: `action` is a short code to filter by
        ("published", "review.approved"), `message` says what happened in
        words, `obj` is what it happened to and `revision` the
        django-reversion revision of it that the act concerned, if any
        (or its id, `revision_id`, when that is all the caller has).
        """
        return self.create(
            area=area,
            action=action,
            message=message,
            actor=user if user is not None and user.pk else None,
            actor_name=user.get_username() if user is not None and user.pk else "",
            content_type=ContentType.objects.get_for_model(obj) if obj else None,
            object_id=str(obj.pk) if obj is not None else "",
            object_repr=str(obj)[:300] if obj is not None else "",
            revision_id=revision.pk if revision is not None else revision_id,
            details=details or {},
        )


class AuditEntry(models.Model):
    """One recorded act. Append-only: saving an existing entry is refused."""

    class Area(models.TextChoices):
        NEWSROOM = "newsroom", _("Newsroom")
        FUNDRAISING = "fundraising", _("Fundraising")
        ACCOUNTS = "accounts", _("Staff accounts")

    created_at = models.DateTimeField(_("when"), default=timezone.now, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("who"),
    )
    # Kept when the user is deleted, so the trail still says who it was.
    actor_name = models.CharField(_("username"), max_length=150, blank=True)
    area = models.CharField(_("area"), max_length=20, choices=Area)
    action = models.CharField(_("action"), max_length=50, db_index=True)
    message = models.TextField(_("what"))
    content_type = models.ForeignKey(
        ContentType,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        verbose_name=_("kind of object"),
    )
    object_id = models.CharField(_("object id"), max_length=64, blank=True)
    object_repr = models.CharField(_("object"), max_length=300, blank=True)
    target = GenericForeignKey("content_type", "object_id")
    revision = models.ForeignKey(
        "reversion.Revision",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("revision"),
    )
    details = models.JSONField(_("details"), default=dict, encoder=DjangoJSONEncoder)

    objects = AuditEntryManager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("audit entry")
        verbose_name_plural = _("audit entries")
        indexes = [models.Index(fields=["content_type", "object_id"])]
        permissions = [
            ("view_newsroom_entries", "Can read the newsroom's audit entries"),
            ("view_fundraising_entries", "Can read fundraising's audit entries"),
            ("view_accounts_entries", "Can read the audit entries of staff accounts"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(area__in=["newsroom", "fundraising", "accounts"]),
                name="audit_auditentry_area_known",
            ),
        ]

    def __str__(self):
        return self.message

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise ValidationError(
                _("An audit entry is a record and cannot be changed.")
            )
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ValidationError(_("An audit entry is a record and cannot be deleted."))


def area_permission(area: str) -> str:
    """The permission that lets a user read one area's entries."""
    return f"audit.view_{area}_entries"
