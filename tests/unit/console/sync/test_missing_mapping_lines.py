"""A missing tax or account mapping is said with the lines that carry the code, 1-based with
their description; after an override, a line left with a code already unmapped as received
"still has" it."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from console.mappings.models import MappingKind
from console.sync.models import LegalEntity, SyncEvent
from console.sync.services.resolution import missing_mapping_message
from integrations.canonical import parse_document


def said(kind: str, payload: dict[str, Any], code_kind: str, code: str, override: dict[str, Any] | None = None) -> str:
    event = SyncEvent(
        kind=kind,
        entity=LegalEntity(code="US01"),
        occurred_at=datetime(2026, 11, 20, tzinfo=UTC),
        payload=payload,
        override=override,
    )
    return missing_mapping_message(event, parse_document(kind, event.effective_payload), code_kind, code)


def invoice(*taxes: str) -> dict[str, Any]:
    lines = [
        {"description": f"Item {n}", "quantity": "1", "unit_price": "1.00", "tax_code": tax}
        for n, tax in enumerate(taxes, start=1)
    ]
    return {"partner": {"name": "P"}, "currency": "USD", "invoice_date": "2026-11-20", "lines": lines}


def test_the_lines_with_the_code_are_named_and_many_are_counted() -> None:
    assert said("customer_invoice", invoice("VAT20", "S", "VAT20"), MappingKind.TAX, "VAT20") == (
        "Lines 1 (Item 1) and 3 (Item 3) have tax code VAT20 without a mapping in entity US01 at 2026-11-20: "
        "add a tax code mapping for VAT20 in US01."
    )
    many = said("customer_invoice", invoice(*["VAT20"] * 7), MappingKind.TAX, "VAT20")
    assert many.startswith("Lines 1 (Item 1), 2 (Item 2), 3 (Item 3), 4 (Item 4), 5 (Item 5) and 2 more have")


def test_after_an_override_a_line_left_with_the_received_code_still_has_it() -> None:
    fixed = {"lines.0.tax_code": "S"}
    assert said("customer_invoice", invoice("VAT20", "VAT20"), MappingKind.TAX, "VAT20", fixed).startswith(
        "Line 2 (Item 2) still has tax code VAT20 without a mapping"
    )
    # A code the override brought in is not "still" there.
    typo = {"lines.0.tax_code": "VAT21"}
    assert said("customer_invoice", invoice("VAT20"), MappingKind.TAX, "VAT21", typo).startswith(
        "Line 1 (Item 1) has tax code VAT21"
    )


def test_a_journal_lines_account_and_a_header_code() -> None:
    entry = {
        "currency": "USD",
        "date": "2026-11-20",
        "lines": [{"account_code": "6000", "debit": "5.00"}, {"account_code": "9999", "credit": "5.00"}],
    }
    assert said("journal_entry", entry, MappingKind.ACCOUNT, "9999").startswith("Line 2 has account code 9999")
    assert said("journal_entry", entry, MappingKind.JOURNAL, "journal_entry") == (
        "No journal mapping for 'journal_entry' in entity US01 at 2026-11-20: "
        "add a journal key mapping for journal_entry in US01."
    )
