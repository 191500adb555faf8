"""The multi-company consistency error of BaseModel._check_company."""

from __future__ import annotations

from .faults import UserError


def incompatible(record: str, company: str, field: str, fname: str, values: list[str]) -> UserError:
    shown = ", ".join(repr(value) for value in values)
    return UserError(
        "Incompatible companies on records:\n"
        f"- \N{LEFT DOUBLE QUOTATION MARK}{record}\N{RIGHT DOUBLE QUOTATION MARK} belongs to company "
        f"\N{LEFT DOUBLE QUOTATION MARK}{company}\N{RIGHT DOUBLE QUOTATION MARK} and "
        f"\N{LEFT DOUBLE QUOTATION MARK}{field}\N{RIGHT DOUBLE QUOTATION MARK} ({fname}: {shown}) "
        "belongs to another company."
    )
