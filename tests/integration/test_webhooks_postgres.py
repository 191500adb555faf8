"""Signed Shopify webhooks end to end on real parts (PostgreSQL, Redis, a Celery worker, the Odoo
sandbox, a live server): a replay storm and an order reaching us through two topics each post once,
and deliveries out of order (a refund before its order, a paid order before its create) end posted."""

from __future__ import annotations

import json
import random
import xmlrpc.client
from collections import Counter
from typing import Any

import pytest

from console.audit.actors import Actor
from console.mappings.models import MappingKind
from console.mappings.services.versions import mapping_version_add
from console.sources.models import Outcome, WebhookDelivery
from console.sources.services.endpoints import webhook_endpoint_set
from console.sync.models import DuplicateAttempt, EventState, LegalEntity, SyncEvent
from console.sync.services.connections import odoo_client_for
from console.sync.services.demo import MAPPINGS_VALID_FROM
from integrations.shopify.signature import sign
from tests.integration.conftest import Workers, wait_until
from tests.integration.http import post_raw, post_raw_together
from tests.unit.integrations.shopify.shopify_bodies import bag, item, order, refund, tax_line, transaction

pytestmark = pytest.mark.django_db(transaction=True)

SECRET = "shpss_integration_0123456789abcdef"


@pytest.fixture
def shop(configured: dict[str, Any], monkeypatch: pytest.MonkeyPatch) -> dict[str, Any]:
    """The endpoint /webhooks/shopify/shop-us/ for US01, with the mappings its orders need."""
    monkeypatch.setenv("SHOP_US_WEBHOOK_SECRET", SECRET)
    actor = Actor.system("test")
    webhook_endpoint_set(
        actor=actor,
        user=None,
        code="shop-us",
        provider="shopify",
        entity_code="US01",
        secret_env="SHOP_US_WEBHOOK_SECRET",
    )
    entity = LegalEntity.objects.get(code="US01")
    client = odoo_client_for(entity)
    sale_tax = client.search_read("account.tax", [["type_tax_use", "=", "sale"], ["amount", "=", 15.0]], ["id"])
    bank = client.search_read("account.journal", [["code", "=", "BNK1"]], ["id"])
    for kind, value, odoo_id in (
        (MappingKind.TAX, "Sales Tax 15%", sale_tax[0]["id"]),
        (MappingKind.JOURNAL, "shopify_payments", bank[0]["id"]),
    ):
        mapping_version_add(
            kind=kind,
            entity=entity,
            source_value=value,
            odoo_id=int(odoo_id),
            valid_from=MAPPINGS_VALID_FROM,
            actor=actor,
        )
    return configured


def paid_order(n: int) -> dict[str, Any]:
    """Order n: one machine of 100.00 with 15.00 of sales tax, paid 115.00 through Shopify Payments."""
    machine = item(
        9000 + n, "Espresso machine", 1, "100.00", sku=f"EM-{n}", taxes=[tax_line("Sales Tax", 0.15, "15.00")]
    )
    return order(
        id=7_000_000 + n, name=f"#W{n}", order_number=n, line_items=[machine], total_price="115.00", total_tax="15.00"
    )


def refund_of(n: int) -> dict[str, Any]:
    """The whole of order n refunded: its machine and its tax, 115.00 back through Shopify Payments."""
    line = {
        "id": 8000 + n,
        "line_item_id": 9000 + n,
        "quantity": 1,
        "restock_type": "return",
        "subtotal": 100.0,
        "subtotal_set": bag("100.00"),
        "total_tax": 15.0,
        "total_tax_set": bag("15.00"),
        "line_item": paid_order(n)["line_items"][0],
    }
    return refund(
        id=880_000 + n,
        order_id=7_000_000 + n,
        refund_line_items=[line],
        refund_shipping_lines=[],
        order_adjustments=[],
        transactions=[transaction(990_000 + n, "115.00")],
    )


def delivery(body: dict[str, Any], topic: str, event_id: str) -> tuple[bytes, dict[str, str]]:
    raw = json.dumps(body).encode()
    return raw, {
        "Content-Type": "application/json",
        "X-Shopify-Topic": topic,
        "X-Shopify-Hmac-Sha256": sign(raw, SECRET),
        "X-Shopify-Event-Id": event_id,
        "X-Shopify-Webhook-Id": f"wh-{event_id}",
        "X-Shopify-Shop-Domain": "acme.myshopify.com",
    }


def in_odoo(sandbox: Any) -> tuple[Counter[tuple[str, str]], Counter[tuple[str, str]]]:
    """(move type, ref) of the moves and (payment type, memo) of the payments this endpoint posted."""
    proxy = xmlrpc.client.ServerProxy(f"{sandbox.url}/xmlrpc/2/object", allow_none=True)

    def read(model: str, field: str, kind: str, *domain: list[Any]) -> Counter[tuple[str, str]]:
        rows = proxy.execute_kw(
            "sandbox",
            2,
            "admin",
            model,
            "search_read",
            [[[field, "like", "shop-us/"], *domain]],
            {"fields": [field, kind]},
        )
        return Counter((row[kind], row[field]) for row in rows)

    # A payment's own journal entry carries its memo as ref: the documents are the invoices and refunds.
    documents = read("account.move", "ref", "move_type", ["move_type", "in", ["out_invoice", "out_refund"]])
    return documents, read("account.payment", "memo", "payment_type")


def outcome_summary() -> str:
    rows = Counter(SyncEvent.objects.values_list("kind", "state", "reason_code", "reason_message"))
    return "; ".join(f"{n} x {kind} {state} {code} {message[:160]}" for (kind, state, code, message), n in rows.items())


def settled(count: int) -> bool:
    return SyncEvent.objects.filter(state__in=[EventState.POSTED, EventState.FAILED]).count() >= count


def test_a_replay_storm_and_orders_through_two_topics_post_one_invoice_per_order(
    shop: dict[str, Any], live_server: Any, workers: Workers
) -> None:
    """200 deliveries each sent 3 times with the copies in flight together, and 50 orders each sent
    through orders/create (already paid) and orders/paid at once: 250 orders, 250 invoices in Odoo."""
    workers.start()
    url = f"{live_server.url}/webhooks/shopify/shop-us/"
    statuses: Counter[int] = Counter()
    overlapped = 0
    # Three deliveries a wave, nine requests at once: under the live server's listen backlog of 10.
    for start in range(0, 200, 3):
        wave = [delivery(paid_order(n), "orders/paid", f"storm-{n}") for n in range(start, min(start + 3, 200))]
        copies = [request for request in wave for _ in range(3)]
        random.Random(start).shuffle(copies)
        results = post_raw_together(url, copies)
        statuses.update(status for status, *_ in results)
        for request in wave:
            mine = [(sent, answered) for r, (_, _, sent, answered) in zip(copies, results, strict=True) if r is request]
            overlapped += max(sent for sent, _ in mine) < min(answered for _, answered in mine)
    for start in range(200, 250, 4):
        both = [
            delivery(paid_order(n), topic, f"{topic}-{n}")
            for n in range(start, min(start + 4, 250))
            for topic in ("orders/create", "orders/paid")
        ]
        statuses.update(status for status, *_ in post_raw_together(url, both))
    assert statuses == {200: 700}, statuses
    assert overlapped >= 180, f"only {overlapped} of 200 deliveries had their three copies in flight together"
    firsts = WebhookDelivery.objects.filter(repeat_of=None)
    assert firsts.count() == 300 and WebhookDelivery.objects.filter(outcome=Outcome.REPEAT).count() == 400
    assert not WebhookDelivery.objects.filter(outcome=Outcome.REPEAT, repeat_of=None).exists()

    wait_until(lambda: not firsts.filter(outcome=Outcome.RECEIVED).exists(), timeout=120, what="deliveries processed")
    assert set(firsts.values_list("outcome", flat=True)) == {Outcome.PROCESSED}, workers.logs()
    assert Counter(SyncEvent.objects.values_list("kind", flat=True)) == {"customer_invoice": 250, "payment": 250}
    # The 50 orders' second topic: a repeat of each of their two events, never a conflict.
    assert DuplicateAttempt.objects.filter(same_payload=True).count() == 100
    assert not DuplicateAttempt.objects.filter(same_payload=False).exists()

    wait_until(lambda: settled(500), timeout=360, what="500 events posted")
    assert SyncEvent.objects.filter(state=EventState.POSTED).count() == 500, outcome_summary()
    moves, payments = in_odoo(shop["sandbox"])
    assert set(moves.values()) == {1} and len(moves) == 250, [m for m, n in moves.items() if n > 1]
    assert {kind for kind, _ in moves} == {"out_invoice"}
    assert set(payments.values()) == {1} and len(payments) == 250


def _deliverer(url: str) -> Any:
    def deliver(body: dict[str, Any], topic: str, event_id: str) -> None:
        status, answer = post_raw(url, *delivery(body, topic, event_id))
        assert status == 200, answer

    return deliver


def _processed() -> bool:
    return not WebhookDelivery.objects.filter(outcome=Outcome.RECEIVED).exists()


def _all_posted(count: int) -> None:
    def done() -> bool:  # all posted, or one failed: then they never will
        posted = SyncEvent.objects.filter(state=EventState.POSTED).count()
        return posted == count or SyncEvent.objects.filter(state=EventState.FAILED).exists()

    try:
        wait_until(done, timeout=240, what=f"{count} events posted")
    except AssertionError as err:
        raise AssertionError(f"{err}: {outcome_summary()}") from None
    assert SyncEvent.objects.filter(state=EventState.POSTED).count() == count, outcome_summary()


def test_a_paid_order_before_its_create_posts_once(shop: dict[str, Any], live_server: Any, workers: Workers) -> None:
    workers.start()
    deliver = _deliverer(f"{live_server.url}/webhooks/shopify/shop-us/")
    deliver(paid_order(2), "orders/paid", "p-2")
    wait_until(_processed, timeout=60, what="orders/paid processed")
    deliver(paid_order(2), "orders/create", "c-2")
    wait_until(_processed, timeout=60, what="orders/create processed")
    _all_posted(2)
    assert DuplicateAttempt.objects.filter(same_payload=True).count() == 2
    moves, payments = in_odoo(shop["sandbox"])
    assert moves == {("out_invoice", "shop-us/order-7000002"): 1}
    assert payments == {("inbound", "shop-us/order-7000002-payment"): 1}


def test_a_refund_before_its_order_waits_for_it_and_then_posts_once(
    shop: dict[str, Any], live_server: Any, workers: Workers
) -> None:
    workers.start()
    deliver = _deliverer(f"{live_server.url}/webhooks/shopify/shop-us/")
    deliver(refund_of(1), "refunds/create", "r-1")
    wait_until(_processed, timeout=60, what="the refund processed")
    credit = SyncEvent.objects.get(kind="customer_credit_note")
    wait_until(
        lambda: SyncEvent.objects.get(pk=credit.pk).state == EventState.BLOCKED, timeout=60, what="the refund waiting"
    )
    assert SyncEvent.objects.get(pk=credit.pk).reason_code == "invoice_not_received", outcome_summary()
    deliver(paid_order(1), "orders/paid", "p-1")
    deliver(paid_order(1), "orders/create", "c-1")
    wait_until(_processed, timeout=60, what="the order processed")
    _all_posted(4)
    moves, payments = in_odoo(shop["sandbox"])
    assert moves == {("out_invoice", "shop-us/order-7000001"): 1, ("out_refund", "shop-us/refund-880001"): 1}
    assert payments == {
        ("inbound", "shop-us/order-7000001-payment"): 1,
        ("outbound", "shop-us/refund-880001-payment-shopify_payments"): 1,
    }
