"""The shared sample files (../shared/vectors/camt053, SOURCE.txt) against what OCA's and
genkgo's parsers make of them (golden-*.pydata, *.expected.json), field by field where
the fields mean the same; where our reading differs on purpose, the test says ours and why.

Their balances do not all add up (SOURCE.txt: on purpose in the synthetic files): the
parser reads them as they are, checking the balance is the console's job.
"""

from __future__ import annotations

import ast
import json
from datetime import date
from decimal import Decimal
from typing import Any

import pytest

from integrations.bank.statement import Entry, Statement
from tests.unit.integrations.bank.camt_documents import VECTORS, refusal, statements, vector


def golden(name: str) -> tuple[str, str, list[dict[str, Any]]]:
    parsed: tuple[str, str, list[dict[str, Any]]] = ast.literal_eval((VECTORS / "oca" / name).read_text())
    return parsed


def oca_view(entry: Entry, *, structured: bool) -> dict[str, Any]:
    """Our Entry in the words of OCA's transaction dict (`structured`: the file's remittance
    is a structured creditor reference)."""
    details = dict(entry.details)
    return {
        "amount": entry.amount,
        "date": entry.booking_date.isoformat(),
        "partner_name": entry.counterparty_name,
        "account_number": entry.counterparty_account,
        # OCA's ref is the structured creditor reference, else the EndToEndId: our remittance
        # when it is structured, else our end_to_end_id.
        "ref": entry.remittance if structured else entry.end_to_end_id,
        # OCA puts the bank's narrative first (AddtlTxInf, else AddtlNtryInf) where we put the
        # remittance: ours keeps the narrative in details when it is not the description.
        "payment_ref": details.get("AddtlTxInf") or details.get("AddtlNtryInf") or entry.description,
        "transaction_type": entry.bank_code.replace("/", "-"),
    }


def oca_expected(transaction: dict[str, Any]) -> dict[str, Any]:
    keys = ("amount", "date", "partner_name", "account_number", "ref", "payment_ref", "transaction_type")
    expected = {key: transaction[key] for key in keys}
    expected["amount"] = Decimal(str(transaction["amount"]))
    return expected


def only(name: str) -> Statement:
    (statement,) = statements(vector(name))
    return statement


def test_the_vectors_are_where_the_tests_look() -> None:
    assert (VECTORS / "SOURCE.txt").is_file()


def test_oca_camt053_head_is_what_oca_reads() -> None:
    currency, account, (expected,) = golden("golden-camt053.pydata")
    statement = only("oca/test-camt053")

    head = statement.head
    assert (head.currency, head.account, head.statement_id) == (currency, account, expected["name"])
    assert head.opening is not None and head.closing is not None
    assert head.opening.amount == Decimal(str(expected["balance_start"]))
    assert head.closing.amount == Decimal(str(expected["balance_end_real"]))
    # OCA's statement date is its latest transaction's.
    assert max(entry.booking_date for entry in statement.entries).isoformat() == expected["date"]
    assert (head.sequence, head.created_at, head.bic) == ("2", "2014-01-06T16:20:26.673Z", "ABNANL2A")
    assert head.account_owner == "Example company"  # Acct/Nm: the file has no Acct/Ownr


def test_oca_camt053_entries_match_oca_field_by_field_the_batch_split_in_two() -> None:
    _, _, (expected,) = golden("golden-camt053.pydata")
    statement = only("oca/test-camt053")

    ours = [oca_view(entry, structured=False) for entry in statement.entries]
    assert ours == [oca_expected(t) for t in expected["transactions"]]
    assert [(entry.where, entry.batch_index) for entry in statement.entries] == [
        ("Stmt[1]/Ntry[1]", 0),
        ("Stmt[1]/Ntry[2]/NtryDtls/TxDtls[1]", 1),
        ("Stmt[1]/Ntry[2]/NtryDtls/TxDtls[2]", 2),
        ("Stmt[1]/Ntry[3]", 0),
    ]


def test_oca_camt053_reversed_direct_debits_stay_debits_as_the_standard_and_oca_have_them() -> None:
    statement = only("oca/test-camt053")

    reversed_ = [entry for entry in statement.entries if entry.reversal]
    # DBIT with RvslInd: a reversed collection, money going out again; OCA: -564.05 and -100.0.
    assert [entry.amount for entry in reversed_] == [Decimal("-564.05"), Decimal("-100.00")]
    assert {dict(entry.details)["RtrInf/Rsn"] for entry in reversed_} == {"AC06"}
    assert {dict(entry.details)["Btch/PmtInfId"] for entry in reversed_} == {"2018/125-20141229-NORM"}


def test_oca_camt053_entries_carry_what_oca_leaves_in_its_narration() -> None:
    first, *_, last = only("oca/test-camt053").entries

    assert first.remittance == first.description == "Insurance policy 857239PERIOD 01.01.2014 - 31.12.2014"
    assert (first.end_to_end_id, first.counterparty_bic) == ("435005714488-ABNO33052620", "ABNANL2A")
    assert (first.booking_date, first.value_date, first.currency) == (date(2014, 1, 5), date(2014, 1, 5), "EUR")
    assert dict(first.details)["Refs/MndtId"] == "1880000341866"
    assert first.raw.startswith("<Ntry") and "INSURANCE COMPANY TESTX" in first.raw
    # No remittance: the description is the transaction's additional information.
    assert (last.remittance, last.description) == ("", "#RD PARTY MEDIA CUSNO 90782 4210773")


def test_oca_txdtls_batch_matches_oca_but_for_the_transactions_own_bank_code() -> None:
    currency, account, (expected,) = golden("golden-camt053-txdtls.pydata")
    statement = only("oca/test-camt053-txdtls")

    assert (statement.head.currency, statement.head.account, statement.head.statement_id) == (
        currency,
        account,
        expected["name"],
    )
    assert statement.head.opening is not None and statement.closing is not None
    assert statement.head.opening.amount == Decimal(str(expected["balance_start"]))
    assert statement.closing.amount == Decimal(str(expected["balance_end_real"]))
    ours = [oca_view(entry, structured=True) for entry in statement.entries]
    theirs = [oca_expected(t) for t in expected["transactions"]]
    # OCA takes the entry's BkTxCd (PMNT-RCDT-VCOM) for every transaction; each TxDtls here
    # has its own (PMNT/RCDT/AUTT), and a transaction's own code wins, as its AcctSvcrRef does.
    assert [view.pop("transaction_type") for view in ours] == ["PMNT-RCDT-AUTT", "PMNT-RCDT-AUTT"]
    assert {t.pop("transaction_type") for t in theirs} == {"PMNT-RCDT-VCOM"}
    assert ours == theirs


def test_oca_txdtls_transactions_take_their_own_account_servicer_reference() -> None:
    statement = only("oca/test-camt053-txdtls")

    assert [entry.bank_reference for entry in statement.entries] == ["123456CHCAFEBABE", "123456CHCAFEBABE"]
    assert [entry.counterparty_bic for entry in statement.entries] == ["POFICHBEXXX", "POFICHBEYYY"]
    assert [entry.batch_index for entry in statement.entries] == [1, 2]
    assert sum(entry.amount for entry in statement.entries) == Decimal("3483.00")
    assert statement.head.sequence == "58" and statement.head.account_owner == "Open Net S. à r.l. Prilly"
    assert statement.head.created_at == "2017-03-23T14:47:00"


def test_oca_no_ntry_is_a_statement_of_balances_alone() -> None:
    statement = only("oca/test-camt053-no-ntry")

    assert statement.entries == []
    assert statement.head.opening is not None and statement.closing is not None
    assert (statement.head.opening.amount, statement.closing.amount) == (Decimal("1520.76"), Decimal("1520.76"))
    assert statement.head.currency == "CHF"  # no Acct/Ccy: the first balance's
    assert statement.end.where == "Stmt[1]" and statement.end.not_booked == 0


def test_oca_camt054_is_refused_naming_its_namespace() -> None:
    refused = refusal(vector("oca/test-camt054"))

    assert "not a camt.053 statement" in str(refused)
    assert "urn:iso:std:iso:20022:tech:xsd:camt.054.001.04" in str(refused)


def genkgo(name: str) -> dict[str, Any]:
    parsed: dict[str, Any] = json.loads((VECTORS / "genkgo" / name).read_text())
    return parsed


# genkgo's Money is in minor units.
MINOR_UNITS = {"EUR": 2, "SEK": 2, "CHF": 2, "JPY": 0}


def money(value: dict[str, Any]) -> tuple[Decimal, str]:
    currency = value["getCurrency"]["getCode"]
    return Decimal(value["getAmount"]).scaleb(-MINOR_UNITS[currency]), currency


def genkgo_day(value: dict[str, Any]) -> date:
    return date.fromisoformat(value["0"][:10])


@pytest.mark.parametrize("name", ["camt053.v2.minimal", "camt053.v4"])
def test_genkgo_statement_head_matches_genkgo(name: str) -> None:
    expected = genkgo(f"{name}.expected.json")
    record = expected["getEntries"][0]["getRecord"]
    statement = only(f"genkgo/{name}.xml")

    head = statement.head
    account = record["getAccount"]
    assert head.account == account["getIdentification"]
    assert (head.statement_id, head.sequence) == (record["getId"], record["getElectronicSequenceNumber"])
    assert head.created_at == record["getCreatedOn"]["0"]
    balances = {balance["getType"]: balance for balance in record["getBalances"]}
    for ours, kind in (
        (head.opening, "opening"),
        (head.closing, "closing"),
        (statement.end.available, "closing_available"),
    ):
        assert ours is not None
        assert (ours.amount, ours.currency) == money(balances[kind]["getAmount"])
        assert ours.date == genkgo_day(balances[kind]["getDate"])


@pytest.mark.parametrize("name", ["camt053.v2.minimal", "camt053.v4"])
def test_genkgo_entries_match_genkgo(name: str) -> None:
    expected = genkgo(f"{name}.expected.json")["getEntries"]
    statement = only(f"genkgo/{name}.xml")

    assert len(statement.entries) == len(expected) == 1
    entry, theirs = statement.entries[0], expected[0]
    amount, currency = money(theirs["getAmount"])
    assert (entry.amount, entry.currency) == (
        amount if theirs["getCreditDebitIndicator"] == "CRDT" else -amount,
        currency,
    )
    assert entry.booking_date == genkgo_day(theirs["getBookingDate"])
    assert entry.value_date == genkgo_day(theirs["getValueDate"])
    assert entry.reversal is theirs["getReversalIndicator"] is False
    assert entry.bank_reference == (theirs["getAccountServicerReference"] or "")
    code = theirs["getBankTransactionCode"]
    if code["getDomain"]:
        family = code["getDomain"]["getFamily"]
        assert entry.bank_code == "/".join(
            (code["getDomain"]["getCode"], family["getCode"], family["getSubFamilyCode"])
        )
    else:
        assert entry.bank_code == code["getProprietary"]["getCode"]
    detail = theirs["getTransactionDetail"]
    debtor = next(
        party for party in detail["getRelatedParties"] if party["getRelatedPartyType"]["__CLASS__"].endswith("Debtor")
    )
    # Money in: the counterparty is the debtor.
    assert entry.counterparty_name == debtor["getRelatedPartyType"]["getName"]
    assert entry.counterparty_account == debtor["getAccount"]["getIdentification"]
    assert entry.remittance == entry.description == detail["getRemittanceInformation"]["getMessage"]


def test_genkgo_v4_single_transaction_in_another_currency_keeps_the_entry_amount() -> None:
    # Its only TxDtls says SEK 0; it is no batch, so the entry's EUR 8.85 is the amount
    # (genkgo too keeps the entry's amount beside the detail's).
    statement = only("genkgo/camt053.v4.xml")

    (entry,) = statement.entries
    assert (entry.amount, entry.currency, entry.batch_index) == (Decimal("8.85"), "EUR", 0)
    assert statement.head.account_owner == "FINPETROL" and statement.head.bic == ""


def test_genkgo_balances_in_mixed_currencies_are_read_as_written_not_refused() -> None:
    statement = only("genkgo/camt053.v2.minimal.xml")

    assert statement.head.opening is not None and statement.closing is not None and statement.end.available
    assert (statement.head.opening.currency, statement.closing.currency, statement.end.available.currency) == (
        "EUR",
        "SEK",
        "JPY",
    )
    assert statement.closing.amount == Decimal("-27.00")  # DBIT
    assert statement.head.currency == "EUR"  # Acct/Ccy
