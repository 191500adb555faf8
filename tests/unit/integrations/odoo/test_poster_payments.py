"""The connector posting payments into the sandbox, with Odoo 18's payment states."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from integrations.canonical import Partner, Payment
from integrations.odoo.client import OdooClient, OdooCredentials
from integrations.odoo.poster import OdooPoster
from integrations.odoo.requests import PostingRequest, Targets


def client_for(odoo: Any) -> OdooClient:
    return OdooClient(OdooCredentials(odoo.server.url, odoo.DB, odoo.LOGIN, odoo.PASSWORD, timeout_seconds=5))


def payment_request(odoo: Any, external_id: str = "ch_1") -> PostingRequest:
    document = Payment(
        direction="inbound",
        partner=Partner(name="Blue Harbor Cafe", ref="CUST-001"),
        currency="USD",
        amount=Decimal("115.00"),
        date=dt.date(2026, 3, 9),
        payment_method="card",
        invoice_external_id="",
        invoice_source="",
        reference="",
    )
    return PostingRequest(
        key="1",
        source="stripe",
        kind="payment",
        external_id=external_id,
        document=document,
        targets=Targets(company_id=1, journal_id=odoo.journal("BNK1"), currency_id=1),
    )


def test_a_payment_without_invoice_posts_in_process(odoo: Any) -> None:
    [result] = OdooPoster(client_for(odoo)).post([payment_request(odoo)])
    assert result.ok, result.error
    assert (result.odoo_name, result.odoo_state) == ("PBNK1/2026/00001", "in_process")


def test_a_payment_cancelled_in_odoo_is_a_failure_not_already_posted(odoo: Any) -> None:
    request = payment_request(odoo)
    [first] = OdooPoster(client_for(odoo)).post([request])
    assert first.ok and first.odoo_id is not None
    odoo.fault("account.payment", "action_cancel", [first.odoo_id])  # None: a marshalling fault, committed
    [again] = OdooPoster(client_for(odoo)).post([request])
    assert again.error is not None and again.error.reason == "cancelled_in_odoo"
    assert again.error.message == (
        f"The Odoo account.payment {first.odoo_id} posted for this event was cancelled in Odoo; "
        "it will not be created again."
    )
    assert odoo.call("account.payment", "search_count", [("memo", "=", request.marker)]) == 1


def test_a_payment_rejected_in_odoo_is_a_failure_not_already_posted(odoo: Any) -> None:
    request = payment_request(odoo)
    [first] = OdooPoster(client_for(odoo)).post([request])
    assert first.odoo_id is not None
    odoo.fault("account.payment", "action_reject", [first.odoo_id])
    [again] = OdooPoster(client_for(odoo)).post([request])
    assert again.error is not None and again.error.reason == "rejected_in_odoo"
    assert "was rejected in Odoo" in again.error.message
    assert odoo.call("account.payment", "search_count", [("memo", "=", request.marker)]) == 1


def test_a_paid_payment_found_again_is_already_posted(odoo: Any) -> None:
    request = payment_request(odoo)
    [first] = OdooPoster(client_for(odoo)).post([request])
    assert first.odoo_id is not None
    odoo.fault("account.payment", "action_validate", [first.odoo_id])
    [again] = OdooPoster(client_for(odoo)).post([request])
    assert again.ok and again.already_existed and again.odoo_state == "paid"
