"""
The dashboard's money: what a campaign raised in each currency, monthly
recurring revenue, average and median gifts, refunds, first-time and
returning supporters, and what matching pledges added.

Like the rest of the dashboard (donations.dashboard) it reads the database
directly, never the cache.
"""

from collections import Counter
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db.models import Avg, Count, Exists, OuterRef, Sum
from django.utils import timezone

from .models import (
    Campaign,
    Donation,
    DonationKind,
    Supporter,
    format_amount,
)

# Money. Monthly recurring revenue counts each monthly supporter whose last
# payment is recent enough that the next is still expected.
MONTHLY_GRACE = timedelta(days=35)


@dataclass(frozen=True)
class CurrencyFigures:
    currency: str
    gifts: int
    total: int
    average: int
    median: int
    monthly_recurring: int
    monthly_supporters: int
    refunds: int
    refunded: int
    # Added by matchers to the counted gifts, apart from the gifts' total.
    matched: int = 0

    @property
    def total_display(self) -> str:
        return format_amount(self.total, self.currency)

    @property
    def matched_display(self) -> str:
        return format_amount(self.matched, self.currency)

    @property
    def average_display(self) -> str:
        return format_amount(self.average, self.currency)

    @property
    def median_display(self) -> str:
        return format_amount(self.median, self.currency)

    @property
    def monthly_recurring_display(self) -> str:
        return format_amount(self.monthly_recurring, self.currency)

    @property
    def refunded_display(self) -> str:
        return format_amount(self.refunded, self.currency)


@dataclass(frozen=True)
class MoneyFigures:
    currencies: list[CurrencyFigures]
    first_time: int
    returning: int


def median(queryset, count: int) -> int:
    """The median amount of `count` gifts, by offset: one or two small queries."""
    if not count:
        return 0
    amounts = queryset.order_by("amount").values_list("amount", flat=True)
    middle = count // 2
    if count % 2:
        return amounts[middle]
    low, high = amounts[middle - 1 : middle + 1]
    return (low + high) // 2


def campaign_money(campaign: Campaign, now: datetime | None = None) -> MoneyFigures:
    """
    Money raised in the campaign's window, by currency (amounts are never
    added across currencies), with what matchers added apart, monthly
    recurring revenue, average and
    median gift and refunds; and the campaign's supporters split into first
    time and returning. A handful of queries per currency.
    """
    now = now or timezone.now()
    in_window = Donation.objects.for_campaign(campaign)
    counted = in_window.counted()
    totals = {
        row["currency"]: row
        for row in counted.values("currency")
        .annotate(
            gifts=Count("pk"),
            total=Sum("amount"),
            average=Avg("amount"),
            matched=Sum("match__amount"),
        )
        .order_by()
    }
    refunds = {
        row["currency"]: row
        for row in in_window.refunded()
        .values("currency")
        .annotate(refunds=Count("pk"), refunded=Sum("amount"))
        .order_by()
    }
    latest_monthly = {}
    recent_monthly = (
        Donation.objects.counted()
        .filter(kind=DonationKind.RECURRING, received_at__gt=now - MONTHLY_GRACE)
        .order_by("received_at")
        .values_list("supporter", "currency", "amount")
    )
    for supporter, currency, amount in recent_monthly:
        latest_monthly[supporter, currency] = amount
    monthly = Counter()
    monthly_supporters = Counter()
    for (_supporter, currency), amount in latest_monthly.items():
        monthly[currency] += amount
        monthly_supporters[currency] += 1
    currencies = []
    for currency in sorted(set(totals) | set(refunds) | set(monthly)):
        row = totals.get(currency, {})
        gifts = row.get("gifts", 0)
        currencies.append(
            CurrencyFigures(
                currency=currency,
                gifts=gifts,
                total=row.get("total") or 0,
                average=round(row.get("average") or 0),
                median=median(counted.filter(currency=currency), gifts),
                monthly_recurring=monthly[currency],
                monthly_supporters=monthly_supporters[currency],
                refunds=refunds.get(currency, {}).get("refunds", 0),
                refunded=refunds.get(currency, {}).get("refunded") or 0,
                matched=row.get("matched") or 0,
            )
        )
    supporters = Supporter.objects.for_campaign(campaign)
    returning = supporters.filter(
        Exists(
            Donation.objects.counted().filter(
                supporter=OuterRef("pk"), received_at__lt=campaign.starts_at
            )
        )
    ).count()
    return MoneyFigures(
        currencies=currencies,
        first_time=supporters.count() - returning,
        returning=returning,
    )
