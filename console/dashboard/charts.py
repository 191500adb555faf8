"""Trend charts drawn on the server as SVG: no script, nothing to load from elsewhere.

Built in Python rather than in a template loop: two bars with a tooltip per day
were most of the dashboard's rendering time.
"""

from __future__ import annotations

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from console.casework.dashboard import Trend

HEIGHT = 40  # each half: posted above the axis, opened cases below
STEP = 6  # a bar of 5 and a gap of 1


def trend_svg(
    trend: Trend, label: str, chart_id: str, *, posted_on: str | None = None, opened_on: str | None = None
) -> SafeString:
    """Posted events per day above the axis, cases opened below, each bar titled with its day and count
    and, given the lists' addresses (ending in `day=` and `opened=`), a link to the day's list."""
    scale = HEIGHT / trend.peak if trend.peak else 0
    width = len(trend.days) * STEP
    title = escape(f"Last {label}: events posted (up) and cases opened (down) per day")
    parts = [
        f'<svg viewBox="0 0 {width} {2 * HEIGHT + 2}" width="{2 * width}" height="{4 * HEIGHT + 4}" '
        f'role="img" aria-labelledby="{chart_id}"><title id="{chart_id}">{title}</title>'
        f'<line x1="0" y1="{HEIGHT + 1}" x2="{width}" y2="{HEIGHT + 1}" class="axis"/>'
    ]
    for index, day in enumerate(trend.days):
        x, when = index * STEP, day.day.isoformat()
        posted_h, opened_h = round(day.posted * scale, 1), round(day.opened * scale, 1)
        posted = (
            f'<rect x="{x}" y="{round(HEIGHT - posted_h, 1)}" width="5" height="{posted_h}" class="bar-posted">'
            f"<title>{when}: {day.posted} posted</title></rect>"
        )
        opened = (
            f'<rect x="{x}" y="{HEIGHT + 2}" width="5" height="{opened_h}" class="bar-opened">'
            f"<title>{when}: {day.opened} cases opened</title></rect>"
        )
        parts.append(_linked(posted, posted_on, when, day.posted) + _linked(opened, opened_on, when, day.opened))
    parts.append("</svg>")
    # Only numbers, ISO dates and the escaped title go in: nothing a user typed.
    return mark_safe("".join(parts))  # noqa: S308


def _linked(bar: str, address: str | None, when: str, count: int) -> str:
    if address is None:
        return bar
    return f'<a href="{escape(address + when)}" class="figure" data-count="{count}">{bar}</a>'
