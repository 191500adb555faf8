"""The demo (its matching rules seeded) with the flows cross-source matching reads, and events
made the way the adapters make them: Stripe payouts and charges and Shopify orders read from
the real sample payloads of ../shared/vectors by integrations/stripe and integrations/shopify,
bank lines through the ingestion API."""

from __future__ import annotations

import copy
import json
from datetime import UTC, date, datetime
from functools import cache
from pathlib import Path
from typing import Any

import pytest

from console.audit.actors import Actor
from console.reconciliation.models import MatchingRule, MatchingRun
from console.reconciliation.services.matching import matching_run_execute
from console.sync.models import BusinessProcess, Flow, LegalEntity, SourceSystem
from integrations.shopify.payloads import read as shopify_read
from integrations.stripe.events import read as stripe_read
from integrations.stripe.options import StripeOptions
from tests.factories import bank_line_event
from tests.unit.console.casework.conftest import ingest

VECTORS = Path(__file__).resolve().parents[4].parent / "shared" / "vectors"
PAYOUT_RULE = "Stripe payouts reach the bank"
COVERAGE_RULE = "Shopify orders paid through Stripe are Stripe charges"


@cache
def _fixtures3() -> dict[str, Any]:
    loaded: dict[str, Any] = json.loads((VECTORS / "stripe" / "stripe-mock" / "fixtures3.json").read_text())
    return loaded["resources"]


def _envelope(event_type: str, obj: dict[str, Any], created: int) -> bytes:
    return json.dumps(
        {
            "id": f"evt_{obj['id']}",
            "object": "event",
            "api_version": "2019-05-16",
            "created": created,
            "data": {"object": obj},
            "livemode": False,
            "pending_webhooks": 1,
            "request": {"id": None, "idempotency_key": None},
            "type": event_type,
        }
    ).encode()


def _items(source: str, drafts: Any) -> list[dict[str, Any]]:
    return [
        {
            "source": source,
            "kind": d.kind,
            "external_id": d.external_id,
            "entity": "US01",
            "occurred_at": d.occurred_at.isoformat(),
            "data": d.data,
        }
        for d in drafts
    ]


def _moment(day: date, hour: int = 9) -> int:
    return int(datetime(day.year, day.month, day.day, hour, tzinfo=UTC).timestamp())


def payout(token: str, payout_id: str, minor: int, arrival: date) -> int:
    """stripe-mock's payout, paid: its id, amount (cents) and arrival day ours."""
    obj = copy.deepcopy(_fixtures3()["payout"])
    obj.update(id=payout_id, amount=minor, arrival_date=_moment(arrival, 0), created=_moment(arrival, 0) - 86400)
    reading = stripe_read(_envelope("payout.paid", obj, _moment(arrival, 0) - 86400))
    [event_id] = ingest(token, *_items("stripe", reading.drafts))
    return event_id


def charge(token: str, charge_id: str, minor: int, created: datetime, order_key: str) -> int:
    """dj-stripe's captured charge, naming the Shopify order it paid in its metadata."""
    obj = json.loads((VECTORS / "stripe" / "dj-stripe" / "charge_ch_fakefakefakefakefake0001.json").read_text())
    obj.update(id=charge_id, amount=minor, amount_captured=minor, created=int(created.timestamp()))
    obj["metadata"] = {"shopify_order": order_key}
    options = StripeOptions(invoice_metadata_key="shopify_order", invoice_source="shopify")
    reading = stripe_read(_envelope("charge.succeeded", obj, int(created.timestamp())), options=options)
    ids = ingest(token, *_items("stripe", reading.drafts))
    return ids[0]


def shopify_order(token: str, order_id: int, *, gateway: str = "stripe", total: str | None = None) -> int:
    """Shopify's order.json fixture, paid (orders/paid) through `gateway`: the id of its payment."""
    order = json.loads((VECTORS / "shopify" / "order.json").read_text())["order"]
    order.update(id=order_id, name=f"#{order_id}", gateway=gateway)
    if total is not None:
        order["total_price"] = total
    reading = shopify_read("orders/paid", json.dumps(order).encode())
    ids = ingest(token, *_items("shopify", reading.drafts))
    kinds = [d.kind for d in reading.drafts]
    return ids[kinds.index("payment")]


def bank_line(token: str, external_id: str, amount: str, day: date, **data: str) -> int:
    event = bank_line_event(external_id, amount)
    event["occurred_at"] = f"{day.isoformat()}T08:00:00Z"
    event["data"].update(date=day.isoformat(), **data)
    [event_id] = ingest(token, event)
    return event_id


def run(today: date) -> MatchingRun:
    entity = LegalEntity.objects.get(code="US01")
    queued = MatchingRun.objects.create(entity=entity, requested_by="test", requested_at=datetime.now(UTC))
    return matching_run_execute(queued.pk, today=today)


def rule(name: str) -> MatchingRule:
    return MatchingRule.objects.select_related("entity", "left_source", "right_source").get(name=name)


@pytest.fixture
def matching(configured: dict[str, Any]) -> dict[str, Any]:
    """The demo's rules judging events from 2000 on, and the flows their events arrive by."""
    for code, kind, name in (("stripe", "journal_entry", "Stripe payouts"), ("shopify", "payment", "Shopify pay")):
        Flow.objects.get_or_create(
            source=SourceSystem.objects.get(code=code),
            event_kind=kind,
            defaults={"name": name, "business_process": BusinessProcess.ORDER_TO_CASH},
        )
    MatchingRule.objects.update(applies_from=date(2000, 1, 1))
    return {**configured, "actor": Actor.system("test")}
