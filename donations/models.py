import hashlib
import hmac
import unicodedata
from datetime import datetime
from decimal import Decimal

import reversion
from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator, URLValidator
from django.db import models
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Currency(models.TextChoices):
    """
    Currencies accepted, all with two decimal places, so an amount in minor
    units is always cents (or pence) and `amount / 100` is the major amount.
    """

    USD = "USD", _("US dollar")
    EUR = "EUR", _("Euro")
    GBP = "GBP", _("Pound sterling")
    CAD = "CAD", _("Canadian dollar")
    AUD = "AUD", _("Australian dollar")
    NZD = "NZD", _("New Zealand dollar")
    CHF = "CHF", _("Swiss franc")


class CampaignQuerySet(models.QuerySet):
    def current(self) -> "CampaignQuerySet":
        """The campaign shown to readers now (at most one, by constraint)."""
        return self.filter(is_current=True)


class GoalKind(models.TextChoices):
    SUPPORTERS = "supporters", _("Supporters")
    AMOUNT = "amount", _("Amount raised")


@reversion.register()
class Campaign(models.Model):
    GoalKind = GoalKind

    name = models.CharField(_("name"), max_length=120)
    goal_kind = models.CharField(
        _("goal is"),
        max_length=10,
        choices=GoalKind,
        default=GoalKind.SUPPORTERS,
        help_text=_(
            "Count distinct supporters, or the money raised in the campaign's "
            "currency (gifts in other currencies do not count toward it)."
        ),
    )
    goal = models.PositiveIntegerField(
        _("goal"),
        validators=[MinValueValidator(1), MaxValueValidator(10_000_000)],
        help_text=_(
            "The number of distinct supporters the campaign aims for, or, for "
            "an amount, the sum in whole units of its currency (50000 for "
            "$50,000)."
        ),
    )
    currency = models.CharField(
        _("currency"),
        max_length=3,
        choices=Currency,
        default=Currency.USD,
        help_text=_("The currency readers give in on the support page."),
    )
    starts_at = models.DateTimeField(
        _("starts at"),
        help_text=_("Donations received from this moment count toward the goal."),
    )
    ends_at = models.DateTimeField(
        _("ends at"),
        help_text=_(
            "Donations received before this moment count toward the goal. "
            "Readers see the banner only between the start and the end."
        ),
    )
    donate_url = models.URLField(
        _("Payment Link"),
        blank=True,
        validators=[
            URLValidator(
                schemes=["https"], message=_("Enter a URL that starts with https://.")
            )
        ],
        help_text=_(
            "A Stripe Payment Link (https://buy.stripe.com/…), offered on the "
            "support page when the site has no Stripe secret key."
        ),
    )
    banner_views_per_day = models.PositiveSmallIntegerField(
        _("banner views per reader a day"),
        default=0,
        validators=[MaxValueValidator(1000)],
        help_text=_(
            "Show the banner on at most this many page views a day to one "
            "reader (counted in their browser). 0 means no limit."
        ),
    )
    is_current = models.BooleanField(
        _("current"),
        default=False,
        help_text=_(
            "The campaign readers see in the banner. Only one campaign can be "
            "current: untick the other one first."
        ),
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    objects = CampaignQuerySet.as_manager()

    class Meta:
        ordering = ["-starts_at"]
        permissions = [("view_dashboard", "Can view the campaign dashboard")]
        constraints = [
            models.UniqueConstraint(
                fields=["is_current"],
                condition=Q(is_current=True),
                name="donations_campaign_one_current",
                violation_error_message=_(
                    "Another campaign is already current. Untick it first."
                ),
            ),
            models.CheckConstraint(
                condition=Q(ends_at__gt=models.F("starts_at")),
                name="donations_campaign_ends_after_start",
                violation_error_message=_("The campaign must end after it starts."),
            ),
            models.CheckConstraint(
                condition=Q(goal__gte=1),
                name="donations_campaign_goal_positive",
                violation_error_message=_("The goal must be at least one supporter."),
            ),
            models.CheckConstraint(
                condition=Q(goal_kind__in=GoalKind.values),
                name="donations_campaign_goal_kind_valid",
            ),
            models.CheckConstraint(
                condition=Q(currency__in=Currency.values),
                name="donations_campaign_currency_allowed",
            ),
        ]

    def __str__(self):
        return self.name

    def is_running(self, now=None):
        """Whether the campaign's window contains now (or the given moment)."""
        now = now or timezone.now()
        return self.starts_at <= now < self.ends_at

    def percent_of_goal(self, progress):
        """
        Progress toward the goal, from 0 to 100 (never beyond), to 0.1 %.
        `progress` is a supporter count, or an amount raised in minor units.
        """
        target = self.goal * 100 if self.goal_kind == GoalKind.AMOUNT else self.goal
        percent = Decimal(max(progress, 0) * 100) / Decimal(target)
        return float(min(percent, Decimal(100)).quantize(Decimal("0.1")))

    def goal_in_minor_units(self):
        """The amount goal in minor units (cents), or None for a supporter goal."""
        return self.goal * 100 if self.goal_kind == GoalKind.AMOUNT else None

    def amount_raised(self):
        """Counted gifts in the campaign's currency, in minor units (one query)."""
        return (
            Donation.objects.counted()
            .for_campaign(self)
            .filter(currency=self.currency)
            .aggregate(total=models.Sum("amount"))["total"]
            or 0
        )

    def count_supporters(self):
        """
        Distinct supporters with a counted donation in the window. This runs a
        query; readers get the cached figure from donations.tracker instead.
        """
        return Supporter.objects.for_campaign(self).count()


class BannerMessageQuerySet(models.QuerySet):
    def active(self) -> "BannerMessageQuerySet":
        """Messages eligible to be shown, heaviest first."""
        return self.filter(active=True).order_by("-weight", "pk")


@reversion.register(exclude=["views", "clicks"])
class BannerMessage(models.Model):
    campaign = models.ForeignKey(
        Campaign,
        on_delete=models.CASCADE,
        related_name="banner_messages",
        verbose_name=_("campaign"),
    )
    headline = models.CharField(
        _("headline"),
        max_length=100,
        help_text=_("For example: Keep Factually independent."),
    )
    body = models.CharField(
        _("body"),
        max_length=300,
        help_text=_("One or two sentences on why reader money matters."),
    )
    button_text = models.CharField(_("button text"), max_length=40, default="Donate")
    suggested_amount = models.CharField(
        _("suggested amount"),
        max_length=80,
        blank=True,
        help_text=_("For example: Even a $5 donation helps."),
    )
    weight = models.PositiveSmallIntegerField(
        _("weight"),
        default=1,
        validators=[MinValueValidator(1), MaxValueValidator(1000)],
        help_text=_(
            "How often this variant is shown relative to the others: a message "
            "with weight 2 is shown twice as often as one with weight 1."
        ),
    )
    active = models.BooleanField(_("active"), default=True)
    views = models.PositiveBigIntegerField(_("views"), default=0, editable=False)
    clicks = models.PositiveBigIntegerField(_("clicks"), default=0, editable=False)

    objects = BannerMessageQuerySet.as_manager()

    class Meta:
        ordering = ["campaign", "-weight", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(weight__gte=1, weight__lte=1000),
                name="donations_bannermessage_weight_range",
                violation_error_message=_("The weight must be between 1 and 1000."),
            ),
        ]

    def __str__(self):
        return self.headline

    def click_through_rate(self):
        """Clicks per view as a percentage, or None before any view."""
        if not self.views:
            return None
        return round(self.clicks * 100 / self.views, 1)


def format_amount(amount, currency):
    """An amount in minor units, shown in major units: "1,025.00 USD"."""
    return f"{Decimal(amount) / 100:,.2f} {currency}"


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
        return self.display_name or f"Supporter #{self.pk}"

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
        BannerMessage,
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
        return f"{self.amount_display()} on {self.received_at:%Y-%m-%d}"

    def amount_display(self):
        """The amount in major units with its currency: "25.00 USD"."""
        return format_amount(self.amount, self.currency)

    def is_counted(self):
        return self.refunded_at is None and not self.excluded_reason


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
