"""Re-sending work the broker lost or that waits for its retry time.

Messages are a hint, the database is the truth: an event accepted but never
picked up, a retry that came due, or a claim whose worker died is found here
and sent again. Claims are conditional, so sending twice is harmless.
"""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone

from console.sync.models import EventState, SyncEvent
from console.sync.services.dispatch import groups_wake_on_commit

SWEEP_LIMIT = 5000


def posting_sweep() -> int:
    """Returns how many events were sent to the workers again."""
    now = timezone.now()
    stale = now - timedelta(seconds=settings.SWEEP_STALE_QUEUED_SECONDS)
    due = (
        Q(state=EventState.QUEUED, enqueued_at__lt=stale)
        | Q(state=EventState.RETRY_WAIT, next_attempt_at__lte=now)
        # Not sent since it came due, or sent so long ago that the message was lost.
        & (Q(enqueued_at__isnull=True) | Q(enqueued_at__lt=F("next_attempt_at")) | Q(enqueued_at__lt=stale))
        | Q(state=EventState.POSTING, lease_until__lt=now)
    )
    with transaction.atomic():
        rows = list(SyncEvent.objects.filter(due).order_by("pk").values_list("pk", "entity_id", "kind")[:SWEEP_LIMIT])
        if not rows:
            return 0
        SyncEvent.objects.filter(pk__in=[pk for pk, _, _ in rows]).update(enqueued_at=now)
        # Their messages were lost or never sent: one message per group, whose worker sends the next.
        groups_wake_on_commit(rows)
    return len(rows)
