"""Freshness SLOs as people write them: minutes or hours, never raw seconds."""

from __future__ import annotations

UNITS = {"minutes": 60, "hours": 3600}


def slo_split(seconds: int) -> tuple[int, str]:
    """The amount and unit a form shows: whole hours when it is some, else minutes (rounded up,
    for an SLO set in seconds before there were forms)."""
    if seconds >= 3600 and seconds % 3600 == 0:
        return seconds // 3600, "hours"
    return max(1, -(-seconds // 60)), "minutes"


def slo_words(seconds: int) -> str:
    amount, unit = slo_split(seconds)
    if seconds % 60:
        return f"{seconds / 60:.1f} minutes"
    return f"{amount} {unit[:-1] if amount == 1 else unit}"
