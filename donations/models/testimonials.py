"""Readers' testimonials: why they give, in their words, shown with consent."""

import reversion
from django.conf import settings
from django.db import models
from django.db.models.functions import Length, Trim
from django.db.models.lookups import GreaterThan, LessThanOrEqual
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .gifts import Supporter

TESTIMONIAL_MAX_LENGTH = 600


class TestimonialQuerySet(models.QuerySet):
    def shown(self) -> "TestimonialQuerySet":
        """Testimonials readers see on /support/: approved by staff, newest first."""
        return self.filter(approved_at__isnull=False).order_by("-approved_at", "-pk")

    def awaiting_approval(self) -> "TestimonialQuerySet":
        """Testimonials no one on the fundraising team has approved yet."""
        return self.filter(approved_at__isnull=True)


@reversion.register()
class Testimonial(models.Model):
    """
    A supporter's words on why they give, given with their consent from the
    thank-you page or the manage page. Nothing shows until fundraising staff
    approve it; the supporter can take it off at any time, and then it is
    deleted with its history.
    """

    supporter = models.OneToOneField(
        Supporter,
        on_delete=models.CASCADE,
        related_name="testimonial",
        verbose_name=_("supporter"),
    )
    text = models.TextField(
        _("words"),
        max_length=TESTIMONIAL_MAX_LENGTH,
        help_text=_("As the supporter wrote them; shown as plain text."),
    )
    signature = models.CharField(
        _("signed as"),
        max_length=100,
        blank=True,
        help_text=_("Shown under the words; empty reads “A supporter”."),
    )
    consented_at = models.DateTimeField(
        _("consent given at"),
        help_text=_("When the supporter ticked the box agreeing to be quoted."),
    )
    approved_at = models.DateTimeField(
        _("approved at"),
        null=True,
        blank=True,
        help_text=_("Shown on the support page from then on; empty until approved."),
    )
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("approved by"),
    )
    created_at = models.DateTimeField(_("given at"), default=timezone.now)

    objects = TestimonialQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["approved_at"])]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(
                    GreaterThan(Length(Trim("text")), 0),
                    LessThanOrEqual(Length("text"), TESTIMONIAL_MAX_LENGTH),
                ),
                name="donations_testimonial_text_length",
                violation_error_message=_(
                    "A testimonial has words, at most 600 characters of them."
                ),
            ),
            models.CheckConstraint(
                condition=models.Q(approved_at__isnull=True)
                | models.Q(approved_at__gte=models.F("consented_at")),
                name="donations_testimonial_approved_after_consent",
            ),
        ]

    def __str__(self):
        # Not the words: this string outlives them in the admin's log.
        return _("Testimonial #%(id)s") % {"id": self.pk}

    def is_approved(self):
        return self.approved_at is not None
