"""
The campaign dashboard's figures: progress, pace, variants, money, digest.

Staff see it in the admin; it reads the database directly (the exact figures,
never the cache). The charts' geometry is in donations.charts.
"""

from collections import Counter
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.db.models import Count, Min, Q, Sum
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from .charts import Bar, Chart, Day, Point, axis
from .models import (
    BannerMessage,
    Campaign,
    Donation,
    GoalKind,
    OutgoingEmail,
    Supporter,
    format_amount,
)
from .tracker import whole_amount

# A variant needs this many views before its click-through rate says much.
MIN_VIEWS_TO_COMPARE = 100
# The projection follows the pace of the last week, once there is one.
RECENT_DAYS = 7


def start_of(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


@dataclass
class CampaignDashboard:
    """
    Progress toward the goal, day by day. Each day's figure is new supporters,
    or, for an amount goal, whole units raised in the campaign's currency.
    """

    campaign: Campaign
    now: datetime
    days: list[Day]
    messages: list[BannerMessage]

    @property
    def goal_is_amount(self) -> bool:
        return self.campaign.goal_kind == GoalKind.AMOUNT

    @property
    def supporters(self) -> int:
        """The figure so far: supporters, or whole units raised."""
        return self.days[-1].cumulative if self.days else 0

    @property
    def percent(self) -> float:
        value = self.supporters * 100 if self.goal_is_amount else self.supporters
        return self.campaign.percent_of_goal(value)

    @property
    def progress(self) -> int:
        return min(self.supporters, self.campaign.goal)

    def display(self, value: float) -> str:
        """A figure as staff read it: "1,204 supporters" or "$12,040"."""
        if self.goal_is_amount:
            return whole_amount(int(value) * 100, self.campaign.currency)
        count = int(value)
        return ngettext("%(count)s supporter", "%(count)s supporters", count) % {
            "count": f"{count:,}"
        }

    @property
    def unit_name(self) -> str:
        return _("Raised") if self.goal_is_amount else _("Supporters")

    @property
    def so_far_display(self) -> str:
        return self.display(self.supporters)

    @property
    def goal_display(self) -> str:
        return self.display(self.campaign.goal)

    @property
    def expected_display(self) -> str:
        return self.display(self.expected_by_now)

    @property
    def ahead_display(self) -> str:
        return self.display(abs(self.ahead_by))

    @property
    def rate_display(self) -> str:
        if self.goal_is_amount:
            amount = whole_amount(int(self.recent_rate * 100), self.campaign.currency)
            return _("%(amount)s raised") % {"amount": amount}
        return _("%(rate)s new supporters") % {"rate": f"{self.recent_rate:.1f}"}

    @property
    def elapsed_fraction(self) -> float:
        """How much of the campaign's window has passed, from 0 to 1."""
        total = (self.campaign.ends_at - self.campaign.starts_at).total_seconds()
        passed = (self.now - self.campaign.starts_at).total_seconds()
        return min(max(passed / total, 0.0), 1.0)

    @property
    def expected_by_now(self) -> int:
        """Where a steady pace from zero to the goal would be today."""
        return round(self.campaign.goal * self.elapsed_fraction)

    @property
    def ahead_by(self) -> int:
        """Supporters ahead of that pace (negative when behind)."""
        return self.supporters - self.expected_by_now

    @property
    def behind_by(self) -> int:
        return -self.ahead_by

    @property
    def recent_rate(self) -> float:
        """New supporters per day over the last week (or since the start)."""
        recent = self.days[-RECENT_DAYS:]
        if not recent:
            return 0.0
        return sum(day.new for day in recent) / len(recent)

    @property
    def reached_on(self) -> date | None:
        for day in self.days:
            if day.cumulative >= self.campaign.goal:
                return day.date
        return None

    @property
    def projected_completion(self) -> date | None:
        """The day the goal is reached at the recent pace, or None at no pace."""
        if reached := self.reached_on:
            return reached
        rate = self.recent_rate
        if rate <= 0:
            return None
        remaining = self.campaign.goal - self.supporters
        return timezone.localdate(self.now) + timedelta(days=int(-(-remaining // rate)))

    @property
    def projected_after_end(self) -> bool:
        projected = self.projected_completion
        return projected is not None and projected > timezone.localdate(
            self.campaign.ends_at
        )

    @property
    def best_message(self) -> BannerMessage | None:
        """The variant with the best click-through rate among well-viewed ones."""
        candidates = [m for m in self.messages if m.views >= MIN_VIEWS_TO_COMPARE]
        if not candidates:
            return None
        return max(candidates, key=lambda m: (m.clicks / m.views, m.clicks))

    def chart(self) -> Chart:
        """The supporters so far, the steady pace to the goal, and the goal."""
        campaign = self.campaign
        y_max, y_step = axis(max(campaign.goal, self.supporters))
        chart = Chart(
            start=campaign.starts_at, end=campaign.ends_at, y_max=y_max, y_step=y_step
        )
        chart.cumulative = [Point(chart.x(campaign.starts_at), chart.y(0))] + [
            Point(
                chart.x(min(start_of(day.date + timedelta(days=1)), self.now)),
                chart.y(day.cumulative),
            )
            for day in self.days
        ]
        chart.pace = (
            Point(chart.x(campaign.starts_at), chart.y(0)),
            Point(chart.x(campaign.ends_at), chart.y(campaign.goal)),
        )
        chart.goal_y = chart.y(campaign.goal)
        if campaign.is_running(self.now):
            chart.now_x = chart.x(self.now)
        return chart

    def bar_chart(self) -> Chart:
        """New supporters on each day of the campaign."""
        campaign = self.campaign
        y_max, y_step = axis(max((day.new for day in self.days), default=0), ticks=3)
        chart = Chart(
            start=campaign.starts_at, end=campaign.ends_at, y_max=y_max, y_step=y_step
        )
        day_width = chart.x(campaign.starts_at + timedelta(days=1)) - chart.LEFT
        chart.bar_width = round(max(day_width * 0.8, 1.0), 1)
        for day in self.days:
            top = chart.y(day.new)
            left = max(start_of(day.date), campaign.starts_at)
            chart.bars.append(
                Bar(
                    day=day,
                    x=round(chart.x(left) + day_width * 0.1, 1),
                    y=top,
                    height=round(chart.plot_bottom - top, 1),
                )
            )
        return chart


def campaign_dashboard(campaign: Campaign, now: datetime | None = None):
    """Progress, pace and variants: two queries, whatever the campaign's size."""
    now = now or timezone.now()
    counted = Donation.objects.counted().for_campaign(campaign)
    if campaign.goal_kind == GoalKind.AMOUNT:
        per_day = Counter()
        # What a matcher added counts in the money raised, on the gift's day.
        gifts = counted.filter(currency=campaign.currency).values_list(
            "received_at", "amount", "match__amount"
        )
        for received_at, amount, matched in gifts:
            per_day[timezone.localdate(received_at)] += amount + (matched or 0)
        per_day = Counter({day: total // 100 for day, total in per_day.items()})
    else:
        firsts = (
            counted.values("supporter")
            .annotate(first=Min("received_at"))
            .values_list("first", flat=True)
        )
        per_day = Counter(timezone.localdate(first) for first in firsts)
    days = []
    if campaign.starts_at <= now:
        day = timezone.localdate(campaign.starts_at)
        last = timezone.localdate(
            min(now, campaign.ends_at - timedelta(microseconds=1))
        )
        # A payment stamped a few minutes ahead of this clock still counts.
        last = max([last, *per_day])
        cumulative = 0
        while day <= last:
            cumulative += per_day.get(day, 0)
            days.append(Day(date=day, new=per_day.get(day, 0), cumulative=cumulative))
            day += timedelta(days=1)
    messages = list(
        campaign.banner_messages.annotate(
            gift_count=Count(
                "donations",
                filter=Q(
                    donations__refunded_at__isnull=True, donations__excluded_reason=""
                ),
            )
        ).order_by("-active", "-weight", "pk")
    )
    return CampaignDashboard(campaign=campaign, now=now, days=days, messages=messages)


def daily_digest(day: date) -> dict:
    """
    The figures of the Fundraising group's daily email for one day (local
    time), as plain values so they can be stored with the email.
    """
    start = start_of(day)
    end = start_of(day + timedelta(days=1))
    received = Donation.objects.received_between(start, end)
    by_currency = [
        {
            "currency": row["currency"],
            "gifts": row["gifts"],
            "total": format_amount(row["total"], row["currency"]),
        }
        for row in received.counted()
        .values("currency")
        .annotate(gifts=Count("pk"), total=Sum("amount"))
        .order_by("currency")
    ]
    new_supporters = (
        Supporter.objects.annotate(
            first=Min(
                "donations__received_at",
                filter=Q(
                    donations__refunded_at__isnull=True, donations__excluded_reason=""
                ),
            )
        )
        .filter(first__gte=start, first__lt=end)
        .count()
    )
    refunds = Donation.objects.filter(refunded_at__gte=start, refunded_at__lt=end)
    campaign = Campaign.objects.current().first()
    progress = None
    if campaign is not None:
        dashboard = campaign_dashboard(campaign, now=min(end, timezone.now()))
        progress = {
            "campaign": campaign.name,
            "so_far": dashboard.so_far_display,
            "goal": dashboard.goal_display,
            "percent": dashboard.percent,
            "ends_on": timezone.localdate(campaign.ends_at).isoformat(),
        }
    return {
        "day": day.isoformat(),
        "by_currency": by_currency,
        "gifts": sum(row["gifts"] for row in by_currency),
        "new_supporters": new_supporters,
        "refunds": refunds.count(),
        "monthly_failed": OutgoingEmail.objects.filter(
            kind=OutgoingEmail.Kind.PAYMENT_FAILED,
            created_at__gte=start,
            created_at__lt=end,
        ).count(),
        "progress": progress,
    }
