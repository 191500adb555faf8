"""payout.paid moves the payout from the Stripe balance to the bank; payout.failed asks for a case."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from integrations.stripe.events import read
from integrations.stripe.notes import PAYOUT_FAILED, needs_case
from integrations.stripe.options import StripeOptions
from integrations.webhooks import Unreadable


def test_a_paid_payout_moves_11_usd_from_the_stripe_balance_to_the_bank(stripe_mock, event_body, read_checked):
    payout = stripe_mock("payout") | {"status": "paid"}

    reading = read_checked(event_body("payout.paid", payout))

    [entry] = reading.drafts
    assert entry.kind == "journal_entry"
    assert entry.external_id == "po_1Pgc79B7WZ01zgkWu1KToYf4"
    assert entry.occurred_at == datetime(2023, 11, 14, 22, 13, 20, tzinfo=UTC)  # the event's created
    assert entry.data == {
        "currency": "USD",
        "date": "2009-02-13",  # arrival_date 1234567890
        "reference": "Stripe payout po_1Pgc79B7WZ01zgkWu1KToYf4",
        "journal": "bank",
        "lines": [
            {"account_code": "bank", "description": "Payout po_1Pgc79B7WZ01zgkWu1KToYf4", "debit": "11.00"},
            {"account_code": "stripe_clearing", "description": "Stripe balance", "credit": "11.00"},
        ],
    }


def test_the_payout_lands_on_the_bank_account_and_journal_the_source_names(stripe_mock, event_body, read_checked):
    options = StripeOptions(bank_account="1010", payout_journal="BNK1", clearing_account="1150")

    [entry] = read_checked(event_body("payout.paid", stripe_mock("payout")), options).drafts

    assert entry.data["journal"] == "BNK1"
    assert [line["account_code"] for line in entry.data["lines"]] == ["1010", "1150"]


def test_dj_stripes_edited_payout_with_a_string_amount_is_refused(dj_stripe, event_body):
    # dj-stripe stores "10.00" where Stripe sends the integer 1000.
    with pytest.raises(Unreadable) as refused:
        read(event_body("payout.paid", dj_stripe("payout_custom_bank_account")))

    assert (
        str(refused.value) == "data.object.amount: must be an integer (Stripe amounts are in minor units), not a string"
    )


def test_dj_stripes_payout_with_its_amount_in_cents_posts_10_usd(dj_stripe, event_body, read_checked):
    payout = dj_stripe("payout_custom_bank_account") | {"amount": 1000}

    [entry] = read_checked(event_body("payout.paid", payout)).drafts

    assert entry.data["date"] == "2021-08-23"  # arrival_date 1629676800
    assert [line.get("debit") or line.get("credit") for line in entry.data["lines"]] == ["10.00", "10.00"]


def test_a_payout_that_is_not_positive_is_refused(stripe_mock, event_body):
    with pytest.raises(Unreadable, match=r"^data\.object\.amount: a paid payout's amount must be positive, not 0$"):
        read(event_body("payout.paid", stripe_mock("payout") | {"amount": 0}))


def test_a_failed_payout_drafts_nothing_and_asks_for_a_case(stripe_mock, event_body, read_checked):
    payout = stripe_mock("payout") | {
        "status": "failed",
        "failure_code": "account_closed",
        "failure_message": "The bank account has been closed.",
    }

    reading = read_checked(event_body("payout.failed", payout))

    assert reading.drafts == ()
    assert reading.note.startswith(PAYOUT_FAILED)
    assert needs_case(reading.note)
    assert reading.note == (
        "payout failed: po_1Pgc79B7WZ01zgkWu1KToYf4 of 11.00 USD to ba_1Pgc79B7WZ01zgkWoU5vBiXt "
        "(account_closed: The bank account has been closed.); if it was booked as paid, reverse that entry"
    )


def test_a_failed_payout_without_a_reason_says_so(stripe_mock, event_body, read_checked):
    reading = read_checked(event_body("payout.failed", stripe_mock("payout")))

    assert "(no reason given)" in reading.note
