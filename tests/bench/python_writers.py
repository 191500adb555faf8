"""The case list's rows, filter bar and widgets as they were written in Python before issue 17
moved them into templates (console/casework/list_rows.py, filter_bar.py and
console/form_renderer.py at commit 65692a5), kept here only as the reference that
bench_templates.py measures the template engines against. Not used by the console."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from datetime import datetime, tzinfo
from html import escape
from typing import Any

from django import forms
from django.forms.renderers import DjangoTemplates
from django.urls import reverse
from django.utils.html import conditional_escape
from django.utils.safestring import SafeString, mark_safe

from console.casework.ages import age_text
from console.casework.models import OPEN_STATES, CaseState
from console.casework.selectors import CaseRow
from console.casework.taxonomy import Category, Severity
from console.sync.periods import later_period_text
from console.ui.money import money_text

# The rows (list_rows.py).
EMPTY = SafeString('<tr><td colspan="11" class="empty">No cases match.</td></tr>')
OVERDUE = SafeString(' <strong class="overdue">overdue</strong>')
UNASSIGNED = SafeString('<span class="hint">unassigned</span>')
CATEGORIES = {value: escape(label) for value, label in Category.choices}
SEVERITIES = {value: escape(label) for value, label in Severity.choices}
STATES = {value: escape(label) for value, label in CaseState.choices}


def _booked_later(case: CaseRow) -> str:
    if not (case.booked_later and case.source_date and case.odoo_date):
        return ""
    return f' <small class="booked-later">{escape(later_period_text(case.source_date, case.odoo_date))}</small>'


def _row(case: CaseRow, detail_url: str, now: datetime, zone: tzinfo) -> str:
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
        f'      <td class="amount">{escape(money_text(case.amount, case.currency))}</td>\n'
        f"      <td>{age_text(case.opened_at, now)}</td>\n"
        f'      <td><time datetime="{due.isoformat()}">{due.strftime("%Y-%m-%d %H:%M %Z")}</time>{overdue}</td>\n'
        f"      <td>{assignee}</td>\n    </tr>"
    )


def case_rows_html(cases: Iterable[CaseRow], now: datetime, zone: tzinfo) -> SafeString:
    before, after = reverse("case-detail", args=[0]).rsplit("0", 1)
    rows = [_row(case, f"{before}{case.pk}{after}", now, zone) for case in cases]
    return mark_safe("\n    ".join(rows)) if rows else EMPTY  # noqa: S308


# The filter bar's layout (filter_bar.py).
def filter_fields_html(form: forms.Form) -> SafeString:
    parts = []
    for field in form.visible_fields():
        label_for = escape(field.id_for_label)
        helptext = (
            f'<small class="hint" id="{label_for}_helptext">{escape(str(field.help_text))}</small>'
            if field.help_text
            else ""
        )
        label = f'<label for="{label_for}">{escape(str(field.label))}</label>'
        parts.append(f'<span class="field">{label}{field}{helptext}</span>')
    return mark_safe("\n  ".join(parts))  # noqa: S308


# The widgets (form_renderer.py).
WIDGETS = "django/forms/widgets/"
INPUT_TYPES = ("checkbox color date datetime email file hidden number password search tel text time url").split()


def _attrs(attrs: Mapping[str, Any]) -> str:
    out = []
    for name, value in attrs.items():
        if value is False:
            continue
        out.append(f" {name}" if value is True else f' {name}="{conditional_escape(value)}"')
    return "".join(out)


def _input(widget: Mapping[str, Any]) -> str:
    value = widget["value"]
    shown = "" if value is None else f' value="{conditional_escape(value)}"'
    kind, name = conditional_escape(widget["type"]), conditional_escape(widget["name"])
    return f'<input type="{kind}" name="{name}"{shown}{_attrs(widget["attrs"])}>\n'


def _included_input(widget: Mapping[str, Any]) -> str:
    return _input(widget) + "\n"


def _option(option: Mapping[str, Any]) -> str:
    value, label = conditional_escape(option["value"]), conditional_escape(option["label"])
    return f'<option value="{value}"{_attrs(option["attrs"])}>{label}</option>\n'


def _select(widget: Mapping[str, Any]) -> str:
    out = [f'<select name="{conditional_escape(widget["name"])}"{_attrs(widget["attrs"])}>']
    for group_name, group_choices, _ in widget["optgroups"]:
        if group_name:
            out.append(f'\n  <optgroup label="{conditional_escape(group_name)}">')
        for option in group_choices:
            if option["template_name"] != WIDGETS + "select_option.html":
                raise LookupError(option["template_name"])
            out.append("\n  " + _option(option))
        if group_name:
            out.append("\n  </optgroup>")
    out.append("\n</select>\n")
    return "".join(out)


def _textarea(widget: Mapping[str, Any]) -> str:
    value = widget["value"]
    shown = conditional_escape(value) if value else ""
    return f'<textarea name="{conditional_escape(widget["name"])}"{_attrs(widget["attrs"])}>\n{shown}</textarea>\n'


BUILDERS: dict[str, Callable[[Mapping[str, Any]], str]] = {
    WIDGETS + "input.html": _input,
    WIDGETS + "select.html": _select,
    WIDGETS + "select_option.html": _option,
    WIDGETS + "textarea.html": _textarea,
    **{f"{WIDGETS}{kind}.html": _included_input for kind in INPUT_TYPES},
}


class PythonWidgetRenderer(DjangoTemplates):
    def render(self, template_name: str, context: dict[str, Any], request: Any = None) -> str:
        build = BUILDERS.get(template_name)
        if build is not None:
            try:
                return build(context["widget"]).strip()
            except LookupError:
                pass
        return super().render(template_name, context, request)
