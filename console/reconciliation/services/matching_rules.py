"""Matching rules are a finance control: a controller of the entity adds and changes them (with a
reason), everyone who reads the entity's finance pages sees them, and every change is one audit
row with the rule before and after. Operators work the cases a rule opens; they never loosen the
rule that opened them. The shell (user None: seed_demo) may write any entity's rules.
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass, field
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from console.access.decorators import role_check
from console.access.roles import Role
from console.access.selectors import entity_ids_visible
from console.audit.actors import Actor
from console.audit.reasons import reason_checked
from console.audit.services import AuditEntry, audit_record
from console.reconciliation.models import (
    DateField,
    MatchBy,
    MatchingRule,
    ReferenceCompare,
    RuleKind,
    Sign,
)
from console.sync.models import EventKind, LegalEntity, SourceSystem

EDITORS = (Role.CONTROLLER,)
MAX_WINDOW_DAYS = 60
MAX_TOLERANCE = Decimal("1000000.00")
# A reference shorter than this would be found inside unrelated texts ("po_1" in "po_12").
MIN_REFERENCE = 6
FIELD_NAME = re.compile(r"^[a-z_]{1,40}$")
MAX_WHERE = 5


class RuleError(ValueError):
    """A rule that cannot be stored as given; the message names the field."""


class RuleNotFound(LookupError):
    pass


@dataclass(frozen=True)
class RuleValues:
    """What a person sets on a rule: source codes rather than ids, so the audit row reads."""

    name: str
    left_source: str
    left_kind: str
    left_label: str
    right_source: str
    right_kind: str
    kind: str = RuleKind.PAIR
    left_id_prefix: str = ""
    left_where: dict[str, str] = field(default_factory=dict)
    left_reference: str = "external_id"
    left_date: str = DateField.DATE
    right_sign: str = Sign.CREDIT
    right_reference_fields: tuple[str, ...] = ()
    right_date: str = DateField.DATE
    match_by: str = MatchBy.REFERENCE_OR_AMOUNT
    reference_compare: str = ReferenceCompare.CONTAINS
    tolerance: Decimal = Decimal("0.00")
    days_before: int = 1
    window_days: int = 3
    applies_from: date | None = None
    is_active: bool = True

    @classmethod
    def of(cls, rule: MatchingRule) -> RuleValues:
        return cls(
            name=rule.name,
            left_source=rule.left_source.code,
            left_kind=rule.left_kind,
            left_label=rule.left_label,
            right_source=rule.right_source.code,
            right_kind=rule.right_kind,
            kind=rule.kind,
            left_id_prefix=rule.left_id_prefix,
            left_where=dict(rule.left_where or {}),
            left_reference=rule.left_reference,
            left_date=rule.left_date,
            right_sign=rule.right_sign,
            right_reference_fields=tuple(rule.right_reference_fields or ()),
            right_date=rule.right_date,
            match_by=rule.match_by,
            reference_compare=rule.reference_compare,
            tolerance=rule.tolerance,
            days_before=rule.days_before,
            window_days=rule.window_days,
            applies_from=rule.applies_from,
            is_active=rule.is_active,
        )

    def as_json(self) -> dict[str, Any]:
        values = asdict(self)
        values["tolerance"] = str(self.tolerance)
        values["applies_from"] = self.applies_from.isoformat() if self.applies_from else None
        values["right_reference_fields"] = list(self.right_reference_fields)
        return values


def _choice(value: str, choices: Any, what: str) -> str:
    if value not in choices.values:
        raise RuleError(f"{what}: {value!r} is not one of {', '.join(choices.values)}")
    return value


def _source(code: str, what: str) -> SourceSystem:
    source = SourceSystem.objects.filter(code=code.strip()).first()
    if source is None:
        raise RuleError(f"{what}: no source system {code.strip()!r}")
    return source


def _field_name(value: str, what: str) -> str:
    if not FIELD_NAME.match(value):
        raise RuleError(f"{what}: {value!r} is not a payload field name (lower-case letters and '_')")
    return value


def rule_values_checked(values: RuleValues) -> RuleValues:
    """The values as they will be stored, or RuleError naming the field."""
    name = values.name.strip()
    if not name or len(name) > 100:
        raise RuleError("name: 1 to 100 characters")
    label = values.left_label.strip()
    if not label or len(label) > 40:
        raise RuleError("left label: what one event is called in a case (payout, order), 1 to 40 characters")
    for kind, what in ((values.left_kind, "left kind"), (values.right_kind, "right kind")):
        _choice(kind, EventKind, what)
    _source(values.left_source, "left source")
    _source(values.right_source, "right source")
    if (values.left_source.strip(), values.left_kind) == (values.right_source.strip(), values.right_kind):
        raise RuleError("right side: a rule matches one source's events with another's, not with themselves")
    prefix = values.left_id_prefix.strip()
    if len(prefix) > 40:
        raise RuleError("left id prefix: at most 40 characters")
    if len(values.left_where) > MAX_WHERE:
        raise RuleError(f"left condition: at most {MAX_WHERE} fields")
    where = {}
    for key, text in values.left_where.items():
        if not isinstance(text, str) or not text.strip() or len(text) > 100:
            raise RuleError(f"left condition: {key} needs a text of 1 to 100 characters")
        where[_field_name(key, "left condition")] = text.strip()
    reference = values.left_reference.strip()
    if reference != "external_id":
        _field_name(reference, "left reference")
    fields = tuple(_field_name(f.strip(), "right reference fields") for f in values.right_reference_fields if f.strip())
    match_by = _choice(values.match_by, MatchBy, "match by")
    if match_by != MatchBy.AMOUNT and not fields:
        raise RuleError("right reference fields: name the fields the reference is looked for in, or match by amount")
    try:
        tolerance = Decimal(values.tolerance).quantize(Decimal("0.01"))
    except InvalidOperation as err:
        raise RuleError(f"tolerance: {values.tolerance!r} is not an amount") from err
    if tolerance != Decimal(values.tolerance) or not Decimal(0) <= tolerance <= MAX_TOLERANCE:
        raise RuleError(f"tolerance: an amount from 0.00 to {MAX_TOLERANCE:,}, at most 2 decimals")
    if not 0 <= values.days_before <= MAX_WINDOW_DAYS or not 0 <= values.window_days <= MAX_WINDOW_DAYS:
        raise RuleError(f"window: 0 to {MAX_WINDOW_DAYS} days before and after")
    return RuleValues(
        name=name,
        left_source=values.left_source.strip(),
        left_kind=values.left_kind,
        left_label=label,
        right_source=values.right_source.strip(),
        right_kind=values.right_kind,
        kind=_choice(values.kind, RuleKind, "kind"),
        left_id_prefix=prefix,
        left_where=where,
        left_reference=reference,
        left_date=_choice(values.left_date, DateField, "left date"),
        right_sign=_choice(values.right_sign, Sign, "right sign"),
        right_reference_fields=fields,
        right_date=_choice(values.right_date, DateField, "right date"),
        match_by=match_by,
        reference_compare=_choice(values.reference_compare, ReferenceCompare, "reference compare"),
        tolerance=tolerance,
        days_before=values.days_before,
        window_days=values.window_days,
        applies_from=values.applies_from or timezone.now().date(),
        is_active=values.is_active,
    )


def _entity(user: Any | None, entity_code: str) -> LegalEntity:
    rows = LegalEntity.objects.filter(code=entity_code)
    if user is not None:
        rows = rows.filter(pk__in=entity_ids_visible(user))
    entity = rows.first()
    if entity is None:
        raise RuleNotFound(f"no legal entity {entity_code!r} among yours")
    return entity


def _apply(rule: MatchingRule, values: RuleValues, actor: Actor) -> None:
    rule.name, rule.kind, rule.left_label = values.name, values.kind, values.left_label
    rule.left_source = _source(values.left_source, "left source")
    rule.right_source = _source(values.right_source, "right source")
    rule.left_kind, rule.right_kind = values.left_kind, values.right_kind
    rule.left_id_prefix, rule.left_where = values.left_id_prefix, values.left_where
    rule.left_reference, rule.left_date = values.left_reference, values.left_date
    rule.right_sign, rule.right_reference_fields = values.right_sign, list(values.right_reference_fields)
    rule.right_date, rule.match_by = values.right_date, values.match_by
    rule.reference_compare = values.reference_compare
    rule.tolerance, rule.days_before, rule.window_days = values.tolerance, values.days_before, values.window_days
    assert values.applies_from is not None
    rule.applies_from, rule.is_active = values.applies_from, values.is_active
    rule.changed_at, rule.changed_by = timezone.now(), actor.label


def _saved(rule: MatchingRule) -> None:
    try:
        with transaction.atomic():
            rule.save()
    except IntegrityError as err:
        raise RuleError(f"name: the entity has a rule named {rule.name!r} already") from err


def _audit(rule: MatchingRule, actor: Actor, action: str, before: Any, after: Any, reason: str) -> None:
    audit_record(
        actor=actor,
        entry=AuditEntry(
            action=f"matching_rule.{action}",
            object_type="matching_rule",
            object_id=str(rule.pk),
            entity_code=rule.entity.code,
            before=before,
            after=after,
            reason=reason,
        ),
    )


@transaction.atomic
def matching_rule_create(
    *, user: Any | None, actor: Actor, entity_code: str, values: RuleValues, reason: str
) -> MatchingRule:
    doing = "adding a matching rule"
    if user is not None:
        role_check(user, *EDITORS, doing=doing)
    entity = _entity(user, entity_code)
    checked = rule_values_checked(values)
    reason = reason_checked(reason, doing, RuleError)
    rule = MatchingRule(entity=entity, created_at=timezone.now())
    _apply(rule, checked, actor)
    _saved(rule)
    _audit(rule, actor, "created", None, checked.as_json(), reason)
    return rule


@transaction.atomic
def matching_rule_change(
    *, user: Any | None, actor: Actor, entity_code: str, rule_id: int, values: RuleValues, reason: str
) -> tuple[MatchingRule, bool]:
    """Change a rule (deactivating it is a change of is_active); the matches it made stay."""
    doing = "changing a matching rule"
    if user is not None:
        role_check(user, *EDITORS, doing=doing)
    entity = _entity(user, entity_code)
    rule = (
        MatchingRule.objects.select_for_update(of=("self",))
        .select_related("entity", "left_source", "right_source")
        .filter(pk=rule_id, entity=entity)
        .first()
    )
    if rule is None:
        raise RuleNotFound(f"no matching rule {rule_id} in {entity.code}")
    before = RuleValues.of(rule)
    checked = rule_values_checked(values)
    if checked == before:
        return rule, False
    reason = reason_checked(reason, doing, RuleError)
    _apply(rule, checked, actor)
    _saved(rule)
    was, now = before.as_json(), checked.as_json()
    changed = [key for key in now if was[key] != now[key]]
    _audit(rule, actor, "changed", {k: was[k] for k in changed}, {k: now[k] for k in changed}, reason)
    return rule, True
