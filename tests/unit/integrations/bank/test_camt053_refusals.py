"""What camt053.read refuses, and that the refusal says where: the line lxml gives and the
element path a person would look for."""

from __future__ import annotations

import pytest

from tests.unit.integrations.bank.camt_documents import HEAD, document, ntry, one, refusal, stmt


def line_of(data: bytes, needle: str) -> int:
    return data.decode().split(needle)[0].count("\n") + 1


@pytest.mark.parametrize("written", ["12,5", "-12.50", "1e3", "", " ", "12.", ".5", "1.123456", "1" * 19, "١٢"])
def test_a_malformed_amount_is_refused_with_its_line_and_path(written: str) -> None:
    data = one(ntry("1.00"), ntry("2.00"), ntry(written))

    refused = refusal(data)

    line = line_of(data, f'<Amt Ccy="EUR">{written}</Amt>')
    assert str(refused) == f"line {line}, Stmt[1]/Ntry[3]/Amt: not an amount: {written.strip()!r}"


def test_the_issues_example_reads_as_promised() -> None:
    data = one(ntry("1.00"), ntry("2.00"), ntry("12,5"))

    assert str(refusal(data)).endswith("Stmt[1]/Ntry[3]/Amt: not an amount: '12,5'")
    assert str(refusal(data)).startswith("line ")


def test_a_missing_amount_is_refused() -> None:
    assert str(refusal(one(ntry(None)))).endswith("Stmt[1]/Ntry[1]/Amt: no amount")


@pytest.mark.parametrize(("currency", "why"), [("EURO", "not a currency code: 'EURO'"), ("eur", "'eur'"), ("", "''")])
def test_a_currency_that_is_not_three_capitals_is_refused(currency: str, why: str) -> None:
    assert why in str(refusal(one(ntry("1.00", currency=currency))))


def test_an_amount_without_ccy_is_refused() -> None:
    data = one(ntry(None, after_dates="<Amt>1.00</Amt>"))

    assert str(refusal(data)).endswith("Stmt[1]/Ntry[1]/Amt: the amount has no Ccy")


@pytest.mark.parametrize(
    ("booking", "why"),
    [
        ("<BookgDt><Dt>2025-02-30</Dt></BookgDt>", "Stmt[1]/Ntry[1]/BookgDt/Dt: not a date: '2025-02-30'"),
        ("<BookgDt><Dt>01.03.2025</Dt></BookgDt>", "Stmt[1]/Ntry[1]/BookgDt/Dt: not a date: '01.03.2025'"),
        ("<BookgDt><Dt>20250301</Dt></BookgDt>", "not a date: '20250301'"),
        ("<BookgDt><DtTm>2025-03-01 10:00</DtTm></BookgDt>", "BookgDt/DtTm: not a date and time: '2025-03-01 10:00'"),
        ("<BookgDt><DtTm>2025-03-01T25:00:00</DtTm></BookgDt>", "not a date and time"),
    ],
)
def test_a_malformed_date_is_refused(booking: str, why: str) -> None:
    assert why in str(refusal(one(ntry(booking=booking))))


def test_a_date_holder_without_dt_or_dttm_is_refused() -> None:
    refused = str(refusal(one(ntry(booking="<BookgDt><Day>2025-03-01</Day></BookgDt>"))))

    assert refused.endswith("Stmt[1]/Ntry[1]/BookgDt: neither Dt nor DtTm")


def test_a_booked_entry_without_any_date_is_refused() -> None:
    assert "neither BookgDt nor ValDt" in str(refusal(one(ntry(booking="", value=""))))


@pytest.mark.parametrize(("direction", "why"), [("", "neither CRDT nor DBIT: ''"), ("CREDIT", "'CREDIT'")])
def test_a_direction_other_than_crdt_or_dbit_is_refused(direction: str, why: str) -> None:
    assert why in str(refusal(one(ntry("1.00", direction))))


def test_a_batch_whose_transactions_do_not_add_up_is_refused_with_the_entrys_path() -> None:
    txs = '<TxDtls><Amt Ccy="EUR">1.00</Amt></TxDtls><TxDtls><Amt Ccy="EUR">2.00</Amt></TxDtls>'
    data = one(ntry("1.00"), ntry("3.01", details=txs))

    refused = refusal(data)

    line = line_of(data, '<Amt Ccy="EUR">3.01')
    assert str(refused) == (
        f"line {line}, Stmt[1]/Ntry[2]: the entry's 2 transactions add up to 3.00 EUR, the entry to 3.01 EUR"
    )


def test_a_batch_of_a_debit_adds_up_signed() -> None:
    txs = '<TxDtls><Amt Ccy="EUR">1.00</Amt></TxDtls>'
    txs += '<TxDtls><Amt Ccy="EUR">2.00</Amt><CdtDbtInd>CRDT</CdtDbtInd></TxDtls>'

    assert "add up to 1.00 EUR, the entry to -3.00 EUR" in str(refusal(one(ntry("3.00", "DBIT", details=txs))))


def test_a_transaction_of_a_batch_without_an_amount_is_refused_with_its_path() -> None:
    txs = '<TxDtls><Amt Ccy="EUR">1.00</Amt></TxDtls><TxDtls><Refs><EndToEndId>X</EndToEndId></Refs></TxDtls>'

    refused = str(refusal(one(ntry("3.00", details=txs))))

    assert refused.endswith(
        "Stmt[1]/Ntry[1]/NtryDtls/TxDtls[2]: a transaction of a batch with no Amt nor AmtDtls/TxAmt/Amt"
    )


def test_a_transaction_of_a_batch_in_another_currency_is_refused() -> None:
    txs = '<TxDtls><Amt Ccy="EUR">1.00</Amt></TxDtls><TxDtls><Amt Ccy="USD">2.00</Amt></TxDtls>'

    refused = str(refusal(one(ntry("3.00", details=txs))))

    assert "Stmt[1]/Ntry[1]/NtryDtls/TxDtls[2]/Amt: the transaction is in USD, its entry in EUR" in refused


def test_a_malformed_balance_is_refused_with_its_path() -> None:
    head = HEAD.replace('<Amt Ccy="EUR">110.00</Amt>', '<Amt Ccy="EUR">110,00</Amt>')

    assert "Stmt[1]/Bal[2]/Amt: not an amount: '110,00'" in str(refusal(document(stmt(ntry(), head=head))))


def test_a_statement_without_an_account_is_refused() -> None:
    head = HEAD.replace("<IBAN>DE89370400440532013000</IBAN>", "")

    assert "Stmt[1]: no account" in str(refusal(document(stmt(head=head))))


def test_a_malformed_creation_time_is_refused() -> None:
    head = HEAD.replace("2025-03-01T06:00:00+01:00", "yesterday")

    assert "Stmt[1]/CreDtTm: not a date and time: 'yesterday'" in str(refusal(document(stmt(head=head))))


@pytest.mark.parametrize(
    ("namespace", "why"),
    [
        (
            "urn:iso:std:iso:20022:tech:xsd:camt.054.001.08",
            "namespace is 'urn:iso:std:iso:20022:tech:xsd:camt.054.001.08'",
        ),
        ("urn:iso:std:iso:20022:tech:xsd:camt.052.001.02", "camt.052.001.02"),
        ("urn:iso:std:iso:20022:tech:xsd:pain.001.001.03", "pain.001.001.03"),
        ("urn:iso:std:iso:20022:tech:xsd:camt.053.001.2", "camt.053.001.2'"),
        ("ISO:camt.053.001.02", "'ISO:camt.053.001.02'"),
    ],
)
def test_other_documents_are_refused_naming_the_namespace_found(namespace: str, why: str) -> None:
    data = one(ntry()).replace(b"urn:iso:std:iso:20022:tech:xsd:camt.053.001.02", namespace.encode())

    refused = str(refusal(data))

    assert refused.startswith("not a camt.053 statement: the document's namespace") and why in refused


def test_a_document_without_namespace_or_of_another_root_is_refused() -> None:
    bare = one(ntry()).replace(b' xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.02"', b"")
    other = b'<?xml version="1.0"?><html xmlns="http://www.w3.org/1999/xhtml"><body/></html>'

    assert str(refusal(bare)) == "not a camt.053 statement: the document's namespace is missing"
    assert "the root element is '{http://www.w3.org/1999/xhtml}html', not Document" in str(refusal(other))


def test_a_camt053_document_without_statements_is_refused() -> None:
    assert "holds no statement" in str(refusal(document()))
