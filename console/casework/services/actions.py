"""What people do to a case. Each action checks the role and the entity, changes
the case (and its event) and writes the audit rows in one transaction.

Operators work cases; controllers approve what is material; nobody decides
their own request. What is material is decided by one rule (casework/materiality.py),
on absolute amounts: every way of ending a material case without posting it (dismiss,
mark as duplicate), posting a suspected duplicate of one anyway, and every override that
changes what a material event posts, waits for a controller.
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
from console.casework.materiality import Judgement, is_material, judge_ending, judge_override
from console.casework.models import (
    MATCH_IN_FLIGHT,
    ActivityKind,
    ApprovalKind,
    ApprovalState,
    CaseApproval,
    CaseState,
    ExceptionCase,
    ReceiptMatch,
)
from console.casework.services.approval_mail import case_approval_mail_on_commit
from console.casework.services.states import CaseError, case_change
from console.casework.taxonomy import MATCHING_CATEGORIES, Category
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
    "credit_note": WORKERS,
    "match_receipt": WORKERS,
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


def _event(case: ExceptionCase, doing: str) -> SyncEvent:
    """The case's event; a case about no event (a reconciliation difference) has nothing to post."""
    if case.event is None:
        raise CaseError(
            f"case {case.pk} is about no event ({case.subject}): it cannot be {doing}; fix the cause in Odoo or "
            "at the source and re-run the day, or dismiss it with a reason"
        )
    return case.event


def _workable(case: ExceptionCase, doing: str) -> None:
    event = _event(case, doing)
    if event.state not in WORKABLE:
        raise CaseError(f"event {event.pk} is {event.get_state_display().lower()}: it cannot be {doing} from this case")


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
    # Retrying a suspected duplicate is the person's answer: not a duplicate, post it. For a
    # material event that answer is a controller's too.
    waive = case.category == Category.SUSPECTED_DUPLICATE
    if waive:
        judgement = _ending(case)
        if judgement.material:
            reason = reason.strip() or "not a duplicate: post it"
            return _request_approval(
                case, user=user, actor=actor, kind=ApprovalKind.POST_ANYWAY, reason=reason, judgement=judgement
            )
    _retry(case, actor=actor, reason=reason, waive=waive)
    return case


def _retry(case: ExceptionCase, *, actor: Actor, reason: str, waive: bool) -> None:
    event_retry(
        event=_event(case, "retried"),
        actor=actor,
        reason=reason or f"retried from case {case.pk}",
        waive_duplicate=waive,
    )
    case_change(case, actor=actor, kind=ActivityKind.RETRIED, to=CaseState.IN_PROGRESS, text=reason)


def _ending(case: ExceptionCase) -> Judgement:
    """Would ending this case without posting (or posting a suspected duplicate) be material?
    A case about no event is judged on its own amount (absolute, as always)."""
    event = case.event
    if event is None:
        threshold = case.entity.materiality_threshold
        return Judgement(is_material(abs(case.amount), threshold), abs(case.amount), threshold)
    return judge_ending(
        kind=event.kind,
        payload=event.effective_payload,
        amount=event.amount,
        threshold=case.entity.materiality_threshold,
    )


@transaction.atomic
def case_resubmit(*, user: Any, actor: Actor, case_id: int, changes: dict[str, Any], reason: str) -> ExceptionCase:
    """Edit-and-resubmit: override payload fields with a reason; the diff is kept. An override
    that changes what a material event posts waits for a controller instead."""
    case = _case(user, case_id, "resubmit")
    _open(case, "resubmitted")
    _workable(case, "resubmitted")
    reason = _reason(reason, "an override")
    try:
        checked = override_check(_event(case, "resubmitted"), changes)
    except OverrideError as err:
        raise CaseError(str(err)) from err
    judgement = judge_override(
        before=checked.before,
        after=checked.after,
        amount=_event(case, "resubmitted").amount,
        threshold=case.entity.materiality_threshold,
    )
    if judgement.material:
        return _request_approval(
            case,
            user=user,
            actor=actor,
            kind=ApprovalKind.OVERRIDE,
            reason=reason,
            judgement=judgement,
            changes=changes,
            diff=checked.diff,
            amount=checked.after.amount,
        )
    _resubmit(case, actor=actor, changes=changes, reason=reason, diff=checked.diff)
    return case


def _resubmit(
    case: ExceptionCase, *, actor: Actor, changes: dict[str, Any], reason: str, diff: list[dict[str, Any]] | None = None
) -> None:
    """The override applied: the event queued again, and the case showing what will post now."""
    try:
        applied = event_resubmit(event=_event(case, "resubmitted"), changes=changes, actor=actor, reason=reason)
    except (OverrideError, IllegalTransition) as err:
        raise CaseError(f"the override cannot be applied: {err}") from err
    event = SyncEvent.objects.only("amount", "currency").get(pk=case.the_event.pk)
    fields = {"amount": event.amount, "currency": event.currency}
    changed = {name: value for name, value in fields.items() if getattr(case, name) != value}
    case_change(
        case,
        actor=actor,
        kind=ActivityKind.RESUBMITTED,
        to=CaseState.IN_PROGRESS,
        text=reason,
        data={"diff": diff or applied},
        fields=changed,
    )


@transaction.atomic
def case_dismiss(*, user: Any, actor: Actor, case_id: int, reason: str) -> ExceptionCase:
    """Never post the event; for an unmatched receipt (posted already), leave it unmatched:
    the payment stays in Odoo's outstanding credits and the case closes. Material either way
    waits for a controller."""
    case = _case(user, case_id, "dismiss")
    _open(case, "dismissed")
    reason = _reason(reason, "a dismissal")
    _no_match_in_flight(case)
    judgement = _ending(case)
    if judgement.material:
        return _request_approval(
            case, user=user, actor=actor, kind=ApprovalKind.DISMISS, reason=reason, judgement=judgement
        )
    _dismiss(case, actor=actor, reason=reason, resolution=_dismissed(case))
    return case


def _dismissed(case: ExceptionCase, approved: bool = False) -> str:
    ending = "left unmatched" if case.category == Category.UNMATCHED_RECEIPT else "dismissed"
    return f"{ending} with approval" if approved else ending


def match_in_flight(case: ExceptionCase) -> ReceiptMatch | None:
    """The receipt match asked for and not carried out yet: nothing else ends the case meanwhile."""
    return ReceiptMatch.objects.filter(case=case, state__in=MATCH_IN_FLIGHT).first()


def _no_match_in_flight(case: ExceptionCase) -> None:
    running = match_in_flight(case)
    if running is not None:
        raise CaseError(f"a match with {running.invoice_ref} is under way: wait for its outcome")


def _dismiss(case: ExceptionCase, *, actor: Actor, reason: str, resolution: str, **fields: Any) -> None:
    # A payout not seen in the bank is a question about the bank, not about posting the payout.
    if case.event is not None and case.event.state in WORKABLE and case.category not in MATCHING_CATEGORIES:
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
    event = _event(case, "marked as a duplicate")
    others = SyncEvent.objects.filter(entity_id=case.entity_id).exclude(pk=event.pk)
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
    judgement = _ending(case)
    if judgement.material:
        return _request_approval(
            case,
            user=user,
            actor=actor,
            kind=ApprovalKind.MARK_DUPLICATE,
            reason=text,
            judgement=judgement,
            duplicate_of=other,
        )
    _mark_duplicate(case, actor=actor, reason=text, other=other)
    return case


def _mark_duplicate(case: ExceptionCase, *, actor: Actor, reason: str, other: SyncEvent) -> None:
    _dismiss(case, actor=actor, reason=reason, resolution=f"duplicate of event {other.pk}", duplicate_of=other)


def _request_approval(
    case: ExceptionCase,
    *,
    user: Any,
    actor: Actor,
    kind: ApprovalKind,
    reason: str,
    judgement: Judgement,
    changes: dict[str, Any] | None = None,
    diff: list[dict[str, Any]] | None = None,
    amount: Decimal | None = None,
    duplicate_of: SyncEvent | None = None,
) -> ExceptionCase:
    """amount: what would post (an override's new amount); the judgement says why it is material."""
    approval = CaseApproval.objects.create(
        case=case,
        kind=kind,
        why=judgement.why,
        changes=changes,
        diff=diff,
        amount=(case.event.amount if case.event is not None else case.amount) if amount is None else amount,
        duplicate_of=duplicate_of,
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
            "duplicate_of": duplicate_of.pk if duplicate_of else None,
            **judgement.as_json(),
        },
    )
    case_approval_mail_on_commit(approval.pk)
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
        _dismiss(case, actor=actor, reason=reason, resolution=_dismissed(case, approved=True))
    elif approval.kind == ApprovalKind.MARK_DUPLICATE:
        assert approval.duplicate_of is not None
        _mark_duplicate(case, actor=actor, reason=reason, other=approval.duplicate_of)
    elif approval.kind == ApprovalKind.POST_ANYWAY:
        _workable(case, "posted anyway")
        _retry(case, actor=actor, reason=reason, waive=True)
    elif approval.kind == ApprovalKind.CREDIT_NOTE:
        from console.casework.services.credit_notes import credit_note_apply

        _workable(case, "turned into a credit note")
        credit_note_apply(case, actor=actor, reason=reason)
    else:
        _workable(case, "resubmitted")
        _resubmit(case, actor=actor, changes=approval.changes or {}, reason=reason)
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
