"""An event's payload shown as the document it is (console/casework/payload_document.py):
header, lines and totals for every event kind, the override beside the value received, and the
raw JSON still one click away."""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Any

import pytest
from django.test import Client

from console.casework.models import ExceptionCase
from console.casework.payload_document import Document, Value, payload_document
from console.casework.services import actions
from tests.conftest import login
from tests.factories import (
    bank_line_event,
    credit_note_event,
    invoice_event,
    journal_entry_event,
    payment_event,
)
from tests.unit.console.casework.conftest import person

pytestmark = pytest.mark.django_db


def header(document: Document) -> dict[str, Any]:
    return {field.label: field.value.received for field in document.header}


def totals(document: Document) -> dict[str, Decimal | None]:
    return {total.label: total.amount for total in document.totals}


def rows(html: str, caption: str) -> list[list[str]]:
    """The body rows of the table with this caption, as the text of their cells."""
    start = html.index(f"<caption>{caption}</caption>")
    body = html[html.index("<tbody>", start) : html.index("</tbody>", start)]
    return [
        [re.sub(r"<[^>]+>", "", cell).strip() for cell in re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", row, re.S)]
        for row in re.findall(r"<tr[^>]*>(.*?)</tr>", body, re.S)
    ]


def test_the_case_page_shows_the_invoice_with_its_lines_totals_and_raw_json(
    blocked_case: ExceptionCase, client: Client
) -> None:
    html = login(client, "auditor").get(f"/cases/{blocked_case.pk}/").content.decode()
    assert '<h3 id="document-heading">The customer invoice</h3>' in html
    assert "<dt>Partner</dt><dd>Blue Harbor Cafe (CUST-001, ap@blueharbor.example)" in html
    assert "<dt>Document date</dt><dd>2026-11-20" in html and "<dt>Reference</dt><dd>#order-vat20" in html
    assert "<dt>Currency</dt><dd>USD" in html
    assert rows(html, "Lines (amounts in USD)") == [["1", "Espresso machine", "1", "100.00", "VAT20", "4000", "100.00"]]
    assert '<dt>Untaxed total</dt><dd><span class="num">$100.00</span>' in html
    assert "computed by Odoo from each line&#x27;s tax code" in html
    # The raw JSON, one click away.
    raw = html[html.index('<details class="raw">') :]
    assert "<summary" in raw and "&quot;tax_code&quot;: &quot;VAT20&quot;" in raw[: raw.index("</details>")]


def test_an_override_is_shown_beside_the_value_received(blocked_case: ExceptionCase, client: Client) -> None:
    olivia, actor = person("operator")
    actions.case_resubmit(
        user=olivia,
        actor=actor,
        case_id=blocked_case.pk,
        changes={"lines.0.tax_code": "SALES15", "lines.0.unit_price": "90.00"},
        reason="keyed wrong",
    )
    html = login(client, "operator").get(f"/cases/{blocked_case.pk}/").content.decode()
    [line] = re.findall(r"<tr><th scope=\"row\">1</th>.*?</tr>", html, re.S)
    assert '<del title="as received">VAT20</del> <ins title="the override, which posts">SALES15</ins>' in line
    assert '<del title="as received">100.00</del> <ins title="the override, which posts">90.00</ins>' in line
    assert '<del title="as received">$100.00</del> <ins title="with the override">$90.00</ins>' in html


def test_an_invoice_reads_as_header_lines_and_the_readers_total() -> None:
    data = invoice_event("inv-2")["data"]
    data["due_date"] = "2026-12-20"
    data["lines"].append({"description": "Beans", "quantity": "3", "unit_price": "33.335", "tax_code": "SALES15"})
    document = payload_document("customer_invoice", data, None)
    assert header(document)["Due date"] == "2026-12-20"
    assert [cell.received for cell in document.lines[1].cells] == [
        "Beans",
        Decimal("3"),
        Decimal("33.335"),  # as written: the reader refuses it, the page does not round it into shape
        "SALES15",
        "",
        Decimal("100.01"),  # 3 x 33.335, half-up to the cent, as Odoo rounds a line
    ]
    # The reader refuses 3 decimals: the total is then the lines' own sum, and the page says why.
    assert totals(document)["Untaxed total"] == Decimal("200.01") and "more than 2 decimal places" in document.unread
    assert all(isinstance(total.amount, Decimal | None) for total in document.totals)


def test_an_override_that_adds_a_line_shows_it_added_and_the_new_total() -> None:
    data = invoice_event("inv-3")["data"]
    extra = {"description": "Delivery", "quantity": "1", "unit_price": "15.00", "tax_code": "SALES15"}
    document = payload_document("customer_invoice", data, {"lines": [*data["lines"], extra]})
    assert [line.change for line in document.lines] == ["", "added"]
    [untaxed, _] = document.totals
    assert (untaxed.received, untaxed.amount, untaxed.changed) == (Decimal("100.00"), Decimal("115.00"), True)


def test_a_credit_note_names_the_invoice_it_credits() -> None:
    data = credit_note_event("refund-9", "order-1")["data"]
    document = payload_document("customer_credit_note", data, None)
    assert document.kind == "Customer credit note" and header(document)["Credits the invoice"] == "order-1"
    assert totals(document)["Untaxed total"] == Decimal("100.00") and "given back" in document.totals[0].note


def test_a_payment_reads_as_its_header_and_amount() -> None:
    data = payment_event("pay-9", invoice_external_id="order-1")["data"]
    document = payload_document("payment", data, {"amount": "110.00"})
    assert header(document)["Settles"] == "order-1" and header(document)["Payment method"] == "card"
    assert document.lines == [] and document.columns == []
    [amount] = document.totals
    assert (amount.received, amount.amount, amount.currency) == (Decimal("115.00"), Decimal("110.00"), "USD")


def test_a_bank_statement_line_reads_with_its_details_and_raw_entry() -> None:
    data = bank_line_event("bank-9", amount="-42.10")["data"]
    data.update(details={"purpose": "SEPA"}, raw=":61:2611211121D42,10NTRF", value_date="2026-11-22")
    document = payload_document("bank_statement_line", data, None)
    assert header(document)["Bank account"] == "operating" and header(document)["Value date"] == "2026-11-22"
    assert totals(document) == {"Amount (signed: money in is positive)": Decimal("-42.10")}
    assert [(f.label, f.value.received) for f in document.details] == [("purpose", "SEPA")]
    assert document.raw.startswith(":61:")


def test_a_journal_entry_reads_as_debit_and_credit_lines() -> None:
    data = journal_entry_event("je-9", amount="5000.00")["data"]
    document = payload_document("journal_entry", data, None)
    assert [column.label for column in document.columns] == [
        "Account code",
        "Description",
        "Partner",
        "Debit",
        "Credit",
    ]
    assert totals(document) == {"Total debit": Decimal("5000.00"), "Total credit": Decimal("5000.00")}


def test_a_payload_that_is_no_document_still_shows_what_it_holds() -> None:
    document = payload_document("customer_invoice", {"secret": "x", "lines": [{"quantity": "many"}]}, None)
    assert [cell.received for cell in document.lines[0].cells] == ["", "many", "", "", "", ""]
    assert totals(document) == {"Untaxed total": None, "Tax": None}
    assert document.unread
    assert payload_document("payment", ["not", "an", "object"], None).header == []


def test_values_are_compared_as_shown() -> None:
    assert Value("VAT20", "SALES15").changed and not Value("VAT20").changed
