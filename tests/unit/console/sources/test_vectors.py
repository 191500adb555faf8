"""Every sample payload of ../shared/vectors/shopify and ../shared/vectors/stripe through the real view,
correctly signed, then the task's service: each becomes the events the README documents for it (the
readers' own tests check the accounting of each draft; here, that the console records exactly those
drafts, under the endpoint's source and entity), or is kept as unparsed or unhandled with its reason."""

from __future__ import annotations

import copy
import json
import time
from pathlib import Path
from typing import Any

import pytest

from console.sources.models import Outcome, WebhookDelivery
from console.sources.services.processing import delivery_process
from console.sync.models import SyncEvent
from integrations.shopify.payloads import read as shopify_read
from integrations.stripe.events import read as stripe_read
from tests.unit.console.sources.conftest import Sender

pytestmark = pytest.mark.django_db

VECTORS = Path(__file__).resolve().parents[4].parent / "shared" / "vectors"
SHOPIFY, STRIPE = VECTORS / "shopify", VECTORS / "stripe"


def shopify_body(name: str, wrapper: str) -> bytes:
    """A REST fixture as a webhook body: the (first) object inside its wrapper key ("" : the file's first)."""
    loaded = json.loads((SHOPIFY / name).read_text())
    body = loaded[wrapper] if wrapper else loaded
    return json.dumps(body[0] if isinstance(body, list) else body).encode()


# (file, REST wrapper, topic): outcome, the (kind, external id) of the events
SHOPIFY_CASES: list[tuple[str, str, str, Outcome, list[tuple[str, str]]]] = [
    ("order.json", "order", "orders/create", Outcome.PROCESSED, []),  # authorized: nothing posts yet
    ("order.json", "order", "orders/updated", Outcome.PROCESSED, []),
    ("order.json", "order", "orders/cancelled", Outcome.PROCESSED, []),  # cancelled before it was paid
    (
        "order.json",
        "order",
        "orders/paid",
        Outcome.PROCESSED,
        [("customer_invoice", "order-450789469"), ("payment", "order-450789469-payment")],
    ),
    ("orders.json", "orders", "orders/updated", Outcome.UNPARSED, []),  # a list fixture without line items
    (
        "refund.json",
        "refund",
        "refunds/create",
        Outcome.PROCESSED,
        [("customer_credit_note", "refund-509562969"), ("payment", "refund-509562969-payment-bogus")],
    ),
    ("refund_calculate.json", "refund", "refunds/create", Outcome.UNPARSED, []),  # a calculation, no refund id
    ("transaction.json", "transaction", "order_transactions/create", Outcome.UNHANDLED, []),
    ("transactions.json", "", "order_transactions/create", Outcome.UNHANDLED, []),
    ("tender_transactions.json", "tender_transactions", "tender_transactions/create", Outcome.UNHANDLED, []),
    ("payouts_transactions.json", "transactions", "payouts/transactions", Outcome.UNHANDLED, []),
]


def test_every_shopify_fixture_file_is_covered() -> None:
    files = {path.name for path in SHOPIFY.glob("*.json")} - {"hmac_vectors.json"}
    assert files == {name for name, *_ in SHOPIFY_CASES}


def _recorded_as_read(delivery: WebhookDelivery, drafts: Any) -> None:
    """The events the delivery named are the reader's drafts, data for data, under its endpoint."""
    events = {(e.kind, e.external_id): e for e in SyncEvent.objects.filter(pk__in=delivery.items.values("event"))}
    assert set(events) == {(d.kind, d.external_id) for d in drafts}
    for draft in drafts:
        event = events[(draft.kind, draft.external_id)]
        assert event.payload == draft.data and event.occurred_at == draft.occurred_at
        assert (event.source_id, event.entity_id) == (delivery.source_id, delivery.source.entity_id)


@pytest.mark.parametrize(
    ("name", "wrapper", "topic", "outcome", "events"), SHOPIFY_CASES, ids=[f"{c[0]} {c[2]}" for c in SHOPIFY_CASES]
)
def test_each_shopify_fixture_through_the_view_becomes_its_documented_events(
    sender: Sender, name: str, wrapper: str, topic: str, outcome: Outcome, events: list[tuple[str, str]]
) -> None:
    body = shopify_body(name, wrapper)
    response = sender.shopify(body, topic=topic)
    assert response.status_code == 200
    delivery = WebhookDelivery.objects.get()
    assert delivery_process(delivery_id=delivery.pk) == outcome
    delivery.refresh_from_db()
    assert list(delivery.items.order_by("position").values_list("kind", "external_id")) == events
    assert delivery.reason or events  # the reader's note, or why it could not read it
    if outcome == Outcome.PROCESSED:
        _recorded_as_read(delivery, shopify_read(topic, body).drafts)
    assert SyncEvent.objects.count() == len(events)


def _event(event_type: str, obj: dict[str, Any], event_id: str = "evt_1Vector") -> bytes:
    """The envelope Stripe posts an object in (stripe-mock's "event" example: id, object, api_version,
    created, data.object, livemode, pending_webhooks, request, type)."""
    envelope = {
        "id": event_id,
        "object": "event",
        "api_version": "2019-05-16",
        "created": 1700000000,
        "data": {"object": obj},
        "livemode": False,
        "pending_webhooks": 1,
        "request": {"id": None, "idempotency_key": None},
        "type": event_type,
    }
    return json.dumps(envelope).encode()


def dj_stripe(name: str) -> dict[str, Any]:
    loaded: dict[str, Any] = json.loads((STRIPE / "dj-stripe" / f"{name}.json").read_text())
    return loaded


def stripe_mock(resource: str) -> dict[str, Any]:
    return copy.deepcopy(json.loads((STRIPE / "stripe-mock" / "fixtures3.json").read_text())["resources"][resource])


def _charge_with_its_balance_transaction() -> dict[str, Any]:
    charge = dj_stripe("charge_ch_fakefakefakefakefake0001")
    charge["balance_transaction"] = dj_stripe("balance_transaction_txn_fake_ch_fakefakefakefakefake0001")
    return charge


DISPUTE = "dp_1JAyTwJSZQVUcJYgPqasUEn1"
# (what, body): outcome, events, needs a person
STRIPE_CASES: list[tuple[str, Any, Outcome, list[tuple[str, str]], bool]] = [
    (
        "dj-stripe charge",
        lambda: _event("charge.succeeded", dj_stripe("charge_ch_fakefakefakefakefake0001")),
        Outcome.PROCESSED,
        [("payment", "ch_fakefakefakefakefake0001")],
        False,
    ),
    (
        "dj-stripe charge, balance transaction expanded",
        lambda: _event("charge.succeeded", _charge_with_its_balance_transaction()),
        Outcome.PROCESSED,
        [("payment", "ch_fakefakefakefakefake0001"), ("journal_entry", "txn_fake_ch_fakefakefakefakefake0001-fee")],
        False,
    ),
    (
        "dj-stripe payment intent",
        lambda: _event("payment_intent.succeeded", dj_stripe("payment_intent_pi_fakefakefakefakefake0001")),
        Outcome.PROCESSED,
        [("payment", "ch_fakefakefakefakefake0001")],
        False,
    ),
    (
        "dj-stripe dispute opened",
        lambda: _event("charge.dispute.created", dj_stripe("dispute_dp_fakefakefakefake01")),
        Outcome.PROCESSED,
        [],
        False,
    ),
    (
        "dj-stripe dispute funds withdrawn",
        lambda: _event("charge.dispute.funds_withdrawn", dj_stripe("dispute_dp_fakefakefakefake01")),
        Outcome.PROCESSED,
        [("journal_entry", f"{DISPUTE}-withdrawn")],
        False,
    ),
    (
        "dj-stripe dispute funds reinstated",
        lambda: _event("charge.dispute.funds_reinstated", dj_stripe("dispute_dp_funds_reinstated_full")),
        Outcome.PROCESSED,
        [("journal_entry", f"{DISPUTE}-reinstated")],
        False,
    ),
    (
        "dj-stripe invoice",
        lambda: _event("invoice.paid", dj_stripe("invoice_in_fakefakefakefakefake0001")),
        Outcome.UNHANDLED,
        [],
        False,
    ),
    (
        "dj-stripe payout (edited: amount a string)",
        lambda: _event("payout.paid", dj_stripe("payout_custom_bank_account")),
        Outcome.UNPARSED,
        [],
        False,
    ),
    (
        "stripe-mock payout paid",
        lambda: _event("payout.paid", stripe_mock("payout")),
        Outcome.PROCESSED,
        [("journal_entry", "po_1Pgc79B7WZ01zgkWu1KToYf4")],
        False,
    ),
    (
        "stripe-mock payout failed",
        lambda: _event("payout.failed", stripe_mock("payout")),
        Outcome.PROCESSED,
        [],
        True,
    ),
    (
        "stripe-mock charge refunded (no refund listed)",
        lambda: _event("charge.refunded", stripe_mock("charge")),
        Outcome.PROCESSED,
        [],
        True,
    ),
    (
        "stripe-mock charge (authorised, not captured)",
        lambda: _event("charge.succeeded", stripe_mock("charge")),
        Outcome.PROCESSED,
        [],
        False,
    ),
    (
        "stripe-mock event (plan.created)",
        lambda: json.dumps(stripe_mock("event")).encode(),
        Outcome.UNHANDLED,
        [],
        False,
    ),
    (
        "stripe-python test payload (no type)",
        lambda: (STRIPE / "stripe-python" / "test_webhook_constants.txt").read_text().split('"""')[1].encode(),
        Outcome.UNPARSED,
        [],
        False,
    ),
]


@pytest.mark.parametrize(
    ("what", "body", "outcome", "events", "attention"), STRIPE_CASES, ids=[c[0] for c in STRIPE_CASES]
)
def test_each_stripe_sample_through_the_view_becomes_its_documented_events(
    sender: Sender, what: str, body: Any, outcome: Outcome, events: list[tuple[str, str]], attention: bool
) -> None:
    raw = body()
    assert sender.stripe(raw).status_code == 200
    delivery = WebhookDelivery.objects.get()
    assert delivery_process(delivery_id=delivery.pk) == outcome
    delivery.refresh_from_db()
    assert list(delivery.items.order_by("position").values_list("kind", "external_id")) == events
    assert delivery.needs_attention is attention
    assert delivery.reason or events
    if outcome == Outcome.PROCESSED:
        _recorded_as_read(delivery, stripe_read(raw).drafts)


@pytest.mark.parametrize("index", [0, 1])
def test_each_stripe_signature_vector_verifies_through_the_view_with_its_own_header(
    sender: Sender, monkeypatch: pytest.MonkeyPatch, settings: Any, index: int
) -> None:
    vector = json.loads((STRIPE / "signature_vectors.json").read_text())[index]
    monkeypatch.setenv("STRIPE_US_WEBHOOK_SECRET", vector["secret"])
    # Signed in 2023-2024: within the tolerance only when it reaches back that far.
    settings.WEBHOOK_STRIPE_TOLERANCE_SECONDS = int(time.time()) - vector["timestamp"] + 60
    for header in (vector["header"], vector["header_with_extra_bad_sig"]):
        response = sender.stripe(vector["body"].encode(), signature=header)
        assert response.status_code == 200, response.content
    settings.WEBHOOK_STRIPE_TOLERANCE_SECONDS = 300
    assert sender.stripe(vector["body"].encode(), signature=vector["header"]).status_code == 401


def test_each_shopify_hmac_vector_verifies_through_the_view(sender: Sender, monkeypatch: pytest.MonkeyPatch) -> None:
    vectors = json.loads((SHOPIFY / "hmac_vectors.json").read_text())
    monkeypatch.setenv("SHOP_US_WEBHOOK_SECRET", vectors[0]["secret"])
    bodies = [vectors[0]["body"].encode(), (SHOPIFY / "order.json").read_bytes()]
    for n, (vector, body) in enumerate(zip(vectors, bodies, strict=True)):
        header = {"X-Shopify-Hmac-Sha256": vector["x_shopify_hmac_sha256"]}
        assert sender.shopify(body, headers=header, event_id=f"e{n}").status_code == 200
