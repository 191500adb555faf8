"""Credit notes on real parts (PostgreSQL, Redis, a Celery worker process, the Odoo sandbox):
one for a posted invoice posts linked to it, one sent before its invoice waits and posts once
after it, and the refund payment settles it."""

from __future__ import annotations

import xmlrpc.client
from typing import Any

import pytest

from console.sync.models import EventState, SyncEvent
from tests.factories import credit_note_event, invoice_event, payment_event
from tests.integration.conftest import Workers, wait_until
from tests.integration.http import send

pytestmark = pytest.mark.django_db(transaction=True)


def odoo(sandbox: Any, model: str, method: str, *args: Any, **kwargs: Any) -> Any:
    proxy = xmlrpc.client.ServerProxy(f"{sandbox.url}/xmlrpc/2/object", allow_none=True)
    return proxy.execute_kw("sandbox", 2, "admin", model, method, list(args), kwargs)


def ingest(live_server: Any, token: str, *events: dict[str, Any]) -> list[int]:
    status, body = send(live_server.url, token, {"events": list(events)})
    assert status == 201, body
    return [int(r["event_id"]) for r in body["results"]]


def posted(*ids: int) -> bool:
    return SyncEvent.objects.filter(pk__in=ids, state=EventState.POSTED).count() == len(ids)


def story(*ids: int) -> str:
    rows = SyncEvent.objects.filter(pk__in=ids).values_list("pk", "kind", "state", "reason_code", "reason_message")
    return "; ".join(" ".join(str(value) for value in row) for row in rows)


def test_a_refund_of_a_paid_order_posts_a_linked_credit_note_and_pays_it_back_through_a_worker(
    configured: dict[str, Any], live_server: Any, workers: Workers
) -> None:
    sandbox, token = configured["sandbox"], configured["token"]
    workers.start()
    [invoice_id, charge_id] = ingest(live_server, token, invoice_event("order-1"), payment_event("ch_1", "order-1"))
    wait_until(lambda: posted(invoice_id, charge_id), timeout=60, what="the invoice and its charge posted")
    [note_id, refund_id] = ingest(
        live_server, token, credit_note_event("refund-1", "order-1"), refund_payment("re_1", "refund-1")
    )
    wait_until(lambda: posted(note_id, refund_id), timeout=90, what="credit note and refund posted")
    invoice, note = SyncEvent.objects.get(pk=invoice_id), SyncEvent.objects.get(pk=note_id)
    [refund] = odoo(sandbox, "account.move", "read", [note.odoo_id], ["move_type", "name", "reversed_entry_id"])
    assert (refund["move_type"], refund["name"], refund["reversed_entry_id"][0]) == (
        "out_refund",
        "RINV/2026/00001",
        invoice.odoo_id,
    )
    states = odoo(sandbox, "account.move", "read", [invoice.odoo_id, note.odoo_id], ["payment_state"])
    # Paid by card, then credited: the card payment paid the invoice and the refund payment
    # the credit note, each once.
    assert [row["payment_state"] for row in states] == ["paid", "paid"]
    payments = odoo(sandbox, "account.payment", "search_read", [], fields=["memo", "payment_type"])
    assert sorted((row["memo"], row["payment_type"]) for row in payments) == [
        ("stripe/ch_1", "inbound"),
        ("stripe/re_1", "outbound"),
    ]


def refund_payment(external_id: str, credit_note: str) -> dict[str, Any]:
    event = payment_event(external_id, credit_note)
    event["data"].update(direction="outbound", invoice_source="shopify")
    return event


def test_a_credit_note_before_its_invoice_ends_posted_once_after_the_invoice_posts(
    configured: dict[str, Any], live_server: Any, workers: Workers
) -> None:
    sandbox, token = configured["sandbox"], configured["token"]
    workers.start()
    [note_id] = ingest(live_server, token, credit_note_event("refund-1", "order-1"))
    wait_until(
        lambda: SyncEvent.objects.filter(pk=note_id, state=EventState.BLOCKED).exists(),
        timeout=60,
        what="the credit note waiting for its invoice",
    )
    assert SyncEvent.objects.get(pk=note_id).reason_code == "invoice_not_received"
    [invoice_id] = ingest(live_server, token, invoice_event("order-1"))
    wait_until(lambda: posted(invoice_id, note_id), timeout=90, what="invoice then credit note posted")
    note = SyncEvent.objects.get(pk=note_id)
    refunds = odoo(sandbox, "account.move", "search_read", [["move_type", "=", "out_refund"]], fields=["ref"])
    assert [row["ref"] for row in refunds] == ["shopify/refund-1"]
    assert note.odoo_id == refunds[0]["id"]
    [invoice] = odoo(sandbox, "account.move", "read", [SyncEvent.objects.get(pk=invoice_id).odoo_id], ["payment_state"])
    assert invoice["payment_state"] == "reversed"
