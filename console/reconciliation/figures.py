"""Counts and sums per currency: the shape of every set of figures a run compares."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from integrations.canonical import CENT


@dataclass
class Figures:
    count: int = 0
    amounts: dict[str, Decimal] = field(default_factory=dict)

    def add(self, amount: Decimal, currency: str) -> None:
        self.count += 1
        self.amounts[currency] = (self.amounts.get(currency, Decimal(0)) + amount).quantize(CENT)

    @classmethod
    def of(cls, rows: Iterable[tuple[Decimal, str]]) -> Figures:
        figures = cls()
        for amount, currency in rows:
            figures.add(amount, currency)
        return figures

    def as_json(self) -> dict[str, Any]:
        return {"count": self.count, "amounts": {c: str(a) for c, a in sorted(self.amounts.items())}}

    @classmethod
    def from_json(cls, data: Mapping[str, Any] | None) -> Figures | None:
        if data is None:
            return None
        return cls(int(data.get("count", 0)), {c: Decimal(a) for c, a in dict(data.get("amounts", {})).items()})

    def words(self) -> str:
        money = ", ".join(f"{amount:,} {currency}" for currency, amount in sorted(self.amounts.items()))
        return f"{self.count} ({money})" if money else str(self.count)

    def agrees(self, other: Figures) -> bool:
        """Same count and the same sum in every currency (a currency missing counts as zero)."""
        currencies = set(self.amounts) | set(other.amounts)
        return self.count == other.count and all(
            self.amounts.get(c, Decimal(0)) == other.amounts.get(c, Decimal(0)) for c in currencies
        )
