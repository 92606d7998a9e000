"""
The campaign dashboard's figures and the geometry of its SVG charts.

Staff see it in the admin; it reads the database directly (the exact figures,
never the cache) and draws its charts on the server, so the admin loads no
external script.
"""

from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from django.db.models import Min
from django.utils import timezone

from .models import BannerMessage, Campaign, Donation

# A variant needs this many views before its click-through rate says much.
MIN_VIEWS_TO_COMPARE = 100
# The projection follows the pace of the last week, once there is one.
RECENT_DAYS = 7


@dataclass(frozen=True)
class Day:
    date: date
    new: int
    cumulative: int


@dataclass(frozen=True)
class Point:
    x: float
    y: float


@dataclass(frozen=True)
class Bar:
    day: Day
    x: float
    y: float
    height: float


def axis(top_value: int, ticks: int = 4) -> tuple[int, int]:
    """
    A round top for a count axis and a round step that reaches it in about
    `ticks` steps: 27 gives (30, 10), 1,000 gives (1,000, 250).
    """
    top_value = max(top_value, 1)
    magnitude = 1
    while True:
        for multiple in (1, 2, 2.5, 5):
            step = int(multiple * magnitude)
            if step == multiple * magnitude and step * ticks >= top_value:
                return -(-top_value // step) * step, step
        magnitude *= 10


@dataclass
class Chart:
    """Coordinates in an SVG viewBox of WIDTH x HEIGHT, time along x."""

    WIDTH = 720
    HEIGHT = 260
    LEFT = 56
    RIGHT = 16
    TOP = 16
    BOTTOM = 36

    start: datetime
    end: datetime
    y_max: int
    y_step: int
    cumulative: list[Point] = field(default_factory=list)
    bars: list[Bar] = field(default_factory=list)
    bar_width: float = 0.0
    pace: tuple[Point, Point] | None = None
    goal_y: float | None = None
    now_x: float | None = None

    @property
    def plot_bottom(self):
        return self.HEIGHT - self.BOTTOM

    @property
    def plot_right(self):
        return self.WIDTH - self.RIGHT

    @property
    def points(self):
        return " ".join(f"{p.x},{p.y}" for p in self.cumulative)

    @property
    def y_ticks(self):
        return [
            (value, self.y(value)) for value in range(0, self.y_max + 1, self.y_step)
        ]

    @property
    def x_ticks(self):
        return [
            (timezone.localdate(self.start), self.x(self.start)),
            (timezone.localdate(self.end), self.x(self.end)),
        ]

    def x(self, moment: datetime) -> float:
        span = (self.end - self.start).total_seconds()
        passed = (moment - self.start).total_seconds()
        return round(self.LEFT + (self.plot_right - self.LEFT) * passed / span, 1)

    def y(self, value: float) -> float:
        height = self.plot_bottom - self.TOP
        return round(self.plot_bottom - height * value / self.y_max, 1)


def start_of(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


@dataclass
class CampaignDashboard:
    campaign: Campaign
    now: datetime
    days: list[Day]
    messages: list[BannerMessage]

    @property
    def supporters(self) -> int:
        return self.days[-1].cumulative if self.days else 0

    @property
    def percent(self) -> float:
        return self.campaign.percent_of_goal(self.supporters)

    @property
    def progress(self) -> int:
        return min(self.supporters, self.campaign.goal)

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
    """Everything the dashboard shows: two queries, whatever the campaign's size."""
    now = now or timezone.now()
    firsts = (
        Donation.objects.counted()
        .for_campaign(campaign)
        .values("supporter")
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
    messages = list(campaign.banner_messages.order_by("-active", "-weight", "pk"))
    return CampaignDashboard(campaign=campaign, now=now, days=days, messages=messages)
