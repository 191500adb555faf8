"""Cases for the differences a reconciliation run finds: opened, kept and resolved here, in the
caller's transaction, each change with its timeline entry and audit row (states.case_change).

Reconciliation (console/reconciliation) calls these with plain values and keeps the case's id
on its difference; casework knows nothing of reconciliation. A difference about one of our
events opens its case on the event, or, when the event already has an open case (its failure
explains why it is not in Odoo), notes the difference on that case instead: one open case per
event. A difference about no event (a record in Odoo no event explains, a source's total) opens
a case without an event, with its subject in words.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.db import connection
from django.utils import timezone

from console.audit.actors import Actor
from console.casework.causes import difference_cause
from console.casework.materiality import is_material
from console.casework.models import OPEN_STATES, ActivityKind, ApprovalState, CaseApproval, CaseState, ExceptionCase
from console.casework.services.opening import sla_due
from console.casework.services.states import CaseError, case_change
from console.casework.taxonomy import INFO, RECONCILIATION_CATEGORIES, SEVERITY_ORDER, Category, Severity
from console.sync.models import Flow, LegalEntity, SyncEvent

MAX_SUBJECT = 300


@dataclass(frozen=True)
class Difference:
    """What reconciliation found, in words and money. `scope` and `scope_label` name what its
    cause groups by (a flow's id and name; for an unknown Odoo record, its source's code)."""

    category: Category
    entity: LegalEntity
    flow: Flow
    message: str
    amount: Decimal
    currency: str
    scope: str
    scope_label: str
    event: SyncEvent | None = None
    subject: str = ""


def _checked(found: Difference) -> None:
    if not connection.in_atomic_block:
        raise CaseError("difference cases are opened inside a transaction")
    if found.category not in RECONCILIATION_CATEGORIES:
        raise CaseError(f"{found.category} is not a reconciliation category")
    if found.event is None and not found.subject.strip():
        raise CaseError("a difference about no event must say what it is about")
    if found.event is not None and found.event.entity_id != found.entity.pk:
        raise CaseError(f"event {found.event.pk} is not of {found.entity.code}")


def _severity(found: Difference) -> Severity:
    base = INFO[found.category].severity
    if is_material(abs(found.amount), found.entity.materiality_threshold) and SEVERITY_ORDER.index(base) < 2:
        return Severity.HIGH
    return base


def case_open_for_difference(*, actor: Actor, found: Difference) -> ExceptionCase:
    """The case of a difference: a new one, or its event's case already open (noted there)."""
    _checked(found)
    if found.event is not None:
        current = (
            ExceptionCase.objects.select_for_update(of=("self",))
            .select_related("entity", "event")
            .filter(event=found.event, state__in=OPEN_STATES)
            .first()
        )
        if current is not None:
            case_change(
                current,
                actor=actor,
                kind=ActivityKind.RECONCILED_AGAIN,
                text=found.message,
                data={"category": found.category.value},
            )
            return current
    now = timezone.now()
    severity = _severity(found)
    cause = difference_cause(found.category, found.entity.code, found.scope, found.scope_label)
    case = ExceptionCase.objects.create(
        event=found.event,
        subject=found.subject.strip()[:MAX_SUBJECT],
        entity=found.entity,
        flow=found.flow,
        category=found.category,
        severity=severity,
        reason_code=found.category.value,
        summary=found.message,
        next_action=INFO[found.category].next_action,
        amount=found.amount,
        currency=found.currency,
        owner_team=INFO[found.category].team,
        opened_at=now,
        sla_due_at=sla_due(severity, now),
        last_failure_at=now,
        failure_count=0,
        cause_key=cause.key,
        cause_label=cause.label,
    )
    case_change(
        case,
        actor=actor,
        kind=ActivityKind.OPENED,
        text=found.message,
        data={"category": found.category.value, "severity": severity.value, "reason_code": found.category.value},
    )
    return case


def case_difference_again(*, actor: Actor, case_id: int, message: str) -> ExceptionCase | None:
    """A re-run found the difference still there: its open case says so when the figures changed."""
    if not connection.in_atomic_block:
        raise CaseError("difference cases change inside a transaction")
    case = (
        ExceptionCase.objects.select_for_update(of=("self",))
        .select_related("entity", "event")
        .filter(pk=case_id, state__in=OPEN_STATES)
        .first()
    )
    if case is None or case.summary == message or case.category not in RECONCILIATION_CATEGORIES:
        return case
    case_change(
        case,
        actor=actor,
        kind=ActivityKind.RECONCILED_AGAIN,
        text=message,
        fields={"summary": message, "last_failure_at": timezone.now()},
    )
    return case


def case_difference_gone(*, actor: Actor, case_id: int, text: str) -> bool:
    """A re-run no longer finds the difference: its case resolves, if it is still open and one
    reconciliation opened (a failure case it was noted on keeps its own question)."""
    if not connection.in_atomic_block:
        raise CaseError("difference cases change inside a transaction")
    case = (
        ExceptionCase.objects.select_for_update(of=("self",))
        .select_related("entity", "event")
        .filter(pk=case_id, state__in=OPEN_STATES, category__in=RECONCILIATION_CATEGORIES)
        .first()
    )
    if case is None:
        return False
    if case.state == CaseState.WAITING_APPROVAL:
        # Nothing is left to approve: the request is withdrawn, as a resolution by a resent
        # document withdraws one (opening._resolve_resent).
        CaseApproval.objects.filter(case=case, state=ApprovalState.PENDING).update(
            state=ApprovalState.REJECTED, decided_at=timezone.now(), decision_note="withdrawn: the difference is gone"
        )
    case_change(
        case,
        actor=actor,
        kind=ActivityKind.RESOLVED,
        to=CaseState.RESOLVED,
        text=text,
        fields={"resolution": "reconciled"},
    )
    return True
