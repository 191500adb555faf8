"""Open causes: the open cases grouped by what would fix them (causes.py), each with its case
count, its money at stake per currency (gross) and its oldest case. The figures are counted from
the same cases the case list shows for `?cause=<key>`, so the two always agree."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from typing import Any

from django.db.models import Count, Min, Sum

from console.access.selectors import restrict_to_entities
from console.casework.causes import PER_EVENT, RETRYABLE
from console.casework.models import OPEN_STATES, ExceptionCase
from console.casework.taxonomy import INFO, Category
from integrations.canonical import CENT


@dataclass
class OpenCause:
    key: str
    category: Category
    entity_id: int
    cases: int = 0
    money: dict[str, Decimal] = field(default_factory=dict)
    oldest: datetime | None = None
    label: str = ""

    @property
    def team(self) -> str:
        return INFO[self.category].team

    @property
    def retryable(self) -> bool:
        return self.category in RETRYABLE

    @property
    def fix_code(self) -> tuple[str, str, str] | None:
        """The entity, mapping kind and source code a missing-mapping cause waits for."""
        if self.category is not Category.MISSING_MAPPING:
            return None
        parts = self.key.split(":", 3)  # causes.cause_of: <category>:<entity>:<kind>:<code>
        return (parts[1], parts[2], parts[3]) if len(parts) == 4 else None


def _category(key: str) -> Category:
    try:
        return Category(key.split(":", 1)[0])
    except ValueError:
        return Category.ODOO_VALIDATION


def causes_open(user: Any, *, entity_id: int | None = None, grouped_only: bool = False) -> list[OpenCause]:
    """Every open cause of the person's entities, the most cases first (then the oldest).
    grouped_only leaves out the questions about one document (PER_EVENT), which are a cause each."""
    cases = restrict_to_entities(ExceptionCase.objects.filter(state__in=OPEN_STATES), user)
    if entity_id is not None:
        cases = cases.filter(entity_id=entity_id)
    if grouped_only:
        for category in PER_EVENT:
            cases = cases.exclude(cause_key__startswith=f"{category}:event:")
    rows = (
        cases.order_by()
        # The label is a function of the key (causes.cause_of), so grouping by it adds no rows;
        # it is read with the rest from the index, not looked up per cause.
        .values("cause_key", "cause_label", "entity_id", "currency")
        .annotate(n=Count("*"), money=Sum("exposure"), oldest=Min("opened_at"))
        .values_list("cause_key", "cause_label", "entity_id", "currency", "n", "money", "oldest")
    )
    found: dict[str, OpenCause] = {}
    for key, label, entity, currency, n, money, oldest in rows:
        cause = found.get(key)
        if cause is None:
            cause = found[key] = OpenCause(key, _category(key), entity, label=label or key)
        cause.cases += n
        cause.money[currency] = (cause.money.get(currency, Decimal(0)) + Decimal(str(money or 0))).quantize(CENT)
        cause.oldest = oldest if cause.oldest is None else min(cause.oldest, oldest)
    ordered = sorted(found.values(), key=lambda c: (-c.cases, c.oldest or datetime.max, c.key))
    for cause in ordered:
        cause.money = dict(sorted(cause.money.items()))
    return ordered
