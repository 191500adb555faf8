"""Canonical finance objects: what every source adapter produces and every
target builder consumes. Codes (tax, account, journal key, currency) are the
source's; resolving them to Odoo records is the console's job.

`parse_document(kind, data)` is the one strict reader of an event's `data`:
ingestion calls it to refuse bad input and posting calls it to rebuild the
object from the stored payload.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any, Literal

KINDS = ("customer_invoice", "vendor_bill", "payment", "bank_statement_line", "journal_entry")
MAX_LINES = 500
MAX_TEXT = 1000
MAX_NAME = 256
MAX_CODE = 64
# 10^13 keeps every amount inside NUMERIC(18, 2) with room for line products.
MAX_ABS_AMOUNT = Decimal("10000000000000")
CENT = Decimal("0.01")
_DATE_RE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_CURRENCY_RE = re.compile(r"^[A-Z]{3}$")


class PayloadError(ValueError):
    """Bad input, naming the field by its path (e.g. `data.lines[2].unit_price`)."""

    def __init__(self, path: str, message: str) -> None:
        super().__init__(f"{path}: {message}")
        self.path = path
        self.message = message


@dataclass(frozen=True, slots=True)
class Partner:
    name: str
    email: str = ""
    vat: str = ""
    ref: str = ""


@dataclass(frozen=True, slots=True)
class InvoiceLine:
    description: str
    quantity: Decimal
    unit_price: Decimal
    tax_code: str = ""
    account_code: str = ""

    @property
    def subtotal(self) -> Decimal:
        # Half-up, as Odoo rounds amounts to the currency (float_round), so our
        # amount at stake matches the untaxed amount Odoo shows.
        return (self.quantity * self.unit_price).quantize(CENT, rounding=ROUND_HALF_UP)


@dataclass(frozen=True, slots=True)
class Invoice:
    """A customer invoice or a vendor bill (`direction` tells which)."""

    direction: Literal["customer", "vendor"]
    partner: Partner
    currency: str
    invoice_date: date
    due_date: date | None
    reference: str
    journal_key: str
    lines: tuple[InvoiceLine, ...]

    @property
    def amount(self) -> Decimal:
        return sum((line.subtotal for line in self.lines), Decimal("0.00"))


@dataclass(frozen=True, slots=True)
class Payment:
    direction: Literal["inbound", "outbound"]
    partner: Partner
    currency: str
    amount: Decimal
    date: date
    payment_method: str
    invoice_external_id: str
    invoice_source: str
    reference: str


@dataclass(frozen=True, slots=True)
class BankStatementLine:
    bank_account: str
    currency: str
    amount: Decimal
    date: date
    description: str
    partner: Partner | None
    reference: str


@dataclass(frozen=True, slots=True)
class JournalLine:
    account_code: str
    description: str
    debit: Decimal
    credit: Decimal
    partner: Partner | None


@dataclass(frozen=True, slots=True)
class JournalEntry:
    currency: str
    date: date
    reference: str
    journal_key: str
    lines: tuple[JournalLine, ...]

    @property
    def amount(self) -> Decimal:
        return sum((line.debit for line in self.lines), Decimal("0.00"))


Document = Invoice | Payment | BankStatementLine | JournalEntry


# --- the reader ----------------------------------------------------------------


def _obj(value: Any, path: str) -> Mapping[str, Any]:
    if not isinstance(value, dict):
        raise PayloadError(path, "must be an object")
    return value


def _text(obj: Mapping[str, Any], key: str, path: str, *, required: bool, limit: int = MAX_TEXT) -> str:
    value = obj.get(key)
    where = f"{path}.{key}"
    if value is None or value == "":
        if required:
            raise PayloadError(where, "is required")
        return ""
    if not isinstance(value, str):
        raise PayloadError(where, "must be a string")
    if len(value) > limit:
        raise PayloadError(where, f"is longer than {limit} characters")
    if "\x00" in value:
        # PostgreSQL cannot store NUL in text or jsonb; refuse it here, by name.
        raise PayloadError(where, "contains a NUL character")
    if required and not value.strip():
        raise PayloadError(where, "is required")
    return value


def _decimal(obj: Mapping[str, Any], key: str, path: str, *, required: bool = True) -> Decimal:
    value = obj.get(key)
    where = f"{path}.{key}"
    if value is None or value == "":
        if required:
            raise PayloadError(where, "is required")
        return Decimal("0.00")
    if isinstance(value, bool) or isinstance(value, float):
        raise PayloadError(where, 'must be a decimal string such as "100.00", not a JSON number')
    if isinstance(value, int):
        number = Decimal(value)
    elif isinstance(value, str):
        try:
            number = Decimal(value.strip())
        except InvalidOperation:
            raise PayloadError(where, f"{value[:40]!r} is not a decimal number") from None
    else:
        raise PayloadError(where, "must be a decimal string")
    if not number.is_finite():
        raise PayloadError(where, "must be a finite number")
    exponent = number.as_tuple().exponent
    if isinstance(exponent, int) and exponent < -2:
        raise PayloadError(where, "has more than 2 decimal places")
    if abs(number) >= MAX_ABS_AMOUNT:
        raise PayloadError(where, "is too large")
    return number.quantize(CENT)


def _date(obj: Mapping[str, Any], key: str, path: str, *, required: bool = True) -> date | None:
    value = obj.get(key)
    where = f"{path}.{key}"
    if value is None or value == "":
        if required:
            raise PayloadError(where, "is required")
        return None
    if not isinstance(value, str) or not _DATE_RE.match(value):
        raise PayloadError(where, "must be a date YYYY-MM-DD")
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise PayloadError(where, f"{value!r} is not a valid date") from None


def _currency(obj: Mapping[str, Any], path: str) -> str:
    value = _text(obj, "currency", path, required=True, limit=3)
    if not _CURRENCY_RE.match(value):
        raise PayloadError(f"{path}.currency", "must be an ISO 4217 code such as USD")
    return value


def _partner(value: Any, path: str) -> Partner:
    obj = _obj(value, path)
    return Partner(
        name=_text(obj, "name", path, required=True, limit=MAX_NAME),
        email=_text(obj, "email", path, required=False, limit=MAX_NAME),
        vat=_text(obj, "vat", path, required=False, limit=MAX_CODE),
        ref=_text(obj, "ref", path, required=False, limit=MAX_CODE),
    )


def _lines(obj: Mapping[str, Any], path: str, *, minimum: int) -> list[Any]:
    value = obj.get("lines")
    where = f"{path}.lines"
    if not isinstance(value, list):
        raise PayloadError(where, "must be a list")
    if len(value) < minimum:
        raise PayloadError(where, f"needs at least {minimum} line{'s' if minimum > 1 else ''}")
    if len(value) > MAX_LINES:
        raise PayloadError(where, f"has more than {MAX_LINES} lines")
    return value


def _invoice(data: Mapping[str, Any], path: str, direction: Literal["customer", "vendor"]) -> Invoice:
    lines = []
    for index, raw in enumerate(_lines(data, path, minimum=1)):
        where = f"{path}.lines[{index}]"
        line = _obj(raw, where)
        quantity = _decimal(line, "quantity", where)
        if quantity <= 0:
            raise PayloadError(f"{where}.quantity", "must be positive")
        lines.append(
            InvoiceLine(
                description=_text(line, "description", where, required=True),
                quantity=quantity,
                unit_price=_decimal(line, "unit_price", where),
                tax_code=_text(line, "tax_code", where, required=False, limit=MAX_CODE),
                account_code=_text(line, "account_code", where, required=False, limit=MAX_CODE),
            )
        )
    invoice_date = _date(data, "invoice_date", path)
    due_date = _date(data, "due_date", path, required=False)
    assert invoice_date is not None
    if due_date is not None and due_date < invoice_date:
        raise PayloadError(f"{path}.due_date", "is before invoice_date")
    return Invoice(
        direction=direction,
        partner=_partner(data.get("partner"), f"{path}.partner"),
        currency=_currency(data, path),
        invoice_date=invoice_date,
        due_date=due_date,
        reference=_text(data, "reference", path, required=False, limit=MAX_NAME),
        journal_key=_text(data, "journal", path, required=False, limit=MAX_CODE)
        or ("customer_invoice" if direction == "customer" else "vendor_bill"),
        lines=tuple(lines),
    )


def _payment(data: Mapping[str, Any], path: str) -> Payment:
    direction = data.get("direction", "inbound")
    if direction not in ("inbound", "outbound"):
        raise PayloadError(f"{path}.direction", "must be inbound or outbound")
    amount = _decimal(data, "amount", path)
    if amount <= 0:
        raise PayloadError(f"{path}.amount", "must be positive")
    paid_on = _date(data, "date", path)
    assert paid_on is not None
    return Payment(
        direction=direction,
        partner=_partner(data.get("partner"), f"{path}.partner"),
        currency=_currency(data, path),
        amount=amount,
        date=paid_on,
        payment_method=_text(data, "payment_method", path, required=True, limit=MAX_CODE),
        invoice_external_id=_text(data, "invoice_external_id", path, required=False, limit=200),
        invoice_source=_text(data, "invoice_source", path, required=False, limit=MAX_CODE),
        reference=_text(data, "reference", path, required=False, limit=MAX_NAME),
    )


def _bank_line(data: Mapping[str, Any], path: str) -> BankStatementLine:
    amount = _decimal(data, "amount", path)
    if amount == 0:
        raise PayloadError(f"{path}.amount", "must not be zero")
    booked_on = _date(data, "date", path)
    assert booked_on is not None
    partner = data.get("partner")
    return BankStatementLine(
        bank_account=_text(data, "bank_account", path, required=True, limit=MAX_CODE),
        currency=_currency(data, path),
        amount=amount,
        date=booked_on,
        description=_text(data, "description", path, required=True),
        partner=None if partner is None else _partner(partner, f"{path}.partner"),
        reference=_text(data, "reference", path, required=False, limit=MAX_NAME),
    )


def _journal_entry(data: Mapping[str, Any], path: str) -> JournalEntry:
    lines = []
    for index, raw in enumerate(_lines(data, path, minimum=2)):
        where = f"{path}.lines[{index}]"
        line = _obj(raw, where)
        debit = _decimal(line, "debit", where, required=False)
        credit = _decimal(line, "credit", where, required=False)
        if debit < 0 or credit < 0:
            raise PayloadError(where, "debit and credit must not be negative")
        if (debit == 0) == (credit == 0):
            raise PayloadError(where, "needs exactly one of debit or credit")
        partner = line.get("partner")
        lines.append(
            JournalLine(
                account_code=_text(line, "account_code", where, required=True, limit=MAX_CODE),
                description=_text(line, "description", where, required=False),
                debit=debit,
                credit=credit,
                partner=None if partner is None else _partner(partner, f"{where}.partner"),
            )
        )
    total_debit = sum((line.debit for line in lines), Decimal("0"))
    total_credit = sum((line.credit for line in lines), Decimal("0"))
    if total_debit != total_credit:
        raise PayloadError(f"{path}.lines", f"are not balanced: debit {total_debit} != credit {total_credit}")
    booked_on = _date(data, "date", path)
    assert booked_on is not None
    return JournalEntry(
        currency=_currency(data, path),
        date=booked_on,
        reference=_text(data, "reference", path, required=False, limit=MAX_NAME),
        journal_key=_text(data, "journal", path, required=False, limit=MAX_CODE) or "journal_entry",
        lines=tuple(lines),
    )


def parse_document(kind: str, data: Any, path: str = "data") -> Document:
    obj = _obj(data, path)
    if kind == "customer_invoice":
        return _invoice(obj, path, "customer")
    if kind == "vendor_bill":
        return _invoice(obj, path, "vendor")
    if kind == "payment":
        return _payment(obj, path)
    if kind == "bank_statement_line":
        return _bank_line(obj, path)
    if kind == "journal_entry":
        return _journal_entry(obj, path)
    raise PayloadError("kind", f"must be one of {', '.join(KINDS)}")
