"""Open causes: the open cases grouped by what would fix them (causes.py), each with its case
count, its money at stake per currency (gross) and its oldest case. The figures are counted from
the same cases the case list shows for `?cause=<key>`, so the two always agree."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from typing import Any, TypeVar

from django.db.models import Count, Min, Model, QuerySet, Sum

from console.access.selectors import restrict_to_entities
from console.casework.causes import PER_EVENT, RETRYABLE
from console.casework.models import OPEN_STATES, ExceptionCase, OpenCauseTally
from console.casework.taxonomy import INFO, Category
from integrations.canonical import CENT

M = TypeVar("M", bound=Model)


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


def _open_cases(user: Any, entity_id: int | None, grouped_only: bool) -> QuerySet[ExceptionCase]:
    cases = restrict_to_entities(ExceptionCase.objects.filter(state__in=OPEN_STATES), user)
    if entity_id is not None:
        cases = cases.filter(entity_id=entity_id)
    return _grouped_only(cases) if grouped_only else cases.order_by()


def _grouped_only(rows: QuerySet[M]) -> QuerySet[M]:
    for category in PER_EVENT:
        rows = rows.exclude(cause_key__startswith=f"{category}:event:")
    return rows.order_by()


def _tally(user: Any, entity_id: int | None, grouped_only: bool) -> QuerySet[OpenCauseTally]:
    rows = restrict_to_entities(OpenCauseTally.objects.all(), user)
    if entity_id is not None:
        rows = rows.filter(entity_id=entity_id)
    return _grouped_only(rows) if grouped_only else rows.order_by()


class OpenCauses:
    """The open causes of the person's entities, the most cases first (then by key), read a
    page at a time: Django's Paginator takes it as it takes a queryset.

    Counted from the cause tally (OpenCauseTally, kept by triggers in the transaction of every
    case change), so a view sums a row or a few per cause instead of grouping every open case:
    at 100,000 open cases in 23,000 causes the grouping alone cost PostgreSQL 60-90 ms. The
    oldest case of a page's causes is read from the cases themselves (the index
    `case_open_cause`, a few entries per cause)."""

    def __init__(self, user: Any, *, entity_id: int | None = None, grouped_only: bool = False) -> None:
        self.cases = _open_cases(user, entity_id, grouped_only)
        self.tally = _tally(user, entity_id, grouped_only)
        self._totals: tuple[int, int] | None = None

    def _per_cause(self) -> Any:
        """The tally summed per cause; a cause whose rows sum to no case (all closed since the
        last fold) is gone. Typed Any: django-stubs cannot follow an annotation into a filter."""
        per_cause: Any = self.tally.values("cause_key", "cause_label").annotate(n=Sum("cases"))
        return per_cause.filter(n__gt=0)

    def _counted(self) -> tuple[int, int]:
        if self._totals is None:
            found = self._per_cause().aggregate(cases=Sum("n"), causes=Count("cause_key"))
            self._totals = (found["cases"] or 0, found["causes"] or 0)
        return self._totals

    @property
    def total_cases(self) -> int:
        return self._counted()[0]

    def count(self) -> int:
        return self._counted()[1]

    def __len__(self) -> int:
        return self.count()

    def __getitem__(self, window: slice) -> list[OpenCause]:
        if not isinstance(window, slice):
            raise TypeError("causes are read a page at a time")
        rows = (
            self._per_cause()
            .annotate(entity=Min("entity_id"))
            .order_by("-n", "cause_key")
            .values_list("cause_key", "cause_label", "n", "entity")[window]
        )
        causes = [OpenCause(key, _category(key), entity, cases=n, label=label or key) for key, label, n, entity in rows]
        by_key = {cause.key: cause for cause in causes}
        # Sent even for an empty page (no cause has the key ""), so that a page costs the same
        # statements whatever it holds.
        keys = list(by_key) or [""]
        money = (
            self.tally.filter(cause_key__in=keys)
            .values("cause_key", "currency")
            .annotate(m=Sum("amount"))
            .values_list("cause_key", "currency", "m")
        )
        for key, currency, amount in money:
            cause = by_key.get(key)
            if cause is not None and amount:
                cause.money[currency] = Decimal(str(amount)).quantize(CENT)
        oldest = self.cases.filter(cause_key__in=keys).values("cause_key").annotate(at=Min("opened_at"))
        for key, at in oldest.values_list("cause_key", "at"):
            if key in by_key:
                by_key[key].oldest = at
        for cause in causes:
            cause.money = dict(sorted(cause.money.items()))
        return causes


def causes_open(user: Any, *, entity_id: int | None = None, grouped_only: bool = False) -> OpenCauses:
    """Every open cause of the person's entities, the most cases first, to be read a page at a
    time. grouped_only leaves out the questions about one document (PER_EVENT), which are a
    cause each."""
    return OpenCauses(user, entity_id=entity_id, grouped_only=grouped_only)
