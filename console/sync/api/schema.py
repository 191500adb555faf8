"""OpenAPI description of the ingestion payloads (served at /api/schema/).

Built from the strict reader's own limits (integrations/canonical.py), so that what the
schema allows is what parse_document accepts, field by field: a fuzzer generating from
it reaches every field. What a schema cannot say is in the descriptions and refused
by the reader with a 400 naming the field: the product and totals limits, a balanced
journal entry, due_date not before invoice_date, a positive quantity.

A credit note or payment linked to another document may leave its partner out. OpenAPI
3.0, which the schema is written in, has no if/then: the condition is an `anyOf` of the
two ways to say who it is with (a partner, or a non-empty link), beside the description.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings

from integrations import canonical as c
from integrations.iso4217 import ACTIVE_CURRENCIES, LIST_ONE_PUBLISHED

_NO_NUL = "[^\\u0000]"
_LIMITS = (
    f"Amounts, quantities, each line's quantity x unit_price and every document total are below "
    f"{c.MAX_ABS_AMOUNT:,} (at most {c.AMOUNT_DIGITS} digits before the point, 2 after)."
)


# A rule over two fields, which the schema's one amount pattern cannot state: refused with a 400.
IN_CURRENCY = "No more decimals than the currency's ISO 4217 minor unit: 1000.50 is not an amount in JPY (1000.00 is)."


def _decimal(*, signed: bool, description: str = "") -> dict[str, Any]:
    sign = "-?" if signed else ""
    pattern = f"^{sign}[0-9]{{1,{c.AMOUNT_DIGITS}}}(\\.[0-9]{{1,2}})?$"
    text = "A decimal string (never a JSON number), ASCII digits. " + description
    return {
        "type": "string",
        "pattern": pattern,
        "maxLength": c.AMOUNT_DIGITS + 4,
        "example": "100.00",
        "description": text.strip(),
    }


def _text(limit: int, *, required: bool = False, description: str = "") -> dict[str, Any]:
    """Text of at most `limit` characters, no NUL (nor lone surrogates, which JSON cannot carry
    as text); a required one holds something besides spaces."""
    pattern = f"^{_NO_NUL}*[^\\u0000\\s]{_NO_NUL}*$" if required else f"^{_NO_NUL}*$"
    field: dict[str, Any] = {"type": "string", "maxLength": limit, "pattern": pattern}
    if required:
        field["minLength"] = 1
    else:
        field["nullable"] = True
    if description:
        field["description"] = description
    return field


def _object(properties: dict[str, Any], required: list[str], **extra: Any) -> dict[str, Any]:
    return {"type": "object", "required": required, "additionalProperties": False, "properties": properties, **extra}


DATE = {
    "type": "string",
    "format": "date",
    "pattern": "^(19[0-9]{2}|2[0-9]{3})-[0-9]{2}-[0-9]{2}$",
    "description": f"YYYY-MM-DD, years {c.FIRST_YEAR} to {c.LAST_YEAR}.",
}
CURRENCY = {
    "type": "string",
    "enum": sorted(ACTIVE_CURRENCIES),
    "example": "USD",
    "description": f"An ISO 4217 code of List One ({LIST_ONE_PUBLISHED}), without XTS and XXX.",
}
PARTNER = _object(
    {
        "name": _text(c.MAX_NAME, required=True),
        "email": _text(c.MAX_NAME),
        "vat": _text(c.MAX_CODE),
        "ref": _text(c.MAX_CODE, description="The partner's id in the source; matched first."),
    },
    ["name"],
)


def _partner_or(link: str, taken_from: str) -> dict[str, Any]:
    """`partner` of a document that may take it from the one `link` names: the property, and
    the `anyOf` saying that one of the two is given."""
    return {
        "partner": {
            **PARTNER,
            "nullable": True,
            "description": f"Required unless {link} is given: left out (or null), it is the partner of {taken_from}.",
        },
        "anyOf": [
            {"required": ["partner"], "properties": {"partner": {"type": "object"}}},
            {"required": [link], "properties": {link: {"type": "string", "minLength": 1}}},
        ],
    }


_INVOICE_PROPERTIES: dict[str, Any] = {
    "partner": PARTNER,
    "currency": CURRENCY,
    "invoice_date": DATE,
    "due_date": {**DATE, "nullable": True, "description": "Not before invoice_date."},
    "reference": _text(c.MAX_NAME, description="Becomes the Odoo payment reference."),
    "journal": _text(c.MAX_CODE, description="Journal key (mapping); default: the event kind."),
    "lines": {
        "type": "array",
        "minItems": 1,
        "maxItems": c.MAX_LINES,
        "items": _object(
            {
                "description": _text(c.MAX_TEXT, required=True),
                "quantity": _decimal(signed=False, description="Positive."),
                "unit_price": _decimal(signed=True, description="Negative for a credit line."),
                "tax_code": _text(c.MAX_CODE, description="Source tax code, resolved by a tax mapping."),
                "account_code": _text(c.MAX_CODE, description="Source GL code, resolved by an account mapping."),
            },
            ["description", "quantity", "unit_price"],
        ),
    },
}
INVOICE_DATA = _object(
    _INVOICE_PROPERTIES,
    ["partner", "currency", "invoice_date", "lines"],
    title="customer_invoice / vendor_bill data",
    description=_LIMITS,
)
_CREDIT_NOTE_PARTNER = _partner_or("reversed_external_id", "the invoice or bill it credits")
CREDIT_NOTE_DATA = _object(
    {
        **_INVOICE_PROPERTIES,
        "partner": _CREDIT_NOTE_PARTNER["partner"],
        "reversed_external_id": _text(
            c.MAX_EXTERNAL_REF,
            description="external_id of the invoice (customer) or bill (vendor) event it credits, same source; "
            "linked in Odoo when that invoice posted through the console, and the credit note waits for it "
            "when it is known but not posted yet.",
        ),
    },
    ["currency", "invoice_date", "lines"],
    title="customer_credit_note / vendor_credit_note data",
    description=_LIMITS
    + " Lines are positive like an invoice's: the kind makes it a credit note. partner is required unless "
    "reversed_external_id names the invoice it credits, whose partner it then takes.",
    anyOf=_CREDIT_NOTE_PARTNER["anyOf"],
)
_PAYMENT_PARTNER = _partner_or(
    "invoice_external_id", "the document it settles (a credit note's that names none: its invoice's)"
)
PAYMENT_DATA = _object(
    {
        "partner": _PAYMENT_PARTNER["partner"],
        "currency": CURRENCY,
        "amount": _decimal(signed=False, description=f"Positive. {IN_CURRENCY}"),
        "date": DATE,
        "direction": {"type": "string", "enum": ["inbound", "outbound"], "default": "inbound"},
        "counterparty": {
            "type": "string",
            "enum": list(c.COUNTERPARTIES),
            "description": "The side of the ledger the payment is with, whatever its direction: customer "
            "(receivable) or vendor (payable); an outbound customer payment is a refund. Default: the side of "
            "the document it settles, else customer for inbound and vendor for outbound. Given with "
            "invoice_external_id, only a document of that side is settled.",
        },
        "payment_method": _text(c.MAX_CODE, required=True, description="Journal key (mapping), e.g. card, wire."),
        "invoice_external_id": _text(
            c.MAX_EXTERNAL_REF,
            description="external_id of the document it settles, same source: inbound a customer invoice or a "
            "vendor credit note, outbound a vendor bill or a customer credit note.",
        ),
        "invoice_source": _text(
            c.MAX_CODE, description="Source code of that invoice event, when another system sent it."
        ),
        "reference": _text(c.MAX_NAME),
    },
    ["currency", "amount", "date", "payment_method"],
    title="payment data",
    description=_LIMITS + " partner is required unless invoice_external_id names the document it settles, whose "
    "partner it then takes.",
    anyOf=_PAYMENT_PARTNER["anyOf"],
)
BANK_LINE_DATA = _object(
    {
        "bank_account": _text(c.MAX_CODE, required=True, description="Journal key (mapping) of the bank journal."),
        "currency": CURRENCY,
        "amount": _decimal(
            signed=True, description=f"Signed, not zero: positive received, negative paid out. {IN_CURRENCY}"
        ),
        "date": DATE,
        "description": _text(c.MAX_TEXT, required=True),
        "partner": {**PARTNER, "nullable": True},
        "reference": _text(c.MAX_NAME),
        "value_date": {**DATE, "nullable": True},
        "counterparty_name": _text(c.MAX_NAME, description="The other party as the bank names it (Odoo partner_name)."),
        "counterparty_account": _text(c.MAX_CODE, description="The other party's IBAN or account number."),
        "bank_reference": _text(c.MAX_EXTERNAL_REF, description="The bank's own reference of the entry (AcctSvcrRef)."),
        "end_to_end_id": _text(c.MAX_EXTERNAL_REF),
        "remittance": _text(c.MAX_TEXT),
        "bank_code": _text(c.MAX_CODE, description="Bank transaction code (Odoo transaction_type)."),
        "reversal": {"type": "boolean", "description": "The bank reverses an earlier entry."},
        "statement": _text(c.MAX_NAME, description="The statement of the file the line belongs to."),
        "details": {
            "type": "object",
            "maxProperties": c.MAX_DETAILS,
            "additionalProperties": _text(c.MAX_TEXT),
            "description": "Further named sub-fields of the bank's (Odoo transaction_details).",
        },
        "raw": _text(c.MAX_RAW, description="The entry as the bank file wrote it."),
    },
    ["bank_account", "currency", "amount", "date", "description"],
    title="bank_statement_line data",
    description=_LIMITS,
)
JOURNAL_ENTRY_DATA = _object(
    {
        "currency": CURRENCY,
        "date": DATE,
        "reference": _text(c.MAX_NAME),
        "journal": _text(c.MAX_CODE, description="Journal key (mapping); default journal_entry."),
        "lines": {
            "type": "array",
            "minItems": 2,
            "maxItems": c.MAX_LINES,
            "description": "Balanced: total debit equals total credit; each line has exactly one of debit or credit.",
            "items": _object(
                {
                    "account_code": _text(c.MAX_CODE, required=True),
                    "description": _text(c.MAX_TEXT),
                    "debit": {**_decimal(signed=False, description=IN_CURRENCY), "nullable": True},
                    "credit": {**_decimal(signed=False, description=IN_CURRENCY), "nullable": True},
                    "partner": {**PARTNER, "nullable": True},
                },
                ["account_code"],
            ),
        },
    },
    ["currency", "date", "lines"],
    title="journal_entry data",
    description=_LIMITS,
)
DATA_BY_KIND: dict[str, dict[str, Any]] = {
    "customer_invoice": INVOICE_DATA,
    "vendor_bill": INVOICE_DATA,
    "customer_credit_note": CREDIT_NOTE_DATA,
    "vendor_credit_note": CREDIT_NOTE_DATA,
    "payment": PAYMENT_DATA,
    "bank_statement_line": BANK_LINE_DATA,
    "journal_entry": JOURNAL_ENTRY_DATA,
}


def _event(kind: str) -> dict[str, Any]:
    return _object(
        {
            "source": _text(64, required=True, description="Source system code the token is scoped to."),
            "external_id": {
                **_text(200, required=True),
                "pattern": f"^[^\\u0000\\s]({_NO_NUL}*[^\\u0000\\s])?$",
                "description": "The source's id, without leading or trailing spaces; with source and kind, "
                "the idempotency key.",
            },
            "kind": {"type": "string", "enum": [kind]},
            "entity": _text(32, required=True, description="Legal entity code the token is scoped to."),
            "occurred_at": {
                "type": "string",
                "format": "date-time",
                "pattern": "^(19[0-9]{2}|2[0-9]{3})-",
                "maxLength": 40,
                "description": f"ISO 8601 with an offset; stored in UTC, which must fall in years "
                f"{c.FIRST_YEAR} to {c.LAST_YEAR} too.",
            },
            "correlation_id": _text(200),
            "data": DATA_BY_KIND[kind],
        },
        ["source", "external_id", "kind", "entity", "occurred_at", "data"],
        title=f"{kind} event",
    )


EVENT: dict[str, Any] = {
    "oneOf": [_event(kind) for kind in c.KINDS],
    "description": "One event; its `kind` says which `data` it carries.",
}
INGEST_REQUEST = {
    "description": "One event, or a batch. JSON objects must not repeat a key, nest deeper than 10 levels "
    "or hold integers of more than 20 digits; NaN and Infinity are not JSON.",
    "oneOf": [
        EVENT,
        _object(
            {"events": {"type": "array", "minItems": 1, "maxItems": settings.INGEST_MAX_BATCH, "items": EVENT}},
            ["events"],
            title="batch",
        ),
    ],
}
ITEM_RESULT = {
    "type": "object",
    "properties": {
        "index": {"type": "integer"},
        "status": {"type": "integer", "description": "201 created, 200 same payload again, 409 conflicting payload"},
        "result": {"type": "string", "enum": ["created", "duplicate", "conflict"]},
        "duplicate": {"type": "boolean"},
        "event_id": {"type": "integer"},
        "source": {"type": "string"},
        "kind": {"type": "string"},
        "external_id": {"type": "string"},
    },
}
EVENT_STATE = {
    "type": "object",
    "properties": {
        "event_id": {"type": "integer"},
        "source": {"type": "string"},
        "kind": {"type": "string", "enum": list(c.KINDS)},
        "external_id": {"type": "string"},
        "entity": {"type": "string"},
        "state": {"type": "string"},
        "attempts": {"type": "integer"},
        "reason_code": {"type": "string"},
        "reason": {"type": "string"},
        "odoo_model": {"type": "string"},
        "odoo_id": {"type": "integer", "nullable": True},
        "odoo_name": {"type": "string"},
        "posted_at": {"type": "string", "format": "date-time", "nullable": True},
    },
}
ERROR = {
    "type": "object",
    "properties": {
        "error": {
            "type": "object",
            "properties": {
                "code": {"type": "string"},
                "message": {"type": "string"},
                "items": {"type": "array", "items": {"type": "object"}},
            },
        }
    },
}
