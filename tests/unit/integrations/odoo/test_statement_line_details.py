"""What a bank file says of a line reaches Odoo where its reconciliation models look:
partner_name, account_number, transaction_type and transaction_details."""

from __future__ import annotations

from typing import Any

from integrations.canonical import BankStatementLine, parse_document
from integrations.odoo.builders import statement_line_vals
from integrations.odoo.requests import PostingRequest, Targets

FILE_LINE = {
    "bank_account": "NL91ABNA0417164300",
    "currency": "EUR",
    "amount": "-434.16",
    "date": "2026-11-14",
    "value_date": "2026-11-15",
    "description": "Invoice 2026-118 Acme",
    "counterparty_name": "ACME B.V.",
    "counterparty_account": "NL69INGB0123456789",
    "bank_reference": "2026111400012",
    "end_to_end_id": "E2E-118",
    "remittance": "Invoice 2026-118 Acme",
    "bank_code": "PMNT/ICDT/ESCT",
    "reversal": False,
    "statement": "2026-11-14 #318",
    "details": {"purpose": "SUPP"},
    "raw": "<Ntry><Amt Ccy='EUR'>434.16</Amt></Ntry>",
}


def request_for(doc: BankStatementLine, journal_id: int) -> PostingRequest:
    targets = Targets(company_id=1, journal_id=journal_id, currency_id=1)
    return PostingRequest("7", "bank", "bank_statement_line", "acct:2026111400012", doc, targets)


def test_a_file_line_posts_its_counterparty_code_and_details(odoo: Any) -> None:
    doc = parse_document("bank_statement_line", FILE_LINE)
    assert isinstance(doc, BankStatementLine)
    vals = statement_line_vals(request_for(doc, odoo.journal("BNK1")), doc, None, with_import_id=False)
    line_id = odoo.call("account.bank.statement.line", "create", vals)
    line = odoo.read1(
        "account.bank.statement.line",
        line_id,
        ["partner_name", "account_number", "transaction_type", "transaction_details", "amount", "payment_ref"],
    )
    assert line["partner_name"] == "ACME B.V."
    assert line["account_number"] == "NL69INGB0123456789"
    assert line["transaction_type"] == "PMNT/ICDT/ESCT"
    assert line["amount"] == -434.16 and line["payment_ref"] == "Invoice 2026-118 Acme"
    assert line["transaction_details"] == {
        "value_date": "2026-11-15",
        "bank_reference": "2026111400012",
        "end_to_end_id": "E2E-118",
        "remittance": "Invoice 2026-118 Acme",
        "statement": "2026-11-14 #318",
        "details": {"purpose": "SUPP"},
        "raw": "<Ntry><Amt Ccy='EUR'>434.16</Amt></Ntry>",
    }


def test_a_line_from_the_api_sends_no_file_fields(odoo: Any) -> None:
    doc = parse_document(
        "bank_statement_line", {k: FILE_LINE[k] for k in ("bank_account", "currency", "amount", "date", "description")}
    )
    assert isinstance(doc, BankStatementLine)
    vals = statement_line_vals(request_for(doc, odoo.journal("BNK1")), doc, None, with_import_id=False)
    assert not {"partner_name", "account_number", "transaction_type", "transaction_details"} & set(vals)
