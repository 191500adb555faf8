"""An auditor's "verify the chain now": the hourly check (verify.py), run on demand, recorded
on the trail, at most once a minute across everyone (the walk reads the whole chain: a
button pressed by many must not become a way to load the database).

The press is the person's decision, recorded at once; the walk runs in a worker (the
"default" queue, as the hourly check), because it takes about 5-11 s per million rows on this
machine and a chain of tens of millions would outlast a web request. Its result is the
check's row (the auditor's page shows it) and an `audit.verified` row of the system's, with
the press's correlation id.

Why the chain head's row lock, and not a lock on the check results: results are insert-only,
and under the production grants the application role may not lock them FOR UPDATE (that
needs UPDATE); it may lock the head, and every audit write takes that lock already, for the
milliseconds of an insert. Under it the latest press is read and the new one written, so of
two presses at the same instant the second waits, finds the first's row and is refused. The
walk itself runs after the lock is released, as the hourly check does.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from django.db import transaction
from django.utils import timezone

from console.access.decorators import role_check
from console.access.roles import Role
from console.audit.actors import Actor
from console.audit.chain import GENESIS_HASH
from console.audit.models import AuditChainHead, AuditEvent, AuditVerification
from console.audit.selectors import (
    VERIFY_REQUESTED,
    audit_verify_check_of,
    audit_verify_press_latest,
    verify_triggered_by,
)
from console.audit.services import AuditEntry, audit_record
from console.audit.verify import audit_chain_verify

VERIFY_NOW_INTERVAL = timedelta(minutes=1)
VERIFY_TASK = "audit.verify_now"
REQUESTED = VERIFY_REQUESTED
VERIFIED = "audit.verified"
VERIFIERS = (Role.AUDITOR,)


class VerifyTooSoon(Exception):
    """A press within the minute: names the last press, its result, and when to press again."""

    def __init__(self, pressed_at: datetime, pressed_by: str, check: AuditVerification | None) -> None:
        super().__init__(pressed_at, pressed_by)
        self.pressed_at, self.pressed_by, self.check = pressed_at, pressed_by, check

    def __str__(self) -> str:
        again = self.pressed_at + VERIFY_NOW_INTERVAL
        said = f"The chain was verified on demand at {self.pressed_at:%H:%M:%S} UTC by {self.pressed_by}"
        check = self.check
        if check is None:
            result = "its check is still running"
        elif check.ok:
            result = f"the check says OK: {check.rows_checked} rows verify, last #{check.last_sequence}"
        else:
            result = f"the check says BROKEN: {check.message}"
        return f"{said}; {result}. At most once a minute: verify again from {again:%H:%M:%S} UTC."


def _result(verification: AuditVerification) -> dict[str, Any]:
    return {
        "ok": verification.ok,
        "rows_checked": verification.rows_checked,
        "first_bad_sequence": verification.first_bad_sequence,
        "last_sequence": verification.last_sequence,
        "last_hash": verification.last_hash,
        "message": verification.message,
    }


def press_correlation(press: AuditEvent) -> str:
    """The result row's correlation id: the press it answers (found by sequence)."""
    return f"audit-verify-{press.sequence}"


def audit_verify_now(*, user: Any, actor: Actor) -> AuditEvent:
    """Record a press and send the check to a worker; VerifyTooSoon within a minute of the last press."""
    role_check(user, *VERIFIERS, doing="verifying the audit chain")
    with transaction.atomic():
        AuditChainHead.objects.select_for_update().get_or_create(
            id=1, defaults={"last_sequence": 0, "last_hash": GENESIS_HASH}
        )
        last = audit_verify_press_latest()
        # The clock read after the lock is held: a press that waited for it is judged at its turn.
        if last is not None and timezone.now() - last.occurred_at < VERIFY_NOW_INTERVAL:
            raise VerifyTooSoon(last.occurred_at, last.actor_label, audit_verify_check_of(last))
        press = audit_record(
            actor=actor, entry=AuditEntry(action=REQUESTED, object_type="audit_trail", object_id="chain")
        )
        transaction.on_commit(lambda: _send(press.sequence))
    return press


def _send(press_sequence: int) -> None:
    from console.audit.tasks import verify_now

    verify_now.apply_async(args=(press_sequence,))


def audit_verify_pressed(press_sequence: int) -> AuditVerification | None:
    """The worker's part: the check a press asked for, once (a message delivered twice finds
    the first's result and does nothing)."""
    press = AuditEvent.objects.filter(sequence=press_sequence, action=REQUESTED).first()
    if press is None:
        return None
    correlation = press_correlation(press)
    if AuditEvent.objects.filter(action=VERIFIED, correlation_id=correlation).exists():
        return None
    verification = audit_chain_verify(triggered_by=verify_triggered_by(press.actor_label))
    with transaction.atomic():
        audit_record(
            actor=Actor.system(VERIFY_TASK),
            entry=AuditEntry(
                action=VERIFIED,
                object_type="audit_verification",
                object_id=str(verification.pk),
                after={**_result(verification), "press": press.sequence, "pressed_by": press.actor_label},
                correlation_id=correlation,
            ),
        )
    return verification
