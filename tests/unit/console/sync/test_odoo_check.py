"""The connection check names a missing Odoo group before anything posts, and the pipeline
fails a bank line batch as a configuration error without creating anything."""

from __future__ import annotations

import json
from collections.abc import Iterator
from io import StringIO
from typing import Any

import pytest
from django.core.management import CommandError, call_command
from rest_framework.test import APIClient

from console.casework.models import ExceptionCase
from console.casework.taxonomy import Category
from console.sync.models import EventState, PostingAttempt, PostingOutcome, SyncEvent
from console.sync.services.drain import events_drain
from tests.factories import bank_line_event, invoice_event
from tests.tables import tables_unchanged

pytestmark = pytest.mark.django_db

LACKS = (
    "The Odoo user 'admin' lacks 'Show Full Accounting Features' (account.group_account_user), "
    "needed for bank statement lines."
)


@pytest.fixture
def fresh_admin(configured: dict[str, Any]) -> Iterator[Any]:
    sandbox = configured["sandbox"]
    sandbox.control.set_full_accounting(False)
    yield sandbox
    sandbox.control.set_full_accounting(True)


def ingest(token: str, *events: dict[str, Any]) -> list[int]:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    response = client.post(
        "/api/v1/events/", data=json.dumps({"events": list(events)}), content_type="application/json"
    )
    assert response.status_code == 201, response.content
    return [r["event_id"] for r in response.json()["results"]]


def test_odoo_check_names_the_missing_group_and_the_kind_it_stops(fresh_admin: Any, odoo_version: str) -> None:
    out = StringIO()
    # It reads the integration user's groups and changes nothing of the console, nor of Odoo.
    records = fresh_admin.control.stats()["records"]
    with tables_unchanged(), pytest.raises(CommandError, match="1 of 1 connections cannot post everything"):
        call_command("odoo_check", stdout=out)
    assert fresh_admin.control.stats()["records"] == records
    lines = out.getvalue().splitlines()
    assert lines[0] == f"US01: {fresh_admin.url} database 'sandbox' as 'admin'"
    assert lines[1] == f"  Odoo {odoo_version}, uid 2"
    assert f"  bank statement lines: cannot post: {LACKS}" in lines
    assert "  customer invoices: ok" in lines and "  payments: ok" in lines


def test_odoo_check_passes_for_an_integration_user_with_full_accounting(configured: dict[str, Any]) -> None:
    out = StringIO()
    call_command("odoo_check", "--entity", "US01", stdout=out)
    assert "  bank statement lines: ok" in out.getvalue().splitlines()


def test_odoo_check_reports_a_refused_login(configured: dict[str, Any], settings: Any) -> None:
    settings.ODOO_PASSWORD = "wrong"
    out = StringIO()
    with pytest.raises(CommandError):
        call_command("odoo_check", stdout=out)
    assert "  cannot connect: Odoo refused the login 'admin' on database 'sandbox'." in out.getvalue()


def test_a_bank_line_batch_fails_naming_the_group_and_invoices_still_post(
    fresh_admin: Any, configured: dict[str, Any]
) -> None:
    ids = ingest(configured["token"], bank_line_event("txn-1"), bank_line_event("txn-2"), invoice_event("order-1"))
    events_drain()
    events = {e.external_id: e for e in SyncEvent.objects.filter(pk__in=ids)}
    assert events["order-1"].state == EventState.POSTED
    for key in ("txn-1", "txn-2"):
        event = events[key]
        assert (event.state, event.reason_code, event.reason_message) == (EventState.FAILED, "missing_group", LACKS)
        attempt = PostingAttempt.objects.get(event=event)
        assert attempt.outcome == PostingOutcome.CONFIG_ERROR and attempt.error_class == "config:missing_group"
        case = ExceptionCase.objects.get(event=event)
        assert case.category == Category.CREDENTIALS
    assert fresh_admin.control.count("account.bank.statement.line") == 0
