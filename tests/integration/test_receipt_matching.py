"""An unmatched receipt matched from its case on real parts (PostgreSQL, Redis, a Celery worker
process with its beat, the Odoo sandbox): the payment posts, the case opens, the operator's
request reaches Odoo through the worker and the case resolves with the invoice paid; Odoo
down when asked is tried again by the sweeper once it is back."""

from __future__ import annotations

import xmlrpc.client
from typing import Any

import pytest
from django.test import Client

from console.casework.models import CaseState, ExceptionCase, MatchState, ReceiptMatch
from console.sync.models import EventState, Flow, SyncEvent, UnmatchedReceipts
from console.sync.services.flows import flow_unmatched_receipts_set
from tests.conftest import login
from tests.factories import invoice_event, payment_event
from tests.integration.conftest import Workers, wait_until
from tests.integration.http import send
from tests.unit.console.casework.conftest import person

pytestmark = pytest.mark.django_db(transaction=True)


def odoo(sandbox: Any, model: str, method: str, *args: Any, **kwargs: Any) -> Any:
    proxy = xmlrpc.client.ServerProxy(f"{sandbox.url}/xmlrpc/2/object", allow_none=True)
    return proxy.execute_kw("sandbox", 2, "admin", model, method, list(args), kwargs)


def receipt_case(configured: dict[str, Any], live_server: Any) -> ExceptionCase:
    """Stripe's payments matched from now on; order-1 invoiced and ch_1 received for it, naming nothing."""
    carl, actor = person("controller")
    flow = Flow.objects.get(source__code="stripe", event_kind="payment")
    flow_unmatched_receipts_set(
        user=carl, actor=actor, flow_id=flow.pk, policy=UnmatchedReceipts.POST_AND_MATCH, reason="no invoice key"
    )
    status, body = send(
        live_server.url, configured["token"], {"events": [invoice_event("order-1"), payment_event("ch_1")]}
    )
    assert status == 201, body
    invoice_id, payment_id = (int(r["event_id"]) for r in body["results"])

    def opened() -> bool:
        done = SyncEvent.objects.filter(pk__in=(invoice_id, payment_id), state=EventState.POSTED).count() == 2
        return done and ExceptionCase.objects.filter(event_id=payment_id, category="unmatched_receipt").exists()

    wait_until(opened, timeout=60, what="the invoice and the receipt posted, and the receipt's case")
    return ExceptionCase.objects.get(event_id=payment_id)


def invoice_state(sandbox: Any) -> tuple[str, float]:
    [row] = odoo(
        sandbox,
        "account.move",
        "search_read",
        [["name", "=", "INV/2026/00001"]],
        fields=["payment_state", "amount_residual"],
    )
    return row["payment_state"], row["amount_residual"]


def test_the_operators_match_is_made_in_odoo_by_a_worker_and_resolves_the_case(
    configured: dict[str, Any], live_server: Any, workers: Workers
) -> None:
    sandbox = configured["sandbox"]
    workers.start()
    case = receipt_case(configured, live_server)
    assert invoice_state(sandbox) == ("not_paid", 115.0)

    client = login(Client(), "operator")
    response = client.post(f"/cases/{case.pk}/match_receipt/", {"invoice": "order-1"})
    assert response.status_code == 302, response.content

    wait_until(
        lambda: ExceptionCase.objects.filter(pk=case.pk, state=CaseState.RESOLVED).exists(),
        timeout=60,
        what=f"the case resolved by the worker ({workers.logs()[-500:]})",
    )
    match = ReceiptMatch.objects.get(case=case)
    assert (match.state, match.attempts, match.amount) == (MatchState.MATCHED, 1, 115)
    assert invoice_state(sandbox) == ("paid", 0.0)
    case.refresh_from_db()
    assert case.resolution == "matched with INV/2026/00001"


def test_odoo_down_when_asked_is_tried_again_until_the_match_is_made(
    configured: dict[str, Any], live_server: Any, workers: Workers
) -> None:
    sandbox = configured["sandbox"]
    workers.start()
    case = receipt_case(configured, live_server)
    olivia, _ = person("operator")
    sandbox.control.outage(600)
    try:
        client = login(Client(), "operator")
        assert client.post(f"/cases/{case.pk}/match_receipt/", {"invoice": "INV/2026/00001"}).status_code == 302
        wait_until(
            lambda: (
                ReceiptMatch.objects.filter(case=case, attempts__gte=1, state=MatchState.REQUESTED)
                .exclude(next_attempt_at=None)
                .exists()
            ),
            timeout=60,
            what="the match waiting for Odoo",
        )
    finally:
        sandbox.control.outage_off()
    wait_until(
        lambda: ReceiptMatch.objects.filter(case=case, state=MatchState.MATCHED).exists(),
        timeout=60,
        what=f"the match made once Odoo is back ({workers.logs()[-500:]})",
    )
    assert invoice_state(sandbox) == ("paid", 0.0)
    match = ReceiptMatch.objects.get(case=case)
    assert match.attempts >= 2 and match.requested_by == olivia
    partials = odoo(sandbox, "account.partial.reconcile", "search_read", [], fields=["amount"])
    assert [row["amount"] for row in partials] == [115.0]
