"""CSV statements for the reader's tests: OCA's sample files (../shared/vectors/bank_csv,
SOURCE.txt there) and small files written here, each holding just what a test is about."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

from integrations.bank import csv_statement
from integrations.bank.csv_profile import CsvProfile
from integrations.bank.statement import Entry, FileRefused, Piece, Statement, gather

# tests/unit/integrations/bank/ -> the repository; ../shared sits beside it (CI and worktrees alike).
VECTORS = Path(__file__).resolve().parents[4].parent / "shared" / "vectors" / "bank_csv"

SIGNED = CsvProfile(
    name="signed",
    amount="Amount",
    booking_date="Date",
    value_date="Value date",
    description="Text",
    reference="Ref",
    counterparty_name="Party",
    counterparty_account="Party account",
    bank_code="Type",
    extra_columns=("Check",),
    currency="EUR",
)


def profile(**fields: Any) -> CsvProfile:
    """A small profile: signed Amount, Date and Text, EUR, and what `fields` change."""
    values: dict[str, Any] = {
        "name": "test",
        "amount": "Amount",
        "booking_date": "Date",
        "description": "Text",
        "currency": "EUR",
    }
    values.update(fields)
    return CsvProfile(**values)


def pieces(data: bytes, profile: CsvProfile, **options: Any) -> list[Piece]:
    options.setdefault("account", "ACC-1")
    return list(csv_statement.read(io.BytesIO(data), profile, **options))


def statements(data: bytes, profile: CsvProfile, **options: Any) -> list[Statement]:
    return gather(iter(pieces(data, profile, **options)))


def entries(data: bytes, profile: CsvProfile, **options: Any) -> list[Entry]:
    return [piece for piece in pieces(data, profile, **options) if isinstance(piece, Entry)]


def refusal(data: bytes, profile: CsvProfile, **options: Any) -> FileRefused:
    """The refusal the whole stream ends in (it must end in one)."""
    try:
        pieces(data, profile, **options)
    except FileRefused as refused:
        return refused
    raise AssertionError("the file was read, not refused")


def vector(name: str) -> bytes:
    return (VECTORS / "oca" / name).read_bytes()
