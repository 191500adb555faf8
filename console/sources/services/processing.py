"""Turning a stored delivery into events, in a task after the delivery committed.

The provider's reader (integrations/shopify, integrations/stripe) reads the body into drafts of
canonical events. Each draft is recorded through the console's one ingestion service under the
source's own account, so it passes exactly the checks an API event passes, and its idempotency
stays on the business key: the same order reaching us through two topics is a repeat of one
event (a DuplicateAttempt), never a second event. One bad draft is recorded with its reason and
never holds up the others. An event the delivery reports changed after it posted gets a case.
"""

from __future__ import annotations

import logging
from datetime import timedelta

from django.conf import settings
from django.db import OperationalError, transaction
from django.utils import timezone

from console.audit.actors import Actor
from console.sources.models import DeliveryItem, ItemResult, Outcome, Provider, WebhookDelivery
from console.sources.providers import ADAPTERS
from console.sources.services.receiving import delivery_send
from console.sync.models import EventState, SourceSystem
from console.sync.services.changes import events_changed_report
from console.sync.services.ingest import IngestError, events_ingest
from integrations.webhooks import Draft, Reading, Unhandled, Unreadable

logger = logging.getLogger(__name__)

SWEEP_LIMIT = 1000
CHANGED_NOTES = {
    Provider.SHOPIFY: "The order changed after it was invoiced",
    Provider.STRIPE: "It changed at Stripe after it posted",
}


def delivery_process(*, delivery_id: int) -> str:
    """Process the delivery once, whatever number of messages name it; returns its outcome."""
    try:
        with transaction.atomic():
            delivery = (
                WebhookDelivery.objects.select_for_update(of=("self",))
                .select_related("source", "source__entity", "source__service_account")
                .filter(pk=delivery_id)
                .first()
            )
            if delivery is None:
                logger.warning("webhook delivery %s is gone: nothing to process", delivery_id)
                return "gone"
            if delivery.outcome != Outcome.RECEIVED:
                return str(delivery.outcome)  # an earlier message did it
            _process(delivery)
            return str(delivery.outcome)
    except OperationalError:
        raise  # the database went away: the task is retried
    except Exception as err:  # one delivery our code fails on is recorded, not retried forever
        logger.exception("webhook delivery %s failed in the console", delivery_id)
        WebhookDelivery.objects.filter(pk=delivery_id, outcome=Outcome.RECEIVED).update(
            outcome=Outcome.FAILED, reason=f"internal error while processing: {type(err).__name__}"
        )
        return str(Outcome.FAILED)


def _finish(
    delivery: WebhookDelivery, outcome: Outcome, reason: str, event_count: int = 0, needs_attention: bool = False
) -> None:
    delivery.outcome = outcome
    delivery.reason = reason
    delivery.event_count = event_count
    delivery.needs_attention = needs_attention
    delivery.processed_at = timezone.now()
    delivery.save(update_fields=["outcome", "reason", "event_count", "needs_attention", "processed_at"])


def _process(delivery: WebhookDelivery) -> None:
    source = delivery.source
    adapter = ADAPTERS[delivery.provider]
    try:
        reading = adapter.read(delivery.topic, bytes(delivery.body), source.webhook_options)
    except Unreadable as err:
        return _finish(delivery, Outcome.UNPARSED, str(err))
    except Unhandled as err:
        return _finish(delivery, Outcome.UNHANDLED, str(err))
    if source.entity is None or source.service_account is None:
        return _finish(delivery, Outcome.FAILED, "the source is not set up for webhooks: run manage.py webhook_source")
    correlation = delivery.provider_event_id or f"webhook-delivery-{delivery.pk}"
    items = [_record(source, draft, correlation) for draft in reading.drafts]
    notes = [reading.note] if reading.note else []
    if reading.changed:
        changed, note = _changed(delivery, reading)
        items += changed
        notes += [note] if note else []
    for position, item in enumerate(items):
        item.delivery, item.position = delivery, position
    DeliveryItem.objects.bulk_create(items)
    named = {item.event_id for item in items if item.event_id and item.result != ItemResult.CHANGED}
    attention = bool(reading.note) and adapter.needs_attention(reading.note)
    if attention:
        logger.warning("webhook delivery %s of %s needs a person: %s", delivery.pk, source.code, reading.note[:300])
    _finish(delivery, Outcome.PROCESSED, " ".join(notes), event_count=len(named), needs_attention=attention)


def _short(value: str, limit: int) -> str:
    return str(value).replace("\x00", "\ufffd")[:limit]


def _record(source: SourceSystem, draft: Draft, correlation: str) -> DeliveryItem:
    assert source.entity is not None and source.service_account is not None
    item = {
        "source": source.code,
        "kind": draft.kind,
        "external_id": draft.external_id,
        "entity": source.entity.code,
        "occurred_at": draft.occurred_at.isoformat(),
        "correlation_id": correlation,
        "data": draft.data,
    }
    row = DeliveryItem(kind=_short(draft.kind, 32), external_id=_short(draft.external_id, 200))
    refused: IngestError | None = None
    try:
        # A savepoint per draft: whatever the database refuses of one draft leaves the others whole.
        with transaction.atomic():
            try:
                (result,) = events_ingest(account=source.service_account, items=[item])
            except IngestError as err:
                refused = err  # caught inside: the rejection counter it wrote is kept
    except OperationalError:
        raise
    except Exception as err:  # one draft our code fails on is recorded alone
        logger.exception("a draft of source %s failed in the console", source.code)
        row.result, row.reason_code, row.reason = ItemResult.REFUSED, "internal_error", type(err).__name__
        return row
    if refused is not None:
        row.result, row.reason_code, row.reason = ItemResult.REFUSED, refused.code, refused.message
        return row
    row.result, row.event_id = result.result, result.event_id
    return row


def _changed(delivery: WebhookDelivery, reading: Reading) -> tuple[list[DeliveryItem], str]:
    """A case for each changed event that posted; the others will post the version received first."""
    assert delivery.source.service_account is not None
    note = (
        f"{CHANGED_NOTES[Provider(delivery.provider)]}: {delivery.topic} received "
        f"{delivery.received_at:%Y-%m-%d %H:%M} UTC (webhook delivery {delivery.pk})."
    )
    events = events_changed_report(
        source=delivery.source,
        external_ids=reading.changed,
        actor=Actor.service(delivery.source.service_account.name),
        note=note,
    )
    items = [
        DeliveryItem(
            kind=event.kind,
            external_id=event.external_id,
            result=ItemResult.CHANGED,
            event=event,
            reason="posted before the change: a case is open"
            if event.state == EventState.POSTED
            else "not posted yet: the version received first will post",
        )
        for event in events
    ]
    unknown = sorted(set(reading.changed) - {event.external_id for event in events})
    return items, (f"Changed at the source, never recorded here: {', '.join(unknown)}." if unknown else "")


def deliveries_sweep() -> int:
    """Send again the deliveries stored but still not processed (their message was lost, or the
    broker was down when they came); processing is once per delivery, so a second send is harmless."""
    stale = timezone.now() - timedelta(seconds=settings.WEBHOOK_SWEEP_STALE_SECONDS)
    ids = list(
        WebhookDelivery.objects.filter(outcome=Outcome.RECEIVED, received_at__lt=stale)
        .order_by("pk")
        .values_list("pk", flat=True)[:SWEEP_LIMIT]
    )
    for delivery_id in ids:
        delivery_send(delivery_id)
    return len(ids)
