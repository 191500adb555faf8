"""The trend chart drawn on the server: bars scaled to the peak, a titled bar per day and series,
the counts on its vertical axis and dates under it, written by a template that escapes."""

from __future__ import annotations

import re
from datetime import date, timedelta

from django.template.loader import render_to_string

from console.casework.dashboard import Trend, TrendDay
from console.dashboard.charts import HEIGHT, trend_chart


def _trend(*counts: tuple[int, int]) -> Trend:
    first = date(2026, 11, 1)
    days = [TrendDay(first + timedelta(days=i), posted, opened) for i, (posted, opened) in enumerate(counts)]
    return Trend(days, max(max(p, o) for p, o in counts))


def _svg(trend: Trend, label: str, chart_id: str, **links: str) -> str:
    return render_to_string("dashboard/_trend.html", {"chart": trend_chart(trend, label, chart_id, **links)})


def test_bars_scale_to_the_peak_and_name_their_day() -> None:
    svg = _svg(_trend((10, 0), (5, 2), (0, 10)), "3 days", "t1")
    heights = [float(h) for h in re.findall(r'<rect [^>]*height="([\d.]+)"', svg)]
    assert heights == [HEIGHT, HEIGHT / 2, 0, 0, HEIGHT / 5, HEIGHT]  # posted per day, then opened per day
    assert "<title>2026-11-02: 5 posted</title>" in svg and "<title>2026-11-03: 10 cases opened</title>" in svg
    assert svg.count("<rect") == 6 and 'aria-labelledby="t1"' in svg
    assert '<title id="t1">Last 3 days, Nov 1 to Nov 3:' in svg


def test_the_axes_carry_the_counts_and_the_dates() -> None:
    svg = _svg(_trend(*[(i, 0) for i in range(30)]), "30 days", "t4")
    labels = re.findall(r'<text [^>]*class="axis-label"[^>]*>([^<]+)</text>', svg)
    assert labels == ["29", "0", "29", "Nov 1", "Nov 16", "Nov 30"]


def test_each_bar_links_to_its_days_list_with_its_count() -> None:
    svg = _svg(_trend((3, 1)), "1 day", "t5", posted_on="/events/?day=", opened_on="/cases/figures/?opened=")
    assert '<a href="/events/?day=2026-11-01" class="figure" data-count="3">' in svg
    assert '<a href="/cases/figures/?opened=2026-11-01" class="figure" data-count="1">' in svg


def test_an_empty_period_draws_flat_bars() -> None:
    svg = _svg(Trend([TrendDay(date(2026, 11, 1), 0, 0)], 0), "1 day", "t2")
    numbers = re.findall(r' (?:x|y|x1|x2|y1|y2|height)="([^"]*)"', svg)
    assert 'height="0"' in svg and all(re.fullmatch(r"[\d.]+", n) for n in numbers), numbers


def test_the_label_is_escaped() -> None:
    assert "<b>" not in _svg(_trend((1, 1)), "<b>week</b>", "t3")
