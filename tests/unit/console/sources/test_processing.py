"""A stored delivery turned into events by the task's service, with the real readers: each draft
recorded through the ingestion service under the source's own account, repeats of a business key
from another topic recorded as repeats and not as events, one bad draft alone refused, a change
after posting a case, and a delivery processed once however many messages name it."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from console.casework.models import ExceptionCase
from console.casework.taxonomy import Category
from console.sources.models import DeliveryItem, ItemResult, Outcome, WebhookDelivery
from console.sources.services.processing import delivery_process
from console.sync.models import DuplicateAttempt, EventState, Flow, SyncEvent
from tests.tables import table_changes, tables_unchanged
from tests.unit.console.sources.conftest import Sender

pytestmark = pytest.mark.django_db

VECTORS = Path(__file__).resolve().parents[4].parent / "shared" / "vectors"


def shopify_vector(name: str, wrapper: str) -> dict[str, Any]:
    """A REST fixture as the webhook body Shopify sends: the bare object, without its wrapper key."""
    body = json.loads((VECTORS / "shopify" / name).read_text())[wrapper]
    return body[0] if isinstance(body, list) else body


ORDER = shopify_vector("order.json", "order")  # financial_status "authorized"
PAID_ORDER = {**ORDER, "financial_status": "paid"}
REFUND = shopify_vector("refund.json", "refund")  # refunds order 450789469


def delivered(response: Any) -> WebhookDelivery:
    assert response.status_code == 200, response.content
    return WebhookDelivery.objects.get(pk=response.json()["delivery"])


def processed(response: Any) -> WebhookDelivery:
    delivery = delivered(response)
    delivery_process(delivery_id=delivery.pk)
    delivery.refresh_from_db()
    return delivery


def items(delivery: WebhookDelivery) -> list[tuple[str, str, str]]:
    return list(delivery.items.order_by("position").values_list("kind", "external_id", "result"))


def test_a_paid_order_becomes_its_invoice_and_payment_recorded_under_the_sources_account(
    sender: Sender, endpoints: dict[str, Any]
) -> None:
    delivery = processed(sender.shopify(json.dumps(ORDER).encode(), topic="orders/paid", event_id="e-paid"))
    assert (delivery.outcome, delivery.event_count) == (Outcome.PROCESSED, 2)
    assert delivery.processed_at is not None
    assert "608.94 USD but Shopify's total_price is 409.94" in delivery.reason  # the reader's note
    assert items(delivery) == [
        ("customer_invoice", "order-450789469", "created"),
        ("payment", "order-450789469-payment", "created"),
    ]
    shop = endpoints["shopify"]
    events = SyncEvent.objects.order_by("pk")
    assert [(e.kind, e.external_id, e.state) for e in events] == [
        ("customer_invoice", "order-450789469", EventState.QUEUED),
        ("payment", "order-450789469-payment", EventState.QUEUED),
    ]
    for event in events:
        assert (event.source_id, event.entity.code, event.correlation_id) == (shop.pk, "US01", "e-paid")
        assert event.ingested_by_id == shop.service_account_id
        assert event.flow == Flow.objects.get(source=shop, event_kind=event.kind)
    assert [item.event_id for item in delivery.items.order_by("position")] == [e.pk for e in events]
    payment = events[1]
    assert (str(payment.amount), payment.currency, payment.payload["invoice_external_id"]) == (
        "409.94",
        "USD",
        "order-450789469",
    )


def test_the_same_order_through_another_topic_is_a_repeat_of_each_event_not_a_second_one(sender: Sender) -> None:
    processed(sender.shopify(json.dumps(ORDER).encode(), topic="orders/paid", event_id="e-paid"))
    with table_changes() as changes:
        again = processed(sender.shopify(json.dumps(PAID_ORDER).encode(), topic="orders/create", event_id="e-create"))
    assert (again.outcome, again.event_count) == (Outcome.PROCESSED, 2)
    assert [result for _, _, result in items(again)] == ["duplicate", "duplicate"]
    assert SyncEvent.objects.count() == 2
    assert DuplicateAttempt.objects.filter(same_payload=True).count() == 2
    assert not changes.rows_added(SyncEvent) and not changes.rows_added(ExceptionCase)


def test_an_order_created_unpaid_then_paid_posts_once_paid_and_says_why_before(sender: Sender) -> None:
    first = processed(sender.shopify(json.dumps(ORDER).encode(), topic="orders/create", event_id="e1"))
    assert (first.outcome, first.event_count, items(first)) == (Outcome.PROCESSED, 0, [])
    assert first.reason == (
        "order #1001 is authorized but its payment is not captured: nothing posts until Shopify reports it paid"
    )
    paid = processed(sender.shopify(json.dumps(ORDER).encode(), topic="orders/paid", event_id="e2"))
    assert paid.event_count == 2 and SyncEvent.objects.count() == 2


def test_a_refund_becomes_a_credit_note_naming_its_order_and_an_outbound_payment(sender: Sender) -> None:
    delivery = processed(sender.shopify(json.dumps(REFUND).encode(), topic="refunds/create", event_id="e-r"))
    assert items(delivery) == [
        ("customer_credit_note", "refund-509562969", "created"),
        ("payment", "refund-509562969-payment-bogus", "created"),
    ]
    credit = SyncEvent.objects.get(kind="customer_credit_note")
    assert credit.payload["reversed_external_id"] == "order-450789469"
    payment = SyncEvent.objects.get(kind="payment")
    assert (payment.payload["direction"], str(payment.amount)) == ("outbound", "209.00")


def test_one_draft_the_ingestion_refuses_is_recorded_with_its_reason_and_the_others_still_go_in(
    sender: Sender, endpoints: dict[str, Any]
) -> None:
    # Finance switched the Shopify payments flow off: payments are refused, invoices are not.
    Flow.objects.filter(source=endpoints["shopify"], event_kind="payment").update(is_active=False)
    delivery = processed(sender.shopify(json.dumps(ORDER).encode(), topic="orders/paid"))
    assert items(delivery) == [
        ("customer_invoice", "order-450789469", "created"),
        ("payment", "order-450789469-payment", "refused"),
    ]
    refused = delivery.items.get(result=ItemResult.REFUSED)
    assert (refused.reason_code, refused.event_id) == ("no_flow", None)
    assert refused.reason == "kind: no active flow for payment from 'shop-us'"
    assert delivery.event_count == 1
    assert list(SyncEvent.objects.values_list("kind", flat=True)) == ["customer_invoice"]


def test_a_topic_the_reader_does_not_read_is_kept_as_unhandled(sender: Sender) -> None:
    with table_changes() as changes:
        delivery = processed(sender.shopify(b'{"id": 1, "title": "T-Shirt"}', topic="products/update"))
    assert delivery.outcome == Outcome.UNHANDLED
    assert delivery.reason.startswith("the topic 'products/update' is not one the console reads")
    assert changes.tables == {"sources.WebhookDelivery"}


@pytest.mark.parametrize(
    ("body", "reason"),
    [
        (b"<html>not json</html>", None),
        (json.dumps({**PAID_ORDER, "line_items": []}).encode(), "order.line_items: is empty"),
    ],
)
def test_a_signed_body_the_reader_cannot_read_is_kept_as_unparsed_with_its_reason(
    sender: Sender, body: bytes, reason: str | None
) -> None:
    with table_changes() as changes:
        delivery = processed(sender.shopify(body, topic="orders/paid"))
    assert delivery.outcome == Outcome.UNPARSED and delivery.reason
    if reason is not None:
        assert delivery.reason == reason
    assert changes.tables == {"sources.WebhookDelivery"}


def test_a_delivery_is_processed_once_however_many_messages_name_it(sender: Sender) -> None:
    delivery = processed(sender.shopify(json.dumps(ORDER).encode(), topic="orders/paid"))
    with tables_unchanged():
        assert delivery_process(delivery_id=delivery.pk) == "processed"
        assert delivery_process(delivery_id=delivery.pk + 1000) == "gone"


def test_a_repeat_delivery_is_never_processed(sender: Sender) -> None:
    processed(sender.shopify(json.dumps(ORDER).encode(), topic="orders/paid", event_id="same"))
    repeat = delivered(sender.shopify(json.dumps(ORDER).encode(), topic="orders/paid", event_id="same"))
    with tables_unchanged():
        assert delivery_process(delivery_id=repeat.pk) == "repeat"


def _posted(external_id: str) -> SyncEvent:
    # As the posting pipeline leaves it (test_posting covers how it gets there).
    SyncEvent.objects.filter(external_id=external_id).update(
        state=EventState.POSTED, odoo_model="account.move", odoo_id=7, odoo_name="INV/2026/00007"
    )
    return SyncEvent.objects.get(external_id=external_id)


EDIT = {"order_edit": {"id": 1, "order_id": 450789469, "line_items": {"additions": [], "removals": []}}}


def test_an_order_edited_after_its_invoice_posted_opens_a_case_and_posts_nothing_again(sender: Sender) -> None:
    processed(sender.shopify(json.dumps(ORDER).encode(), topic="orders/paid", event_id="e1"))
    invoice = _posted("order-450789469")
    with table_changes() as changes:
        delivery = processed(sender.shopify(json.dumps(EDIT).encode(), topic="orders/edited", event_id="e2"))
    assert items(delivery) == [("customer_invoice", "order-450789469", "changed")]
    assert delivery.items.get().reason == "posted before the change: a case is open"
    assert delivery.event_count == 0 and "was edited after it was placed" in delivery.reason
    case = ExceptionCase.objects.get()
    assert (case.event_id, case.category, case.reason_code) == (
        invoice.pk,
        Category.CHANGED_AT_SOURCE,
        "changed_at_source",
    )
    assert case.summary == (
        f"The order changed after it was invoiced: orders/edited received {delivery.received_at:%Y-%m-%d %H:%M} UTC "
        f"(webhook delivery {delivery.pk}). It had posted as INV/2026/00007; nothing was posted again."
    )
    assert not changes.rows_added(SyncEvent) and not changes.rows_changed(SyncEvent)
    # A second edit adds to the open case.
    processed(sender.shopify(json.dumps(EDIT).encode(), topic="orders/edited", event_id="e3"))
    assert ExceptionCase.objects.get().failure_count == 2


def test_an_order_edited_before_it_posted_opens_no_case_and_says_which_version_posts(sender: Sender) -> None:
    processed(sender.shopify(json.dumps(ORDER).encode(), topic="orders/paid", event_id="e1"))
    delivery = processed(sender.shopify(json.dumps(EDIT).encode(), topic="orders/edited", event_id="e2"))
    assert delivery.items.get().reason == "not posted yet: the version received first will post"
    assert not ExceptionCase.objects.exists()


def test_an_edit_of_an_order_never_recorded_says_so(sender: Sender) -> None:
    delivery = processed(sender.shopify(json.dumps(EDIT).encode(), topic="orders/edited"))
    assert items(delivery) == []
    assert delivery.reason.endswith("Changed at the source, never recorded here: order-450789469.")


def test_a_source_missing_its_entity_fails_the_delivery_saying_what_to_run(
    sender: Sender, endpoints: dict[str, Any]
) -> None:
    from console.sync.models import SourceSystem

    SourceSystem.objects.filter(pk=endpoints["shopify"].pk).update(entity=None)
    delivery = processed(sender.shopify(json.dumps(ORDER).encode(), topic="orders/paid"))
    assert (delivery.outcome, delivery.reason) == (
        Outcome.FAILED,
        "the source is not set up for webhooks: run manage.py webhook_source",
    )
    assert not DeliveryItem.objects.exists() and not SyncEvent.objects.exists()
