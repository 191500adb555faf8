"""Properties of the strict reader, for arbitrary input: it answers a document that can be
stored as it is, or a PayloadError naming a field; nothing else ever escapes it. And what
the ingest schema allows, it accepts, unless a rule the schema cannot state is broken."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from console.sync.api.schema import DATA_BY_KIND
from integrations.canonical import (
    FIRST_YEAR,
    KINDS,
    LAST_YEAR,
    MAX_ABS_AMOUNT,
    BankStatementLine,
    Document,
    Invoice,
    JournalEntry,
    PayloadError,
    Payment,
    parse_document,
    storable_problem,
)
from integrations.iso4217 import ACTIVE_CURRENCIES
from tests.factories import bank_line_event, credit_note_event, invoice_event, journal_entry_event, payment_event
from tests.strategies import CROSS_FIELD_RULES, JSON, examples, from_schema, mutated

VALID = {
    "customer_invoice": invoice_event()["data"],
    "customer_credit_note": credit_note_event("r", "order-1")["data"],
    "payment": payment_event("p", "o-1")["data"],
    "bank_statement_line": bank_line_event("t")["data"],
    "journal_entry": journal_entry_event("j")["data"],
}
SCHEMA_DATA = {kind: from_schema(DATA_BY_KIND[kind]) for kind in KINDS}


def assert_storable(doc: Document) -> None:
    """Everything a document holds fits its column: amounts, text, dates."""
    amounts = [doc.amount]
    texts = [getattr(doc, name) for name in ("currency", "reference") if hasattr(doc, name)]
    dates = [doc.invoice_date if isinstance(doc, Invoice) else doc.date]
    if isinstance(doc, Invoice):
        amounts += [line.subtotal for line in doc.lines] + [sum(abs(line.subtotal) for line in doc.lines)]
        texts += [doc.partner.name] + [line.description for line in doc.lines]
    elif isinstance(doc, JournalEntry):
        amounts += [line.debit + line.credit for line in doc.lines] + [sum(line.credit for line in doc.lines)]
        texts += [line.account_code for line in doc.lines]
    elif isinstance(doc, Payment | BankStatementLine):
        texts += [doc.partner.name] if doc.partner is not None else []
    assert all(abs(amount) < MAX_ABS_AMOUNT for amount in amounts), amounts
    assert all(storable_problem(text) is None for text in texts), texts
    assert all(FIRST_YEAR <= day.year <= LAST_YEAR for day in dates), dates
    assert doc.currency in ACTIVE_CURRENCIES


def parse_or_refuse(kind: str, data: Any) -> Document | PayloadError:
    try:
        doc = parse_document(kind, data)
    except PayloadError as err:
        assert err.path == "kind" or err.path.startswith("data"), err.path
        str(err).encode("utf-8")  # the message can be sent as JSON as it is
        return err
    assert_storable(doc)
    return doc


@given(kind=st.sampled_from(KINDS), data=JSON)
def test_arbitrary_json_is_a_storable_document_or_a_named_refusal(kind: str, data: Any) -> None:
    parse_or_refuse(kind, data)


@pytest.mark.parametrize("kind", sorted(VALID))
@given(data=st.data())
def test_a_valid_document_with_one_hostile_place_is_storable_or_refused_by_name(kind: str, data: st.DataObject) -> None:
    parse_or_refuse(kind, data.draw(mutated(VALID[kind])))


# A vendor bill's data is an invoice's (one schema, one reader): the customer invoice stands for
# both, and the customer credit note for the vendor's.
@pytest.mark.parametrize("kind", [kind for kind in KINDS if kind not in ("vendor_bill", "vendor_credit_note")])
@examples(75)
@given(data=st.data())
def test_what_the_schema_allows_the_reader_accepts_unless_a_cross_field_rule_is_broken(
    kind: str, data: st.DataObject
) -> None:
    generated = data.draw(SCHEMA_DATA[kind])
    outcome = parse_or_refuse(kind, generated)
    if isinstance(outcome, PayloadError):
        assert any(rule in outcome.message for rule in CROSS_FIELD_RULES), (
            f"the schema allows what the reader refuses: {outcome}"
        )
