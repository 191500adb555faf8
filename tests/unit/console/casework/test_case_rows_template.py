"""The case list's rows and filter bar as their Jinja2 templates write them: ages as Django's
timesince writes them, every value escaped (a hostile external id, flow name or search in the
rows, the filter bar's widgets and the page), overdue flagged only on open cases."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal
from random import Random
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.test import Client
from django.utils.timesince import timesince

from console.casework.ages import age_text
from console.casework.models import OPEN_STATES, ExceptionCase
from console.casework.selectors import CaseRow
from console.casework.views import ROW_LABELS
from console.jinja2_env import render_fragment
from console.sync.models import Flow, SyncEvent
from console.sync.services.drain import events_drain
from tests.conftest import login
from tests.unit.console.casework.conftest import ingest, unmapped_invoice

NOW = datetime(2026, 11, 23, 12, 0, tzinfo=UTC)
HOSTILE = '"onmouseover=alert(1) x="<script>alert("x")</script>'
HOSTILE_ESCAPED = "&#34;onmouseover=alert(1) x=&#34;&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;"


def row(**changes: object) -> CaseRow:
    values: dict[str, object] = {
        "pk": 7,
        "category": "missing_mapping",
        "severity": "high",
        "state": "open",
        "entity_code": "US01",
        "flow_name": "Orders",
        "external_id": "order-1",
        "amount": Decimal("1250.00"),
        "currency": "USD",
        "opened_at": NOW - timedelta(days=3, hours=4),
        "sla_due_at": NOW + timedelta(hours=2),
        "assignee_name": None,
    }
    values.update(changes)
    return CaseRow(**values)  # type: ignore[arg-type]


def rows_html(*cases: CaseRow, zone: Any = UTC) -> str:
    context = {"cases": cases, "now": NOW, "zone": zone, "labels": ROW_LABELS, "open_states": OPEN_STATES}
    return str(render_fragment("casework/_case_rows.html", context))


def test_ages_read_as_timesince_writes_them_under_a_month() -> None:
    rng = Random(7)
    for seconds in [
        0,
        59,
        60,
        3599,
        3600,
        86399,
        86400,
        90061,
        7 * 86400,
        *(rng.randint(0, 28 * 86400) for _ in range(2000)),
    ]:
        opened = NOW - timedelta(seconds=seconds)
        assert age_text(opened, NOW) == timesince(opened, NOW), seconds


def test_a_row_shows_the_case_with_every_value_escaped() -> None:
    texts = {"entity_code": "U<1>", "flow_name": "Orders & 'refunds'", "assignee_name": "o&livia"}
    html = rows_html(row(external_id=HOSTILE, **texts))
    assert "<script>" not in html and "<1>" not in html and '"onmouseover' not in html
    assert HOSTILE_ESCAPED in html and "o&amp;livia" in html
    assert "U&lt;1&gt;" in html and "Orders &amp; &#39;refunds&#39;" in html
    assert 'class="severity severity-high">High<' in html
    assert 'href="/cases/7/"' in html and "Missing mapping" in html and "$1,250.00" in html
    assert "3\xa0days, 4\xa0hours" in html and "overdue" not in html
    assert '<span class="hint">unassigned</span>' in rows_html(row())


def test_overdue_only_while_open_and_times_in_the_users_zone() -> None:
    late = NOW - timedelta(minutes=5)
    assert '<strong class="overdue">overdue</strong>' in rows_html(row(sla_due_at=late))
    assert "overdue" not in rows_html(row(sla_due_at=late, state="resolved"))
    paris = rows_html(row(sla_due_at=NOW), zone=ZoneInfo("Europe/Paris"))
    assert '<time datetime="2026-11-23T13:00:00+01:00">2026-11-23 13:00 CET</time>' in paris


def test_no_cases_says_so() -> None:
    assert '<tr><td colspan="11" class="empty">No cases match.</td></tr>' in rows_html()


@pytest.mark.django_db
def test_hostile_text_is_escaped_in_the_list_and_its_widgets(configured: dict[str, Any], client: Client) -> None:
    [event_id] = ingest(configured["token"], unmapped_invoice("inv-hostile"))
    events_drain()
    SyncEvent.objects.filter(pk=event_id).update(external_id=HOSTILE)
    case = ExceptionCase.objects.get(event_id=event_id)
    ExceptionCase.objects.filter(pk=case.pk).update(summary=HOSTILE)
    Flow.objects.filter(pk=case.flow_id).update(name=HOSTILE)  # a flow's name is an option of the filter bar
    login(client, "operator")
    for query in ("", f"?q={HOSTILE[:40]}"):
        for headers in ({}, {"HTTP_HX_REQUEST": "true"}):
            html = client.get(f"/cases/{query}", **headers).content.decode()
            assert "<script>" not in html and '"onmouseover' not in html and '=alert(1) x="' not in html
    page = client.get("/cases/").content.decode()
    assert f"<td>{HOSTILE_ESCAPED}</td>" in page  # the row's document
    assert f">{HOSTILE_ESCAPED}</option>" in page  # the flow filter's option
    searched = client.get("/cases/", {"q": HOSTILE[:40]}).content.decode()
    assert f'value="{HOSTILE_ESCAPED[:50]}' in searched  # the search box keeps what was typed, escaped
