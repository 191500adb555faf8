"""Trend charts drawn on the server as SVG: no script, nothing to load from elsewhere.

The geometry is computed here and the markup is `templates/dashboard/_trend.html`, which
escapes what it writes like every template.
"""

from __future__ import annotations

from dataclasses import dataclass

from console.casework.dashboard import Trend

HEIGHT = 40  # each half: posted above the axis, opened cases below
STEP = 6  # a bar of 5 and a gap of 1
LEFT = 24  # room for the count labels of the vertical axis
BOTTOM = 10  # room for the dates under the chart
TICKS = 3  # dates written under the chart: the first day, the middle one, the last


@dataclass(frozen=True)
class Bar:
    x: int
    y: float
    height: float
    count: int
    day: str  # ISO date: the bar's title and its list's `day=` / `opened=`


@dataclass(frozen=True)
class Tick:
    x: float
    label: str


@dataclass(frozen=True)
class TrendChart:
    chart_id: str
    label: str
    width: int
    height: int
    axis_y: int
    bottom: int  # where the opened cases' bars end
    peak: int
    span: str  # "Nov 4 to Dec 3"
    posted: list[Bar]
    opened: list[Bar]
    dates: list[Tick]
    posted_on: str | None
    opened_on: str | None

    @property
    def axis_x(self) -> int:
        return LEFT - 1

    @property
    def label_x(self) -> int:
        return LEFT - 3

    @property
    def display_width(self) -> int:
        return 2 * self.width

    @property
    def display_height(self) -> int:
        return 2 * self.height


def trend_chart(
    trend: Trend, label: str, chart_id: str, *, posted_on: str | None = None, opened_on: str | None = None
) -> TrendChart:
    """Posted events per day above the axis and cases opened below, scaled to the busiest day,
    with the counts on the vertical axis and dates under the bars. Given the lists' addresses
    (ending in `day=` and `opened=`), each bar links to its day's list."""
    scale = HEIGHT / trend.peak if trend.peak else 0
    axis_y = HEIGHT + 1
    posted, opened = [], []
    for index, day in enumerate(trend.days):
        x, when = LEFT + index * STEP, day.day.isoformat()
        posted_h, opened_h = round(day.posted * scale, 1), round(day.opened * scale, 1)
        posted.append(Bar(x, round(HEIGHT - posted_h, 1), posted_h, day.posted, when))
        opened.append(Bar(x, HEIGHT + 2, opened_h, day.opened, when))
    picks = sorted({0, len(trend.days) // 2, len(trend.days) - 1}) if trend.days else []
    dates = [Tick(LEFT + i * STEP + 2.5, trend.days[i].day.strftime("%b %-d")) for i in picks[:TICKS]]
    span = f"{trend.days[0].day:%b %-d} to {trend.days[-1].day:%b %-d}" if trend.days else "no days"
    return TrendChart(
        chart_id=chart_id,
        label=label,
        width=LEFT + len(trend.days) * STEP,
        height=2 * HEIGHT + 2 + BOTTOM,
        axis_y=axis_y,
        bottom=2 * HEIGHT + 2,
        peak=trend.peak,
        span=span,
        posted=posted,
        opened=opened,
        dates=dates,
        posted_on=posted_on,
        opened_on=opened_on,
    )
