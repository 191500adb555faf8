"""The console's Jinja2 environment (the "jinja2" engine in TEMPLATES, templates/jinja2/ only).

A few templates render often enough on one page that Django's template engine costs more than
the page's queries: the case list's rows (50 rows of 11 cells) and its filter bar. They are
Jinja2 templates, compiled once and autoescaped: every value they write is escaped unless it is
already markup (a rendered widget). tests/bench/bench_templates.py measures the engines."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime, tzinfo
from typing import Any

from django.template import engines
from django.urls import reverse
from django.utils.safestring import SafeString, mark_safe
from jinja2 import Environment

from console.casework.ages import age_text
from console.sync.periods import later_period_text
from console.ui.money import money_text


def url(name: str, *args: object) -> str:
    return reverse(name, args=args)


def in_zone(moment: datetime, zone: tzinfo) -> datetime:
    return moment.astimezone(zone)


def isoformat(moment: datetime) -> str:
    return moment.isoformat()


def minutes(moment: datetime) -> str:
    """To the minute, with the zone named (its abbreviation: CET, EST, UTC)."""
    return moment.strftime("%Y-%m-%d %H:%M %Z")


def environment(**options: Any) -> Environment:
    options.pop("autoescape", None)  # on, whatever the settings say
    env = Environment(autoescape=True, **options)
    env.globals.update(url=url, later_period_text=later_period_text)
    # Filters, not method calls in the templates: Jinja2 calls a filter directly, a method
    # through its context (3x the cost, in a loop of 50 rows).
    env.filters.update(age=age_text, in_zone=in_zone, isoformat=isoformat, minutes=minutes, money=money_text)
    return env


def render_fragment(template_name: str, context: Mapping[str, Any]) -> SafeString:
    """A templates/jinja2/ template rendered for a Django template to include as it is."""
    html = engines["jinja2"].get_template(template_name).render(dict(context))
    # The engine escaped every value the template writes (autoescape=True in TEMPLATES).
    return mark_safe(html)  # noqa: S308
