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
from decimal import ROUND_HALF_UP, Context, Decimal
from typing import Any, Literal

from integrations.iso4217 import ACTIVE_CURRENCIES, LIST_ONE_PUBLISHED, minor_unit_words, minor_units

KINDS = (
    "customer_invoice",
    "vendor_bill",
    "customer_credit_note",
    "vendor_credit_note",
    "payment",
    "bank_statement_line",
    "journal_entry",
)
# The kinds that become an Odoo invoice-like move (account.move with a partner and
# invoice lines), with the move type each posts as.
MOVE_TYPES: dict[str, str] = {
    "customer_invoice": "out_invoice",
    "vendor_bill": "in_invoice",
    "customer_credit_note": "out_refund",
    "vendor_credit_note": "in_refund",
}
CREDIT_NOTE_KINDS = ("customer_credit_note", "vendor_credit_note")
MAX_LINES = 500
MAX_TEXT = 1000
MAX_NAME = 256
MAX_CODE = 64
MAX_EXTERNAL_REF = 200
# Every amount, quantity, line amount (quantity x unit price) and document total is below
# 10^13 (at most 9,999,999,999,999.99): the columns are NUMERIC(18, 2), so a thousand such
# amounts still add up inside one of them, and ten million inside the case tally's
# NUMERIC(22, 2). A decimal string has at most 13 digits before the point, which bounds
# each factor; products and totals are checked on their own.
AMOUNT_DIGITS = 13
MAX_ABS_AMOUNT = Decimal(10) ** AMOUNT_DIGITS
DECIMAL_PATTERN = rf"^-?[0-9]{{1,{AMOUNT_DIGITS}}}(\.[0-9]{{1,2}})?$"
# Dates and times are refused outside these years: a window of days around year 1 or
# 9999 (duplicate search, SLAs, periods) would leave Python's range of dates.
FIRST_YEAR, LAST_YEAR = 1900, 2999
CENT = Decimal("0.01")
# `date` is also a field's name inside the dataclasses below.
Day = date
_DATE_RE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
_NUMBER_RE = re.compile(r"-?([0-9]+)(?:\.([0-9]+))?")
# Enough digits for the exact product of two amounts of 13 + 2 digits each.
_EXACT = Context(prec=40)

# The fields each object may hold; anything else is refused by name.
PARTNER_FIELDS = ("name", "email", "vat", "ref")
INVOICE_FIELDS = ("partner", "currency", "invoice_date", "due_date", "reference", "journal", "lines")
# A credit note is an invoice that gives money back, and may name the invoice it credits.
CREDIT_NOTE_FIELDS = (*INVOICE_FIELDS, "reversed_external_id")
INVOICE_LINE_FIELDS = ("description", "quantity", "unit_price", "tax_code", "account_code")
PAYMENT_FIELDS = (
    "partner",
    "currency",
    "amount",
    "date",
    "direction",
    "counterparty",
    "payment_method",
    "invoice_external_id",
    "invoice_source",
    "reference",
)
BANK_LINE_FIELDS = (
    "bank_account",
    "currency",
    "amount",
    "date",
    "description",
    "partner",
    "reference",
    # What a bank file says of the line, for Odoo's reconciliation models and the audit trail.
    "value_date",
    "counterparty_name",
    "counterparty_account",
    "bank_reference",
    "end_to_end_id",
    "remittance",
    "bank_code",
    "reversal",
    "statement",
    "details",
    "raw",
)
# A bank file's entry as written (a camt Ntry element with its batch, an MT940 :61: with its :86:).
MAX_RAW = 20000
MAX_DETAILS = 40
JOURNAL_ENTRY_FIELDS = ("currency", "date", "reference", "journal", "lines")
JOURNAL_LINE_FIELDS = ("account_code", "description", "debit", "credit", "partner")
DATA_FIELDS: dict[str, tuple[str, ...]] = {
    "customer_invoice": INVOICE_FIELDS,
    "vendor_bill": INVOICE_FIELDS,
    "customer_credit_note": CREDIT_NOTE_FIELDS,
    "vendor_credit_note": CREDIT_NOTE_FIELDS,
    "payment": PAYMENT_FIELDS,
    "bank_statement_line": BANK_LINE_FIELDS,
    "journal_entry": JOURNAL_ENTRY_FIELDS,
}


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
        # amount at stake matches the untaxed amount Odoo shows (Invoice.amount rounds
        # further for a currency with fewer decimals).
        return (self.quantity * self.unit_price).quantize(CENT, rounding=ROUND_HALF_UP)


@dataclass(frozen=True, slots=True)
class Invoice:
    """A customer invoice or a vendor bill (`direction` tells which), or, with `refund`,
    a credit note of either. A credit note's lines are positive like an invoice's: as in
    Odoo's out_refund/in_refund, the move type carries the sign, not the amounts.
    `reversed_external_id` is the external id, at the same source, of the invoice or bill
    event a credit note credits ("" when it names none). `partner` is None only on a credit
    note naming the invoice it credits: its partner is that invoice's, which the console
    puts in before posting."""

    direction: Literal["customer", "vendor"]
    partner: Partner | None
    currency: str
    invoice_date: date
    due_date: date | None
    reference: str
    journal_key: str
    lines: tuple[InvoiceLine, ...]
    refund: bool = False
    reversed_external_id: str = ""

    @property
    def amount(self) -> Decimal:
        # Odoo rounds each line's subtotal to the currency: 3 x 33.33 JPY is a line of 100 JPY.
        quantum = currency_quantum(self.currency)
        return sum((line.subtotal.quantize(quantum, rounding=ROUND_HALF_UP) for line in self.lines), Decimal("0.00"))

    @property
    def move_type(self) -> Literal["out_invoice", "in_invoice", "out_refund", "in_refund"]:
        if self.direction == "customer":
            return "out_refund" if self.refund else "out_invoice"
        return "in_refund" if self.refund else "in_invoice"

    @property
    def kind(self) -> str:
        """The event kind this document is read from."""
        if self.direction == "customer":
            return "customer_credit_note" if self.refund else "customer_invoice"
        return "vendor_credit_note" if self.refund else "vendor_bill"


Counterparty = Literal["customer", "vendor"]
COUNTERPARTIES: tuple[Counterparty, ...] = ("customer", "vendor")


def default_counterparty(direction: str) -> Counterparty:
    """Who a payment that settles nothing and says nothing is with: money in from a
    customer, money out to a vendor."""
    return "customer" if direction == "inbound" else "vendor"


@dataclass(frozen=True, slots=True)
class Payment:
    """Money in or out. `counterparty` is the side of the ledger it is with (a customer's
    receivable, a vendor's payable), whatever the direction: an outbound payment to a
    customer is a refund. Left out, it is the side of the document the payment settles,
    else `default_counterparty`; it is None only on a payment naming a document and not
    saying, and `partner` only on a payment naming a document: the console puts in both
    from that document before posting."""

    direction: Literal["inbound", "outbound"]
    partner: Partner | None
    currency: str
    amount: Decimal
    date: date
    payment_method: str
    invoice_external_id: str
    invoice_source: str
    reference: str
    counterparty: Counterparty | None = None


@dataclass(frozen=True, slots=True)
class BankStatementLine:
    """One movement on a bank account. `bank_account` is the source's name for the account
    (mapped to an Odoo bank journal); the fields after `reference` are what a statement file
    says of the movement, empty when it came another way. `details` are further named
    sub-fields of the bank's (kept for Odoo's transaction_details), `raw` the entry as the file
    wrote it, `statement` the file's statement it belongs to ("2026-11-14 #123")."""

    bank_account: str
    currency: str
    amount: Decimal
    date: date
    description: str
    partner: Partner | None
    reference: str
    value_date: Day | None = None
    counterparty_name: str = ""
    counterparty_account: str = ""
    bank_reference: str = ""
    end_to_end_id: str = ""
    remittance: str = ""
    bank_code: str = ""
    reversal: bool = False
    statement: str = ""
    details: tuple[tuple[str, str], ...] = ()
    raw: str = ""


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


def printable_name(value: str, limit: int = 40) -> str:
    """A field name or value fit for an error message: shortened, and quoted with escapes
    when it holds what a JSON answer or a log cannot carry as it is (NUL, lone surrogates)."""
    short = value[:limit]
    if short.isprintable() and storable_problem(short) is None:
        return short
    return ascii(short)


def storable_problem(value: str) -> str | None:
    """Why PostgreSQL could not store this text (text and jsonb columns), or None."""
    if "\x00" in value:
        return "contains a NUL character"
    try:
        value.encode("utf-8")
    except UnicodeEncodeError as err:
        return f"contains a lone surrogate ({ascii(value[err.start])[1:-1]}): not Unicode text"
    return None


def _obj(value: Any, path: str, fields: tuple[str, ...]) -> Mapping[str, Any]:
    if not isinstance(value, dict):
        raise PayloadError(path, "must be an object")
    unknown = [key for key in value if key not in fields]
    if unknown:
        name = printable_name(str(unknown[0]))
        raise PayloadError(f"{path}.{name}", f"is not a field here (the fields are: {', '.join(fields)})")
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
    problem = storable_problem(value)
    if problem is not None:
        # PostgreSQL cannot store it in text or jsonb; refuse it here, by name.
        raise PayloadError(where, problem)
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
    if isinstance(value, bool | int | float):
        # Integers too: one rule for every number, and a JSON number is a binary float to most senders.
        raise PayloadError(where, 'must be a decimal string such as "100.00", not a JSON number')
    if not isinstance(value, str):
        raise PayloadError(where, 'must be a decimal string such as "100.00"')
    if len(value) > 40:
        raise PayloadError(where, "is longer than 40 characters")
    if not value.isascii():
        # Decimal() reads Arabic-Indic, full-width and other digits; an amount is written with 0-9.
        raise PayloadError(where, f"{printable_name(value)} must be written with the digits 0-9")
    match = _NUMBER_RE.fullmatch(value)
    if match is None:
        raise PayloadError(where, f"{value!r} is not a decimal number such as 1234.56")
    whole, fraction = match.groups()
    if fraction is not None and len(fraction) > 2:
        raise PayloadError(where, "has more than 2 decimal places")
    if len(whole) > AMOUNT_DIGITS:
        raise PayloadError(where, f"is too large: at most {AMOUNT_DIGITS} digits before the decimal point")
    return Decimal(value).quantize(CENT)


def currency_quantum(code: str) -> Decimal:
    """The smallest amount of `code` the console keeps: 1 for JPY, 0.01 for USD, and 0.01 for
    a currency with more decimals (KWD) or none given (XAU), since amounts keep at most two."""
    places = minor_units(code) if code in ACTIVE_CURRENCIES else None
    return CENT if places is None or places >= 2 else Decimal(1).scaleb(-places)


def _in_currency(amount: Decimal, currency: str, where: str) -> Decimal:
    """An amount that posts as it is (a payment, a bank line, a journal line's debit or credit)
    must be one its currency has: Odoo would round 1000.50 JPY and post another amount than
    the source's. "100.00" JPY is 100 JPY and passes."""
    if amount == amount.quantize(currency_quantum(currency)):
        return amount
    raise PayloadError(where, f"{currency} has {minor_unit_words(currency)}: {amount} is not an amount in {currency}")


def _bounded(value: Decimal, path: str, what: str) -> Decimal:
    if abs(value) >= MAX_ABS_AMOUNT:
        raise PayloadError(path, f"{what} {value} is too large: amounts must stay below {MAX_ABS_AMOUNT:,}")
    return value


def _date(obj: Mapping[str, Any], key: str, path: str, *, required: bool = True) -> date | None:
    value = obj.get(key)
    where = f"{path}.{key}"
    if value is None or value == "":
        if required:
            raise PayloadError(where, "is required")
        return None
    if not isinstance(value, str) or not _DATE_RE.fullmatch(value):
        raise PayloadError(where, "must be a date YYYY-MM-DD")
    try:
        parsed = date.fromisoformat(value)
    except ValueError:
        raise PayloadError(where, f"{value!r} is not a valid date") from None
    if not FIRST_YEAR <= parsed.year <= LAST_YEAR:
        raise PayloadError(where, f"must be between {FIRST_YEAR}-01-01 and {LAST_YEAR}-12-31")
    return parsed


def _currency(obj: Mapping[str, Any], path: str) -> str:
    value = obj.get("currency")
    where = f"{path}.currency"
    if value is None or value == "":
        raise PayloadError(where, "is required")
    if not isinstance(value, str) or value not in ACTIVE_CURRENCIES:
        shown = printable_name(value) if isinstance(value, str) else "a JSON " + type(value).__name__
        raise PayloadError(
            where, f"must be an active ISO 4217 currency code such as USD (List One of {LIST_ONE_PUBLISHED}): {shown}"
        )
    return value


def _partner(value: Any, path: str) -> Partner:
    obj = _obj(value, path, PARTNER_FIELDS)
    return Partner(
        name=_text(obj, "name", path, required=True, limit=MAX_NAME),
        email=_text(obj, "email", path, required=False, limit=MAX_NAME),
        vat=_text(obj, "vat", path, required=False, limit=MAX_CODE),
        ref=_text(obj, "ref", path, required=False, limit=MAX_CODE),
    )


def _linked_partner(data: Mapping[str, Any], path: str, *, link: str, unless: str) -> Partner | None:
    """The document's partner, which a document linked to another may leave out (or give
    as null): it is then the linked document's. `link` is the linked external id ("" when
    none), `unless` says in the refusal what would let it be left out."""
    value = data.get("partner")
    if value is None:
        if link:
            return None
        raise PayloadError(f"{path}.partner", f"is required{unless}")
    return _partner(value, f"{path}.partner")


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


def _invoice(
    data: Mapping[str, Any], path: str, direction: Literal["customer", "vendor"], *, refund: bool = False
) -> Invoice:
    lines = []
    for index, raw in enumerate(_lines(data, path, minimum=1)):
        where = f"{path}.lines[{index}]"
        line = _obj(raw, where, INVOICE_LINE_FIELDS)
        quantity = _decimal(line, "quantity", where)
        if quantity <= 0:
            raise PayloadError(f"{where}.quantity", "must be positive")
        unit_price = _decimal(line, "unit_price", where)
        exact = _EXACT.multiply(quantity, unit_price).quantize(CENT, rounding=ROUND_HALF_UP, context=_EXACT)
        _bounded(exact, where, "quantity x unit_price =")
        lines.append(
            InvoiceLine(
                description=_text(line, "description", where, required=True),
                quantity=quantity,
                unit_price=unit_price,
                tax_code=_text(line, "tax_code", where, required=False, limit=MAX_CODE),
                account_code=_text(line, "account_code", where, required=False, limit=MAX_CODE),
            )
        )
    # Each subtotal is below 10^13, so 500 of them add up exactly in Decimal's default context.
    _bounded(sum((line.subtotal for line in lines), Decimal(0)), f"{path}.lines", "the total of the lines")
    _bounded(sum((abs(line.subtotal) for line in lines), Decimal(0)), f"{path}.lines", "the sum of the lines' amounts")
    invoice_date = _date(data, "invoice_date", path)
    due_date = _date(data, "due_date", path, required=False)
    assert invoice_date is not None
    if due_date is not None and due_date < invoice_date:
        raise PayloadError(f"{path}.due_date", "is before invoice_date")
    reversed_external_id = (
        _text(data, "reversed_external_id", path, required=False, limit=MAX_EXTERNAL_REF) if refund else ""
    )
    unless = " unless reversed_external_id names the invoice it credits, whose partner it takes" if refund else ""
    return Invoice(
        direction=direction,
        partner=_linked_partner(data, path, link=reversed_external_id, unless=unless),
        currency=_currency(data, path),
        invoice_date=invoice_date,
        due_date=due_date,
        reference=_text(data, "reference", path, required=False, limit=MAX_NAME),
        # Odoo books a credit note in the journal of the invoices it reverses (the sales or
        # purchase journal), so a credit note's default journal key is the invoice's.
        journal_key=_text(data, "journal", path, required=False, limit=MAX_CODE)
        or ("customer_invoice" if direction == "customer" else "vendor_bill"),
        lines=tuple(lines),
        refund=refund,
        reversed_external_id=reversed_external_id,
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
    settles = _text(data, "invoice_external_id", path, required=False, limit=MAX_EXTERNAL_REF)
    currency = _currency(data, path)
    _in_currency(amount, currency, f"{path}.amount")
    counterparty = data.get("counterparty")
    if counterparty is None:
        counterparty = None if settles else default_counterparty(direction)
    elif counterparty not in COUNTERPARTIES:
        raise PayloadError(f"{path}.counterparty", "must be customer or vendor")
    return Payment(
        direction=direction,
        partner=_linked_partner(
            data,
            path,
            link=settles,
            unless=" unless invoice_external_id names the document it settles, whose partner it takes",
        ),
        currency=currency,
        amount=amount,
        date=paid_on,
        payment_method=_text(data, "payment_method", path, required=True, limit=MAX_CODE),
        invoice_external_id=settles,
        invoice_source=_text(data, "invoice_source", path, required=False, limit=MAX_CODE),
        reference=_text(data, "reference", path, required=False, limit=MAX_NAME),
        counterparty=counterparty,
    )


def _bank_line(data: Mapping[str, Any], path: str) -> BankStatementLine:
    amount = _decimal(data, "amount", path)
    if amount == 0:
        raise PayloadError(f"{path}.amount", "must not be zero")
    booked_on = _date(data, "date", path)
    assert booked_on is not None
    currency = _currency(data, path)
    _in_currency(amount, currency, f"{path}.amount")
    partner = data.get("partner")
    return BankStatementLine(
        bank_account=_text(data, "bank_account", path, required=True, limit=MAX_CODE),
        currency=currency,
        amount=amount,
        date=booked_on,
        description=_text(data, "description", path, required=True),
        partner=None if partner is None else _partner(partner, f"{path}.partner"),
        reference=_text(data, "reference", path, required=False, limit=MAX_NAME),
        value_date=_date(data, "value_date", path, required=False),
        counterparty_name=_text(data, "counterparty_name", path, required=False, limit=MAX_NAME),
        counterparty_account=_text(data, "counterparty_account", path, required=False, limit=MAX_CODE),
        bank_reference=_text(data, "bank_reference", path, required=False, limit=MAX_EXTERNAL_REF),
        end_to_end_id=_text(data, "end_to_end_id", path, required=False, limit=MAX_EXTERNAL_REF),
        remittance=_text(data, "remittance", path, required=False),
        bank_code=_text(data, "bank_code", path, required=False, limit=MAX_CODE),
        reversal=_flag(data, "reversal", path),
        statement=_text(data, "statement", path, required=False, limit=MAX_NAME),
        details=_details(data, path),
        raw=_text(data, "raw", path, required=False, limit=MAX_RAW),
    )


def _flag(data: Mapping[str, Any], key: str, path: str) -> bool:
    value = data.get(key, False)
    if not isinstance(value, bool):
        raise PayloadError(f"{path}.{key}", "must be true or false")
    return value


def _details(data: Mapping[str, Any], path: str) -> tuple[tuple[str, str], ...]:
    value = data.get("details")
    if value is None:
        return ()
    where = f"{path}.details"
    if not isinstance(value, dict):
        raise PayloadError(where, "must be an object of names and texts")
    if len(value) > MAX_DETAILS:
        raise PayloadError(where, f"has more than {MAX_DETAILS} entries")
    pairs = []
    for name in value:
        if not isinstance(name, str) or not name or len(name) > MAX_CODE or storable_problem(name) is not None:
            raise PayloadError(where, f"has a name that is not a short text: {printable_name(str(name))}")
        pairs.append((name, _text(value, name, where, required=False)))
    return tuple(pairs)


def _journal_entry(data: Mapping[str, Any], path: str) -> JournalEntry:
    lines = []
    for index, raw in enumerate(_lines(data, path, minimum=2)):
        where = f"{path}.lines[{index}]"
        line = _obj(raw, where, JOURNAL_LINE_FIELDS)
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
    total_debit = _bounded(sum((line.debit for line in lines), Decimal("0")), f"{path}.lines", "the total debit")
    total_credit = _bounded(sum((line.credit for line in lines), Decimal("0")), f"{path}.lines", "the total credit")
    if total_debit != total_credit:
        raise PayloadError(f"{path}.lines", f"are not balanced: debit {total_debit} != credit {total_credit}")
    booked_on = _date(data, "date", path)
    assert booked_on is not None
    currency = _currency(data, path)
    for index, entry_line in enumerate(lines):
        side = "debit" if entry_line.debit else "credit"
        _in_currency(entry_line.debit or entry_line.credit, currency, f"{path}.lines[{index}].{side}")
    return JournalEntry(
        currency=currency,
        date=booked_on,
        reference=_text(data, "reference", path, required=False, limit=MAX_NAME),
        journal_key=_text(data, "journal", path, required=False, limit=MAX_CODE) or "journal_entry",
        lines=tuple(lines),
    )


def parse_document(kind: str, data: Any, path: str = "data") -> Document:
    """The document `data` describes, or PayloadError naming the first field that is wrong.
    A document it returns can be stored as it is: every text is storable, every amount and
    total below MAX_ABS_AMOUNT, every date within FIRST_YEAR..LAST_YEAR."""
    if kind not in DATA_FIELDS:
        raise PayloadError("kind", f"must be one of {', '.join(KINDS)}")
    obj = _obj(data, path, DATA_FIELDS[kind])
    if kind == "customer_invoice":
        return _invoice(obj, path, "customer")
    if kind == "vendor_bill":
        return _invoice(obj, path, "vendor")
    if kind == "customer_credit_note":
        return _invoice(obj, path, "customer", refund=True)
    if kind == "vendor_credit_note":
        return _invoice(obj, path, "vendor", refund=True)
    if kind == "payment":
        return _payment(obj, path)
    if kind == "bank_statement_line":
        return _bank_line(obj, path)
    return _journal_entry(obj, path)
