"""OpenAPI description of the ingestion payloads (served at /api/schema/)."""

from __future__ import annotations

from typing import Any

DECIMAL = {"type": "string", "pattern": r"^-?\d+(\.\d{1,2})?$", "example": "100.00"}
DATE = {"type": "string", "format": "date"}
TEXT = {"type": "string", "maxLength": 1000}
PARTNER = {
    "type": "object",
    "required": ["name"],
    "properties": {
        "name": {"type": "string", "maxLength": 256},
        "email": {"type": "string", "maxLength": 256},
        "vat": {"type": "string", "maxLength": 64},
        "ref": {"type": "string", "maxLength": 64, "description": "The partner's id in the source; matched first."},
    },
}
CURRENCY = {"type": "string", "pattern": "^[A-Z]{3}$", "example": "USD"}

INVOICE_DATA = {
    "title": "customer_invoice / vendor_bill data",
    "type": "object",
    "required": ["partner", "currency", "invoice_date", "lines"],
    "properties": {
        "partner": PARTNER,
        "currency": CURRENCY,
        "invoice_date": DATE,
        "due_date": DATE,
        "reference": {"type": "string", "maxLength": 256, "description": "Becomes the Odoo payment reference."},
        "journal": {"type": "string", "description": "Journal key (mapping); default: the event kind."},
        "lines": {
            "type": "array",
            "minItems": 1,
            "maxItems": 500,
            "items": {
                "type": "object",
                "required": ["description", "quantity", "unit_price"],
                "properties": {
                    "description": TEXT,
                    "quantity": DECIMAL,
                    "unit_price": DECIMAL,
                    "tax_code": {"type": "string", "description": "Source tax code, resolved by a tax mapping."},
                    "account_code": {
                        "type": "string",
                        "description": "Source GL code, resolved by an account mapping.",
                    },
                },
            },
        },
    },
}
PAYMENT_DATA = {
    "title": "payment data",
    "type": "object",
    "required": ["partner", "currency", "amount", "date", "payment_method"],
    "properties": {
        "partner": PARTNER,
        "currency": CURRENCY,
        "amount": DECIMAL,
        "date": DATE,
        "direction": {"type": "string", "enum": ["inbound", "outbound"], "default": "inbound"},
        "payment_method": {"type": "string", "description": "Journal key (mapping), e.g. card, wire."},
        "invoice_external_id": {
            "type": "string",
            "description": "external_id of the invoice (inbound) or bill (outbound) event it settles, same source.",
        },
        "invoice_source": {
            "type": "string",
            "description": "Source code of that invoice event, when another system sent it.",
        },
        "reference": {"type": "string"},
    },
}
BANK_LINE_DATA = {
    "title": "bank_statement_line data",
    "type": "object",
    "required": ["bank_account", "currency", "amount", "date", "description"],
    "properties": {
        "bank_account": {"type": "string", "description": "Journal key (mapping) of the bank journal."},
        "currency": CURRENCY,
        "amount": {**DECIMAL, "description": "Signed: positive received, negative paid out."},
        "date": DATE,
        "description": TEXT,
        "partner": PARTNER,
        "reference": {"type": "string"},
    },
}
JOURNAL_ENTRY_DATA = {
    "title": "journal_entry data",
    "type": "object",
    "required": ["currency", "date", "lines"],
    "properties": {
        "currency": CURRENCY,
        "date": DATE,
        "reference": {"type": "string"},
        "journal": {"type": "string", "description": "Journal key (mapping); default journal_entry."},
        "lines": {
            "type": "array",
            "minItems": 2,
            "description": "Balanced: total debit equals total credit; each line has debit or credit.",
            "items": {
                "type": "object",
                "required": ["account_code"],
                "properties": {
                    "account_code": {"type": "string"},
                    "description": TEXT,
                    "debit": DECIMAL,
                    "credit": DECIMAL,
                    "partner": PARTNER,
                },
            },
        },
    },
}
EVENT: dict[str, Any] = {
    "type": "object",
    "required": ["source", "external_id", "kind", "entity", "occurred_at", "data"],
    "additionalProperties": False,
    "properties": {
        "source": {"type": "string", "description": "Source system code the token is scoped to."},
        "external_id": {
            "type": "string",
            "maxLength": 200,
            "description": "The source's id; with source and kind, the idempotency key.",
        },
        "kind": {
            "type": "string",
            "enum": ["customer_invoice", "vendor_bill", "payment", "bank_statement_line", "journal_entry"],
        },
        "entity": {"type": "string", "description": "Legal entity code."},
        "occurred_at": {"type": "string", "format": "date-time", "description": "ISO 8601 with an offset."},
        "correlation_id": {"type": "string", "maxLength": 200},
        "data": {"oneOf": [INVOICE_DATA, PAYMENT_DATA, BANK_LINE_DATA, JOURNAL_ENTRY_DATA]},
    },
}
INGEST_REQUEST = {
    "oneOf": [
        EVENT,
        {
            "type": "object",
            "required": ["events"],
            "properties": {"events": {"type": "array", "minItems": 1, "maxItems": 1000, "items": EVENT}},
        },
    ]
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
