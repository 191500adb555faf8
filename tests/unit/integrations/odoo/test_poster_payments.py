"""The connector posting payments into the sandbox, with Odoo 18's payment states."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest

from integrations.canonical import Partner, Payment
from integrations.odoo import builders
from integrations.odoo.client import OdooClient
from integrations.odoo.errors import ErrorKind
from integrations.odoo.poster import OdooPoster
from integrations.odoo.requests import PostingRequest, Targets
from integrations.odoo.sandbox.versions import SandboxVersion
from tests.odoo_protocol import sandbox_credentials


def client_for(odoo: Any) -> OdooClient:
    return OdooClient(sandbox_credentials(odoo.server.url, db=odoo.DB, login=odoo.LOGIN))


def payment_request(odoo: Any, external_id: str = "ch_1", **changes: Any) -> PostingRequest:
    document = Payment(
        direction=changes.pop("direction", "inbound"),
        partner=changes.pop("partner", Partner(name="Blue Harbor Cafe", ref="CUST-001")),
        currency="USD",
        amount=Decimal("115.00"),
        date=dt.date(2026, 3, 9),
        payment_method="card",
        invoice_external_id="",
        invoice_source="",
        reference="",
        **changes,
    )
    return PostingRequest(
        key=external_id,
        source="stripe",
        kind="payment",
        external_id=external_id,
        document=document,
        targets=Targets(company_id=1, journal_id=odoo.journal("BNK1"), currency_id=1),
    )


def test_a_payment_without_invoice_posts_in_process(odoo: Any, payment_states: Any) -> None:
    """In process (18+) or, in 17, posted: on the outstanding account either way."""
    [result] = OdooPoster(client_for(odoo)).post([payment_request(odoo)])
    assert result.ok, result.error
    assert (result.odoo_name, result.odoo_state) == ("PBNK1/2026/00001", payment_states.on_its_own)


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
    assert odoo.call("account.payment", "search_count", [(odoo.version.payment_memo, "=", request.marker)]) == 1


def test_a_payment_rejected_in_odoo_is_a_failure_not_already_posted(odoo: Any, payment_states: Any) -> None:
    if not payment_states.rejected:
        pytest.skip("Odoo 17's payments have no rejected state (nor action_reject)")
    request = payment_request(odoo)
    [first] = OdooPoster(client_for(odoo)).post([request])
    assert first.odoo_id is not None
    odoo.fault("account.payment", "action_reject", [first.odoo_id])
    [again] = OdooPoster(client_for(odoo)).post([request])
    assert again.error is not None and again.error.reason == "rejected_in_odoo"
    assert "was rejected in Odoo" in again.error.message
    assert odoo.call("account.payment", "search_count", [(odoo.version.payment_memo, "=", request.marker)]) == 1


def test_a_paid_payment_found_again_is_already_posted(odoo: Any, payment_states: Any) -> None:
    if not payment_states.in_process:
        pytest.skip("Odoo 17's payments are posted or not: no paid state (nor action_validate)")
    request = payment_request(odoo)
    [first] = OdooPoster(client_for(odoo)).post([request])
    assert first.odoo_id is not None
    odoo.fault("account.payment", "action_validate", [first.odoo_id])
    [again] = OdooPoster(client_for(odoo)).post([request])
    assert again.ok and again.already_existed and again.odoo_state == "paid"


@pytest.mark.parametrize(
    ("direction", "counterparty", "partner_type"),
    [
        ("inbound", "customer", "customer"),
        ("outbound", "customer", "customer"),  # a refund to a customer
        ("outbound", "vendor", "supplier"),
        ("inbound", "vendor", "supplier"),  # a vendor paying us back
        ("inbound", None, "customer"),
        ("outbound", None, "supplier"),
    ],
)
def test_a_payments_partner_type_is_its_counterparty_not_its_direction(
    odoo: Any, direction: str, counterparty: str | None, partner_type: str
) -> None:
    request = payment_request(odoo, direction=direction, counterparty=counterparty)
    assert isinstance(request.document, Payment)
    vals = builders.payment_vals(request, request.document, 7, odoo.version)
    assert (vals["payment_type"], vals["partner_type"], vals["partner_id"]) == (direction, partner_type, 7)


def test_an_outbound_customer_payment_posts_as_a_customer_refund_on_the_receivable(odoo: Any) -> None:
    [result] = OdooPoster(client_for(odoo)).post([payment_request(odoo, direction="outbound", counterparty="customer")])
    assert result.ok, result.error
    payment = odoo.read1("account.payment", result.odoo_id, ["payment_type", "partner_type", "destination_account_id"])
    assert (payment["payment_type"], payment["partner_type"]) == ("outbound", "customer")
    assert payment["destination_account_id"][1].startswith("121000")


def test_a_payment_that_reaches_the_connector_without_its_partner_fails_alone(odoo: Any) -> None:
    # The console puts in the partner of the document a payment settles; one arriving without
    # it is our own mistake, refused before Odoo is asked, while the rest of the batch posts.
    good = payment_request(odoo, "ch_1")
    bare = payment_request(odoo, "ch_2", partner=None)
    results = OdooPoster(client_for(odoo)).post([good, bare])
    assert results[0].ok, results[0].error
    assert results[1].error is not None and results[1].error.reason == "internal_error"
    assert "without its partner" in results[1].error.detail
    assert odoo.call("account.payment", "search_count", [(odoo.version.payment_memo, "=", bare.marker)]) == 0


def test_a_server_of_an_unsupported_version_gets_no_call_and_a_configuration_error(odoo: Any) -> None:
    """A server answering 16.0 (here the sandbox told to say so): no field name is guessed."""
    database = odoo.server.database
    answered = database.version
    database.version = SandboxVersion("16.0", 16, adapt_models={}, renames=())
    client = client_for(odoo)
    OdooClient._known_versions.pop(client.identity_key(), None)
    try:
        [result] = OdooPoster(client).post([payment_request(odoo)])
    finally:
        database.version = answered
        OdooClient._known_versions.pop(client.identity_key(), None)
    assert result.error is not None
    assert (result.error.kind, result.error.reason) == (ErrorKind.CONFIG, "unsupported_version")
    assert result.error.message.startswith("Odoo 16.0 is not supported")
    assert client.calls == 0
    assert odoo.call("account.payment", "search_count", []) == 0
