"""Recording what came of each claimed event: its transition and audit row, its
PostingAttempt, and its case (through the transition's signal), in one transaction per
batch; an event whose own recording raises is recorded alone and fails alone, so no
event stays claimed."""

from __future__ import annotations

import logging
import random
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from django.conf import settings
from django.db import InterfaceError, OperationalError, transaction
from django.utils import timezone

from console.audit.actors import Actor
from console.sync.models import EventState, PostingAttempt, PostingOutcome, SyncEvent
from console.sync.periods import document_date, later_period, later_period_text
from console.sync.services.claims import Claim
from console.sync.services.holds import hold_released
from console.sync.services.requeue import events_unblock_after_posting
from console.sync.services.resolution import Blocked, Invalid, Resolved
from console.sync.services.transitions import Transition, events_transition
from integrations.odoo.errors import INTERNAL_ERROR, ErrorKind, OdooError, internal_error
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


# The database going away is no record's fault: it ends the task, which Celery retries, and
# the claims expire to the sweeper. Any other exception of our own is one record's problem.
DATABASE_GONE = (OperationalError, InterfaceError)


# What becomes of one event: its transition and its attempt, built from the event as read;
# and, when Odoo has the record, which one (said if recording the outcome fails).
Change = tuple[Transition, PostingAttempt]
ChangeFor = Callable[[SyncEvent], Change]
Item = tuple[SyncEvent, ChangeFor, str]


def in_odoo(result: PostingResult) -> str:
    if not result.ok:
        return ""
    return f"Odoo has it as {result.odoo_model} {result.odoo_id} ({result.odoo_name or 'no number'})"


@dataclass
class Recorder:
    claim: Claim
    batch_id: uuid.UUID
    batch_size: int
    started: datetime
    worker: str
    actor: Actor
    summary: BatchSummary

    def _attempt(self, event: SyncEvent, number: int, outcome: str, **fields: object) -> PostingAttempt:
        return PostingAttempt(
            event=event,
            number=number,
            started_at=self.started,
            finished_at=timezone.now(),
            outcome=outcome,
            batch_id=self.batch_id,
            batch_size=self.batch_size,
            worker=self.worker[:200],
            **fields,
        )

    # -- committing ------------------------------------------------------------

    def commit(self, items: list[Item]) -> None:
        """Record every outcome in one transaction; if that raises, each event in its own, and
        an event whose own recording raises fails alone: no event is left claimed."""
        try:
            with transaction.atomic():
                applied = self._apply([change_for(event) for event, change_for, _ in items])
        except DATABASE_GONE:
            raise
        except Exception:  # find the event that cannot be recorded
            logger.exception("recording a batch of %d outcomes failed; recording them one by one", len(items))
            applied = []
            for event, change_for, in_odoo in items:
                applied.extend(self._commit_alone(event.pk, change_for, in_odoo))
        self._count(applied)

    def _fresh(self, event_id: int) -> SyncEvent | None:
        return (
            SyncEvent.objects.filter(pk=event_id, claim_id=self.claim.claim_id, state=S.POSTING)
            .select_related("entity", "source")
            .first()
        )

    def _commit_alone(self, event_id: int, change_for: ChangeFor, in_odoo: str) -> list[SyncEvent]:
        event = self._fresh(event_id)
        if event is None:
            return []
        try:
            with transaction.atomic():
                return self._apply([change_for(event)])
        except DATABASE_GONE:
            raise
        except Exception as exc:  # this event's own recording fails
            logger.exception("event %s: recording its outcome failed", event_id)
            err = internal_error("recording", exc)
        for to in (S.FAILED, S.RETRY_WAIT):
            # Failed with a case; if even that cannot be written (the case cannot open), it waits
            # to be tried again like a transient failure, visibly, rather than stay claimed.
            event = self._fresh(event_id)
            if event is None:
                return []
            try:
                with transaction.atomic():
                    return self._apply([self.internal_change(event, err, to=to, in_odoo=in_odoo)])
            except DATABASE_GONE:
                raise
            except Exception:
                logger.exception("event %s: recording it as %s failed too", event_id, to)
        return []

    def _apply(self, changes: list[Change]) -> list[SyncEvent]:
        transitions = [t for t, _ in changes]
        attempts = {t.event.pk: a for t, a in changes}
        applied = events_transition(changes=transitions, actor=self.actor, claim_id=self.claim.claim_id)
        PostingAttempt.objects.bulk_create([attempts[e.pk] for e in applied])
        events_unblock_after_posting([e for e in applied if e.state == S.POSTED], actor=self.actor)
        return applied

    def _count(self, applied: list[SyncEvent]) -> None:
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

    # -- what becomes of one event -------------------------------------------------

    def early_change(self, event: SyncEvent, *, why: Blocked | Invalid) -> Change:
        count = event.attempt_count + 1
        if isinstance(why, Blocked):
            values = {
                "attempt_count": count,
                "reason_code": why.reason_code,
                "reason_message": why.message,
                "blocked_on": why.blocked_on,
                "next_attempt_at": None,
            }
            attempt = self._attempt(
                event, count, PostingOutcome.BLOCKED, error_class=why.reason_code, message=why.message
            )
            return Transition(event, S.BLOCKED, values, reason=why.message), attempt
        internal = why.reason_code == INTERNAL_ERROR
        attempt = self._attempt(
            event,
            count,
            PostingOutcome.INTERNAL_ERROR if internal else PostingOutcome.DATA_ERROR,
            error_class=f"internal:{why.reason_code}" if internal else why.reason_code,
            message=why.message,
            detail=why.detail,
        )
        values = {"attempt_count": count, "reason_code": why.reason_code, "reason_message": why.message}
        return Transition(event, S.FAILED, values, reason=why.message), attempt

    def result_change(self, event: SyncEvent, *, res: Resolved, result: PostingResult) -> Change:
        count = event.attempt_count + 1
        err = result.error
        released = {"period_hold_released": True} if hold_released(event) else {}
        if err is None:
            source_date = document_date(res.request.document)
            booked_later = later_period(source_date, result.accounting_date)
            values = {
                "attempt_count": count,
                "odoo_model": result.odoo_model,
                "odoo_id": result.odoo_id,
                "odoo_name": result.odoo_name,
                "posted_at": timezone.now(),
                "mapping_versions": res.mapping_versions,
                "reason_code": "",
                "reason_message": "",
                "blocked_on": "",
                "next_attempt_at": None,
                "source_date": source_date,
                "odoo_date": result.accounting_date,
                "booked_later": booked_later,
                **released,
            }
            outcome = PostingOutcome.ALREADY_POSTED if result.already_existed else PostingOutcome.POSTED
            attempt = self._attempt(event, count, outcome, message=_posted_note(result, source_date, booked_later))
            return Transition(event, S.POSTED, values), attempt
        fields = {
            "error_class": f"{err.kind.value}:{err.reason}",
            "fault_code": err.fault_code,
            "message": err.message,
            "detail": err.detail,
        }
        if err.kind is ErrorKind.TRANSIENT and count < settings.POSTING_MAX_ATTEMPTS:
            values = {
                "attempt_count": count,
                "next_attempt_at": timezone.now() + retry_delay(count),
                "reason_code": err.reason,
                "reason_message": err.message,
                **released,
            }
            attempt = self._attempt(event, count, PostingOutcome.TRANSIENT_ERROR, **fields)
            return Transition(event, S.RETRY_WAIT, values, reason=err.message), attempt
        if err.kind is ErrorKind.TRANSIENT:
            reason, message = "retries_exhausted", f"Gave up after {count} attempts: {err.message}"
        else:
            reason, message = err.reason, err.message
        values = {
            "attempt_count": count,
            "reason_code": reason,
            "reason_message": message,
            "next_attempt_at": None,
            **released,
        }
        attempt = self._attempt(event, count, OUTCOME_OF_KIND[err.kind], **fields)
        return Transition(event, S.FAILED, values, reason=message), attempt

    def internal_change(self, event: SyncEvent, err: OdooError, *, to: str, in_odoo: str = "") -> Change:
        count = event.attempt_count + 1
        message = f"{in_odoo}, but {err.message}" if in_odoo else err.message
        values: dict[str, object] = {"attempt_count": count, "reason_code": err.reason, "reason_message": message}
        values["next_attempt_at"] = timezone.now() + retry_delay(count) if to == S.RETRY_WAIT else None
        attempt = self._attempt(
            event,
            count,
            PostingOutcome.INTERNAL_ERROR,
            error_class=f"{err.kind.value}:{err.reason}",
            message=message,
            detail=err.detail,
        )
        return Transition(event, EventState(to), values, reason=message), attempt


OUTCOME_OF_KIND = {
    ErrorKind.TRANSIENT: PostingOutcome.TRANSIENT_ERROR,
    ErrorKind.DATA: PostingOutcome.DATA_ERROR,
    ErrorKind.CONFIG: PostingOutcome.CONFIG_ERROR,
    ErrorKind.INTERNAL: PostingOutcome.INTERNAL_ERROR,
}


def _posted_note(result: PostingResult, source_date: date, booked_later: bool) -> str:
    notes = []
    if booked_later and result.accounting_date is not None:
        notes.append(
            f"Odoo {later_period_text(source_date, result.accounting_date)}: a lock date closes the period of its date."
        )
    if result.found_earlier:
        notes.append(
            f"Found {result.odoo_model} {result.odoo_id} created by an earlier attempt whose answer was lost; "
            + ("it was already posted." if result.already_existed else "posted it.")
        )
    if result.odoo_model == "account.payment" and result.odoo_state == "in_process":
        notes.append(
            "Odoo holds the payment in process: it sits on the outstanding account until a bank "
            "statement line is matched with it."
        )
    return " ".join(notes)
