"""charge.refunded becomes an outbound payment per refund."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from integrations.stripe.events import read
from integrations.stripe.notes import needs_case
from integrations.webhooks import Unreadable


@pytest.fixture
def refunded_charge(stripe_mock):
    """stripe-mock's charge, refunded by stripe-mock's refund (re_... of 100 on that charge)."""

    def build(*refunds, has_more=False):
        listed = list(refunds) or [stripe_mock("refund")]
        charge = stripe_mock("charge") | {"captured": True, "refunded": True}
        charge["amount_refunded"] = sum(r["amount"] for r in listed if r["status"] not in ("failed", "canceled"))
        charge["refunds"] = {"object": "list", "data": listed, "has_more": has_more, "url": charge["refunds"]["url"]}
        return charge

    return build


def test_stripe_mocks_refund_becomes_an_outbound_payment_of_1_usd(refunded_charge, event_body, read_checked):
    reading = read_checked(event_body("charge.refunded", refunded_charge()))

    assert reading.note == ""
    [draft] = reading.drafts
    assert draft.kind == "payment"
    assert draft.external_id == "re_1Pgc72B7WZ01zgkWqPvrRrPE"
    assert draft.occurred_at == datetime(2009, 2, 13, 23, 31, 30, tzinfo=UTC)  # the refund's created
    assert draft.data == {
        "partner": {"name": "Jenny Rosen"},  # the charge's payer
        "currency": "USD",
        "amount": "1.00",  # the refund's 100 cents
        "date": "2009-02-13",
        "direction": "outbound",
        "payment_method": "stripe",
        "reference": "Stripe refund re_1Pgc72B7WZ01zgkWqPvrRrPE of ch_1PgafuB7WZ01zgkWXYmPNZs8",
    }


def test_each_listed_refund_is_its_own_payment_of_its_own_amount(
    stripe_mock, refunded_charge, event_body, read_checked
):
    first = stripe_mock("refund")
    second = stripe_mock("refund") | {"id": "re_second", "amount": 250, "created": 1234567990}

    drafts = read_checked(event_body("charge.refunded", refunded_charge(first, second))).drafts

    assert [(d.external_id, d.data["amount"]) for d in drafts] == [
        ("re_1Pgc72B7WZ01zgkWqPvrRrPE", "1.00"),
        ("re_second", "2.50"),
    ]


def test_a_refund_listed_again_by_a_later_event_gives_the_same_draft(
    stripe_mock, refunded_charge, event_body, read_checked
):
    first = stripe_mock("refund")
    second = stripe_mock("refund") | {"id": "re_second", "amount": 250}

    earlier = read_checked(event_body("charge.refunded", refunded_charge(first), event_id="evt_a", created=1234567900))
    later = read_checked(
        event_body("charge.refunded", refunded_charge(second, first), event_id="evt_b", created=1234569999)
    )

    assert earlier.drafts[0] in later.drafts


def test_a_refund_that_moved_no_money_is_not_posted_and_asks_for_a_case(
    stripe_mock, refunded_charge, event_body, read_checked
):
    failed = stripe_mock("refund") | {"id": "re_failed", "status": "failed"}

    reading = read_checked(event_body("charge.refunded", refunded_charge(stripe_mock("refund"), failed)))

    assert [d.external_id for d in reading.drafts] == ["re_1Pgc72B7WZ01zgkWqPvrRrPE"]
    assert reading.note == (
        "refund not posted: re_failed (failed) of ch_1PgafuB7WZ01zgkWXYmPNZs8: "
        "book it when it succeeds, reverse it if it was booked"
    )
    assert needs_case(reading.note)


def test_a_truncated_refund_list_says_so(refunded_charge, event_body, read_checked):
    reading = read_checked(event_body("charge.refunded", refunded_charge(has_more=True)))

    assert len(reading.drafts) == 1
    assert not needs_case(reading.note)
    assert (
        reading.note
        == "charge ch_1PgafuB7WZ01zgkWXYmPNZs8 has more refunds than the event lists; earlier events listed them"
    )


def test_a_refund_of_another_charge_is_refused(stripe_mock, refunded_charge, event_body):
    stray = stripe_mock("refund") | {"charge": "ch_other"}

    with pytest.raises(Unreadable, match=r"^data\.object\.refunds\.data\[0\]\.charge: 'ch_other' is not the charge"):
        read(event_body("charge.refunded", refunded_charge(stray)))


def test_a_refund_waiting_for_the_customer_comes_before_other_notes_so_the_case_is_read(
    stripe_mock, refunded_charge, event_body, read_checked
):
    waiting = stripe_mock("refund") | {"id": "re_waiting", "status": "requires_action"}

    reading = read_checked(event_body("charge.refunded", refunded_charge(waiting, has_more=True)))

    assert reading.drafts == ()
    assert needs_case(reading.note)
    assert reading.note.endswith(
        "; charge ch_1PgafuB7WZ01zgkWXYmPNZs8 has more refunds than the event lists; earlier events listed them"
    )


def test_a_refund_amount_given_as_a_string_is_refused_naming_it(stripe_mock, refunded_charge, event_body):
    charge = refunded_charge()
    charge["refunds"]["data"][0]["amount"] = "1.00"

    with pytest.raises(Unreadable) as refused:
        read(event_body("charge.refunded", charge))

    assert str(refused.value) == (
        "data.object.refunds.data[0].amount: must be an integer (Stripe amounts are in minor units), not a string"
    )


def test_without_its_refunds_the_event_refunds_what_amount_refunded_grew_by(stripe_mock, event_body, read_checked):
    # API versions from 2022-11-15 leave charge.refunds out; previous_attributes says what it was.
    charge = stripe_mock("charge") | {"captured": True, "amount": 1000, "amount_refunded": 700, "refunded": False}
    del charge["refunds"]

    reading = read_checked(event_body("charge.refunded", charge, previous={"amount_refunded": 300}))

    [draft] = reading.drafts
    assert draft.external_id == "ch_1PgafuB7WZ01zgkWXYmPNZs8-refunded-700"
    assert draft.occurred_at == datetime(2023, 11, 14, 22, 13, 20, tzinfo=UTC)  # the event's created
    assert draft.data == {
        "partner": {"name": "Jenny Rosen"},
        "currency": "USD",
        "amount": "4.00",  # 700 - 300 cents
        "date": "2023-11-14",
        "direction": "outbound",
        "payment_method": "stripe",
        "reference": "Stripe refund of ch_1PgafuB7WZ01zgkWXYmPNZs8 (refunded in all: 7.00 USD)",
    }


def test_without_its_refunds_or_what_was_refunded_before_the_event_asks_for_a_case(
    stripe_mock, event_body, read_checked
):
    charge = stripe_mock("charge") | {"captured": True, "amount_refunded": 100, "refunded": True}
    charge["refunds"] = {}  # as dj-stripe's intent embeds it: an empty object

    reading = read_checked(event_body("charge.refunded", charge))

    assert reading.drafts == ()
    assert needs_case(reading.note)
    assert reading.note == (
        "refund not posted: charge ch_1PgafuB7WZ01zgkWXYmPNZs8 has 1.00 USD refunded in all, but the event "
        "lists no refunds and does not say how much was refunded before it: book the refund from Stripe"
    )


def test_a_previous_amount_refunded_that_is_not_below_the_total_asks_for_a_case(stripe_mock, event_body, read_checked):
    charge = stripe_mock("charge") | {"captured": True, "amount_refunded": 100}
    del charge["refunds"]

    reading = read_checked(event_body("charge.refunded", charge, previous={"amount_refunded": 100}))

    assert reading.drafts == ()
    assert needs_case(reading.note)
