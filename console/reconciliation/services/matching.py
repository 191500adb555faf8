"""The matcher: per entity, each active rule pairs its left events with right events
(matching_sides.pairs_chosen), records each pair once, resolves the case of a left event that
now matched, and opens one for each left event still unmatched once its window has passed.

Safe to run twice at once: a rule's pass holds its row locked (SELECT ... FOR UPDATE), so two
runs of one rule take turns and the second sees the first's matches; two rules sharing a right
side (two payout sources, one bank account) meet at the unique constraints on the matched ids,
and the loser of such a race lets that pair go (a savepoint per pair) and finds another next run.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from console.access.decorators import role_check
from console.access.roles import Role
from console.access.selectors import entity_ids_visible
from console.audit.actors import Actor
from console.audit.services import AuditEntry, audit_record
from console.casework.services.matching_cases import case_open_unmatched, case_resolve_matched
from console.reconciliation.matching_sides import (
    Pair,
    Side,
    is_bank,
    left_sides,
    overdue,
    pairs_chosen,
    right_sides,
    window,
)
from console.reconciliation.models import Match, MatchingRule, MatchingRun, RunState
from console.sync.models import LegalEntity

log = logging.getLogger(__name__)
REQUESTERS = (Role.OPERATOR, Role.CONTROLLER)


class EntityNotFound(LookupError):
    pass


@dataclass
class Tally:
    matched: int = 0
    opened: int = 0
    resolved: int = 0


def _taken(sides: list[Side], column: str) -> set[int]:
    ids = [side.event.pk for side in sides]
    found: set[int] = set()
    for start in range(0, len(ids), 5000):
        chunk = ids[start : start + 5000]
        found.update(Match.objects.filter(**{f"{column}__in": chunk}).values_list(column, flat=True))
    return found


def _record(rule: MatchingRule, pair: Pair, run: MatchingRun | None) -> Match | None:
    try:
        with transaction.atomic():
            return Match.objects.create(
                rule=rule,
                entity_id=rule.entity_id,
                left_event=pair.left.event,
                right_event=pair.right.event,
                method=pair.method,
                left_day=pair.left.day,
                right_day=pair.right.day,
                amount=pair.left.amount,
                currency=pair.left.currency,
                matched_at=timezone.now(),
                run=run,
            )
    except IntegrityError:
        return None  # another rule's run took one of the two first


def _resolution(rule: MatchingRule, pair: Pair) -> str:
    right = pair.right
    source = rule.right_source.code
    found = (
        f"Seen in the bank: {source} line {right.event.external_id}"
        if is_bank(rule)
        else f"Covered by {source} {right.event.kind.replace('_', ' ')} {right.event.external_id}"
    )
    return (
        f"{found} of {right.day}, {right.amount:,} {right.currency} (event {right.event.pk}), "
        f"matched {pair.method.label} by the rule {rule.name!r}."
    )


def _days(n: int) -> str:
    return f"{n} day{'' if n == 1 else 's'}"


def unmatched_message(rule: MatchingRule, left: Side) -> str:
    first, last = window(rule, left)
    what = f"{rule.left_label} {left.reference or left.event.external_id} of {left.amount:,} {left.currency}"
    source = rule.right_source.code
    if is_bank(rule):
        return (
            f"{what} not seen in the bank after {_days(rule.window_days)}: no {source} line of that amount "
            f"dated {first} to {last} (the rule {rule.name!r})."
        )
    return (
        f"{what} of {left.day} not covered by {source} after {_days(rule.window_days)}: no "
        f"{rule.right_kind.replace('_', ' ')} of that amount dated {first} to {last} (the rule {rule.name!r})."
    )


def _rule_pass(rule_id: int, *, actor: Actor, today: date, run: MatchingRun | None) -> Tally:
    tally = Tally()
    with transaction.atomic():
        rule = (
            MatchingRule.objects.select_for_update(of=("self",))
            .select_related("entity", "left_source", "right_source")
            .get(pk=rule_id)
        )
        if not rule.is_active:
            return tally
        lefts, rights = left_sides(rule, today), right_sides(rule, today)
        taken_left, taken_right = _taken(lefts, "left_event_id"), _taken(rights, "right_event_id")
        waiting = [side for side in lefts if side.event.pk not in taken_left]
        free = [side for side in rights if side.event.pk not in taken_right]
        matched: set[int] = set()
        for pair in pairs_chosen(rule, waiting, free):
            if _record(rule, pair, run) is None:
                continue
            matched.add(pair.left.event.pk)
            tally.matched += 1
            data = {"rule": rule.pk, "matched_event": pair.right.event.pk, "method": pair.method.value}
            if case_resolve_matched(event_id=pair.left.event.pk, actor=actor, text=_resolution(rule, pair), data=data):
                tally.resolved += 1
        reason = "not_in_bank" if is_bank(rule) else "not_covered"
        for left in waiting:
            if left.event.pk in matched or not overdue(rule, left, today):
                continue
            if case_open_unmatched(
                event=left.event, actor=actor, reason_code=reason, message=unmatched_message(rule, left)
            ):
                tally.opened += 1
    return tally


def matching_run_execute(run_id: int, *, today: date | None = None) -> MatchingRun:
    """Carry out a queued run: claimed by a conditional update, so a message delivered twice
    runs it once. Each rule commits by itself: one rule that fails leaves the others' work."""
    claimed = MatchingRun.objects.filter(pk=run_id, state=RunState.QUEUED).update(
        state=RunState.RUNNING, started_at=timezone.now()
    )
    run = MatchingRun.objects.select_related("entity").get(pk=run_id)
    if not claimed:
        return run
    actor = Actor.system("reconciliation.match")
    day = today or timezone.now().date()
    total, errors = Tally(), []
    for rule_id in (
        MatchingRule.objects.filter(entity=run.entity, is_active=True).order_by("pk").values_list("pk", flat=True)
    ):
        try:
            tally = _rule_pass(rule_id, actor=actor, today=day, run=run)
        except Exception as err:  # one rule's failure is recorded, the next rule still runs
            log.exception("matching rule %s failed", rule_id)
            errors.append(f"rule {rule_id}: {type(err).__name__}: {err}"[:500])
            continue
        total.matched += tally.matched
        total.opened += tally.opened
        total.resolved += tally.resolved
    run.state = RunState.FAILED if errors else RunState.DONE
    run.finished_at = timezone.now()
    run.matched, run.cases_opened, run.cases_resolved = total.matched, total.opened, total.resolved
    run.error = "\n".join(errors)
    run.save(update_fields=["state", "finished_at", "matched", "cases_opened", "cases_resolved", "error"])
    return run


def _enqueue(run_id: int) -> None:
    from console.reconciliation.tasks_matching import match_entity

    match_entity.delay(run_id)


@transaction.atomic
def matching_run_request(*, user: Any, actor: Actor, entity_code: str) -> MatchingRun:
    """A person asks for a run now (the bank file just came in): recorded, audited, and sent to
    a worker once committed."""
    role_check(user, *REQUESTERS, doing="running the matching")
    entity = LegalEntity.objects.filter(code=entity_code, pk__in=entity_ids_visible(user)).first()
    if entity is None:
        raise EntityNotFound(f"no legal entity {entity_code!r} among yours")
    run = MatchingRun.objects.create(entity=entity, requested_by=actor.label, requested_at=timezone.now())
    audit_record(
        actor=actor,
        entry=AuditEntry(
            action="matching.run_requested",
            object_type="matching_run",
            object_id=str(run.pk),
            entity_code=entity.code,
            after={"entity": entity.code},
        ),
    )
    transaction.on_commit(lambda: _enqueue(run.pk))
    return run


def matching_runs_schedule(*, today: date | None = None) -> list[int]:
    """The beat's run: one per entity that has an active rule, carried out here in turn."""
    now = timezone.now()
    entity_ids = MatchingRule.objects.filter(is_active=True).values_list("entity_id", flat=True).distinct()
    done = []
    for entity_id in sorted(set(entity_ids)):
        run = MatchingRun.objects.create(entity_id=entity_id, requested_by="system:beat", requested_at=now)
        matching_run_execute(run.pk, today=today)
        done.append(run.pk)
    return done
