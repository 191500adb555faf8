"""The case list's table rows, built in Python. The list is the page operators live on, and
a template renders its 50 rows x 11 cells at about 0.6 ms a row (each cell resolves its
variables and filters through the template engine); this writes the same markup in a
tenth of that. Every text shown is escaped here (html.escape)."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, tzinfo
from html import escape

from django.urls import reverse
from django.utils.safestring import SafeString, mark_safe

from console.casework.models import OPEN_STATES, CaseState
from console.casework.selectors import CaseRow
from console.casework.taxonomy import Category, Severity
from console.sync.periods import later_period_text

EMPTY = SafeString('<tr><td colspan="11">No cases match.</td></tr>')
OVERDUE = SafeString(' <strong class="overdue">overdue</strong>')
UNASSIGNED = SafeString('<span class="hint">unassigned</span>')


# An age as the list shows it: its largest unit and the next ("3 days, 4 hours"). Django's
# timesince filter writes the same under a month (it counts calendar months past that), but
# looks up a translation per unit: 50 rows called it 100 times.
UNITS = (
    ("year", 365 * 86400),
    ("month", 30 * 86400),
    ("week", 7 * 86400),
    ("day", 86400),
    ("hour", 3600),
    ("minute", 60),
)


def _count(n: int, unit: str) -> str:
    return f"{n}\xa0{unit}{'' if n == 1 else 's'}"


def age_text(opened_at: datetime, now: datetime) -> str:
    seconds = max(int((now - opened_at).total_seconds()), 0)
    for n, (unit, size) in enumerate(UNITS):
        if seconds >= size:
            whole, rest = divmod(seconds, size)
            text = _count(whole, unit)
            if n + 1 < len(UNITS) and rest >= UNITS[n + 1][1]:
                text += ", " + _count(rest // UNITS[n + 1][1], UNITS[n + 1][0])
            return text
    return _count(0, "minute")


# Labels escaped once: they are ours, but a label is text like any other.
CATEGORIES = {value: escape(label) for value, label in Category.choices}
SEVERITIES = {value: escape(label) for value, label in Severity.choices}
STATES = {value: escape(label) for value, label in CaseState.choices}


def _booked_later(case: CaseRow) -> str:
    if not (case.booked_later and case.source_date and case.odoo_date):
        return ""
    return f' <small class="booked-later">{escape(later_period_text(case.source_date, case.odoo_date))}</small>'


def _row(case: CaseRow, detail_url: str, now: datetime, zone: tzinfo) -> str:
    # Python's html.escape on each text value (as Django's escape, without its lazy-string
    # wrapper and SafeString per call: format_html cost 20 us a row for those alone). Numbers,
    # dates and our own constants need none.
    due = case.sla_due_at.astimezone(zone)
    overdue = OVERDUE if case.state in OPEN_STATES and case.sla_due_at < now else ""
    severity = escape(case.severity)
    assignee = escape(case.assignee_name) if case.assignee_name is not None else UNASSIGNED
    return (
        f'<tr>\n      <th scope="row"><a href="{detail_url}">#{case.pk}</a></th>\n'
        f"      <td>{CATEGORIES.get(case.category) or escape(case.category)}</td>\n"
        f'      <td><span class="severity severity-{severity}">{SEVERITIES.get(case.severity, severity)}</span></td>\n'
        f"      <td>{STATES.get(case.state) or escape(case.state)}</td>\n"
        f"      <td>{escape(case.entity_code)}</td>\n      <td>{escape(case.flow_name)}</td>\n"
        f"      <td>{escape(case.external_id or case.subject)}{_booked_later(case)}</td>\n"
        f'      <td class="amount">{case.amount} {escape(case.currency)}</td>\n'
        f"      <td>{age_text(case.opened_at, now)}</td>\n"
        f'      <td><time datetime="{due.isoformat()}">{due.strftime("%Y-%m-%d %H:%M")}</time>{overdue}</td>\n'
        f"      <td>{assignee}</td>\n    </tr>"
    )


def case_rows_html(cases: Iterable[CaseRow], now: datetime, zone: tzinfo) -> SafeString:
    """The <tr> of each case, in the list's order, with its times in the user's zone."""
    # One reverse() for the page: a case's link differs from its neighbour's only in the id.
    before, after = reverse("case-detail", args=[0]).rsplit("0", 1)
    rows = [_row(case, f"{before}{case.pk}{after}", now, zone) for case in cases]
    # Each row escaped every text value in it.
    return mark_safe("\n    ".join(rows)) if rows else EMPTY  # noqa: S308
