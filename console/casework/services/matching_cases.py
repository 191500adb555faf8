"""Cases of cross-source matching (console/reconciliation): a payout not seen in the bank, an
order not covered by a charge. The matcher calls these inside its own transaction, so the case,
its timeline and its audit row commit with the match (or the lack of one) they are about.

One open case per event holds: an event whose open case is about something else (it failed to
post) keeps that case, and the matcher asks again on its next run once that one is closed. A
case a person dismissed (the money is accounted for elsewhere) is not opened again.
"""

from __future__ import annotations

from typing import Any

from django.db import connection
from django.utils import timezone

from console.audit.actors import Actor
from console.casework.models import (
    OPEN_STATES,
    ActivityKind,
    ApprovalState,
    CaseApproval,
    CaseState,
    ExceptionCase,
)
from console.casework.services.opening import case_open_or_add
from console.casework.services.states import CaseError, case_change
from console.casework.taxonomy import MATCHING_CATEGORIES, category_for
from console.sync.models import SyncEvent


def _in_transaction() -> None:
    if not connection.in_atomic_block:
        raise CaseError("matching cases change inside the matcher's transaction")


def case_open_unmatched(*, event: SyncEvent, actor: Actor, reason_code: str, message: str) -> ExceptionCase | None:
    """Open the case of an event whose counterpart never came; None when it has one already (of
    this question or another) or a person closed this question before."""
    _in_transaction()
    category = category_for(reason_code)
    if category not in MATCHING_CATEGORIES:
        raise CaseError(f"{reason_code} is not a question of cross-source matching")
    cases = ExceptionCase.objects.select_for_update(of=("self",)).filter(event=event)
    if cases.filter(state__in=OPEN_STATES).exists() or cases.filter(category=category).exists():
        return None
    return case_open_or_add(event, actor=actor, reason_code=reason_code, message=message, failure=False)


def case_resolve_matched(*, event_id: int, actor: Actor, text: str, data: dict[str, Any]) -> ExceptionCase | None:
    """The counterpart came after all (the bank file arrived late): its open matching case
    resolves, its timeline naming what matched. None when it had none open."""
    _in_transaction()
    case = (
        ExceptionCase.objects.select_for_update(of=("self",))
        .select_related("entity", "event")
        .filter(event_id=event_id, state__in=OPEN_STATES, category__in=MATCHING_CATEGORIES)
        .first()
    )
    if case is None:
        return None
    # A dismissal still asked of a controller has nothing left to decide.
    withdrawn = CaseApproval.objects.filter(case=case, state=ApprovalState.PENDING).update(
        state=ApprovalState.REJECTED, decided_at=timezone.now(), decision_note="withdrawn: the case resolved, matched"
    )
    if withdrawn:
        data = {**data, "approval_withdrawn": True}
    case_change(
        case,
        actor=actor,
        kind=ActivityKind.RESOLVED,
        to=CaseState.RESOLVED,
        text=text,
        data=data,
        fields={"resolution": "matched"},
    )
    return case
