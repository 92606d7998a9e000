"""
Matching pledges: a matcher promises to match gifts, pound for pound, up to
an amount during a window of a campaign; and the share of each gift matched.
"""

from datetime import datetime

import reversion
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .campaigns import Campaign
from .gifts import Donation
from .money import format_amount


class MatchingPledgeQuerySet(models.QuerySet):
    def covering(self, moment: datetime) -> "MatchingPledgeQuerySet":
        """Pledges whose window contains `moment`, the one ending first first."""
        return self.filter(starts_at__lte=moment, ends_at__gt=moment).order_by(
            "ends_at", "pk"
        )

    def running(self) -> "MatchingPledgeQuerySet":
        """Pledges matching gifts received now: in their window, money left."""
        return self.covering(timezone.now()).filter(matched__lt=F("amount") * 100)

    def not_ended(self) -> "MatchingPledgeQuerySet":
        """Pledges running now or still to come, in the order they run."""
        return self.filter(ends_at__gt=timezone.now()).order_by("starts_at", "pk")


@reversion.register(exclude=["matched"])
class MatchingPledge(models.Model):
    campaign = models.ForeignKey(
        Campaign,
        on_delete=models.PROTECT,
        related_name="matching_pledges",
        verbose_name=_("campaign"),
        help_text=_("Gifts in this campaign's currency are matched."),
    )
    matcher = models.CharField(
        _("matcher"),
        max_length=120,
        help_text=_("Who pledged, for staff. Readers never see this name."),
    )
    public_name = models.CharField(
        _("public name"),
        max_length=100,
        blank=True,
        help_text=_(
            "The name readers see (“Every gift doubled … by this name”). Fill "
            "in only with the matcher's consent; leave empty for an anonymous "
            "match, shown as “a generous supporter”."
        ),
    )
    public_name_consented_on = models.DateField(
        _("consent to be named given on"),
        null=True,
        blank=True,
        help_text=_("When the matcher agreed to be named publicly."),
    )
    amount = models.PositiveIntegerField(
        _("pledge"),
        validators=[MinValueValidator(1), MaxValueValidator(10_000_000)],
        help_text=_(
            "The most the matcher gives, in whole units of the campaign's "
            "currency (5000 for $5,000). Gifts are matched one for one until "
            "it is used up."
        ),
    )
    starts_at = models.DateTimeField(
        _("starts at"), help_text=_("Gifts received from this moment are matched.")
    )
    ends_at = models.DateTimeField(
        _("ends at"),
        help_text=_(
            "Gifts received before this moment are matched. The banner stops "
            "saying so at this moment, or as soon as the pledge is used up."
        ),
    )
    matched = models.PositiveBigIntegerField(
        _("matched so far"),
        default=0,
        editable=False,
        help_text=_("In minor units (cents): the sum of the matched gifts' shares."),
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    objects = MatchingPledgeQuerySet.as_manager()

    class Meta:
        ordering = ["-starts_at", "pk"]
        verbose_name = _("matching pledge")
        verbose_name_plural = _("matching pledges")
        constraints = [
            # Never matched past the pledge, whatever races the code loses.
            models.CheckConstraint(
                condition=Q(matched__lte=F("amount") * 100),
                name="donations_matchingpledge_matched_within_pledge",
                violation_error_message=_("More was matched than was pledged."),
            ),
            models.CheckConstraint(
                condition=Q(amount__gte=1),
                name="donations_matchingpledge_amount_positive",
                violation_error_message=_("The pledge must be at least one."),
            ),
            models.CheckConstraint(
                condition=Q(ends_at__gt=F("starts_at")),
                name="donations_matchingpledge_ends_after_start",
                violation_error_message=_("The match must end after it starts."),
            ),
            models.CheckConstraint(
                condition=Q(public_name="") | Q(public_name_consented_on__isnull=False),
                name="donations_matchingpledge_public_name_needs_consent",
                violation_error_message=_(
                    "A public name needs the date the matcher consented to it."
                ),
            ),
        ]

    def __str__(self):
        return _("%(matcher)s: %(amount)s") % {
            "matcher": self.matcher,
            "amount": self.pledge_display(),
        }

    def clean(self):
        errors = {}
        campaign = getattr(self, "campaign", None)
        if campaign is not None and self.starts_at and self.ends_at:
            if self.starts_at < campaign.starts_at or self.ends_at > campaign.ends_at:
                errors["ends_at"] = _(
                    "The match must run within its campaign, from %(start)s to %(end)s."
                ) % {
                    "start": timezone.localtime(campaign.starts_at).strftime(
                        "%Y-%m-%d %H:%M"
                    ),
                    "end": timezone.localtime(campaign.ends_at).strftime(
                        "%Y-%m-%d %H:%M"
                    ),
                }
            overlapping = (
                MatchingPledge.objects.filter(
                    campaign=campaign,
                    starts_at__lt=self.ends_at,
                    ends_at__gt=self.starts_at,
                )
                .exclude(pk=self.pk)
                .first()
            )
            if overlapping is not None:
                errors["starts_at"] = _(
                    "Another match of this campaign runs at the same time "
                    "(%(other)s): readers can be told of one match at a time."
                ) % {"other": overlapping}
        if self.amount and self.matched > self.amount * 100:
            errors["amount"] = _(
                "%(matched)s is already matched: the pledge cannot be less."
            ) % {"matched": format_amount(self.matched, self.currency)}
        if errors:
            raise ValidationError(errors)

    @property
    def currency(self) -> str:
        return self.campaign.currency

    @property
    def pledged(self) -> int:
        """The pledge in minor units."""
        return self.amount * 100

    @property
    def left(self) -> int:
        """What is left of the pledge, in minor units."""
        return max(self.pledged - self.matched, 0)

    def is_running(self, now: datetime | None = None) -> bool:
        """Whether gifts received now (or at `now`) are matched."""
        now = now or timezone.now()
        return self.starts_at <= now < self.ends_at and self.left > 0

    def pledge_display(self) -> str:
        return format_amount(self.pledged, self.currency)

    def matched_display(self) -> str:
        return format_amount(self.matched, self.currency)

    def left_display(self) -> str:
        return format_amount(self.left, self.currency)


class MatchedGift(models.Model):
    """The share of one gift a pledge matched: at most the gift itself."""

    pledge = models.ForeignKey(
        MatchingPledge,
        on_delete=models.PROTECT,
        related_name="matched_gifts",
        verbose_name=_("pledge"),
    )
    donation = models.OneToOneField(
        Donation,
        # A matched gift is refunded or excluded (which releases its
        # share), never deleted: the pledge's total would go wrong.
        on_delete=models.PROTECT,
        related_name="match",
        verbose_name=_("donation"),
    )
    amount = models.PositiveBigIntegerField(
        _("amount matched"), help_text=_("In minor units, in the gift's currency.")
    )
    matched_at = models.DateTimeField(_("matched at"), default=timezone.now)

    class Meta:
        ordering = ["-matched_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(amount__gte=1),
                name="donations_matchedgift_amount_positive",
            ),
        ]

    def __str__(self):
        return _("%(amount)s matched") % {
            "amount": format_amount(self.amount, self.donation.currency)
        }
