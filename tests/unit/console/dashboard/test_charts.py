"""The trend chart drawn on the server: bars scaled to the peak, a titled bar per day and series."""

from __future__ import annotations

import re
from datetime import date, timedelta

from console.casework.dashboard import Trend, TrendDay
from console.dashboard.charts import HEIGHT, trend_svg


def _trend(*counts: tuple[int, int]) -> Trend:
    first = date(2026, 11, 1)
    days = [TrendDay(first + timedelta(days=i), posted, opened) for i, (posted, opened) in enumerate(counts)]
    return Trend(days, max(max(p, o) for p, o in counts))


def test_bars_scale_to_the_peak_and_name_their_day() -> None:
    svg = str(trend_svg(_trend((10, 0), (5, 2), (0, 10)), "3 days", "t1"))
    heights = [float(h) for h in re.findall(r'<rect [^>]*height="([\d.]+)"', svg)]
    assert heights == [HEIGHT, 0, HEIGHT / 2, HEIGHT / 5, 0, HEIGHT]
    assert "<title>2026-11-02: 5 posted</title>" in svg and "<title>2026-11-03: 10 cases opened</title>" in svg
    assert svg.count("<rect") == 6 and 'aria-labelledby="t1"' in svg and '<title id="t1">Last 3 days:' in svg


def test_an_empty_period_draws_flat_bars() -> None:
    svg = str(trend_svg(Trend([TrendDay(date(2026, 11, 1), 0, 0)], 0), "1 day", "t2"))
    assert 'height="0"' in svg and "nan" not in svg.lower()


def test_the_label_is_escaped() -> None:
    assert "<b>" not in str(trend_svg(_trend((1, 1)), "<b>week</b>", "t3"))
