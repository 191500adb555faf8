"""Disputes: created moves nothing; funds_withdrawn and funds_reinstated become journal
entries against the disputes account, the dispute fee from the balance transaction."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from integrations.stripe.events import read
from integrations.stripe.options import StripeOptions
from integrations.webhooks import Unreadable

OPENED = "dispute_dp_fakefakefakefake01"  # one balance transaction: the withdrawal
REINSTATED = "dispute_dp_funds_reinstated_full"  # the withdrawal and the reinstatement
DISPUTE = "dp_1JAyTwJSZQVUcJYgPqasUEn1"


def test_a_dispute_opening_moves_no_money(dj_stripe, event_body, read_checked):
    reading = read_checked(event_body("charge.dispute.created", dj_stripe(OPENED)))

    assert reading.drafts == ()
    assert reading.note == (
        f"dispute {DISPUTE} opened on ch_fakefakefakefakefake0001 for 10.00 USD (fraudulent): "
        "no money moves until charge.dispute.funds_withdrawn"
    )


def test_the_withdrawal_debits_disputes_and_the_dispute_fee_and_credits_the_stripe_balance(
    dj_stripe, event_body, read_checked
):
    [entry] = read_checked(event_body("charge.dispute.funds_withdrawn", dj_stripe(OPENED))).drafts

    assert entry.kind == "journal_entry"
    assert entry.external_id == f"{DISPUTE}-withdrawn"
    assert entry.occurred_at == datetime(2021, 7, 8, 14, 45, 40, tzinfo=UTC)  # txn created 1625755540
    assert entry.data == {
        "currency": "USD",
        "date": "2021-07-08",
        "reference": f"Stripe dispute {DISPUTE} on ch_fakefakefakefakefake0001: funds withdrawn",
        "journal": "journal_entry",
        "lines": [
            # amount -1000, fee 1500 ("Dispute fee"), net -2500: 10.00 + 15.00 = 25.00.
            {"account_code": "stripe_disputes", "description": f"Dispute {DISPUTE} withdrawn", "debit": "10.00"},
            {"account_code": "stripe_fees", "description": "Dispute fee", "debit": "15.00"},
            {"account_code": "stripe_clearing", "description": "Stripe balance", "credit": "25.00"},
        ],
    }


def test_the_reinstatement_reverses_the_withdrawal_fee_included(dj_stripe, event_body, read_checked):
    [entry] = read_checked(event_body("charge.dispute.funds_reinstated", dj_stripe(REINSTATED))).drafts

    assert entry.external_id == f"{DISPUTE}-reinstated"
    assert entry.occurred_at == datetime(2021, 7, 8, 14, 46, 48, tzinfo=UTC)  # txn created 1625755608
    assert entry.data["date"] == "2021-07-08"
    assert entry.data["reference"] == f"Stripe dispute {DISPUTE} on ch_fakefakefakefakefake0001: funds reinstated"
    assert entry.data["lines"] == [
        # amount 1000, fee -1500 ("Dispute fee refund"), net 2500.
        {"account_code": "stripe_disputes", "description": f"Dispute {DISPUTE} reinstated", "credit": "10.00"},
        {"account_code": "stripe_fees", "description": "Dispute fee refund", "credit": "15.00"},
        {"account_code": "stripe_clearing", "description": "Stripe balance", "debit": "25.00"},
    ]


def test_the_withdrawal_read_from_the_reinstated_dispute_is_the_same_entry(dj_stripe, event_body, read_checked):
    # A redelivered funds_withdrawn may carry the dispute as it is now, reinstatement included.
    before = read_checked(event_body("charge.dispute.funds_withdrawn", dj_stripe(OPENED), event_id="evt_a"))
    after = read_checked(event_body("charge.dispute.funds_withdrawn", dj_stripe(REINSTATED), event_id="evt_b"))

    assert after.drafts == before.drafts


def test_the_dispute_accounts_are_the_sources(dj_stripe, event_body, read_checked):
    options = StripeOptions(disputes_account="1290", fee_account="6270", clearing_account="1150", entry_journal="MISC")

    [entry] = read_checked(event_body("charge.dispute.funds_withdrawn", dj_stripe(OPENED)), options).drafts

    assert entry.data["journal"] == "MISC"
    assert [line["account_code"] for line in entry.data["lines"]] == ["1290", "6270", "1150"]


def test_a_dispute_without_its_balance_transaction_moves_the_disputed_amount_without_a_fee(
    stripe_mock, event_body, read_checked
):
    dispute = stripe_mock("dispute")  # balance_transactions: []
    assert dispute["balance_transactions"] == []

    [entry] = read_checked(event_body("charge.dispute.funds_withdrawn", dispute)).drafts

    assert entry.external_id == "dp_1Pgc71B7WZ01zgkWMevJiAUx-withdrawn"
    assert entry.occurred_at == datetime(2023, 11, 14, 22, 13, 20, tzinfo=UTC)  # the event's created
    assert entry.data["date"] == "2023-11-14"
    assert entry.data["lines"] == [
        {
            "account_code": "stripe_disputes",
            "description": "Dispute dp_1Pgc71B7WZ01zgkWMevJiAUx withdrawn",
            "debit": "10.00",
        },
        {"account_code": "stripe_clearing", "description": "Stripe balance", "credit": "10.00"},
    ]


def test_two_withdrawals_in_one_dispute_are_refused(dj_stripe, event_body):
    dispute = dj_stripe(OPENED)
    dispute["balance_transactions"].append(dispute["balance_transactions"][0] | {"id": "txn_again"})

    with pytest.raises(Unreadable, match=r"^data\.object\.balance_transactions: 2 transactions withdrawn its funds"):
        read(event_body("charge.dispute.funds_withdrawn", dispute))


def test_a_balance_transaction_whose_net_is_not_amount_less_fee_is_refused(dj_stripe, event_body):
    dispute = dj_stripe(OPENED)
    dispute["balance_transactions"][0]["net"] = -2400

    with pytest.raises(Unreadable) as refused:
        read(event_body("charge.dispute.funds_withdrawn", dispute))

    assert str(refused.value) == "data.object.balance_transactions[0].net: -2400 is not amount -1000 - fee 1500"


def test_fee_details_that_do_not_add_up_to_the_fee_are_refused(dj_stripe, event_body):
    dispute = dj_stripe(OPENED)
    dispute["balance_transactions"][0]["fee_details"][0]["amount"] = 1400

    with pytest.raises(Unreadable, match=r"fee_details: they add up to 1400, not the fee 1500$"):
        read(event_body("charge.dispute.funds_withdrawn", dispute))


def test_a_dispute_event_carrying_a_charge_is_refused(dj_stripe, event_body):
    with pytest.raises(Unreadable, match=r"^data\.object\.object: must be 'dispute', not 'charge'$"):
        read(event_body("charge.dispute.funds_withdrawn", dj_stripe("charge_ch_fakefakefakefakefake0001")))
