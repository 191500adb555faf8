"""What the matching pages show. Each figure is counted from the same list the figure links to
(matched pairs of a rule; its unmatched events, all or past their window, of either side; a
coverage rule's day), read by the same functions the matcher uses (matching_sides)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from django.db.models import QuerySet

from console.access.selectors import entity_ids_visible
from console.casework.models import OPEN_STATES, ExceptionCase
from console.reconciliation.matching_sides import Side, left_sides, overdue, right_sides
from console.reconciliation.models import Match, MatchingRule, MatchingRun
from console.sync.models import LegalEntity
from console.sync.selectors.matching import events_by_id


@dataclass(frozen=True)
class Figure:
    """A count and its money per currency (absolute amounts), of one list."""

    count: int = 0
    money: dict[str, Decimal] = field(default_factory=dict)

    @classmethod
    def of(cls, amounts: Iterable[tuple[Decimal, str]]) -> Figure:
        money: dict[str, Decimal] = defaultdict(lambda: Decimal("0.00"))
        count = 0
        for amount, currency in amounts:
            count += 1
            money[currency] += abs(amount)
        return cls(count, dict(sorted(money.items())))


@dataclass(frozen=True)
class Unmatched:
    side: Side
    overdue: bool
    age_days: int
    case_id: int | None


@dataclass(frozen=True)
class DayCoverage:
    day: date
    due: Figure
    covered: Figure
    uncovered: Figure


@dataclass(frozen=True)
class RuleFigures:
    rule: MatchingRule
    matched: Figure
    unmatched_left: Figure
    overdue_left: Figure
    unmatched_right: Figure
    days: list[DayCoverage]


def entity_for(user: Any, entity_code: str) -> LegalEntity | None:
    """The entity of that code if the person holds it; None names nothing of anyone else's."""
    return LegalEntity.objects.filter(code=entity_code, pk__in=entity_ids_visible(user)).first()


def rules_of(entity: LegalEntity) -> list[MatchingRule]:
    rows = MatchingRule.objects.filter(entity=entity).select_related("left_source", "right_source")
    return list(rows.order_by("-is_active", "name"))


def rule_of(entity: LegalEntity, rule_id: int) -> MatchingRule | None:
    return MatchingRule.objects.filter(entity=entity, pk=rule_id).select_related("left_source", "right_source").first()


def matches_of(rule: MatchingRule, *, day: date | None = None) -> QuerySet[Match]:
    rows = Match.objects.filter(rule=rule)
    if day is not None:
        rows = rows.filter(left_day=day)
    return rows.order_by("-left_day", "-pk")


def _taken(ids: Sequence[int], column: str) -> set[int]:
    found: set[int] = set()
    for start in range(0, len(ids), 5000):
        chunk = ids[start : start + 5000]
        found.update(Match.objects.filter(**{f"{column}__in": chunk}).values_list(column, flat=True))
    return found


def _open_cases(event_ids: Sequence[int]) -> dict[int, int]:
    rows = ExceptionCase.objects.filter(event_id__in=list(event_ids), state__in=OPEN_STATES)
    return dict(rows.values_list("event_id", "pk"))


def unmatched_of(
    rule: MatchingRule, *, side: str, today: date, overdue_only: bool = False, day: date | None = None
) -> list[Unmatched]:
    """The rule's events of one side that nothing matched, oldest first, each with its age in days
    (from its date), whether its window has passed (left side) and its open case."""
    if side == "left":
        sides = left_sides(rule, today)
        taken = _taken([s.event.pk for s in sides], "left_event_id")
    else:
        sides = right_sides(rule, today)
        taken = _taken([s.event.pk for s in sides], "right_event_id")
    found = [s for s in sides if s.event.pk not in taken and (day is None or s.day == day)]
    late = {s.event.pk: side == "left" and overdue(rule, s, today) for s in found}
    if overdue_only:
        found = [s for s in found if late[s.event.pk]]
    cases = _open_cases([s.event.pk for s in found])
    return [Unmatched(s, late[s.event.pk], (today - s.day).days, cases.get(s.event.pk)) for s in found]


def _coverage_days(rule: MatchingRule, today: date, unmatched: list[Unmatched]) -> list[DayCoverage]:
    covered: dict[date, list[tuple[Decimal, str]]] = defaultdict(list)
    for day, amount, currency in matches_of(rule).values_list("left_day", "amount", "currency"):
        covered[day].append((amount, currency))
    uncovered: dict[date, list[tuple[Decimal, str]]] = defaultdict(list)
    for item in unmatched:
        uncovered[item.side.day].append((item.side.amount, item.side.currency))
    days = sorted(set(covered) | set(uncovered), reverse=True)
    return [
        DayCoverage(
            day,
            Figure.of([*covered[day], *uncovered[day]]),
            Figure.of(covered[day]),
            Figure.of(uncovered[day]),
        )
        for day in days
    ]


def rule_figures(rule: MatchingRule, today: date) -> RuleFigures:
    left = unmatched_of(rule, side="left", today=today)
    right = unmatched_of(rule, side="right", today=today)
    matched = Figure.of(matches_of(rule).values_list("amount", "currency"))
    return RuleFigures(
        rule=rule,
        matched=matched,
        unmatched_left=Figure.of((u.side.amount, u.side.currency) for u in left),
        overdue_left=Figure.of((u.side.amount, u.side.currency) for u in left if u.overdue),
        unmatched_right=Figure.of((u.side.amount, u.side.currency) for u in right),
        days=_coverage_days(rule, today, left) if rule.kind == "coverage" else [],
    )


@dataclass(frozen=True)
class MatchRow:
    match: Match
    left: Any
    right: Any


def match_rows(matches: Sequence[Match]) -> list[MatchRow]:
    events = events_by_id([m.left_event_id for m in matches] + [m.right_event_id for m in matches])
    return [MatchRow(m, events.get(m.left_event_id), events.get(m.right_event_id)) for m in matches]


def last_runs(entity: LegalEntity, limit: int = 5) -> list[MatchingRun]:
    return list(MatchingRun.objects.filter(entity=entity).order_by("-requested_at", "-pk")[:limit])
