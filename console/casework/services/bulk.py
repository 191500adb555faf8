"""Bulk actions over a filter, not just the rows on screen.

A dry run first counts the cases the action applies to and the money at stake;
once confirmed, a background task runs the action case by case through the
same services as a single case (each in its own transaction, each audited), so
one refusal skips that case and not the rest. The bulk run itself is audited
when it starts and when it ends.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import DatabaseError, transaction
from django.db.models import QuerySet, Sum
from django.utils import timezone

from console.audit.actors import Actor
from console.audit.services import AuditEntry, audit_record, audit_record_atomic
from console.casework.models import BulkAction, BulkRun, BulkState, CaseState, ExceptionCase
from console.casework.services import actions
from console.casework.services.approval_mail import approval_mails_summed
from console.casework.services.states import CaseError
from console.sync.errors import SyncError
from console.sync.services.interventions import WORKABLE
from integrations.canonical import CENT

MAX_CASES = 100_000
MAX_PROBLEMS = 50
logger = logging.getLogger(__name__)
PROGRESS_EVERY = 25
WORKING = (CaseState.OPEN, CaseState.IN_PROGRESS)


class BulkError(Exception):
    pass


class BulkRunNotFound(BulkError):
    """Not a run of this person's: the pages answer 404, as for one that does not exist."""


def _applicable(action: str, cases: QuerySet[ExceptionCase]) -> QuerySet[ExceptionCase]:
    cases = cases.filter(state__in=WORKING)
    if action == BulkAction.RETRY:
        cases = cases.filter(event__state__in=WORKABLE)
    return cases


def bulk_preview(
    *,
    user: Any,
    action: str,
    cases: QuerySet[ExceptionCase],
    filter_query: str,
    reason: str = "",
    assignee: Any = None,
    request_ip: str | None = None,
) -> BulkRun:
    """The dry run: which cases, how many, how much money. Nothing changes yet."""
    if action not in BulkAction.values:
        raise BulkError(f"no bulk action {action!r}")
    actions.action_role_check(user, action, doing=f"bulk {action}")
    if action == BulkAction.DISMISS and not reason.strip():
        raise BulkError("a bulk dismissal needs a reason")
    if action == BulkAction.ASSIGN and assignee is None:
        raise BulkError("choose whom to assign the cases to")
    selected = _applicable(action, cases).order_by()
    ids = list(selected.order_by("pk").values_list("pk", flat=True)[: MAX_CASES + 1])
    if len(ids) > MAX_CASES:
        raise BulkError(f"more than {MAX_CASES:,} cases: narrow the filter")
    money = {
        row["currency"]: str(Decimal(row["total"]).quantize(CENT))
        # Gross: credit notes add to what is at stake, they never net it away.
        for row in selected.values("currency").annotate(total=Sum("exposure")).order_by("currency")
    }
    return BulkRun.objects.create(
        action=action,
        filter_query=filter_query,
        case_ids=ids,
        total=len(ids),
        money=money,
        reason=reason.strip(),
        assignee=assignee,
        requested_by=user,
        request_ip=request_ip,
        created_at=timezone.now(),
    )


def bulk_runs_of(user: Any) -> QuerySet[BulkRun]:
    return BulkRun.objects.filter(requested_by_id=getattr(user, "pk", None))


@transaction.atomic
def bulk_confirm(*, user: Any, run_id: int, actor: Actor) -> BulkRun:
    run = bulk_runs_of(user).select_for_update().filter(pk=run_id).first()
    if run is None:
        raise BulkRunNotFound(f"no dry run {run_id} of yours")
    if run.state != BulkState.PREVIEWED:
        raise BulkError(f"bulk run {run.pk} is {run.get_state_display().lower()} already")
    if not run.total:
        raise BulkError("the filter selects no case this action applies to")
    run.state = BulkState.QUEUED
    run.save(update_fields=["state"])
    audit_record(
        actor=actor,
        entry=AuditEntry(
            action="case.bulk_started",
            object_type="bulk_run",
            object_id=str(run.pk),
            after={
                "action": run.action,
                "cases": run.total,
                "money": run.money,
                "filter": run.filter_query,
                "assignee": run.assignee.get_username() if run.assignee else None,
            },
            reason=run.reason,
        ),
    )
    from console.casework.tasks import bulk_run

    transaction.on_commit(lambda: bulk_run.delay(run.pk))
    return run


def _one(run: BulkRun) -> Callable[..., ExceptionCase]:
    if run.action == BulkAction.RETRY:
        return lambda **kw: actions.case_retry(**kw, reason=run.reason or f"bulk retry {run.pk}")
    if run.action == BulkAction.DISMISS:
        return lambda **kw: actions.case_dismiss(**kw, reason=run.reason)
    return lambda **kw: actions.case_assign(**kw, assignee=run.assignee)


def bulk_execute(run_id: int) -> BulkRun:
    """The background part: every selected case in turn, as the person who confirmed."""
    with transaction.atomic():
        run = BulkRun.objects.select_for_update(of=("self",)).select_related("requested_by", "assignee").get(pk=run_id)
        if run.state not in (BulkState.QUEUED, BulkState.RUNNING):
            return run  # a redelivered message of a finished run
        # RUNNING: the worker died and the message came back (acks_late): go on from the last progress.
        if run.state == BulkState.QUEUED:
            run.state, run.started_at = BulkState.RUNNING, timezone.now()
            run.save(update_fields=["state", "started_at"])
    user = run.requested_by
    actor = Actor.person(user, run.request_ip)
    act = _one(run)
    counts = {"succeeded": run.succeeded, "waiting_approval": run.waiting_approval, "skipped": run.skipped}
    problems: list[dict[str, Any]] = list(run.problems)
    # The approvals the run asks for are mailed once, at its end, not one mail per case.
    with approval_mails_summed(f"bulk run {run.pk}"):
        for number, case_id in enumerate(run.case_ids[run.processed :], start=run.processed + 1):
            try:
                case = act(user=user, actor=actor, case_id=case_id)
            except (CaseError, actions.CaseNotFound, PermissionDenied, SyncError) as err:
                counts["skipped"] += 1
                if len(problems) < MAX_PROBLEMS:
                    problems.append({"case": case_id, "message": str(err)})
            except DatabaseError as err:
                # A deadlock or a lost connection on one case: that case is skipped (its own
                # transaction rolled back), the run goes on, and the person can retry it.
                logger.warning("bulk run %s: case %s skipped on a database error", run.pk, case_id, exc_info=True)
                counts["skipped"] += 1
                if len(problems) < MAX_PROBLEMS:
                    problems.append(
                        {"case": case_id, "message": f"database error, try this case again ({type(err).__name__})"}
                    )
            else:
                counts["waiting_approval" if case.state == CaseState.WAITING_APPROVAL else "succeeded"] += 1
            if number % PROGRESS_EVERY == 0:
                BulkRun.objects.filter(pk=run.pk).update(processed=number, problems=problems, **counts)
    BulkRun.objects.filter(pk=run.pk).update(
        processed=len(run.case_ids),
        problems=problems,
        state=BulkState.DONE,
        finished_at=timezone.now(),
        **counts,
    )
    audit_record_atomic(
        actor=actor,
        entry=AuditEntry(
            action="case.bulk_finished",
            object_type="bulk_run",
            object_id=str(run.pk),
            after={"action": run.action, "cases": run.total, **counts},
        ),
    )
    run.refresh_from_db()
    return run
