"""Receiving one webhook delivery: its signature over the raw body first, then the delivery is
stored and answered; turning it into events waits for a task after commit, so that a slow Odoo
never makes the provider time out (Shopify waits 5 s) and retry.

A refusal stores nothing but a counter and answers the same whatever failed. The first delivery of
a provider event id per source is claimed by a unique constraint, so copies arriving together
cannot both be processed: the losers are kept as repeats of the winner and create nothing.
"""

from __future__ import annotations

import hashlib
import logging
import time
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from functools import partial
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from console.env import env
from console.sources.models import Outcome, WebhookDelivery
from console.sources.providers import ADAPTERS
from console.sources.services.refusals import refusal_count
from console.sync.models import SourceSystem

logger = logging.getLogger(__name__)

UNAUTHORIZED = {"error": {"code": "unauthorized", "message": "the delivery could not be verified"}}


@dataclass(frozen=True)
class Answer:
    status: int
    body: dict[str, Any]


def secrets_of(source: SourceSystem) -> list[str]:
    """The source's current secret, then the previous one during a rotation, read from the
    environment (or NAME_FILE) at each delivery: a rotation needs no restart of the web processes."""
    found = []
    for name in (source.secret_env, source.previous_secret_env):
        if not name:
            continue
        try:
            value = env(name)
        except OSError:
            logger.error("webhook source %s: %s_FILE names a file that cannot be read", source.code, name)
            continue
        if value:
            found.append(value)
    return found


def _store(fields: dict[str, Any], event_id: str) -> WebhookDelivery:
    for _ in range(3):
        try:
            with transaction.atomic():
                delivery = WebhookDelivery.objects.create(**fields)
                if delivery.outcome == Outcome.RECEIVED:
                    # robust: the broker being down must not turn a stored delivery into a 500 (the
                    # provider would retry, as a repeat); the sweeper sends its message later.
                    transaction.on_commit(partial(delivery_send, delivery.pk), robust=True)
                return delivery
        except IntegrityError:
            if not event_id:
                raise
        # Seen before: kept as a repeat of the first, which has committed (the constraint waited for it).
        with transaction.atomic():
            first = (
                WebhookDelivery.objects.filter(source=fields["source"], provider_event_id=event_id, repeat_of=None)
                .only("pk")
                .first()
            )
            if first is not None:
                return WebhookDelivery.objects.create(
                    **{**fields, "outcome": Outcome.REPEAT, "reason": f"repeat of delivery {first.pk}"},
                    repeat_of=first,
                )
        # The first rolled back after blocking us: claim the event id again.
    raise RuntimeError(f"could not store a delivery of event {event_id!r} after 3 tries")


def delivery_send(delivery_id: int) -> None:
    from console.sources.tasks import process_delivery

    process_delivery.apply_async(args=(delivery_id,))


def delivery_receive(
    *, source: SourceSystem, headers: Mapping[str, str], body: bytes, received_at: datetime, started: float
) -> Answer:
    """Verify, store and answer one delivery to the endpoint of `source` (found and within the size
    limit: the view checked). `started` is the view's time.perf_counter() at the request."""
    adapter = ADAPTERS[source.kind]
    reason = adapter.refusal(body, headers, secrets_of(source))
    if reason is not None:
        refusal_count(provider=adapter.provider, source_code=source.code, reason=reason)
        log = logger.error if reason == "unconfigured" else logger.warning
        log("webhook %s/%s refused (%s)", adapter.provider, source.code, reason)
        return Answer(401, UNAUTHORIZED)
    verified_at = timezone.now()
    identity = adapter.identify(body, headers)
    fields: dict[str, Any] = {
        "source": source,
        "provider": adapter.provider,
        "topic": identity.topic,
        "provider_event_id": identity.event_id,
        "headers": adapter.kept_headers(headers),
        "body": body,
        "body_sha256": hashlib.sha256(body).hexdigest(),
        "received_at": received_at,
        "verified_at": verified_at,
        "response_code": 200,
        "outcome": Outcome.UNPARSED if identity.unreadable else Outcome.RECEIVED,
        "reason": identity.unreadable,
        "answer_ms": (time.perf_counter() - started) * 1000,
    }
    if identity.unreadable:
        fields["processed_at"] = verified_at
    delivery = _store(fields, identity.event_id)
    return Answer(200, {"delivery": delivery.pk, "outcome": delivery.outcome})
