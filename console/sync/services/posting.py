"""Posting claimed events into Odoo and recording every attempt.

The external calls happen outside any database transaction: the claim is
committed first, Odoo is called with the events' idempotency keys, and the
outcome is recorded in one transaction afterwards (state, attempts, audit).
"""

from __future__ import annotations

import logging
import random
import uuid
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from console.audit.actors import Actor
from console.mappings.models import MappingKind
from console.mappings.selectors import MappingTable, mapping_candidates
from console.sync.errors import LeaseLost
from console.sync.models import EventKind, EventState, PostingAttempt, PostingOutcome, SyncEvent
from console.sync.services.claims import Claim, events_claim
from console.sync.services.connections import odoo_client_for
from console.sync.services.dispatch import events_dispatch_on_commit
from console.sync.services.resolution import (
    Blocked,
    Invalid,
    Resolved,
    event_block_key,
    event_resolve,
    invoice_block_key,
)
from console.sync.services.transitions import Transition, events_transition
from integrations.odoo.errors import ErrorKind
from integrations.odoo.poster import OdooPoster
from integrations.odoo.requests import PostingResult

logger = logging.getLogger(__name__)
S = EventState


@dataclass
class BatchSummary:
    claimed: int = 0
    posted: int = 0
    retrying: int = 0
    blocked: int = 0
    failed: int = 0
    lost: int = 0
    outcomes: dict[int, str] = field(default_factory=dict)

    def add(self, other: BatchSummary) -> None:
        for name in ("claimed", "posted", "retrying", "blocked", "failed", "lost"):
            setattr(self, name, getattr(self, name) + getattr(other, name))
        self.outcomes.update(other.outcomes)


def retry_delay(attempt: int) -> timedelta:
    """Exponential backoff with jitter: half to all of base * 2^(attempt-1), capped."""
    ceiling = min(settings.POSTING_BACKOFF_MAX_SECONDS, settings.POSTING_BACKOFF_BASE_SECONDS * 2 ** (attempt - 1))
    return timedelta(seconds=ceiling * random.uniform(0.5, 1.0))


def events_post_batch(*, event_ids: list[int], worker: str = "", actor: Actor | None = None) -> BatchSummary:
    """Claim these events (and more of their entity and kind, up to a batch) and post them."""
    actor = actor or Actor.system("post_events")
    claim = events_claim(event_ids=event_ids, top_up_to=settings.POSTING_BATCH_SIZE)
    summary = BatchSummary()
    if claim is None:
        return summary
    events = list(
        SyncEvent.objects.filter(claim_id=claim.claim_id).select_related("entity", "entity__connection", "source")
    )
    summary.claimed = len(events)
    groups: dict[tuple[int, str], list[SyncEvent]] = {}
    for event in events:
        groups.setdefault((event.entity_id, event.kind), []).append(event)
    for group in groups.values():
        try:
            summary.add(_post_group(claim, group, worker=worker, actor=actor))
        except LeaseLost as err:
            logger.warning("posting stopped: %s", err)
            summary.lost += len(group)
    return summary


def _post_group(claim: Claim, events: list[SyncEvent], *, worker: str, actor: Actor) -> BatchSummary:
    started = timezone.now()
    batch_id = uuid.uuid4()
    entity = events[0].entity
    table = MappingTable(mapping_candidates(entity_ids=[entity.pk], kinds=MappingKind.values))
    resolved: list[tuple[SyncEvent, Resolved]] = []
    early: list[tuple[SyncEvent, Blocked | Invalid]] = []
    for event in events:
        outcome = event_resolve(event, table)
        if isinstance(outcome, Resolved):
            resolved.append((event, outcome))
        else:
            early.append((event, outcome))

    summary = BatchSummary()
    context = _Recorder(claim, batch_id, len(events), started, worker, actor, summary)
    if early:
        with transaction.atomic():
            context.record_early(early)
    claim.event_ids = [e.pk for e, _ in resolved]
    if not resolved:
        return summary
    poster = OdooPoster(odoo_client_for(entity), before_write=claim.renew)
    results = poster.post([r.request for _, r in resolved])
    with transaction.atomic():
        context.record_results(resolved, results)
    return summary


@dataclass
class _Recorder:
    claim: Claim
    batch_id: uuid.UUID
    batch_size: int
    started: datetime
    worker: str
    actor: Actor
    summary: BatchSummary

    def _attempt(self, event: SyncEvent, outcome: str, **fields: object) -> PostingAttempt:
        return PostingAttempt(
            event=event,
            number=event.attempt_count,
            started_at=self.started,
            finished_at=timezone.now(),
            outcome=outcome,
            batch_id=self.batch_id,
            batch_size=self.batch_size,
            worker=self.worker[:200],
            **fields,
        )

    def _apply(self, changes: list[Transition], attempts: dict[int, PostingAttempt]) -> list[SyncEvent]:
        applied = events_transition(changes=changes, actor=self.actor, claim_id=self.claim.claim_id)
        PostingAttempt.objects.bulk_create([attempts[e.pk] for e in applied])
        for event in applied:
            self.summary.outcomes[event.pk] = event.state
            if event.state == S.POSTED:
                self.summary.posted += 1
            elif event.state == S.RETRY_WAIT:
                self.summary.retrying += 1
            elif event.state == S.BLOCKED:
                self.summary.blocked += 1
            elif event.state == S.FAILED:
                self.summary.failed += 1
        return applied

    def record_early(self, early: list[tuple[SyncEvent, Blocked | Invalid]]) -> None:
        changes: list[Transition] = []
        attempts: dict[int, PostingAttempt] = {}
        for event, why in early:
            count = event.attempt_count + 1
            event.attempt_count = count
            if isinstance(why, Blocked):
                changes.append(
                    Transition(
                        event,
                        S.BLOCKED,
                        {
                            "attempt_count": count,
                            "reason_code": why.reason_code,
                            "reason_message": why.message,
                            "blocked_on": why.blocked_on,
                            "next_attempt_at": None,
                        },
                        reason=why.message,
                    )
                )
                attempts[event.pk] = self._attempt(
                    event, PostingOutcome.BLOCKED, error_class=why.reason_code, message=why.message
                )
            else:
                changes.append(
                    Transition(
                        event,
                        S.FAILED,
                        {"attempt_count": count, "reason_code": why.reason_code, "reason_message": why.message},
                        reason=why.message,
                    )
                )
                attempts[event.pk] = self._attempt(
                    event, PostingOutcome.DATA_ERROR, error_class=why.reason_code, message=why.message
                )
        self._apply(changes, attempts)

    def record_results(self, resolved: list[tuple[SyncEvent, Resolved]], results: list[PostingResult]) -> None:
        now = timezone.now()
        changes: list[Transition] = []
        attempts: dict[int, PostingAttempt] = {}
        for (event, res), result in zip(resolved, results, strict=True):
            count = event.attempt_count + 1
            event.attempt_count = count
            err = result.error
            if err is None:
                changes.append(
                    Transition(
                        event,
                        S.POSTED,
                        {
                            "attempt_count": count,
                            "odoo_model": result.odoo_model,
                            "odoo_id": result.odoo_id,
                            "odoo_name": result.odoo_name,
                            "posted_at": now,
                            "mapping_versions": res.mapping_versions,
                            "reason_code": "",
                            "reason_message": "",
                            "blocked_on": "",
                            "next_attempt_at": None,
                        },
                    )
                )
                outcome = PostingOutcome.ALREADY_POSTED if result.already_existed else PostingOutcome.POSTED
                note = ""
                if result.found_earlier:
                    note = (
                        f"Found {result.odoo_model} {result.odoo_id} created by an earlier attempt whose answer "
                        "was lost; " + ("it was already posted." if result.already_existed else "posted it.")
                    )
                attempts[event.pk] = self._attempt(event, outcome, message=note)
                continue
            fields = {
                "error_class": f"{err.kind.value}:{err.reason}",
                "fault_code": err.fault_code,
                "message": err.message,
                "detail": err.detail,
            }
            if err.kind is ErrorKind.TRANSIENT and count < settings.POSTING_MAX_ATTEMPTS:
                due = now + retry_delay(count)
                changes.append(
                    Transition(
                        event,
                        S.RETRY_WAIT,
                        {
                            "attempt_count": count,
                            "next_attempt_at": due,
                            "reason_code": err.reason,
                            "reason_message": err.message,
                        },
                        reason=err.message,
                    )
                )
                attempts[event.pk] = self._attempt(event, PostingOutcome.TRANSIENT_ERROR, **fields)
                continue
            if err.kind is ErrorKind.TRANSIENT:
                reason, message = "retries_exhausted", f"Gave up after {count} attempts: {err.message}"
                outcome = PostingOutcome.TRANSIENT_ERROR
            else:
                reason, message = err.reason, err.message
                outcome = PostingOutcome.CONFIG_ERROR if err.kind is ErrorKind.CONFIG else PostingOutcome.DATA_ERROR
            changes.append(
                Transition(
                    event,
                    S.FAILED,
                    {"attempt_count": count, "reason_code": reason, "reason_message": message, "next_attempt_at": None},
                    reason=message,
                )
            )
            attempts[event.pk] = self._attempt(event, outcome, **fields)
        applied = self._apply(changes, attempts)
        events_unblock_after_posting([e for e in applied if e.state == S.POSTED], actor=self.actor)


def events_unblock_after_posting(posted: list[SyncEvent], *, actor: Actor) -> list[int]:
    """Closed loop: payments waiting on an invoice are queued again once it posts."""
    keys: list[str] = []
    for event in posted:
        if event.kind in (EventKind.CUSTOMER_INVOICE, EventKind.VENDOR_BILL):
            keys.append(event_block_key(event.pk))
            keys.append(invoice_block_key(event.source_id, event.kind, event.external_id))
    if not keys:
        return []
    return events_requeue_blocked(blocked_on=keys, actor=actor, reason="what it waited for was posted")


def events_requeue_blocked(*, blocked_on: list[str], actor: Actor, reason: str, cause: str = "") -> list[int]:
    """Queue again the events blocked on any of these keys (a mapping added, an invoice posted);
    returns their ids."""
    waiting = list(SyncEvent.objects.filter(state=S.BLOCKED, blocked_on__in=blocked_on).select_related("entity"))
    if not waiting:
        return []
    now = timezone.now()
    values = {"blocked_on": "", "enqueued_at": now, "next_attempt_at": None}
    changes = [Transition(e, S.QUEUED, dict(values), reason=reason, cause=cause) for e in waiting]
    applied = events_transition(changes=changes, actor=actor)
    events_dispatch_on_commit((e.pk, e.entity_id, e.kind) for e in applied)
    return [e.pk for e in applied]
