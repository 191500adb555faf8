"""Whatever a verified body holds, the reader answers with a Reading whose drafts the
ingestion API accepts, or with Unreadable or Unhandled: never another exception, which the
console could only record as its own failure."""

from __future__ import annotations

import json
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from integrations.canonical import parse_document
from integrations.stripe.events import read
from integrations.webhooks import Reading, Unhandled, Unreadable
from tests.strategies import JSON, examples, mutated


@pytest.fixture
def real_events(dj_stripe, stripe_mock, event_body) -> list[dict[str, Any]]:
    """Every handled event type around the real objects, each of which the reader turns into drafts."""
    charge = dj_stripe("charge_ch_fakefakefakefakefake0001")
    charge["balance_transaction"] = dj_stripe("balance_transaction_txn_fake_ch_fakefakefakefakefake0001")
    refunded = stripe_mock("charge") | {"captured": True, "amount_refunded": 100}
    refunded["refunds"]["data"] = [stripe_mock("refund")]
    unlisted = stripe_mock("charge") | {"captured": True, "amount_refunded": 100}
    del unlisted["refunds"]
    bodies = [
        event_body("charge.succeeded", charge),
        event_body("payment_intent.succeeded", dj_stripe("payment_intent_pi_fakefakefakefakefake0001")),
        event_body("charge.refunded", refunded),
        event_body("charge.refunded", unlisted, previous={"amount_refunded": 0}),
        event_body("charge.dispute.created", dj_stripe("dispute_dp_fakefakefakefake01")),
        event_body("charge.dispute.funds_withdrawn", dj_stripe("dispute_dp_fakefakefakefake01")),
        event_body("charge.dispute.funds_reinstated", dj_stripe("dispute_dp_funds_reinstated_full")),
        event_body("payout.paid", stripe_mock("payout")),
        event_body("payout.failed", stripe_mock("payout")),
    ]
    return [json.loads(body) for body in bodies]


def _answer(body: bytes) -> Reading | None:
    try:
        reading = read(body)
    except (Unreadable, Unhandled) as err:
        assert str(err)  # a refusal names its reason
        return None
    for draft in reading.drafts:
        parse_document(draft.kind, draft.data)
    return reading


def test_every_real_event_is_read_into_drafts(real_events):
    for event in real_events:
        reading = _answer(json.dumps(event).encode())
        assert reading is not None, event["type"]
        assert reading.drafts or reading.note, event["type"]


@examples(300)
@given(data=st.data())
def test_a_real_event_with_one_place_made_hostile_is_read_or_refused(real_events, data):
    event = data.draw(st.sampled_from(real_events))
    hostile = data.draw(mutated(event))

    _answer(json.dumps(hostile).encode())


@examples(150)
@given(body=st.one_of(st.binary(max_size=200), JSON.map(lambda value: json.dumps(value).encode())))
def test_arbitrary_bytes_and_json_are_refused(body):
    with pytest.raises((Unreadable, Unhandled)):
        read(body)
