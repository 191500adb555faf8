"""Building valid events for tests; each test changes only what it is about."""

from __future__ import annotations

import copy
from typing import Any


def invoice_event(external_id: str = "order-1", **changes: Any) -> dict[str, Any]:
    event: dict[str, Any] = {
        "source": "shopify",
        "external_id": external_id,
        "kind": "customer_invoice",
        "entity": "US01",
        "occurred_at": "2026-11-20T10:00:00Z",
        "correlation_id": f"corr-{external_id}",
        "data": {
            "partner": {"name": "Blue Harbor Cafe", "ref": "CUST-001", "email": "ap@blueharbor.example"},
            "currency": "USD",
            "invoice_date": "2026-11-20",
            # Each order its own name, as a shop numbers them: orders sharing one would be one
            # document to the console's business key (casework/causes.py).
            "reference": f"#{external_id}",
            "lines": [
                {
                    "description": "Espresso machine",
                    "quantity": "1",
                    "unit_price": "100.00",
                    "tax_code": "SALES15",
                    "account_code": "4000",
                }
            ],
        },
    }
    event.update(changes)
    return event


def with_data(event: dict[str, Any], **data: Any) -> dict[str, Any]:
    changed = copy.deepcopy(event)
    changed["data"].update(data)
    return changed


def payment_event(external_id: str, invoice_external_id: str = "", amount: str = "115.00") -> dict[str, Any]:
    data: dict[str, Any] = {
        "partner": {"name": "Blue Harbor Cafe", "ref": "CUST-001"},
        "currency": "USD",
        "amount": amount,
        "date": "2026-11-21",
        "payment_method": "card",
    }
    if invoice_external_id:
        data["invoice_external_id"] = invoice_external_id
        data["invoice_source"] = "shopify"
    return {
        "source": "stripe",
        "external_id": external_id,
        "kind": "payment",
        "entity": "US01",
        "occurred_at": "2026-11-21T10:00:00Z",
        "data": data,
    }


def bank_line_event(external_id: str, amount: str = "250.00") -> dict[str, Any]:
    return {
        "source": "bankfeed",
        "external_id": external_id,
        "kind": "bank_statement_line",
        "entity": "US01",
        "occurred_at": "2026-11-21T08:00:00Z",
        "data": {
            "bank_account": "operating",
            "currency": "USD",
            "amount": amount,
            "date": "2026-11-21",
            "description": "CARD SETTLEMENT",
        },
    }


def journal_entry_event(external_id: str, amount: str = "5000.00") -> dict[str, Any]:
    return {
        "source": "payroll",
        "external_id": external_id,
        "kind": "journal_entry",
        "entity": "US01",
        "occurred_at": "2026-11-21T08:00:00Z",
        "data": {
            "currency": "USD",
            "date": "2026-11-21",
            "reference": "Payroll November",
            "lines": [
                {"account_code": "6000", "description": "Salaries", "debit": amount},
                {"account_code": "2100", "description": "Net pay payable", "credit": amount},
            ],
        },
    }


def vendor_bill_event(external_id: str, invoice_date: str = "2026-11-20") -> dict[str, Any]:
    return {
        "source": "coupa",
        "external_id": external_id,
        "kind": "vendor_bill",
        "entity": "US01",
        "occurred_at": "2026-11-20T09:00:00Z",
        "data": {
            "partner": {"name": "Paper & Co", "ref": "VEND-001"},
            "currency": "USD",
            "invoice_date": invoice_date,
            "reference": "PC-7781",
            "lines": [
                {
                    "description": "Paper",
                    "quantity": "10",
                    "unit_price": "12.50",
                    "tax_code": "PURCH15",
                    "account_code": "6000",
                }
            ],
        },
    }


def credit_note_event(
    external_id: str = "refund-1", reversed_external_id: str = "", *, vendor: bool = False, **changes: Any
) -> dict[str, Any]:
    """A credit note: the lines of the invoice (or bill) factory's event, positive like
    theirs, under the credit-note kind, naming the event it credits when given."""
    base = vendor_bill_event(external_id) if vendor else invoice_event(external_id)
    event: dict[str, Any] = {
        **base,
        "kind": "vendor_credit_note" if vendor else "customer_credit_note",
        "occurred_at": "2026-11-22T10:00:00Z",
        "correlation_id": f"corr-{external_id}",
    }
    event["data"] = {**base["data"], "invoice_date": "2026-11-22", "reference": f"credit {external_id}"}
    if reversed_external_id:
        event["data"]["reversed_external_id"] = reversed_external_id
    event.update(changes)
    return event
