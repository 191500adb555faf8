"""The fields of an event that edit-and-resubmit offers, per kind, and how the edited values
become an override: the dotted paths of console/sync/overrides.py, or `lines` whole when a
line is added or removed.

Only fields the kind has are offered (a payment has no lines, a journal entry no partner at
its head). Fields of a line the form does not show (a journal line's partner) are kept as
they are when the lines are set whole.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any, Literal

from console.sync.overrides import OverrideError, payload_value
from integrations.canonical import CREDIT_NOTE_KINDS, MAX_CODE, MAX_EXTERNAL_REF, MAX_NAME, MAX_TEXT, MOVE_TYPES

FieldType = Literal["text", "decimal", "date"]


@dataclass(frozen=True)
class Field:
    """One value of the payload: `path` in the document (or in a line), as overrides name it."""

    path: str
    label: str
    type: FieldType = "text"
    required: bool = False
    max_length: int = MAX_TEXT
    help_text: str = ""

    @property
    def name(self) -> str:
        """The form field's name: a path's dots are not a name Django's forms take."""
        return self.path.replace(".", "__")


PARTNER = (
    Field("partner.name", "Partner name", max_length=MAX_NAME),
    Field("partner.ref", "Partner reference", max_length=MAX_CODE, help_text="The source's id of the partner."),
)
INVOICE_HEAD = (
    *PARTNER,
    Field("invoice_date", "Document date", "date", required=True),
    Field("due_date", "Due date", "date"),
    Field("reference", "Reference", max_length=MAX_NAME),
)
CREDIT_NOTE_HEAD = (
    *INVOICE_HEAD,
    Field(
        "reversed_external_id",
        "Invoice it credits",
        max_length=MAX_EXTERNAL_REF,
        help_text="The external id of the invoice or bill it credits; naming one, the partner may be left out.",
    ),
)
INVOICE_LINE = (
    Field("description", "Description", required=True),
    Field("quantity", "Quantity", "decimal", required=True),
    Field("unit_price", "Unit price", "decimal", required=True),
    Field("tax_code", "Tax code", max_length=MAX_CODE),
    Field("account_code", "Account code", max_length=MAX_CODE),
)
JOURNAL_LINE = (
    Field("account_code", "Account code", required=True, max_length=MAX_CODE),
    Field("description", "Description"),
    Field("debit", "Debit", "decimal"),
    Field("credit", "Credit", "decimal"),
)
HEADS: dict[str, tuple[Field, ...]] = {
    **{kind: CREDIT_NOTE_HEAD if kind in CREDIT_NOTE_KINDS else INVOICE_HEAD for kind in MOVE_TYPES},
    "payment": (
        *PARTNER,
        Field("date", "Payment date", "date", required=True),
        Field("amount", "Amount", "decimal", required=True),
        Field("reference", "Reference", max_length=MAX_NAME),
        Field(
            "invoice_external_id",
            "Document it settles",
            max_length=MAX_EXTERNAL_REF,
            help_text="The external id of the invoice, bill or credit note this payment settles.",
        ),
    ),
    "bank_statement_line": (
        *PARTNER,
        Field("date", "Booking date", "date", required=True),
        Field("amount", "Amount", "decimal", required=True, help_text="Negative for money out."),
        Field("description", "Description", required=True),
        Field("reference", "Reference", max_length=MAX_NAME),
    ),
    "journal_entry": (
        Field("date", "Entry date", "date", required=True),
        Field("reference", "Reference", max_length=MAX_NAME),
    ),
}
LINES: dict[str, tuple[Field, ...]] = {
    **dict.fromkeys(MOVE_TYPES, INVOICE_LINE),
    "journal_entry": JOURNAL_LINE,
}
# What the reader needs at least (integrations/canonical.py: _invoice, _journal_entry).
MIN_LINES: dict[str, int] = {**dict.fromkeys(MOVE_TYPES, 1), "journal_entry": 2}


def head_fields(kind: str) -> tuple[Field, ...]:
    return HEADS.get(kind, ())


def line_fields(kind: str) -> tuple[Field, ...]:
    return LINES.get(kind, ())


def shown(value: Any) -> Any:
    """A payload value as a form shows it: texts as they are, nothing for what is left out."""
    if value is None:
        return ""
    return value if isinstance(value, str) else str(value)


def _value(payload: Any, path: str) -> Any:
    try:
        return payload_value(payload, path)
    except OverrideError:
        return None  # the payload is not of this shape (what posting refused): nothing to show


def head_initial(kind: str, payload: Any) -> dict[str, Any]:
    return {field.name: shown(_value(payload, field.path)) for field in head_fields(kind)}


def payload_lines(payload: Any) -> list[Any]:
    lines = payload.get("lines") if isinstance(payload, dict) else None
    return lines if isinstance(lines, list) else []


def line_initial(kind: str, payload: Any) -> list[dict[str, Any]]:
    fields = line_fields(kind)
    return [
        {field.name: shown(line.get(field.path)) if isinstance(line, dict) else "" for field in fields}
        for line in payload_lines(payload)
    ]


def as_payload(value: Any) -> str:
    """A cleaned form value as the payload holds it: decimals and dates as text."""
    if value is None:
        return ""
    if isinstance(value, Decimal):
        return f"{value:f}"
    if hasattr(value, "isoformat"):
        return str(value.isoformat())
    return str(value)


def _decimal(value: Any) -> Decimal | None:
    try:
        return Decimal(str(value).strip())
    except (InvalidOperation, ValueError):
        return None


def same(field: Field, before: Any, after: str) -> bool:
    """Whether the form leaves the value as it was: left out and blank are the same, spaces
    around a text are not a change, and 1 and 1.00 are the same quantity."""
    if before is None or before == "":
        return after == ""
    if not isinstance(before, str):
        return False  # a number or an object where the reader wants text: the form's value replaces it
    if field.type == "decimal":
        old, new = _decimal(before), _decimal(after)
        if old is not None and new is not None and old.is_finite():
            return old == new
    return before.strip() == after


@dataclass(frozen=True)
class EditedLine:
    """A line of the form: its place among the lines it was read from (None: added), its values
    as the payload would hold them, and whether it is removed."""

    index: int | None
    values: dict[str, str]
    removed: bool = False


def head_changes(kind: str, payload: Any, values: dict[str, str]) -> dict[str, str]:
    changes = {}
    for field in head_fields(kind):
        after = values.get(field.path, "")
        if not same(field, _value(payload, field.path), after):
            changes[field.path] = after
    return changes


def line_changes(kind: str, payload: Any, lines: list[EditedLine]) -> tuple[dict[str, Any], list[EditedLine]]:
    """The override of the lines, and the lines in the order the result holds them (the kept
    and then the added ones): path by path when no line is added or removed, else `lines` whole."""
    fields = line_fields(kind)
    existing = payload_lines(payload)
    kept = [line for line in lines if not line.removed]
    if all(line.index is not None for line in kept) and len(kept) == len(existing):
        changes: dict[str, Any] = {}
        for line in kept:
            assert line.index is not None
            was = existing[line.index] if isinstance(existing[line.index], dict) else {}
            for field in fields:
                value = line.values.get(field.path, "")
                if not same(field, was.get(field.path), value):
                    changes[f"lines.{line.index}.{field.path}"] = value
        return changes, kept
    whole: list[dict[str, Any]] = []
    for line in kept:
        before = existing[line.index] if line.index is not None and isinstance(existing[line.index], dict) else {}
        after = dict(before)
        for field in fields:
            value = line.values.get(field.path, "")
            if not same(field, before.get(field.path), value):
                after[field.path] = value
        whole.append(after)
    return {"lines": whole}, kept
