"""manage.py flow_pause and flow_resume: the same services as the pages, audited, refusing as
they refuse."""

from __future__ import annotations

import io
import json
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from rest_framework.test import APIClient

from console.audit.models import AuditEvent
from console.sync.models import EventState, Flow, SyncEvent
from console.sync.services.drain import events_drain
from tests.factories import invoice_event
from tests.tables import tables_unchanged

pytestmark = pytest.mark.django_db


def run(name: str, *args: str) -> str:
    out = io.StringIO()
    call_command(name, *args, stdout=out, stderr=io.StringIO())
    return out.getvalue()


def invoices_flow() -> Flow:
    return Flow.objects.get(source__code="shopify", event_kind="customer_invoice")


def test_pause_and_resume_from_the_shell_hold_and_then_post_the_backlog(configured: dict[str, Any]) -> None:
    assert "paused by carl" in run("flow_pause", "shopify", "customer_invoice", "--reason", "Q4 close", "--by", "carl")
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {configured['token']}")
    body = json.dumps({"events": [invoice_event("cmd-1"), invoice_event("cmd-2")]})
    assert api.post("/api/v1/events/", data=body, content_type="application/json").status_code == 201
    events_drain()
    assert set(SyncEvent.objects.values_list("state", flat=True)) == {EventState.QUEUED}
    assert "2 waiting events sent to post" in run("flow_resume", "shopify", "customer_invoice", "--reason", "done")
    assert events_drain().posted == 2
    paused = AuditEvent.objects.get(action="flow.paused")
    assert paused.actor_label == "carl" and paused.reason == "Q4 close"
    resumed = AuditEvent.objects.get(action="flow.resumed")
    assert resumed.actor_label == "system:flow_resume" and resumed.after_data["events_sent"] == 2


def test_the_shell_refuses_what_the_person_may_not_do(configured: dict[str, Any]) -> None:
    run("flow_pause", "shopify", "customer_invoice", "--reason", "incident")
    with tables_unchanged(), pytest.raises(CommandError, match="resuming the flow needs the role"):
        run("flow_resume", "shopify", "customer_invoice", "--reason", "over", "--by", "olivia")
    with tables_unchanged(), pytest.raises(CommandError, match="paused already"):
        run("flow_pause", "shopify", "customer_invoice", "--reason", "again")
    assert invoices_flow().is_paused


def test_an_unknown_flow_or_person_is_named(configured: dict[str, Any]) -> None:
    with tables_unchanged(), pytest.raises(CommandError, match="no flow of source 'shopify' and kind 'payment'"):
        run("flow_pause", "shopify", "payment", "--reason", "x")
    with tables_unchanged(), pytest.raises(CommandError, match="no active user 'nobody'"):
        run("flow_pause", "shopify", "customer_invoice", "--reason", "x", "--by", "nobody")
