"""
The public funding page's figures, computed live from donation data: who
funds Factually, how much arrived this year and when, how concentrated the
money is, and what was refused.
"""

from dataclasses import dataclass
from datetime import datetime

from django.conf import settings
from django.db.models import Count, Max, Q, Sum
from django.db.models.functions import TruncMonth
from django.utils import timezone

from .models import Donation, Supporter

# Staff record refused money by writing the reason, for example "political
# organisation (we take no money from political groups)".
POLITICAL = "politic"


@dataclass
class CurrencyFigures:
    currency: str
    total: int  # minor units
    largest: int
    by_month: list[tuple[datetime, int]]

    @property
    def largest_share_percent(self) -> str:
        """The largest single gift as a share of the total, e.g. "12.5"."""
        share = 100 * self.largest / self.total if self.total else 0
        return f"{share:.1f}".removesuffix(".0")


@dataclass
class FundingFigures:
    year: int
    supporters: int
    currencies: list[CurrencyFigures]
    political_gifts_refused: int
    named_donors: list[str]
    named_threshold: int


def figures(now: datetime | None = None) -> FundingFigures:
    """This calendar year's funding, by currency, with the named donors."""
    now = timezone.localtime(now or timezone.now())
    start = now.replace(month=1, day=1, hour=0, minute=0, second=0, microsecond=0)
    this_year = Donation.objects.received_between(start, now)
    counted = this_year.counted()
    totals = {
        row["currency"]: row
        for row in counted.values("currency").annotate(
            total=Sum("amount"), largest=Max("amount")
        )
    }
    months = {}
    for row in (
        counted.annotate(month=TruncMonth("received_at"))
        .values("currency", "month")
        .annotate(total=Sum("amount"))
        .order_by("month")
    ):
        months.setdefault(row["currency"], []).append((row["month"], row["total"]))
    threshold = settings.FUNDING_NAMED_DONOR_THRESHOLD
    named = (
        Supporter.objects.exclude(display_name="")
        .filter(display_name_consented_at__isnull=False)
        .annotate(
            given=Sum(
                "donations__amount",
                filter=Q(
                    donations__in=counted,
                ),
            )
        )
        .filter(given__gte=threshold)
        .order_by("-given", "display_name")
        .values_list("display_name", flat=True)
    )
    return FundingFigures(
        year=now.year,
        supporters=counted.aggregate(n=Count("supporter", distinct=True))["n"],
        currencies=sorted(
            (
                CurrencyFigures(
                    currency=currency,
                    total=row["total"],
                    largest=row["largest"],
                    by_month=months.get(currency, []),
                )
                for currency, row in totals.items()
            ),
            key=lambda figures: -figures.total,
        ),
        political_gifts_refused=this_year.filter(
            excluded_reason__icontains=POLITICAL
        ).count(),
        named_donors=list(named),
        named_threshold=threshold,
    )
