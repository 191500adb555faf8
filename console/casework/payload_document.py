"""An event's payload read as the document it is: header fields, a lines table and totals, for
each event kind (integrations/canonical.py says what each holds), with the override applied
beside the value received.

It reads leniently: a payload the strict reader would refuse today (stored before a stricter
rule, or refused for the very field the case is about) still shows what it holds, and a value
that is not what its field should be is shown as the text it is. The totals are the canonical
reader's own (Odoo's rounding per line) when the payload reads, else the lines' sum as far as it
can be added up.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any

from console.sync.models import EventKind
from console.sync.overrides import payload_apply
from integrations.canonical import CENT, PayloadError, parse_document

Shown = str | Decimal


@dataclass(frozen=True)
class Value:
    """A field as received and, when an override changes it, what posts instead."""

    received: Shown
    applied: Shown | None = None
    numeric: bool = False  # a number, set right in a table

    @property
    def changed(self) -> bool:
        return self.applied is not None


@dataclass(frozen=True)
class Field:
    label: str
    value: Value


@dataclass(frozen=True)
class Column:
    label: str
    numeric: bool = False


@dataclass(frozen=True)
class Line:
    cells: list[Value]
    # "added" or "removed" by the override; "" for a line received and kept.
    change: str = ""


@dataclass(frozen=True)
class Total:
    label: str
    amount: Decimal | None  # None: the lines do not add up to a number (a value that is no amount)
    currency: str
    received: Decimal | None = None  # the total as received, when the override changes it
    note: str = ""

    @property
    def changed(self) -> bool:
        return self.received is not None and self.received != self.amount


@dataclass(frozen=True)
class Document:
    kind: str
    currency: str
    header: list[Field]
    columns: list[Column]
    lines: list[Line]
    lines_caption: str
    totals: list[Total]
    # Further named fields (a bank's transaction details) and the entry as the bank file wrote it.
    details: list[Field]
    raw: str
    # Why the totals are the lines' sum rather than the reader's: the payload does not read.
    unread: str = ""


# --- reading values -------------------------------------------------------------------------


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, str):
        return value
    return str(value)


def _decimal(value: Any) -> Decimal | None:
    """A decimal string as the reader takes it (never a JSON number: those are refused)."""
    if not isinstance(value, str) or not value.isascii():
        return None
    try:
        number = Decimal(value)
    except InvalidOperation:
        return None
    return number if number.is_finite() else None


def _number(value: Any) -> Shown:
    """A number as the payload writes it (a value the reader would refuse, 33.335, is not rounded
    into one it would take), else the text it is."""
    number = _decimal(value)
    return number if number is not None else _text(value)


def _partner(value: Any) -> str:
    if not isinstance(value, dict):
        return _text(value)
    name = _text(value.get("name"))
    ids = [_text(value.get(key)) for key in ("ref", "vat", "email") if value.get(key)]
    return f"{name} ({', '.join(ids)})" if ids else name


def _value(received: Any, applied: Any, show: Callable[[Any], Shown]) -> Value:
    before, after = show(received), show(applied)
    return Value(before, after if after != before else None)


def _obj(value: Any) -> Mapping[str, Any]:
    return value if isinstance(value, dict) else {}


def _lines_of(payload: Mapping[str, Any]) -> list[Mapping[str, Any]]:
    lines = payload.get("lines")
    return [_obj(line) for line in lines] if isinstance(lines, list) else []


# --- the parts of each kind -------------------------------------------------------------------

# (label, payload field, how it is shown)
HeaderSpec = tuple[str, str, Callable[[Any], Shown]]
INVOICE_HEADER: list[HeaderSpec] = [
    ("Partner", "partner", _partner),
    ("Document date", "invoice_date", _text),
    ("Due date", "due_date", _text),
    ("Reference", "reference", _text),
    ("Currency", "currency", _text),
    ("Journal", "journal", _text),
]
CREDIT_NOTE_HEADER: list[HeaderSpec] = [*INVOICE_HEADER, ("Credits the invoice", "reversed_external_id", _text)]
PAYMENT_HEADER: list[HeaderSpec] = [
    ("Partner", "partner", _partner),
    ("Date", "date", _text),
    ("Direction", "direction", _text),
    ("Counterparty", "counterparty", _text),
    ("Reference", "reference", _text),
    ("Currency", "currency", _text),
    ("Payment method", "payment_method", _text),
    ("Settles", "invoice_external_id", _text),
    ("At source", "invoice_source", _text),
]
BANK_LINE_HEADER: list[HeaderSpec] = [
    ("Bank account", "bank_account", _text),
    ("Date", "date", _text),
    ("Value date", "value_date", _text),
    ("Description", "description", _text),
    ("Partner", "partner", _partner),
    ("Counterparty", "counterparty_name", _text),
    ("Counterparty account", "counterparty_account", _text),
    ("Reference", "reference", _text),
    ("Bank reference", "bank_reference", _text),
    ("End-to-end id", "end_to_end_id", _text),
    ("Remittance", "remittance", _text),
    ("Bank code", "bank_code", _text),
    ("Reversal", "reversal", _text),
    ("Statement", "statement", _text),
    ("Currency", "currency", _text),
]
JOURNAL_HEADER: list[HeaderSpec] = [
    ("Date", "date", _text),
    ("Reference", "reference", _text),
    ("Journal", "journal", _text),
    ("Currency", "currency", _text),
]
HEADERS: dict[str, list[HeaderSpec]] = {
    EventKind.CUSTOMER_INVOICE: INVOICE_HEADER,
    EventKind.VENDOR_BILL: INVOICE_HEADER,
    EventKind.CUSTOMER_CREDIT_NOTE: CREDIT_NOTE_HEADER,
    EventKind.VENDOR_CREDIT_NOTE: CREDIT_NOTE_HEADER,
    EventKind.PAYMENT: PAYMENT_HEADER,
    EventKind.BANK_STATEMENT_LINE: BANK_LINE_HEADER,
    EventKind.JOURNAL_ENTRY: JOURNAL_HEADER,
}
INVOICE_KINDS = (
    EventKind.CUSTOMER_INVOICE,
    EventKind.VENDOR_BILL,
    EventKind.CUSTOMER_CREDIT_NOTE,
    EventKind.VENDOR_CREDIT_NOTE,
)


def _line_total(line: Mapping[str, Any]) -> Decimal | None:
    # As canonical.InvoiceLine.subtotal: half-up to the cent, as Odoo rounds a line.
    quantity, price = _decimal(line.get("quantity")), _decimal(line.get("unit_price"))
    if quantity is None or price is None or abs(quantity) >= Decimal(10) ** 15 or abs(price) >= Decimal(10) ** 15:
        return None
    return (quantity * price).quantize(CENT, rounding=ROUND_HALF_UP)


def _invoice_cells(line: Mapping[str, Any]) -> list[Shown]:
    total = _line_total(line)
    return [
        _text(line.get("description")),
        _number(line.get("quantity")),
        _number(line.get("unit_price")),
        _text(line.get("tax_code")),
        _text(line.get("account_code")),
        total if total is not None else "",
    ]


def _journal_cells(line: Mapping[str, Any]) -> list[Shown]:
    return [
        _text(line.get("account_code")),
        _text(line.get("description")),
        _partner(line.get("partner")) if line.get("partner") is not None else "",
        _number(line.get("debit")) if line.get("debit") not in (None, "") else "",
        _number(line.get("credit")) if line.get("credit") not in (None, "") else "",
    ]


INVOICE_COLUMNS = [
    Column("Description"),
    Column("Quantity", numeric=True),
    Column("Unit price", numeric=True),
    Column("Tax code"),
    Column("Account code"),
    Column("Line total", numeric=True),
]
JOURNAL_COLUMNS = [
    Column("Account code"),
    Column("Description"),
    Column("Partner"),
    Column("Debit", numeric=True),
    Column("Credit", numeric=True),
]


def _lines(
    received: Mapping[str, Any],
    applied: Mapping[str, Any],
    cells: Callable[[Mapping[str, Any]], list[Shown]],
    columns: list[Column],
) -> list[Line]:
    """The lines as received beside the override's: a line the override adds or removes is one row."""
    before, after = _lines_of(received), _lines_of(applied)

    def row(values: list[Shown], others: list[Shown] | None = None, change: str = "") -> Line:
        pairs = zip(values, others if others is not None else values, columns, strict=True)
        return Line([Value(b, a if a != b else None, column.numeric) for b, a, column in pairs], change)

    rows = []
    for index in range(max(len(before), len(after))):
        if index >= len(before):
            rows.append(row(cells(after[index]), change="added"))
        elif index >= len(after):
            rows.append(row(cells(before[index]), change="removed"))
        else:
            rows.append(row(cells(before[index]), cells(after[index])))
    return rows


def _sum(values: list[Decimal | None]) -> Decimal | None:
    return None if any(v is None for v in values) else sum((v for v in values if v is not None), Decimal("0.00"))


def _reader_amount(kind: str, payload: Mapping[str, Any]) -> tuple[Decimal | None, str]:
    """The document's amount as the canonical reader computes it (what posts), or why it does not read."""
    try:
        return parse_document(kind, payload).amount, ""
    except PayloadError as err:
        return None, str(err)


def _untaxed(kind: str, payload: Mapping[str, Any]) -> tuple[Decimal | None, str]:
    amount, unread = _reader_amount(kind, payload)
    if amount is None:
        amount = _sum([_line_total(line) for line in _lines_of(payload)])
    return amount, unread


def _invoice_totals(
    kind: str, received: Mapping[str, Any], applied: Mapping[str, Any], currency: str, *, overridden: bool
) -> tuple[list[Total], str]:
    amount, unread = _untaxed(kind, applied)
    before = _untaxed(kind, received)[0] if overridden else None
    refund = kind in (EventKind.CUSTOMER_CREDIT_NOTE, EventKind.VENDOR_CREDIT_NOTE)
    note = "given back: a credit note's lines are positive, its kind carries the sign" if refund else ""
    return [
        Total("Untaxed total", amount, currency, before, note),
        # The payload gives tax codes, not tax amounts: Odoo computes the tax from each line's code.
        Total("Tax", None, currency, note="computed by Odoo from each line's tax code; the payload states none"),
    ], unread


def _journal_totals(applied: Mapping[str, Any], currency: str) -> list[Total]:
    lines = _lines_of(applied)

    def side(name: str) -> Decimal | None:
        # A journal line holds one of debit or credit; the other is left out.
        return _sum([Decimal("0.00") if line.get(name) in (None, "") else _decimal(line.get(name)) for line in lines])

    return [Total("Total debit", side("debit"), currency), Total("Total credit", side("credit"), currency)]


def _amount_total(label: str, received: Mapping[str, Any], applied: Mapping[str, Any], currency: str) -> list[Total]:
    after, before = _decimal(applied.get("amount")), _decimal(received.get("amount"))
    return [Total(label, after, currency, before if before != after else None)]


def payload_document(kind: str, payload: Any, override: dict[str, Any] | None) -> Document:
    """The payload as received, with the override applied beside it, as its kind's document."""
    received = _obj(payload)
    try:
        effective = payload_apply(payload, override or {})
    except ValueError:
        effective = payload  # an override that no longer applies: the page shows it in its own table
    applied = _obj(effective)
    currency = _text(applied.get("currency"))
    header = [
        Field(label, _value(received.get(name), applied.get(name), show))
        for label, name, show in HEADERS.get(kind, [])
        if received.get(name) not in (None, "") or applied.get(name) not in (None, "")
    ]
    columns: list[Column] = []
    lines: list[Line] = []
    totals: list[Total] = []
    caption, unread = "", ""
    if kind in INVOICE_KINDS:
        columns, caption = INVOICE_COLUMNS, f"Lines (amounts in {currency})"
        lines = _lines(received, applied, _invoice_cells, columns)
        totals, unread = _invoice_totals(kind, received, applied, currency, overridden=bool(override))
    elif kind == EventKind.JOURNAL_ENTRY:
        columns, caption = JOURNAL_COLUMNS, f"Lines (amounts in {currency})"
        lines = _lines(received, applied, _journal_cells, columns)
        totals = _journal_totals(applied, currency)
    elif kind == EventKind.PAYMENT:
        totals = _amount_total("Amount", received, applied, currency)
    elif kind == EventKind.BANK_STATEMENT_LINE:
        totals = _amount_total("Amount (signed: money in is positive)", received, applied, currency)
    details = [Field(_text(name), Value(_text(text))) for name, text in _obj(applied.get("details")).items()]
    return Document(
        kind=EventKind(kind).label if kind in EventKind.values else kind,
        currency=currency,
        header=header,
        columns=columns,
        lines=lines,
        lines_caption=caption,
        totals=totals,
        details=details,
        raw=_text(applied.get("raw")) if kind == EventKind.BANK_STATEMENT_LINE else "",
        unread=unread,
    )
