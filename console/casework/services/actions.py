"""What people do to a case. Each action checks the role and the entity, changes
the case (and its event) and writes the audit rows in one transaction.

Operators work cases; controllers approve what is material; nobody decides
their own request. A dismissal, or an override that changes the amount, of an
event above its entity's materiality threshold waits for a controller.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone

from console.access.decorators import role_check
from console.access.roles import Role
from console.access.selectors import entity_ids_visible, restrict_to_entities, user_has_role
from console.audit.actors import Actor
from console.casework.models import (
    ActivityKind,
    ApprovalKind,
    ApprovalState,
    CaseApproval,
    CaseState,
    ExceptionCase,
)
from console.casework.services.states import CaseError, case_change
from console.casework.taxonomy import Category
from console.sync.errors import IllegalTransition
from console.sync.models import SyncEvent
from console.sync.overrides import OverrideError
from console.sync.services.interventions import WORKABLE, event_dismiss, event_resubmit, event_retry, override_check

WORKERS = (Role.OPERATOR,)
DISCUSSANTS = (Role.OPERATOR, Role.CONTROLLER)
APPROVERS = (Role.CONTROLLER,)

# Which roles may do what: the pages show a button only when this allows it.
ACTION_ROLES: dict[str, tuple[Role, ...]] = {
    "claim": WORKERS,
    "assign": DISCUSSANTS,
    "comment": DISCUSSANTS,
    "retry": WORKERS,
    "resubmit": WORKERS,
    "mark_duplicate": WORKERS,
    "dismiss": WORKERS,
    "approve": APPROVERS,
    "reject": APPROVERS,
}


class CaseNotFound(Exception):
    pass


def action_role_check(user: Any, action: str, *, doing: str = "") -> None:
    role_check(user, *ACTION_ROLES[action], doing=doing or action.replace("_", " "))


def _case(user: Any, case_id: int, action: str) -> ExceptionCase:
    action_role_check(user, action)
    rows = ExceptionCase.objects.select_for_update(of=("self",)).select_related("entity", "event")
    case = restrict_to_entities(rows, user).filter(pk=case_id).first()
    if case is None:
        raise CaseNotFound(f"no case {case_id} in your legal entities")
    return case


def _open(case: ExceptionCase, doing: str) -> None:
    if not case.is_open:
        raise CaseError(f"case {case.pk} is {case.get_state_display().lower()}: it cannot be {doing}")
    if case.state == CaseState.WAITING_APPROVAL:
        raise CaseError(f"case {case.pk} waits for a controller's approval: it cannot be {doing} now")


def _reason(reason: str, what: str) -> str:
    reason = (reason or "").strip()
    if not reason:
        raise CaseError(f"{what} needs a reason")
    return reason


def _workable(case: ExceptionCase, doing: str) -> None:
    if case.event.state not in WORKABLE:
        raise CaseError(
            f"event {case.event_id} is {case.event.get_state_display().lower()}: it cannot be {doing} from this case"
        )


@transaction.atomic
def case_claim(*, user: Any, actor: Actor, case_id: int) -> ExceptionCase:
    case = _case(user, case_id, "claim")
    _open(case, "claimed")
    if case.assignee_id == user.pk:
        raise CaseError(f"case {case.pk} is already yours")
    case_change(case, actor=actor, kind=ActivityKind.CLAIMED, to=CaseState.IN_PROGRESS, fields={"assignee": user})
    return case


@transaction.atomic
def case_assign(*, user: Any, actor: Actor, case_id: int, assignee: Any) -> ExceptionCase:
    case = _case(user, case_id, "assign")
    _open(case, "assigned")
    if not user_has_role(assignee, Role.OPERATOR) or case.entity_id not in entity_ids_visible(assignee):
        raise CaseError(f"{assignee.get_username()} is not a finance operator of {case.entity.code}")
    case_change(
        case,
        actor=actor,
        kind=ActivityKind.ASSIGNED,
        to=CaseState.IN_PROGRESS,
        text=f"assigned to {assignee.get_username()}",
        fields={"assignee": assignee},
    )
    return case


@transaction.atomic
def case_comment(*, user: Any, actor: Actor, case_id: int, text: str) -> ExceptionCase:
    case = _case(user, case_id, "comment")
    text = (text or "").strip()
    if not text:
        raise CaseError("a comment cannot be empty")
    case_change(case, actor=actor, kind=ActivityKind.COMMENTED, text=text[:5000])
    return case


@transaction.atomic
def case_retry(*, user: Any, actor: Actor, case_id: int, reason: str = "") -> ExceptionCase:
    case = _case(user, case_id, "retry")
    _open(case, "retried")
    _workable(case, "retried")
    # Retrying a suspected duplicate is the person's answer: not a duplicate, post it.
    waive = case.category == Category.SUSPECTED_DUPLICATE
    event_retry(event=case.event, actor=actor, reason=reason or f"retried from case {case.pk}", waive_duplicate=waive)
    case_change(case, actor=actor, kind=ActivityKind.RETRIED, to=CaseState.IN_PROGRESS, text=reason)
    return case


def _material(case: ExceptionCase, *amounts: Decimal) -> bool:
    return max(amounts) > case.entity.materiality_threshold


@transaction.atomic
def case_resubmit(*, user: Any, actor: Actor, case_id: int, changes: dict[str, Any], reason: str) -> ExceptionCase:
    """Edit-and-resubmit: override payload fields with a reason; the diff is kept.
    Changing the amount of a material event waits for a controller instead."""
    case = _case(user, case_id, "resubmit")
    _open(case, "resubmitted")
    _workable(case, "resubmitted")
    reason = _reason(reason, "an override")
    try:
        _, diff, new_amount = override_check(case.event, changes)
    except OverrideError as err:
        raise CaseError(str(err)) from err
    old_amount = case.event.amount
    if new_amount != old_amount and _material(case, old_amount, new_amount):
        return _request_approval(
            case,
            user=user,
            actor=actor,
            kind=ApprovalKind.OVERRIDE,
            reason=reason,
            changes=changes,
            diff=diff,
            amount=new_amount,
        )
    event_resubmit(event=case.event, changes=changes, actor=actor, reason=reason)
    case_change(
        case, actor=actor, kind=ActivityKind.RESUBMITTED, to=CaseState.IN_PROGRESS, text=reason, data={"diff": diff}
    )
    return case


@transaction.atomic
def case_dismiss(*, user: Any, actor: Actor, case_id: int, reason: str) -> ExceptionCase:
    case = _case(user, case_id, "dismiss")
    _open(case, "dismissed")
    reason = _reason(reason, "a dismissal")
    if _material(case, case.event.amount):
        return _request_approval(case, user=user, actor=actor, kind=ApprovalKind.DISMISS, reason=reason)
    _dismiss(case, actor=actor, reason=reason, resolution="dismissed")
    return case


def _dismiss(case: ExceptionCase, *, actor: Actor, reason: str, resolution: str, **fields: Any) -> None:
    if case.event.state in WORKABLE:
        event_dismiss(event=case.event, actor=actor, reason=reason)
    case_change(
        case,
        actor=actor,
        kind=ActivityKind.MARKED_DUPLICATE if fields.get("duplicate_of") else ActivityKind.DISMISSED,
        to=CaseState.DISMISSED,
        text=reason,
        fields={"resolution": resolution, **fields},
    )


@transaction.atomic
def case_mark_duplicate(*, user: Any, actor: Actor, case_id: int, of: str, reason: str = "") -> ExceptionCase:
    """The event is the same document as another one of the entity (by id or external id): never posted."""
    case = _case(user, case_id, "mark_duplicate")
    _open(case, "marked as a duplicate")
    others = SyncEvent.objects.filter(entity_id=case.entity_id).exclude(pk=case.event_id)
    ref = (of or "").strip()
    # An external id first (it is what people copy from the source); several sources may share one.
    matches = list(others.filter(external_id=ref)[:2])
    if len(matches) > 1:
        raise CaseError(f"several events of {case.entity.code} have the external id {ref!r}: give the event id")
    if not matches and ref.isascii() and ref.isdigit():
        matches = list(others.filter(pk=int(ref)))
    if not matches:
        raise CaseError(f"no other event {ref!r} in {case.entity.code} (give its id or external id)")
    other = matches[0]
    text = reason.strip() or f"same document as event {other.pk} ({other.external_id})"
    _dismiss(case, actor=actor, reason=text, resolution=f"duplicate of event {other.pk}", duplicate_of=other)
    return case


def _request_approval(
    case: ExceptionCase,
    *,
    user: Any,
    actor: Actor,
    kind: ApprovalKind,
    reason: str,
    changes: dict[str, Any] | None = None,
    diff: list[dict[str, Any]] | None = None,
    amount: Decimal | None = None,
) -> ExceptionCase:
    """amount: what the decision is about (the amount an override would post)."""
    approval = CaseApproval.objects.create(
        case=case,
        kind=kind,
        changes=changes,
        diff=diff,
        amount=case.event.amount if amount is None else amount,
        reason=reason,
        requested_by=user,
        requested_at=timezone.now(),
    )
    case_change(
        case,
        actor=actor,
        kind=ActivityKind.APPROVAL_REQUESTED,
        to=CaseState.WAITING_APPROVAL,
        text=reason,
        data={
            "approval": approval.pk,
            "kind": kind.value,
            "diff": diff,
            "threshold": str(case.entity.materiality_threshold),
        },
    )
    return case


def _pending(case: ExceptionCase, user: Any) -> CaseApproval:
    approval = CaseApproval.objects.select_for_update().filter(case=case, state=ApprovalState.PENDING).first()
    if approval is None:
        raise CaseError(f"case {case.pk} has no request waiting for approval")
    if approval.requested_by_id == user.pk:
        raise PermissionDenied("nobody approves or rejects their own request")
    return approval


def _decide(approval: CaseApproval, user: Any, state: ApprovalState, note: str) -> None:
    approval.state, approval.decided_by, approval.decided_at = state, user, timezone.now()
    approval.decision_note = note
    approval.save(update_fields=["state", "decided_by", "decided_at", "decision_note"])


@transaction.atomic
def case_approve(*, user: Any, actor: Actor, case_id: int, note: str = "") -> ExceptionCase:
    case = _case(user, case_id, "approve")
    approval = _pending(case, user)
    _decide(approval, user, ApprovalState.APPROVED, note.strip())
    requested = f"{approval.get_kind_display().lower()} asked by {approval.requested_by.get_username()}"
    case_change(
        case,
        actor=actor,
        kind=ActivityKind.APPROVED,
        to=CaseState.IN_PROGRESS,
        text=note.strip() or f"approved the {requested}",
        data={"approval": approval.pk, "kind": approval.kind},
    )
    reason = f"{approval.reason} (approved by {user.get_username()}: {requested})"
    if approval.kind == ApprovalKind.DISMISS:
        _dismiss(case, actor=actor, reason=reason, resolution="dismissed with approval")
        return case
    try:
        diff = event_resubmit(event=case.event, changes=approval.changes or {}, actor=actor, reason=reason)
    except (OverrideError, IllegalTransition) as err:
        raise CaseError(f"the approved override cannot be applied any more: {err}") from err
    case_change(case, actor=actor, kind=ActivityKind.RESUBMITTED, text=reason, data={"diff": diff})
    return case


@transaction.atomic
def case_reject(*, user: Any, actor: Actor, case_id: int, note: str) -> ExceptionCase:
    case = _case(user, case_id, "reject")
    approval = _pending(case, user)
    note = _reason(note, "a rejection")
    _decide(approval, user, ApprovalState.REJECTED, note)
    case_change(
        case,
        actor=actor,
        kind=ActivityKind.REJECTED,
        to=CaseState.IN_PROGRESS,
        text=note,
        data={"approval": approval.pk, "kind": approval.kind},
    )
    return case
