"""What the payment provider told the site, and what the site owes by email."""

from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .gifts import Donation


class WebhookEvent(models.Model):
    class Outcome(models.TextChoices):
        RECORDED = "recorded", _("Donation recorded")
        REFUNDED = "refunded", _("Refund applied")
        HELD = "held", _("Refund held until its payment arrives")
        NOTIFIED = "notified", _("Supporter notified")
        IGNORED = "ignored", _("Ignored")
        REJECTED = "rejected", _("Rejected")

    event_id = models.CharField(_("event id"), max_length=255, unique=True)
    type = models.CharField(_("type"), max_length=100)
    livemode = models.BooleanField(_("live mode"))
    occurred_at = models.DateTimeField(
        _("occurred at"), help_text=_("When the provider created the event.")
    )
    received_at = models.DateTimeField(_("received at"), default=timezone.now)
    outcome = models.CharField(_("outcome"), max_length=10, choices=Outcome)
    detail = models.CharField(_("detail"), max_length=300, blank=True)
    reference = models.CharField(
        _("reference"),
        max_length=255,
        blank=True,
        db_index=True,
        help_text=_("The payment the event is about, such as a payment intent."),
    )

    class Meta:
        ordering = ["-received_at"]

    def __str__(self):
        return f"{self.type} {self.event_id}"


class OutgoingEmailQuerySet(models.QuerySet):
    def pending(self) -> "OutgoingEmailQuerySet":
        """Emails still to send (whether or not a send was tried)."""
        return self.filter(status=OutgoingEmail.Status.PENDING)


class OutgoingEmail(models.Model):
    """
    An email owed to a supporter or to staff, recorded in the same
    transaction as what caused it, so that it is never lost, and once per
    cause (the kind and reference are unique), so that it is never doubled.
    A background task sends it and retries until the mail server accepts it.
    """

    class Kind(models.TextChoices):
        RECEIPT = "receipt", _("Receipt")
        THANKS = "thanks", _("Thank-you for a first gift")
        PAYMENT_FAILED = "payment_failed", _("Monthly payment failed")
        LARGE_GIFT = "large_gift", _("Large gift alert (to staff)")
        DIGEST = "digest", _("Daily digest (to staff)")

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting to be sent")
        SENDING = "sending", _("Being sent")
        SENT = "sent", _("Sent")
        FAILED = "failed", _("Gave up")

    kind = models.CharField(_("kind"), max_length=20, choices=Kind)
    reference = models.CharField(
        _("reference"),
        max_length=255,
        help_text=_("What the email is about: a donation, a supporter, an invoice."),
    )
    donation = models.ForeignKey(
        Donation,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="emails",
        verbose_name=_("donation"),
    )
    to = models.EmailField(
        _("to"),
        blank=True,
        help_text=_("Empty for staff alerts, which go to the Fundraising group."),
    )
    context = models.JSONField(_("details"), default=dict, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=Status, default=Status.PENDING
    )
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    last_error = models.CharField(_("last error"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    claimed_at = models.DateTimeField(_("last tried at"), null=True, blank=True)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)

    objects = OutgoingEmailQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("outgoing email")
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "reference"], name="donations_outgoingemail_once"
            ),
            models.CheckConstraint(
                condition=Q(status="sent") | Q(sent_at__isnull=True),
                name="donations_outgoingemail_sent_has_status",
            ),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} {self.reference}"
