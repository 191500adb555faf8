"""The case list's rows as Python writes them: ages as Django's timesince writes them,
every value escaped, overdue flagged only on open cases."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal
from random import Random

from django.utils.timesince import timesince

from console.casework.list_rows import age_text, case_rows_html
from console.casework.selectors import CaseRow

NOW = datetime(2026, 11, 23, 12, 0, tzinfo=UTC)


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
    html = case_rows_html([row(external_id='<script>alert("x")</script>', **texts)], NOW, UTC)
    assert "<script>" not in html and "<1>" not in html
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in html and "o&amp;livia" in html
    assert "U&lt;1&gt;" in html and "Orders &amp; &#x27;refunds&#x27;" in html
    assert row().category == "missing_mapping" and 'class="severity severity-high">High<' in html
    assert 'href="/cases/7/"' in html and "Missing mapping" in html and "1250.00 USD" in html
    assert "3\xa0days, 4\xa0hours" in html and "overdue" not in html


def test_overdue_only_while_open_and_times_in_the_users_zone() -> None:
    from zoneinfo import ZoneInfo

    late = NOW - timedelta(minutes=5)
    assert "overdue" in case_rows_html([row(sla_due_at=late)], NOW, UTC)
    assert "overdue" not in case_rows_html([row(sla_due_at=late, state="resolved")], NOW, UTC)
    paris = case_rows_html([row(sla_due_at=NOW)], NOW, ZoneInfo("Europe/Paris"))
    assert "2026-11-23 13:00" in paris and 'datetime="2026-11-23T13:00:00+01:00"' in paris


def test_no_cases_says_so() -> None:
    assert "No cases match." in case_rows_html([], NOW, UTC)
