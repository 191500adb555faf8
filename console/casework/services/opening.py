"""Cases open by themselves when an event cannot post, gather its repeated
failures while open, and resolve when the event finally posts.

Connected to sync's events_transitioned signal, so it runs in the transaction
of the transition that caused it (and its audit rows join that transaction).
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.conf import settings
from django.dispatch import receiver
from django.utils import timezone

from console.audit.actors import Actor
from console.casework.causes import BUSINESS_KEY_KINDS, Facts, business_key, cause_of
from console.casework.materiality import event_exposure, is_material
from console.casework.models import OPEN_STATES, ActivityKind, ApprovalState, CaseApproval, CaseState, ExceptionCase
from console.casework.services.states import case_change
from console.casework.taxonomy import (
    INFO,
    MATCHING_CATEGORIES,
    SEVERITY_ORDER,
    Category,
    Severity,
    category_for,
    next_action,
)
from console.sync.models import DuplicateAttempt, EventKind, EventState, Flow, SyncEvent, UnmatchedReceipts
from console.sync.services.interventions import event_dismiss
from console.sync.signals import duplicates_conflicted, event_flagged, events_changed_at_source, events_transitioned

FAILING = (EventState.FAILED, EventState.BLOCKED)
# A suspected duplicate only posts once a person retried it (their answer); a conflict
# (which version is right?) stays a question after the first version posts, and so does a
# second look at an unusual total (it was never a reason not to post), and so does a payout
# not seen in the bank (posting it says nothing of the bank).
STAY_OPEN_WHEN_POSTED = (Category.CONFLICTING_DUPLICATE, Category.UNUSUAL_TOTAL, *MATCHING_CATEGORIES)


def case_context(event: SyncEvent) -> dict[str, Any]:
    context = {"entity": event.entity.code, "date": f"{event.occurred_at:%Y-%m-%d}"}
    # mapping:<kind>:<entity>:<source value>, as resolution.mapping_block_key writes it
    parts = event.blocked_on.split(":", 3)
    if parts[0] == "mapping" and len(parts) == 4:
        context.update(mapping_kind=parts[1], value=parts[3])
    return context


def severity_for(category: Category, event: SyncEvent) -> Severity:
    base = INFO[category].severity
    # Material by the same rule as approvals: on the largest absolute amount it would post.
    at_stake = event_exposure(event.kind, event.effective_payload, event.amount)
    if is_material(at_stake, event.entity.materiality_threshold) and SEVERITY_ORDER.index(base) < 2:
        return Severity.HIGH
    return base


def sla_due(severity: str, opened_at: Any) -> Any:
    return opened_at + timedelta(hours=settings.CASE_SLA_HOURS[severity])


def case_open_or_add(
    event: SyncEvent, *, actor: Actor, reason_code: str, message: str, failure: bool = True
) -> ExceptionCase:
    """Open the event's case, or add this failure to the one already open. A case opened on
    an event that did not fail (an unmatched receipt, posted) counts no failure."""
    now = timezone.now()
    category = category_for(reason_code, message)
    facts = Facts.of(event)
    cause = cause_of(category, reason_code, message, facts)
    case = (
        ExceptionCase.objects.select_for_update(of=("self",))
        .select_related("entity", "event")
        .filter(event=event, state__in=OPEN_STATES)
        .first()
    )
    if case is not None:
        case_change(
            case,
            actor=actor,
            kind=ActivityKind.FAILED_AGAIN,
            # Someone working it keeps it; a case waiting on an approval keeps waiting.
            to=CaseState.OPEN if case.state == CaseState.OPEN else None,
            text=message,
            data={"reason_code": reason_code, "attempts": event.attempt_count},
            fields={
                "failure_count": case.failure_count + 1,
                "last_failure_at": now,
                "reason_code": reason_code,
                "summary": message,
                "category": category,
                "next_action": next_action(category, case_context(event)),
                "cause_key": cause.key,
                "cause_label": cause.label,
            },
        )
        return case
    severity = severity_for(category, event)
    case = ExceptionCase.objects.create(
        event=event,
        entity=event.entity,
        flow_id=event.flow_id,
        category=category,
        severity=severity,
        reason_code=reason_code,
        summary=message,
        next_action=next_action(category, case_context(event)),
        amount=event.amount,
        currency=event.currency,
        owner_team=INFO[category].team,
        opened_at=now,
        sla_due_at=sla_due(severity, now),
        last_failure_at=now,
        failure_count=1 if failure else 0,
        cause_key=cause.key,
        cause_label=cause.label,
        business_key=business_key(facts),
    )
    case_change(
        case,
        actor=actor,
        kind=ActivityKind.OPENED,
        text=message,
        data={"category": category.value, "severity": severity.value, "reason_code": reason_code},
    )
    return case


@receiver(events_transitioned, dispatch_uid="casework.events_transitioned")
def on_events_transitioned(
    sender: Any, events: list[SyncEvent], actor: Actor, caused: dict[int, tuple[str, str]] | None = None, **kwargs: Any
) -> None:
    posted: dict[int, SyncEvent] = {}
    for event in events:
        if event.state in FAILING:
            case_open_or_add(event, actor=actor, reason_code=event.reason_code, message=event.reason_message)
        elif event.state == EventState.POSTED:
            posted[event.pk] = event
    if caused:
        _note_requeued(caused, actor)
    if not posted:
        return
    # One query for the whole posting batch: most posted events never had a case.
    cases = (
        ExceptionCase.objects.select_for_update(of=("self",))
        .select_related("entity", "event")
        .filter(event_id__in=posted, state__in=OPEN_STATES)
        .exclude(category__in=STAY_OPEN_WHEN_POSTED)
        .order_by("pk")
    )
    for case in cases:
        event = posted[case.the_event.pk]
        case_change(
            case,
            actor=actor,
            kind=ActivityKind.RESOLVED,
            to=CaseState.RESOLVED,
            text=f"Posted to Odoo as {event.odoo_name or event.odoo_id}.",
            fields={"resolution": "posted"},
        )
    _resolve_resent(list(posted.values()), actor)
    for event in _unmatched_receipts(list(posted.values())):
        case_open_or_add(
            event, actor=actor, reason_code="unmatched_receipt", message=_unmatched_message(event), failure=False
        )


# Questions about one document that another document posting does not answer.
NOT_RESOLVED_BY_RESEND = (
    *STAY_OPEN_WHEN_POSTED,
    Category.SUSPECTED_DUPLICATE,
    Category.UNMATCHED_RECEIPT,
    Category.CHANGED_AT_SOURCE,
)


def _resolve_resent(posted: list[SyncEvent], actor: Actor) -> None:
    """The same document posted under another key (an order sent again, a bill corrected):
    the open cases of its earlier, unposted versions resolve, each naming the event that
    resolved it, and those versions are dismissed so that no retry posts the document twice."""
    keys: dict[str, SyncEvent] = {}
    for event in posted:
        if event.kind in BUSINESS_KEY_KINDS:
            key = business_key(Facts.of(event))
            if key:
                keys.setdefault(key, event)
    if not keys:
        return
    cases = (
        ExceptionCase.objects.select_for_update(of=("self",))
        .select_related("entity", "event")
        .filter(business_key__in=keys, state__in=OPEN_STATES, event__state__in=FAILING)
        .exclude(category__in=NOT_RESOLVED_BY_RESEND)
        .exclude(event_id__in=[e.pk for e in posted])
        .order_by("pk")
    )
    for case in cases:
        by = keys[case.business_key]
        if by.pk < case.the_event.pk:
            continue  # an earlier version posting says nothing about a later one
        text = (
            f"Resolved by event {by.pk} ({by.external_id}), the same document sent again, which posted to Odoo "
            f"as {by.odoo_name or by.odoo_id}; event {case.event_id} was dismissed so that it never posts too."
        )
        event_dismiss(event=case.the_event, actor=actor, reason=f"superseded by event {by.pk} ({by.external_id})")
        # A decision still asked of a controller has nothing left to decide: it is withdrawn, not
        # left pending on a closed case (nobody decided it, so no one is named).
        withdrawn = CaseApproval.objects.filter(case=case, state=ApprovalState.PENDING).update(
            state=ApprovalState.REJECTED,
            decided_at=timezone.now(),
            decision_note=f"withdrawn: the case resolved by event {by.pk}",
        )
        case_change(
            case,
            actor=actor,
            kind=ActivityKind.RESOLVED,
            to=CaseState.RESOLVED,
            text=text,
            data={"resolved_by_event": by.pk, **({"approval_withdrawn": True} if withdrawn else {})},
            fields={"resolution": f"resolved by event {by.pk}"},
        )


def _settles_nothing(payload: Any) -> bool:
    """A payment received that names no document it settles (direction defaults to inbound)."""
    return (
        isinstance(payload, dict)
        and not payload.get("invoice_external_id")
        and payload.get("direction", "inbound") == "inbound"
    )


def _unmatched_receipts(posted: list[SyncEvent]) -> list[SyncEvent]:
    """The posted payments received that settle nothing, of flows whose finance wants each
    matched to its invoice (Flow.unmatched_receipts); one query for the batch, none without."""
    receipts = [e for e in posted if e.kind == EventKind.PAYMENT and _settles_nothing(e.effective_payload)]
    if not receipts:
        return []
    matching = set(
        Flow.objects.filter(
            pk__in={e.flow_id for e in receipts}, unmatched_receipts=UnmatchedReceipts.POST_AND_MATCH
        ).values_list("pk", flat=True)
    )
    receipts = [e for e in receipts if e.flow_id in matching]
    # A case still open on one (a conflicting version, which posting does not answer) keeps
    # its own question: one open case per event, and it is not turned into another.
    busy = set(
        ExceptionCase.objects.filter(event_id__in=[e.pk for e in receipts], state__in=OPEN_STATES).values_list(
            "event_id", flat=True
        )
    )
    return [e for e in receipts if e.pk not in busy]


def _unmatched_message(event: SyncEvent) -> str:
    payload = event.effective_payload
    partner = payload.get("partner") if isinstance(payload.get("partner"), dict) else {}
    who = f" from {partner['name']}" if isinstance(partner.get("name"), str) else ""
    return (
        f"Payment {event.external_id} of {event.amount:,} {event.currency}{who} posted to Odoo as "
        f"{event.odoo_name or event.odoo_id} naming no invoice: it waits in the outstanding credits of its "
        "customer until it is matched with the invoice it pays."
    )


def _note_requeued(caused: dict[int, tuple[str, str]], actor: Actor) -> None:
    """An event queued again by another decision (a mapping change applied): its open case
    says so on its timeline, so the operator sees why it moves without anyone retrying it."""
    cases = (
        ExceptionCase.objects.select_for_update(of=("self",))
        .select_related("entity")
        .filter(event_id__in=caused, state__in=OPEN_STATES)
        .order_by("pk")
    )
    for case in cases:
        cause, reason = caused[case.the_event.pk]
        case_change(case, actor=actor, kind=ActivityKind.RETRIED, text=f"Queued again: {reason}", data={"cause": cause})


@receiver(duplicates_conflicted, dispatch_uid="casework.duplicates_conflicted")
def on_duplicates_conflicted(sender: Any, attempts: list[DuplicateAttempt], actor: Actor, **kwargs: Any) -> None:
    events = SyncEvent.objects.select_related("entity").in_bulk({a.event_id for a in attempts})
    for attempt in attempts:
        case_open_or_add(
            events[attempt.event_id],
            actor=actor,
            reason_code="conflicting_duplicate",
            message=f"The source sent {events[attempt.event_id].external_id} again with different content "
            f"at {attempt.received_at:%Y-%m-%d %H:%M} UTC; the first version was kept.",
        )


@receiver(events_changed_at_source, dispatch_uid="casework.events_changed_at_source")
def on_events_changed_at_source(sender: Any, events: list[SyncEvent], actor: Actor, note: str, **kwargs: Any) -> None:
    for event in events:
        posted_as = event.odoo_name or f"{event.odoo_model} {event.odoo_id}"
        case_open_or_add(
            event,
            actor=actor,
            reason_code="changed_at_source",
            message=f"{note} It had posted as {posted_as}; nothing was posted again.",
        )


@receiver(event_flagged, dispatch_uid="casework.event_flagged")
def on_event_flagged(
    sender: Any, event: SyncEvent, actor: Actor, reason_code: str, message: str, **kwargs: Any
) -> None:
    case_open_or_add(event, actor=actor, reason_code=reason_code, message=message, failure=False)
