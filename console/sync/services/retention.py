"""Archiving posted events: export their history to a file, then remove it from the database.

What goes: events in the posted state whose posting is older than the cut-off
(RETENTION_EVENTS_DAYS, 400 by default: a year's close and its audit, with room), and no case
still works on (casework says so through `events_archive_vetoed`). Dismissed events stay: few,
each ended by a person with a reason, and the evidence of why money was never booked.

What is removed of such an event: its posting attempts and its repeats (DuplicateAttempt), and
the bulk of its row: the mapping versions it resolved and, for payments, bank statement lines
and journal entries, the payload and override as well. The row itself stays as the key's
tombstone (source, kind, external id, payload hash, amount, dates, the Odoo record it became):
the unique key that makes ingestion, statement and payroll imports refuse a second copy stands
on it, so a copy re-sent years later is still a repeat and never posts again; the cases,
delivery items and pay runs that name the event keep naming it; its totals stay in every sum.
Invoices, bills and credit notes keep their payload: a payment or a credit note that arrives
late reads the partner it settles from it (resolution.py, credit_notes.py).

Each batch is one transaction: lock the batch's rows, ask who still needs them, write and fsync
the file, hash it, remove what it holds and record one AuditEvent naming the file, its sha256,
the counts, the cut-off and the id range. A crash before the commit leaves every row and at most
a file no AuditEvent names (the next run of those rows writes it again); never rows gone without
their file and record. AuditEvent rows are never touched.

Who may: an integration admin holding every legal entity (a run spans all of them), or the
system (the beat's schedule, the shell).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any, cast

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from console.access.decorators import role_check
from console.access.roles import Role
from console.access.selectors import entity_ids_visible
from console.archive_files import ArchiveError, ArchiveWriter, row_values
from console.audit.actors import Actor
from console.audit.services import AuditEntry, audit_record
from console.sync.models import DuplicateAttempt, EventKind, EventState, LegalEntity, PostingAttempt, SyncEvent
from console.sync.signals import events_archive_vetoed

ARCHIVERS = (Role.ADMIN,)
# Read again by the events that come after them (the partner a payment settles, the invoice a
# credit note credits): their payload stays on the tombstone.
PAYLOAD_KEPT = (
    EventKind.CUSTOMER_INVOICE,
    EventKind.VENDOR_BILL,
    EventKind.CUSTOMER_CREDIT_NOTE,
    EventKind.VENDOR_CREDIT_NOTE,
)
MAX_BATCH = 5000


@dataclass
class ArchiveSummary:
    cutoff: datetime
    dry_run: bool
    events: int = 0
    attempts: int = 0
    duplicates: int = 0
    kept_for_cases: int = 0
    files: list[dict[str, Any]] = field(default_factory=list)


def archive_cutoff(*, days: int, now: datetime) -> datetime:
    if days < 1:
        raise ArchiveError("older than days must be 1 or more")
    return now - timedelta(days=days)


def _archivable(cutoff: datetime, after: tuple[datetime, int] | None) -> Q:
    q = Q(state=EventState.POSTED, archived_at__isnull=True, posted_at__lt=cutoff)
    if after is not None:
        at, pk = after
        q &= Q(posted_at__gt=at) | Q(posted_at=at, pk__gt=pk)
    return q


def _vetoed(event_ids: list[int]) -> set[int]:
    kept: set[int] = set()
    for _, answer in events_archive_vetoed.send(sender=SyncEvent, event_ids=event_ids):
        kept |= set(cast("set[int]", answer))
    return kept


def archiver_check(user: Any | None, doing: str = "archiving events") -> None:
    if user is None:
        return  # the system: the beat or the shell
    role_check(user, *ARCHIVERS, doing=doing)
    if set(LegalEntity.objects.values_list("pk", flat=True)) - set(entity_ids_visible(user)):
        raise PermissionDenied(f"{doing} spans every legal entity: it needs all of them")


def batch_size_check(batch_size: int) -> None:
    if not 1 <= batch_size <= MAX_BATCH:
        raise ArchiveError(f"batch size must be 1 to {MAX_BATCH}")


def events_archive(
    *,
    user: Any | None,
    actor: Actor,
    older_than_days: int | None = None,
    batch_size: int = 500,
    dry_run: bool = False,
    now: datetime | None = None,
) -> ArchiveSummary:
    """Archive every eligible event, a batch (one file, one AuditEvent) at a time; with
    dry_run, count what would go and change nothing."""
    archiver_check(user)
    batch_size_check(batch_size)
    now = now or timezone.now()
    summary = ArchiveSummary(
        cutoff=archive_cutoff(
            days=settings.RETENTION_EVENTS_DAYS if older_than_days is None else older_than_days, now=now
        ),
        dry_run=dry_run,
    )
    after: tuple[datetime, int] | None = None
    while True:
        if dry_run:
            after = _batch_count(summary, after, batch_size)
        else:
            after = _batch_archive(summary, after, batch_size, actor=actor, now=now)
        if after is None:
            return summary


def _batch_count(summary: ArchiveSummary, after: tuple[datetime, int] | None, size: int) -> tuple[datetime, int] | None:
    rows = list(
        SyncEvent.objects.filter(_archivable(summary.cutoff, after))
        .order_by("posted_at", "pk")
        # a posted event always has its posting time
        .values_list("posted_at", "pk")[:size]
    )
    if not rows:
        return None
    ids = [pk for _, pk in rows]
    kept = _vetoed(ids)
    taken = [pk for pk in ids if pk not in kept]
    summary.kept_for_cases += len(kept)
    summary.events += len(taken)
    summary.attempts += PostingAttempt.objects.filter(event_id__in=taken).count()
    summary.duplicates += DuplicateAttempt.objects.filter(event_id__in=taken).count()
    last_at, last_pk = rows[-1]
    assert last_at is not None
    return last_at, last_pk


@transaction.atomic
def _batch_archive(
    summary: ArchiveSummary, after: tuple[datetime, int] | None, size: int, *, actor: Actor, now: datetime
) -> tuple[datetime, int] | None:
    # Locked first, then judged: a case cannot open on one of them until this commits.
    events = list(
        SyncEvent.objects.select_for_update(of=("self",))
        .filter(_archivable(summary.cutoff, after))
        .order_by("posted_at", "pk")[:size]
    )
    if not events:
        return None
    last = events[-1]
    assert last.posted_at is not None
    kept = _vetoed([e.pk for e in events])
    summary.kept_for_cases += len(kept)
    events = [e for e in events if e.pk not in kept]
    if events:
        _archive(summary, events, actor=actor, now=now)
    return last.posted_at, last.pk


def _archive(summary: ArchiveSummary, events: list[SyncEvent], *, actor: Actor, now: datetime) -> None:
    ids = [e.pk for e in events]
    attempts: dict[int, list[dict[str, Any]]] = defaultdict(list)
    for attempt in PostingAttempt.objects.filter(event_id__in=ids).order_by("event_id", "number"):
        attempts[attempt.event_id].append(row_values(attempt))
    duplicates: dict[int, list[dict[str, Any]]] = defaultdict(list)
    for repeat in DuplicateAttempt.objects.filter(event_id__in=ids).order_by("event_id", "pk"):
        duplicates[repeat.event_id].append(row_values(repeat))
    first, last = min(ids), max(ids)
    name = f"events-{first:012d}-{last:012d}.jsonl.gz"
    n_attempts = sum(len(v) for v in attempts.values())
    n_duplicates = sum(len(v) for v in duplicates.values())
    facts: dict[str, Any] = {
        "what": "sync_events",
        "cutoff": summary.cutoff.isoformat(),
        "archived_at": now.isoformat(),
        "events": len(events),
        "attempts": n_attempts,
        "duplicates": n_duplicates,
        "first_event_id": first,
        "last_event_id": last,
    }
    writer = ArchiveWriter(name, facts)
    with writer:
        for event in sorted(events, key=lambda e: e.pk):
            writer.write(
                {
                    "type": "event",
                    "event": row_values(event),
                    "attempts": attempts.get(event.pk, []),
                    "duplicates": duplicates.get(event.pk, []),
                }
            )
    try:
        _remove(ids, name=name, now=now)
        audit_record(
            actor=actor,
            entry=AuditEntry(
                action="events.archived",
                object_type="archive",
                object_id=name,
                after={**facts, "file": name, "sha256": writer.sha256},
                reason=f"retention: posted before {summary.cutoff.date().isoformat()}",
            ),
        )
    except BaseException:
        writer.discard()  # the rows stay: the file archived nothing
        raise
    summary.events += len(events)
    summary.attempts += n_attempts
    summary.duplicates += n_duplicates
    summary.files.append({"file": name, "sha256": writer.sha256, "events": len(events)})


def _remove(ids: list[int], *, name: str, now: datetime) -> None:
    PostingAttempt.objects.filter(event_id__in=ids).delete()
    DuplicateAttempt.objects.filter(event_id__in=ids).delete()
    tombstone: dict[str, Any] = {
        "archived_at": now,
        "archive_name": name,
        "mapping_versions": [],
        "reason_code": "",
        "reason_message": "",
        "blocked_on": "",
    }
    SyncEvent.objects.filter(pk__in=ids, kind__in=PAYLOAD_KEPT).update(**tombstone)
    SyncEvent.objects.filter(pk__in=ids).exclude(kind__in=PAYLOAD_KEPT).update(**tombstone, payload={}, override=None)
