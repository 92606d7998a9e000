"""Campaigns (the goal readers see) and their banner messages."""

from decimal import Decimal

import reversion
from django.core.validators import MaxValueValidator, MinValueValidator, URLValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .gifts import Donation, Supporter
from .money import Currency


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
        """
        Counted gifts in the campaign's currency, with what matchers added
        to them, in minor units (one query).
        """
        totals = (
            Donation.objects.counted()
            .for_campaign(self)
            .filter(currency=self.currency)
            .aggregate(gifts=models.Sum("amount"), matched=models.Sum("match__amount"))
        )
        return (totals["gifts"] or 0) + (totals["matched"] or 0)

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
