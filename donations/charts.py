"""
The geometry of the dashboard's SVG charts: coordinates in a fixed viewBox,
computed on the server so the admin loads no external script.
"""

from dataclasses import dataclass, field
from datetime import date, datetime

from django.utils import timezone


@dataclass(frozen=True)
class Day:
    """One day of a campaign: its new figure and the running total."""

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
