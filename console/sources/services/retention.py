"""Archiving webhook deliveries that are done with: export them with their items, then delete them.

What goes: deliveries received before the cut-off (RETENTION_DELIVERIES_DAYS, 90 by default)
whose outcome is final (turned into events, a repeat, unreadable, a topic not handled) and that
do not ask for a person's look. A delivery still waiting or failed, or flagged for attention,
stays; so does a first delivery any of whose repeats stays (a repeat names its first).

Nothing the exactly-once guarantee stands on goes with them: the events a delivery made are
SyncEvent rows, kept (or kept as tombstones by the event archive) under their unique key, so a
provider's copy of an old delivery that arrives after its first was archived is stored as a new
delivery, and every event it names is a repeat. Providers stop resending within days (Shopify
48 hours, Stripe 3 days), far inside the 90.

Each batch is one transaction, one file and one AuditEvent, as for events (sync's retention).
The refusal counters (WebhookRefusal) are one row per day and reason, and stay.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone

from console.archive_files import ArchiveWriter, row_values
from console.audit.actors import Actor
from console.audit.services import AuditEntry, audit_record
from console.sources.models import DeliveryItem, Outcome, WebhookDelivery
from console.sync.services.retention import archive_cutoff, archiver_check, batch_size_check

FINAL = (Outcome.PROCESSED, Outcome.REPEAT, Outcome.UNPARSED, Outcome.UNHANDLED)


@dataclass
class DeliveriesArchived:
    cutoff: datetime
    dry_run: bool
    deliveries: int = 0
    items: int = 0
    files: list[dict[str, Any]] = field(default_factory=list)


def _done(cutoff: datetime) -> Q:
    return Q(received_at__lt=cutoff, outcome__in=FINAL, needs_attention=False)


def _archivable(cutoff: datetime, after: int) -> Q:
    staying = WebhookDelivery.objects.filter(repeat_of=OuterRef("pk")).exclude(_done(cutoff))
    return _done(cutoff) & Q(pk__gt=after) & Q(~Exists(staying))


def deliveries_archive(
    *,
    user: Any | None,
    actor: Actor,
    older_than_days: int | None = None,
    batch_size: int = 500,
    dry_run: bool = False,
    now: datetime | None = None,
) -> DeliveriesArchived:
    """Archive every delivery that is done with, a batch (one file, one AuditEvent) at a time;
    with dry_run, count what would go and change nothing."""
    archiver_check(user, "archiving webhook deliveries")
    batch_size_check(batch_size)
    now = now or timezone.now()
    days = settings.RETENTION_DELIVERIES_DAYS if older_than_days is None else older_than_days
    summary = DeliveriesArchived(cutoff=archive_cutoff(days=days, now=now), dry_run=dry_run)
    after: int | None = 0
    while after is not None:
        after = _batch(summary, after, batch_size, actor=actor, now=now)
    return summary


@transaction.atomic
def _batch(summary: DeliveriesArchived, after: int, size: int, *, actor: Actor, now: datetime) -> int | None:
    query = WebhookDelivery.objects.filter(_archivable(summary.cutoff, after)).order_by("pk")
    if not summary.dry_run:
        query = query.select_for_update(of=("self",))
    deliveries = list(query[:size])
    if not deliveries:
        return None
    next_after = deliveries[-1].pk
    ids = {d.pk for d in deliveries}
    if summary.dry_run:  # a first's repeats come later in the keyset, and count there
        summary.deliveries += len(ids)
        summary.items += DeliveryItem.objects.filter(delivery_id__in=ids).count()
        return next_after
    # A first's repeats go with it (all of them are done with, or it would not be here), so the
    # delete never leaves a repeat naming a first that is gone.
    deliveries += list(
        WebhookDelivery.objects.filter(repeat_of_id__in=ids).exclude(pk__in=ids).select_for_update(of=("self",))
    )
    ids = {d.pk for d in deliveries}
    items: dict[int, list[dict[str, Any]]] = defaultdict(list)
    for item in DeliveryItem.objects.filter(delivery_id__in=ids).order_by("delivery_id", "position"):
        items[item.delivery_id].append(row_values(item))
    first, last = min(ids), max(ids)
    name = f"deliveries-{first:012d}-{last:012d}.jsonl.gz"
    facts: dict[str, Any] = {
        "what": "webhook_deliveries",
        "cutoff": summary.cutoff.isoformat(),
        "archived_at": now.isoformat(),
        "deliveries": len(ids),
        "items": sum(len(v) for v in items.values()),
        "first_delivery_id": first,
        "last_delivery_id": last,
    }
    writer = ArchiveWriter(name, facts)
    with writer:
        for delivery in sorted(deliveries, key=lambda d: d.pk):
            writer.write({"type": "delivery", "delivery": row_values(delivery), "items": items.get(delivery.pk, [])})
    try:
        DeliveryItem.objects.filter(delivery_id__in=ids).delete()
        WebhookDelivery.objects.filter(pk__in=ids, repeat_of__isnull=False).delete()
        WebhookDelivery.objects.filter(pk__in=ids).delete()
        audit_record(
            actor=actor,
            entry=AuditEntry(
                action="deliveries.archived",
                object_type="archive",
                object_id=name,
                after={**facts, "file": name, "sha256": writer.sha256},
                reason=f"retention: received before {summary.cutoff.date().isoformat()}",
            ),
        )
    except BaseException:
        writer.discard()  # the rows stay: the file archived nothing
        raise
    summary.deliveries += len(ids)
    summary.items += facts["items"]
    summary.files.append({"file": name, "sha256": writer.sha256, "deliveries": len(ids)})
    return next_after
