"""Re-sending work the broker lost or that waits for its retry time.

Messages are a hint, the database is the truth: an event accepted but never
picked up, a retry that came due, or a claim whose worker died is found here
and sent again. Claims are conditional, so sending twice is harmless.

And a block whose cause has gone: a payment and its invoice posted by two workers side
by side (they arrive together in one webhook delivery) can record the payment as waiting
after the invoice's own unblocking looked for it; the payment is queued again here.
"""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone

from console.audit.actors import Actor
from console.sync.models import EventKind, EventState, SyncEvent
from console.sync.services.claims import paused_q
from console.sync.services.dispatch import groups_wake_on_commit
from console.sync.services.requeue import events_unblock_after_dismissal, events_unblock_after_posting

SWEEP_LIMIT = 5000


def posting_sweep() -> int:
    """Returns how many events were sent to the workers again."""
    return _blocks_cleared() + _resend()


def _blocks_cleared() -> int:
    """Queue again the events still blocked on a document that has posted since."""
    keys = set(
        SyncEvent.objects.filter(state=EventState.BLOCKED)
        .filter(
            Q(blocked_on__startswith="event:") | Q(blocked_on__startswith="key:") | Q(blocked_on__startswith="settles:")
        )
        .values_list("blocked_on", flat=True)[:SWEEP_LIMIT]
    )
    ids: set[int] = set()
    named: set[tuple[int, str]] = set()
    for key in keys:
        # event:<id>, key:<source>:<kind>:<external id>, settles:<source>:<direction>:<external id>
        parts = key.split(":", 3)
        if parts[0] == "event" and parts[1].isdigit():
            ids.add(int(parts[1]))
        elif len(parts) == 4 and parts[1].isdigit():
            named.add((int(parts[1]), parts[3]))
    if not ids and not named:
        return 0
    found = SyncEvent.objects.filter(state=EventState.POSTED).filter(
        Q(pk__in=ids) | Q(source_id__in={s for s, _ in named}, external_id__in={x for _, x in named})
    )
    posted = [e for e in found if e.pk in ids or (e.source_id, e.external_id) in named]
    # A payment dismissed while a credit note was deciding to wait for it (event_dismiss found
    # nothing blocked on it yet): the wait ends here, as the payment will never post.
    dismissed = SyncEvent.objects.filter(pk__in=ids, kind=EventKind.PAYMENT, state=EventState.DISMISSED)
    gone = list(dismissed.values_list("pk", flat=True))
    if not posted and not gone:
        return 0
    actor = Actor.system("sweep_posting")
    with transaction.atomic():
        released = events_unblock_after_posting(posted, actor=actor) if posted else []
        return len(released + events_unblock_after_dismissal(gone, actor=actor))


def _resend() -> int:
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
        # A paused flow's events wait for its resume, which sends them itself (flow_pause.py).
        rows = list(
            SyncEvent.objects.filter(due)
            .exclude(paused_q())
            .order_by("pk")
            .values_list("pk", "entity_id", "kind")[:SWEEP_LIMIT]
        )
        if not rows:
            return 0
        SyncEvent.objects.filter(pk__in=[pk for pk, _, _ in rows]).update(enqueued_at=now)
        # Their messages were lost or never sent: one message per group, whose worker sends the next.
        groups_wake_on_commit(rows)
    return len(rows)
