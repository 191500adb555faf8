"""A day of Shopify orders posted into the sandbox, and a person in Odoo who changes them."""

from __future__ import annotations

import datetime as dt
import json
import xmlrpc.client
from typing import Any

import pytest
from rest_framework.test import APIClient

from console.audit.actors import Actor
from console.reconciliation.models import ReconciliationRun
from console.reconciliation.services.runs import reconciliation_run
from console.sync.models import Flow, LegalEntity
from tests.factories import invoice_event, with_data


def today() -> dt.date:
    return dt.datetime.now(dt.UTC).date()


def order(external_id: str, price: str = "100.00") -> dict[str, Any]:
    """A Shopify order of today (UTC): the day a run for today compares."""
    now = dt.datetime.now(dt.UTC).replace(microsecond=0)
    event = invoice_event(external_id, occurred_at=now.isoformat().replace("+00:00", "Z"))
    event = with_data(event, invoice_date=now.date().isoformat())
    event["data"]["lines"][0]["unit_price"] = price
    return event


def ingest(token: str, *events: dict[str, Any]) -> list[int]:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    response = client.post(
        "/api/v1/events/", data=json.dumps({"events": list(events)}), content_type="application/json"
    )
    assert response.status_code in (200, 201), response.content
    return [r["event_id"] for r in response.json()["results"]]


def control_total(token: str, **body: Any) -> Any:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    payload = {"kind": "control_total", "flow": "shopify:customer_invoice", "entity": "US01", "day": str(today())}
    return client.post("/api/v1/control-totals/", data=json.dumps({**payload, **body}), content_type="application/json")


def shop_flow() -> Flow:
    return Flow.objects.get(source__code="shopify", event_kind="customer_invoice")


def run_today(actor: Actor | None = None, user: Any = None) -> ReconciliationRun:
    return reconciliation_run(
        entity_id=LegalEntity.objects.get(code="US01").pk,
        flow_id=shop_flow().pk,
        day=today(),
        actor=actor or Actor.system("test"),
        user=user,
    )


class OdooUser:
    """Someone working in Odoo itself, through its external API as its web client would."""

    def __init__(self, sandbox: Any) -> None:
        self.url = sandbox.url
        common = xmlrpc.client.ServerProxy(f"{self.url}/xmlrpc/2/common")
        self.uid = common.authenticate("sandbox", "admin", "admin", {})
        self.models = xmlrpc.client.ServerProxy(f"{self.url}/xmlrpc/2/object")

    def call(self, model: str, method: str, *args: Any, **kwargs: Any) -> Any:
        try:
            return self.models.execute_kw("sandbox", self.uid, "admin", model, method, list(args), kwargs)
        except xmlrpc.client.Fault as fault:
            # A button that returns None: Odoo did the work, then could not marshal the answer.
            if "cannot marshal None" not in fault.faultString:
                raise
            return None

    def reprice(self, move_id: int, price: float) -> None:
        """Edited after posting: reset to draft, change the line's price, post again."""
        self.call("account.move", "button_draft", [move_id])
        [line] = self.call("account.move", "read", [move_id], ["invoice_line_ids"])[0]["invoice_line_ids"][:1]
        self.call("account.move", "write", [move_id], {"invoice_line_ids": [(1, line, {"price_unit": price})]})
        self.call("account.move", "action_post", [move_id])

    def cancel(self, move_id: int) -> None:
        self.call("account.move", "button_draft", [move_id])
        self.call("account.move", "button_cancel", [move_id])

    def repost(self, move_id: int) -> None:
        self.call("account.move", "button_draft", [move_id])
        self.call("account.move", "action_post", [move_id])

    def invoice_with_marker(self, marker: str, price: float = 70.0) -> int:
        """An invoice someone made by hand in Odoo, carrying a marker of ours."""
        partner = self.call("res.partner", "create", {"name": "Walk-in customer"})
        move_id = int(
            self.call(
                "account.move",
                "create",
                {
                    "move_type": "out_invoice",
                    "partner_id": partner,
                    "ref": marker,
                    "invoice_line_ids": [(0, 0, {"name": "Counter sale", "quantity": 1, "price_unit": price})],
                },
            )
        )
        self.call("account.move", "action_post", [move_id])
        return move_id


@pytest.fixture
def odoo_user(configured: dict[str, Any]) -> OdooUser:
    return OdooUser(configured["sandbox"])
