"""Supporters and their donations: who gave, what, when, and whether it counts."""

import hashlib
import hmac
import unicodedata
from datetime import datetime
from typing import TYPE_CHECKING

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .money import Currency, format_amount

if TYPE_CHECKING:
    from .campaigns import Campaign


def normalise_email(email):
    """The form of an address that identifies a person: trimmed, case-folded."""
    return unicodedata.normalize("NFKC", email).strip().casefold()


class SupporterQuerySet(models.QuerySet):
    def named(self) -> "SupporterQuerySet":
        """Supporters who asked to be named publicly, newest consent first."""
        return self.exclude(display_name="").order_by(
            "-display_name_consented_at", "-pk"
        )

    def for_campaign(self, campaign: "Campaign") -> "SupporterQuerySet":
        """
        Supporters who count toward the campaign: at least one donation
        received in its window that is neither refunded nor excluded.
        """
        return self.filter(
            Exists(
                Donation.objects.counted()
                .for_campaign(campaign)
                .filter(supporter=OuterRef("pk"))
            )
        )


class Supporter(models.Model):
    email_hash = models.CharField(
        _("email hash"),
        max_length=64,
        unique=True,
        editable=False,
        help_text=_(
            "A keyed hash of the normalised email: tells supporters apart "
            "without keeping their address."
        ),
    )
    email = models.EmailField(
        _("email"),
        blank=True,
        help_text=_(
            "Kept only when we must send this person a receipt ourselves. "
            "Clear it when it is no longer needed."
        ),
    )
    display_name = models.CharField(
        _("public name"),
        max_length=100,
        blank=True,
        help_text=_("Shown publicly only with the supporter's explicit consent."),
    )
    display_name_consented_at = models.DateTimeField(
        _("public name consent given at"), null=True, blank=True
    )
    stripe_customer_id = models.CharField(
        _("Stripe customer"),
        max_length=255,
        blank=True,
        db_index=True,
        help_text=_("Lets the supporter manage a monthly gift in Stripe's portal."),
    )
    portal_link_used_at = models.DateTimeField(
        _("manage link last used at"),
        null=True,
        blank=True,
        editable=False,
        help_text=_("Using a manage link retires every link sent before it."),
    )
    created_at = models.DateTimeField(_("first seen at"), default=timezone.now)

    objects = SupporterQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(display_name="")
                | Q(display_name_consented_at__isnull=False),
                name="donations_supporter_public_name_needs_consent",
                violation_error_message=_(
                    "A public name needs the supporter's consent date."
                ),
            ),
        ]

    def __str__(self):
        # Never the email: this string lands in admin logs and messages.
        return self.display_name or _("Supporter #%(id)s") % {"id": self.pk}

    @staticmethod
    def hash_email(email):
        """The HMAC-SHA256 of the normalised email under SUPPORTER_HASH_KEY."""
        normalised = normalise_email(email)
        if not normalised:
            raise ValueError("An email address is needed to identify a supporter.")
        return hmac.new(
            settings.SUPPORTER_HASH_KEY.encode(),
            normalised.encode(),
            hashlib.sha256,
        ).hexdigest()


class DonationQuerySet(models.QuerySet):
    def refunded(self) -> "DonationQuerySet":
        """Donations given back to the donor."""
        return self.filter(refunded_at__isnull=False)

    def counted(self) -> "DonationQuerySet":
        """Donations that count toward a goal: neither refunded nor excluded."""
        return self.filter(refunded_at__isnull=True, excluded_reason="")

    def received_between(self, start: datetime, end: datetime) -> "DonationQuerySet":
        """Donations received from `start` (inclusive) to `end` (exclusive)."""
        return self.filter(received_at__gte=start, received_at__lt=end)

    def for_campaign(self, campaign: "Campaign") -> "DonationQuerySet":
        """Donations received in the campaign's window."""
        return self.received_between(campaign.starts_at, campaign.ends_at)


# A single gift above this (in minor units: one million in the currency) is
# taken to be a typing or data error, not a donation.
MAX_DONATION_AMOUNT = 100_000_000


class DonationKind(models.TextChoices):
    ONE_OFF = "one_off", _("One-off")
    RECURRING = "recurring", _("Recurring")


class DonationOrigin(models.TextChoices):
    STRIPE = "stripe", _("Stripe")
    OFFLINE = "offline", _("Offline")
    IMPORT = "import", _("Import")


class Donation(models.Model):
    # Defined at module level so that Meta.constraints can name them.
    Kind = DonationKind
    Origin = DonationOrigin
    MAX_AMOUNT = MAX_DONATION_AMOUNT

    supporter = models.ForeignKey(
        Supporter,
        on_delete=models.PROTECT,
        related_name="donations",
        verbose_name=_("supporter"),
    )
    amount = models.PositiveBigIntegerField(
        _("amount"),
        validators=[MinValueValidator(1), MaxValueValidator(MAX_DONATION_AMOUNT)],
        help_text=_("In minor units: cents for dollars, pence for pounds."),
    )
    currency = models.CharField(_("currency"), max_length=3, choices=Currency)
    kind = models.CharField(_("kind"), max_length=10, choices=DonationKind)
    origin = models.CharField(_("origin"), max_length=10, choices=DonationOrigin)
    provider_id = models.CharField(
        _("provider id"),
        max_length=255,
        blank=True,
        help_text=_(
            "The payment's id where it was made (a Stripe payment intent or "
            "invoice, a bank reference). A payment is never recorded twice."
        ),
    )
    payment_intent_id = models.CharField(
        _("Stripe payment intent"),
        max_length=255,
        blank=True,
        help_text=_(
            "The Stripe payment intent behind an invoice, when known: refunds name it."
        ),
    )
    received_at = models.DateTimeField(_("received at"))
    refunded_at = models.DateTimeField(
        _("refunded at"),
        null=True,
        blank=True,
        help_text=_("A refunded donation no longer counts toward any goal."),
    )
    excluded_reason = models.CharField(
        _("excluded because"),
        max_length=200,
        blank=True,
        help_text=_(
            "Fill in to stop this donation counting, for example: political "
            "organisation (we take no money from political groups)."
        ),
    )
    note = models.CharField(_("note"), max_length=200, blank=True)
    banner_message = models.ForeignKey(
        "donations.BannerMessage",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="donations",
        verbose_name=_("banner variant"),
        help_text=_("The banner message the supporter clicked, when known."),
    )
    card_last4 = models.CharField(
        _("card's last four digits"),
        max_length=4,
        blank=True,
        help_text=_("Shown on the receipt, when Stripe reports them."),
    )
    recorded_at = models.DateTimeField(_("recorded at"), default=timezone.now)

    objects = DonationQuerySet.as_manager()

    class Meta:
        ordering = ["-received_at"]
        indexes = [
            # Serves the supporter count as an index-only scan.
            models.Index(
                fields=["received_at", "supporter"],
                condition=Q(refunded_at__isnull=True, excluded_reason=""),
                name="donations_donation_counted",
            ),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["provider_id"],
                condition=~Q(provider_id=""),
                name="donations_donation_unique_provider_id",
                violation_error_message=_(
                    "A donation with this provider id is already recorded."
                ),
            ),
            models.UniqueConstraint(
                fields=["payment_intent_id"],
                condition=~Q(payment_intent_id=""),
                name="donations_donation_unique_payment_intent",
            ),
            models.CheckConstraint(
                condition=Q(amount__gte=1, amount__lte=MAX_DONATION_AMOUNT),
                name="donations_donation_amount_range",
                violation_error_message=_(
                    "The amount must be more than zero and at most one million."
                ),
            ),
            models.CheckConstraint(
                condition=Q(currency__in=Currency.values),
                name="donations_donation_currency_allowed",
            ),
            models.CheckConstraint(
                condition=Q(kind__in=DonationKind.values),
                name="donations_donation_kind_valid",
            ),
            models.CheckConstraint(
                condition=Q(origin__in=DonationOrigin.values),
                name="donations_donation_origin_valid",
            ),
        ]

    def __str__(self):
        return _("%(amount)s on %(date)s") % {
            "amount": self.amount_display(),
            "date": self.received_at.date().isoformat(),
        }

    def amount_display(self):
        """The amount in major units with its currency: "25.00 USD"."""
        return format_amount(self.amount, self.currency)

    def is_counted(self):
        return self.refunded_at is None and not self.excluded_reason
