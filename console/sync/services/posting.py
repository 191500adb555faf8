"""Posting claimed events into Odoo: claim, prepare, hold what a closed period holds, post, record.

The external calls happen outside any database transaction: the claim is
committed first, Odoo is called with the events' idempotency keys, and the
outcome is recorded in one transaction afterwards (state, attempts, audit:
recording.py). One event our own code fails on fails alone.
"""

from __future__ import annotations

import logging
import uuid
from functools import partial

from django.conf import settings
from django.utils import timezone

from console.audit.actors import Actor
from console.mappings.models import MappingKind
from console.mappings.selectors import MappingTable, mapping_candidates
from console.sync.errors import LeaseLost
from console.sync.models import SyncEvent
from console.sync.services.claims import Claim, events_claim
from console.sync.services.connections import odoo_client_for
from console.sync.services.holds import HoldCheck, closed_periods_check
from console.sync.services.posting_holds import holds_blocking
from console.sync.services.recording import DATABASE_GONE, BatchSummary, Recorder, in_odoo
from console.sync.services.requeue import events_requeue_blocked, events_unblock_after_posting
from console.sync.services.resolution import Blocked, Invalid, Resolved, event_resolve
from integrations.odoo.errors import OdooError, internal_error
from integrations.odoo.poster import OdooPoster
from integrations.odoo.requests import PostingRequest, PostingResult

# Where the mapping services and the drain have always found these.
__all__ = ["BatchSummary", "events_post_batch", "events_requeue_blocked", "events_unblock_after_posting"]

logger = logging.getLogger(__name__)


def events_post_batch(*, event_ids: list[int], worker: str = "", actor: Actor | None = None) -> BatchSummary:
    """Claim these events (and more of their entity and kind, up to a batch) and post them."""
    actor = actor or Actor.system("post_events")
    claim = events_claim(event_ids=event_ids, top_up_to=settings.POSTING_BATCH_SIZE)
    summary = BatchSummary()
    if claim is None:
        return summary
    events = list(
        SyncEvent.objects.filter(claim_id=claim.claim_id).select_related(
            "entity", "entity__connection", "source", "flow"
        )
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


def _resolve_one(event: SyncEvent, table: MappingTable) -> Resolved | Blocked | Invalid:
    try:
        return event_resolve(event, table)
    except DATABASE_GONE:
        raise
    except Exception as exc:  # one event our code cannot prepare fails alone
        logger.exception("event %s: preparing it for Odoo failed", event.pk)
        err = internal_error("preparing", exc)
        return Invalid(err.reason, err.message, err.detail)


def _post_isolating(poster: OdooPoster, requests: list[PostingRequest]) -> list[PostingResult]:
    """Post; if our own code raises on the batch, halve it until the request that makes it
    raise fails alone. Posting again is safe: what got into Odoo is found by its external id."""
    try:
        return poster.post(requests)
    except (LeaseLost, *DATABASE_GONE):
        raise
    except Exception as exc:  # isolate the request that raises
        if len(requests) == 1:
            logger.exception("event %s: posting it raised in the connector", requests[0].key)
            return [PostingResult(key=requests[0].key, error=internal_error("preparing", exc))]
        middle = len(requests) // 2
        return _post_isolating(poster, requests[:middle]) + _post_isolating(poster, requests[middle:])


def _post_group(claim: Claim, events: list[SyncEvent], *, worker: str, actor: Actor) -> BatchSummary:
    started = timezone.now()
    batch_id = uuid.uuid4()
    entity = events[0].entity
    table = MappingTable(mapping_candidates(entity_ids=[entity.pk], kinds=MappingKind.values))
    resolved: list[tuple[SyncEvent, Resolved]] = []
    early: list[tuple[SyncEvent, Blocked | Invalid]] = []
    held = holds_blocking(events)
    for event in events:
        outcome = held.get(event.pk) or _resolve_one(event, table)
        if isinstance(outcome, Resolved):
            resolved.append((event, outcome))
        else:
            early.append((event, outcome))

    summary = BatchSummary()
    recorder = Recorder(claim, batch_id, len(events), started, worker, actor, summary)
    try:
        client = odoo_client_for(entity)
    except OdooError as err:
        # Nothing of this entity can reach Odoo: every event that would have gets the error.
        check = HoldCheck(unchecked=[(event, res, err) for event, res in resolved])
        resolved = []
    else:
        check = closed_periods_check(client, entity.odoo_company_id, resolved) if resolved else HoldCheck()
    early.extend(check.held)
    if early:
        recorder.commit([(event, partial(recorder.early_change, why=why), "") for event, why in early])
    if check.unchecked:
        recorder.commit(
            [
                (
                    event,
                    partial(recorder.result_change, res=res, result=PostingResult(key=str(event.pk), error=err)),
                    "",
                )
                for event, res, err in check.unchecked
            ]
        )
    resolved = check.to_post
    claim.event_ids = [e.pk for e, _ in resolved]
    if not resolved:
        return summary
    poster = OdooPoster(client, before_write=claim.renew)
    results = _post_isolating(poster, [r.request for _, r in resolved])
    recorder.commit(
        [
            (event, partial(recorder.result_change, res=res, result=result), in_odoo(result))
            for (event, res), result in zip(resolved, results, strict=True)
        ]
    )
    return summary
