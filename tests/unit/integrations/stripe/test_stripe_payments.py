"""charge.succeeded, charge.captured and payment_intent.succeeded become one inbound payment
per charge (and a fee entry when the balance transaction is expanded)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from integrations.stripe.events import read
from integrations.stripe.options import StripeOptions
from integrations.webhooks import Unreadable

DJ_CHARGE = "charge_ch_fakefakefakefakefake0001"
DJ_TXN = "balance_transaction_txn_fake_ch_fakefakefakefakefake0001"
DJ_INTENT = "payment_intent_pi_fakefakefakefakefake0001"


def test_dj_stripes_charge_becomes_an_unmatched_receipt_of_20_usd(dj_stripe, event_body, read_checked):
    reading = read_checked(event_body("charge.succeeded", dj_stripe(DJ_CHARGE)))

    assert reading.provider_event_id == "evt_1QAbCdEfGhIjKlMn"
    assert reading.note == ""
    [draft] = reading.drafts
    assert draft.kind == "payment"
    assert draft.external_id == "ch_fakefakefakefakefake0001"
    # created 1557995177 = 2019-05-16T08:26:17Z, the charge's own time (not the event's).
    assert draft.occurred_at == datetime(2019, 5, 16, 8, 26, 17, tzinfo=UTC)
    assert draft.data == {
        # billing_details.name is all it gives (an email, as the customer typed it); no email.
        "partner": {"name": "alex-nesnes@hotmail.fr", "ref": "cus_6lsBvm5rJ0zyHc"},
        "currency": "USD",
        "amount": "20.00",  # 2000 cents
        "date": "2019-05-16",
        "direction": "inbound",
        "payment_method": "stripe",
        "reference": "Stripe charge ch_fakefakefakefakefake0001",
    }


def test_a_charge_settles_the_invoice_its_metadata_names_when_the_source_says_which_key(
    dj_stripe, event_body, read_checked
):
    charge = dj_stripe(DJ_CHARGE) | {"metadata": {"invoice_ref": "INV-2026-0042"}}
    options = StripeOptions(invoice_metadata_key="invoice_ref", invoice_source="billing")

    [draft] = read_checked(event_body("charge.succeeded", charge), options).drafts

    assert draft.data["invoice_external_id"] == "INV-2026-0042"
    assert draft.data["invoice_source"] == "billing"


def test_without_the_invoice_key_in_its_metadata_a_charge_is_an_unmatched_receipt(dj_stripe, event_body, read_checked):
    options = StripeOptions(invoice_metadata_key="invoice_ref")  # dj-stripe's charge has another key only

    [draft] = read_checked(event_body("charge.succeeded", dj_stripe(DJ_CHARGE)), options).drafts

    assert "invoice_external_id" not in draft.data
    assert "invoice_source" not in draft.data


def test_the_invoice_of_the_same_source_names_no_invoice_source(dj_stripe, event_body, read_checked):
    charge = dj_stripe(DJ_CHARGE) | {"metadata": {"invoice_ref": "INV-7"}}

    [draft] = read_checked(
        event_body("charge.succeeded", charge), StripeOptions(invoice_metadata_key="invoice_ref")
    ).drafts

    assert draft.data["invoice_external_id"] == "INV-7"
    assert "invoice_source" not in draft.data


def test_an_expanded_balance_transaction_adds_the_fee_entry_088_usd(dj_stripe, event_body, read_checked):
    charge = dj_stripe(DJ_CHARGE) | {"balance_transaction": dj_stripe(DJ_TXN)}

    payment, fee = read_checked(event_body("charge.succeeded", charge)).drafts

    assert payment.external_id == "ch_fakefakefakefakefake0001"
    assert fee.kind == "journal_entry"
    assert fee.external_id == "txn_fake_ch_fakefakefakefakefake0001-fee"
    assert fee.occurred_at == datetime(2019, 5, 16, 8, 26, 17, tzinfo=UTC)  # the transaction's created
    assert fee.data == {
        "currency": "USD",
        "date": "2019-05-16",
        "reference": "Stripe fees of ch_fakefakefakefakefake0001 (txn_fake_ch_fakefakefakefakefake0001)",
        "journal": "journal_entry",
        "lines": [
            # fee 88 = its one fee detail, "Stripe processing fees"; net 1912 = 2000 - 88.
            {"account_code": "stripe_fees", "description": "Stripe processing fees", "debit": "0.88"},
            {"account_code": "stripe_clearing", "description": "Stripe balance", "credit": "0.88"},
        ],
    }


def test_the_fee_entry_carries_the_accounts_and_journal_the_source_configured(dj_stripe, event_body, read_checked):
    charge = dj_stripe(DJ_CHARGE) | {"balance_transaction": dj_stripe(DJ_TXN)}
    options = StripeOptions(
        payment_method="stripe_eu", clearing_account="1150", fee_account="6270", entry_journal="STRIPE"
    )

    payment, fee = read_checked(event_body("charge.succeeded", charge), options).drafts

    assert payment.data["payment_method"] == "stripe_eu"
    assert fee.data["journal"] == "STRIPE"
    assert [line["account_code"] for line in fee.data["lines"]] == ["6270", "1150"]


def test_a_balance_transaction_given_as_an_id_adds_no_fee_entry(dj_stripe, event_body, read_checked):
    charge = dj_stripe(DJ_CHARGE)
    assert isinstance(charge["balance_transaction"], str)  # as every webhook sends it

    assert [d.kind for d in read_checked(event_body("charge.succeeded", charge)).drafts] == ["payment"]


def test_an_expanded_balance_transaction_without_a_fee_adds_no_fee_entry(stripe_mock, event_body, read_checked):
    # stripe-mock's charge and its balance transaction (fee 0), the charge captured.
    charge = stripe_mock("charge") | {"captured": True, "amount_captured": 100}
    charge["balance_transaction"] = stripe_mock("balance_transaction")

    [payment] = read_checked(event_body("charge.captured", charge)).drafts

    assert payment.data["amount"] == "1.00"
    assert payment.data["partner"] == {"name": "Jenny Rosen"}  # no customer, no email
    assert payment.data["date"] == "2009-02-13"  # created 1234567890 = 2009-02-13T23:31:30Z


def test_a_balance_transaction_of_another_charge_is_refused(dj_stripe, event_body):
    charge = dj_stripe(DJ_CHARGE) | {"balance_transaction": dj_stripe(DJ_TXN) | {"source": "ch_other"}}

    with pytest.raises(Unreadable, match=r"^data\.object\.balance_transaction\.source: 'ch_other' is not the charge"):
        read(event_body("charge.succeeded", charge))


def test_an_authorised_charge_not_yet_captured_posts_nothing_until_charge_captured(
    stripe_mock, event_body, read_checked
):
    charge = stripe_mock("charge")  # status succeeded, captured false
    assert charge["captured"] is False

    reading = read_checked(event_body("charge.succeeded", charge))
    assert reading.drafts == ()
    assert reading.note == (
        "charge ch_1PgafuB7WZ01zgkWXYmPNZs8 is authorised, not captured: it becomes a payment when it is "
        "(charge.captured)"
    )

    captured = read_checked(event_body("charge.captured", charge | {"captured": True, "amount_captured": 100}))
    assert [(d.external_id, d.data["amount"]) for d in captured.drafts] == [("ch_1PgafuB7WZ01zgkWXYmPNZs8", "1.00")]


def test_a_partial_capture_pays_the_amount_captured(stripe_mock, event_body, read_checked):
    charge = stripe_mock("charge") | {"amount": 1000, "captured": True, "amount_captured": 600}

    [payment] = read_checked(event_body("charge.captured", charge)).drafts

    assert payment.data["amount"] == "6.00"


def test_a_failed_charge_posts_nothing(stripe_mock, event_body, read_checked):
    charge = stripe_mock("charge") | {"status": "failed", "paid": False}

    reading = read_checked(event_body("charge.succeeded", charge))

    assert reading.drafts == ()
    assert reading.note == "charge ch_1PgafuB7WZ01zgkWXYmPNZs8 is failed: nothing was paid"


def test_dj_stripes_payment_intent_pays_its_listed_charge(dj_stripe, event_body, read_checked):
    # API versions before 2022-11-15 list the intent's charges in charges.data.
    reading = read_checked(event_body("payment_intent.succeeded", dj_stripe(DJ_INTENT)))

    [draft] = reading.drafts
    assert draft.external_id == "ch_fakefakefakefakefake0001"
    assert draft.data["amount"] == "20.00"
    # This copy of the charge was created 1562801159 = 2019-07-10T23:25:59Z.
    assert draft.occurred_at == datetime(2019, 7, 10, 23, 25, 59, tzinfo=UTC)
    assert draft.data["date"] == "2019-07-10"


@pytest.mark.parametrize("shape", ["charges list", "latest_charge expanded"])
def test_a_charge_brings_the_same_drafts_through_either_event(shape, dj_stripe, event_body, read_checked):
    charge = dj_stripe(DJ_CHARGE) | {"balance_transaction": dj_stripe(DJ_TXN)}
    intent = dj_stripe(DJ_INTENT)
    if shape == "charges list":
        intent["charges"]["data"] = [charge]
    else:
        del intent["charges"]
        intent["latest_charge"] = charge

    through_charge = read_checked(event_body("charge.succeeded", charge, event_id="evt_charge", created=1557995178))
    through_intent = read_checked(
        event_body("payment_intent.succeeded", intent, event_id="evt_intent", created=1557995179)
    )

    assert through_intent.drafts == through_charge.drafts
    assert len(through_intent.drafts) == 2


def test_an_intent_naming_its_charge_by_id_only_leaves_the_payment_to_charge_succeeded(
    dj_stripe, event_body, read_checked
):
    intent = dj_stripe(DJ_INTENT)
    del intent["charges"]  # API versions from 2022-11-15
    intent["latest_charge"] = "ch_fakefakefakefakefake0001"

    reading = read_checked(event_body("payment_intent.succeeded", intent))

    assert reading.drafts == ()
    assert reading.note == (
        "payment intent pi_fakefakefakefakefake0001 succeeded: its charge ch_fakefakefakefakefake0001 becomes a "
        "payment from charge.succeeded (this event carries only the charge's id)"
    )


def test_an_intent_listing_charges_pays_the_one_latest_charge_names(dj_stripe, stripe_mock, event_body, read_checked):
    intent = dj_stripe(DJ_INTENT)
    failed = stripe_mock("charge") | {"status": "failed"}
    intent["charges"]["data"] = [failed, intent["charges"]["data"][0]]
    intent["latest_charge"] = "ch_fakefakefakefakefake0001"

    [draft] = read_checked(event_body("payment_intent.succeeded", intent)).drafts

    assert draft.external_id == "ch_fakefakefakefakefake0001"


def test_stripe_mocks_intent_without_a_charge_is_refused(stripe_mock, event_body):
    intent = stripe_mock("payment_intent")  # latest_charge null, no charges list

    with pytest.raises(Unreadable, match=r"^data\.object\.latest_charge: the succeeded payment intent pi_\w+ names no"):
        read(event_body("payment_intent.succeeded", intent))


def test_a_payer_without_a_name_is_named_by_email_then_customer_then_one_catch_all(dj_stripe, event_body, read_checked):
    charge = dj_stripe(DJ_CHARGE)
    charge["billing_details"] |= {"name": None, "email": "ana@example.com"}
    [by_email] = read_checked(event_body("charge.succeeded", charge)).drafts
    assert by_email.data["partner"] == {
        "name": "ana@example.com",
        "email": "ana@example.com",
        "ref": "cus_6lsBvm5rJ0zyHc",
    }

    charge["billing_details"] |= {"email": None}
    [by_customer] = read_checked(event_body("charge.succeeded", charge)).drafts
    assert by_customer.data["partner"] == {"name": "cus_6lsBvm5rJ0zyHc", "ref": "cus_6lsBvm5rJ0zyHc"}

    charge |= {"customer": None, "billing_details": None}
    [anonymous] = read_checked(event_body("charge.succeeded", charge)).drafts
    assert anonymous.data["partner"] == {"name": "Stripe customer"}


def test_a_receipt_email_stands_in_for_a_missing_billing_email(dj_stripe, event_body, read_checked):
    charge = dj_stripe(DJ_CHARGE) | {"receipt_email": "michael.smith@example.com"}

    [draft] = read_checked(event_body("charge.succeeded", charge)).drafts

    assert draft.data["partner"]["email"] == "michael.smith@example.com"


def test_a_yen_charge_is_whole_yen(dj_stripe, event_body, read_checked):
    charge = dj_stripe(DJ_CHARGE) | {"currency": "jpy", "amount": 5000}

    [draft] = read_checked(event_body("charge.succeeded", charge)).drafts

    assert (draft.data["currency"], draft.data["amount"]) == ("JPY", "5000")


def test_a_bahraini_dinar_charge_ending_in_zero_converts_exactly(dj_stripe, event_body, read_checked):
    charge = dj_stripe(DJ_CHARGE) | {"currency": "bhd", "amount": 5120}  # 5.120 BHD

    [draft] = read_checked(event_body("charge.succeeded", charge)).drafts

    assert (draft.data["currency"], draft.data["amount"]) == ("BHD", "5.12")


def test_a_charge_whose_metadata_link_is_not_text_is_refused(dj_stripe, event_body):
    charge = dj_stripe(DJ_CHARGE) | {"metadata": {"invoice_ref": 42}}

    with pytest.raises(Unreadable, match=r"^data\.object\.metadata\.invoice_ref: must be a string"):
        read(event_body("charge.succeeded", charge), options=StripeOptions(invoice_metadata_key="invoice_ref"))


def test_a_charge_the_console_would_refuse_is_unreadable_naming_the_field(dj_stripe, event_body):
    charge = dj_stripe(DJ_CHARGE) | {"metadata": {"invoice_ref": "x" * 201}}

    with pytest.raises(Unreadable) as refused:
        read(event_body("charge.succeeded", charge), options=StripeOptions(invoice_metadata_key="invoice_ref"))

    assert str(refused.value) == (
        "data.object: the payment it becomes is refused: data.invoice_external_id: is longer than 200 characters"
    )


def test_a_zero_amount_charge_is_refused(dj_stripe, event_body):
    charge = dj_stripe(DJ_CHARGE) | {"amount": 0}

    with pytest.raises(Unreadable, match=r"data\.amount: must be positive"):
        read(event_body("charge.succeeded", charge))
