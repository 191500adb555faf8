"""What one view of the case list spends writing its markup, engine by engine, in one process:
a page of 50 rows and the filter bar (13 fields, ~40 select options) written by

  (a) the Python writers the console used before issue 17 (tests/bench/python_writers.py),
  (b) Django templates, compiled once (the cached loader's case), widgets through Django's
      DjangoTemplates form renderer,
  (c) Jinja2, autoescaped, compiled once: the console's own templates/jinja2/ templates and
      its form renderer, Django's widget templates in Jinja2 (what the console uses now).

Each figure is the fastest of 7 rounds of the mean time of one render; the rows and filter bar
of each engine are checked to write the same markup (whitespace and the spelling of entities
aside) before anything is timed. Needs the benchmark PostgreSQL (scripts/services.sh) for the
filter bar's choices, read as the view reads them.
"""

from __future__ import annotations

import re
import sys
import time
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta, tzinfo
from decimal import Decimal
from pathlib import Path
from random import Random
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from tests.bench.common import machine, setup_django

DATABASE = "finops_bench_templates"
ROWS = 50
ROUNDS = 7

# The same markup in Django's template language, for (b).
TEMPLATES = Path(__file__).parent / "templates"


def django_engine() -> Any:
    """A Django template engine with the same helpers the Jinja2 environment gives its rows."""
    from django.template import Engine, Library

    from console.casework.ages import age_text
    from console.sync.periods import later_period_text
    from console.ui.money import money_text

    helpers = Library()
    helpers.filter("label", lambda value, labels: labels.get(value, value))
    helpers.filter("age", age_text)
    helpers.filter("in_zone", lambda moment, zone: moment.astimezone(zone))
    helpers.filter("minute", lambda moment: moment.strftime("%Y-%m-%d %H:%M %Z"))
    helpers.filter("money", money_text)
    helpers.filter("booked_later", lambda case: later_period_text(case.source_date, case.odoo_date))
    engine = Engine(app_dirs=True)
    engine.template_builtins.append(helpers)
    return engine


def page_of_rows(now: datetime) -> list[Any]:
    from console.casework.selectors import CaseRow
    from console.casework.taxonomy import Category, Severity

    rng = Random(17)
    categories = [value for value, _ in Category.choices]
    severities = [value for value, _ in Severity.choices]
    rows = []
    for n in range(ROWS):
        opened = now - timedelta(seconds=rng.randint(60, 40 * 86400))
        booked_later = n % 10 == 3
        rows.append(
            CaseRow(
                pk=100_000 + n,
                category=rng.choice(categories),
                severity=rng.choice(severities),
                state=rng.choice(("open", "open", "in_progress", "waiting_approval")),
                entity_code=rng.choice(("US01", "FR01")),
                flow_name=rng.choice(("Shopify orders", "Stripe charges", "Vendor bills")),
                external_id=f"order-{rng.randint(1, 999_999):07d}" if n != 7 else '<script>alert("x")</script>',
                amount=Decimal(rng.randint(500, 6_000_000)) / 100,
                currency=rng.choice(("USD", "EUR")),
                opened_at=opened,
                sla_due_at=opened + timedelta(hours=rng.choice((4, 24, 72, 168))),
                assignee_name=rng.choice((None, None, "olivia", "omar")),
                booked_later=booked_later,
                source_date=date(2026, 10, 30) if booked_later else None,
                odoo_date=date(2026, 11, 2) if booked_later else None,
            )
        )
    return rows


def filter_form() -> Any:
    from django.test import RequestFactory

    from console.access.models import User
    from console.casework.filters import CaseFilter
    from console.casework.models import ExceptionCase
    from tests.bench.bench_casework import configure

    configure()
    user = User.objects.get(username="olivia")  # US01 and FR01
    request = RequestFactory().get("/cases/", {"category": "missing_mapping", "entity": "US01", "q": '"<b>'})
    request.user = user
    filterset = CaseFilter(request.GET, queryset=ExceptionCase.objects.none(), request=request)
    assert filterset.is_valid(), filterset.errors
    return filterset.form


def per_render_ms(render: Callable[[], object], n: int) -> float:
    best = float("inf")
    for _ in range(ROUNDS):
        started = time.perf_counter()
        for _ in range(n):
            render()
        best = min(best, (time.perf_counter() - started) * 1000 / n)
    return best


def same_markup(html: str) -> str:
    """Markup with its whitespace between tags dropped and its entities spelled one way
    (html.escape writes &#x27; and &quot;, MarkupSafe &#39; and &#34;)."""
    html = html.replace("&#39;", "&#x27;").replace("&#34;", "&quot;")
    return re.sub(r">\s+<", "><", re.sub(r"\s+", " ", html)).strip()


def main() -> None:
    setup_django(DATABASE)
    from zoneinfo import ZoneInfo

    from django.forms.renderers import DjangoTemplates
    from django.template import engines

    from console.casework.models import OPEN_STATES
    from console.casework.views import ROW_LABELS
    from console.widget_renderer import WidgetRenderer
    from tests.bench.python_writers import PythonWidgetRenderer, case_rows_html, filter_fields_html

    now = datetime.now(UTC)
    zone: tzinfo = ZoneInfo("Europe/Paris")
    cases = page_of_rows(now)
    form = filter_form()
    django = django_engine()
    django_rows = django.from_string((TEMPLATES / "django_rows.html").read_text())
    django_bar = django.from_string((TEMPLATES / "django_filter_bar.html").read_text())
    jinja_rows = engines["jinja2"].get_template("casework/_case_rows.html")
    jinja_bar = engines["jinja2"].get_template("casework/_filter_fields.html")
    row_context = {"cases": cases, "now": now, "zone": zone, "labels": ROW_LABELS, "open_states": OPEN_STATES}
    renderers = {"python": PythonWidgetRenderer(), "django": DjangoTemplates(), "jinja2": WidgetRenderer()}

    from django.template import Context

    def with_renderer(name: str, render: Callable[[], str]) -> Callable[[], str]:
        def run() -> str:
            form.renderer = renderers[name]
            return render()

        return run

    work: dict[str, dict[str, Callable[[], str]]] = {
        "rows (50)": {
            "python": lambda: case_rows_html(cases, now, zone),
            "django": lambda: django_rows.render(Context(row_context, autoescape=True)),
            "jinja2": lambda: jinja_rows.render(row_context),
        },
        "widgets alone (13 fields)": {
            name: with_renderer(name, lambda: "".join(str(field) for field in form.visible_fields()))
            for name in renderers
        },
        "filter bar: layout + widgets": {
            "python": with_renderer("python", lambda: filter_fields_html(form)),
            "django": with_renderer("django", lambda: django_bar.render(Context({"form": form}, autoescape=True))),
            "jinja2": with_renderer("jinja2", lambda: jinja_bar.render({"form": form})),
        },
    }
    for part, engines_of in work.items():
        reference = same_markup(str(engines_of["python"]()))
        for name, render in engines_of.items():
            assert same_markup(str(render())) == reference, (part, name, same_markup(str(render())), reference)
    escaped = str(work["rows (50)"]["jinja2"]())
    assert "&lt;script&gt;" in escaped and "<script>" not in escaped

    print(f"machine: {machine()}")
    print(f"one render, fastest of {ROUNDS} rounds; each engine writes the same markup as the others")
    times: dict[str, dict[str, float]] = {}
    for part, engines_of in work.items():
        times[part] = {name: per_render_ms(render, 200) for name, render in engines_of.items()}
    times["one list view: rows + filter bar"] = {
        name: times["rows (50)"][name] + times["filter bar: layout + widgets"][name] for name in renderers
    }
    print(f"  {'':34s} {'(a) python':>12s} {'(b) django':>12s} {'(c) jinja2':>12s}   b/a    c/a    b/c")
    for part, by_engine in times.items():
        a, b, c = by_engine["python"], by_engine["django"], by_engine["jinja2"]
        print(f"  {part:34s} {a:9.3f} ms {b:9.3f} ms {c:9.3f} ms  {b / a:5.1f}x {c / a:5.1f}x {b / c:5.1f}x")


if __name__ == "__main__":
    main()
