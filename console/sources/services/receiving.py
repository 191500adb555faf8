"""Receiving one webhook delivery: its signature over the raw body first, then the delivery is
stored and answered; turning it into events waits for a task after commit, so that a slow Odoo
never makes the provider time out (Shopify waits 5 s) and retry.

A refusal stores nothing but a counter and answers the same whatever failed. The first delivery of
a provider event id per source is claimed by a unique constraint, so copies arriving together
cannot both be processed: the losers are kept as repeats of the winner and create nothing.

Messages are few: a delivery sends one only when no older delivery of its source is still waiting,
since the worker turning that one into events takes the source's next ones too (processing.py). A
message per delivery cost more than storing it; now a storm, when the workers fall behind, sends a
few. The insert itself says whether an older one waits (one statement: a second one cost a tenth of
the delivery). Its answer is as of the statement's start, so a worker that finished the older one
and looked for more just before this insert committed can miss it; it looks once more a moment
later, and the sweeper sends whatever is still waiting after WEBHOOK_SWEEP_STALE_SECONDS.
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

from django.db import connection, transaction
from django.utils import timezone

from console.env import env
from console.sources.models import Outcome, WebhookDelivery
from console.sources.providers import ADAPTERS, UNCONFIGURED
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


_TABLE = WebhookDelivery._meta.db_table
_COLUMNS = (
    "source_id",
    "provider",
    "topic",
    "provider_event_id",
    "headers",
    "body",
    "body_sha256",
    "received_at",
    "verified_at",
    "answer_ms",
    "response_code",
    "outcome",
    "reason",
    "processed_at",
    "event_count",
    "needs_attention",
    "repeat_of_id",
)
# The conflict target is the partial unique index webhookdelivery_first_of_event (same predicate).
_FIRST_OF_EVENT = "ON CONFLICT (source_id, provider_event_id) WHERE repeat_of_id IS NULL AND NOT provider_event_id = ''"
_OLDER_WAITING = (
    f"EXISTS (SELECT 1 FROM {_TABLE} AS older WHERE older.source_id = {_TABLE}.source_id "
    f"AND older.outcome = 'received' AND older.id < {_TABLE}.id)"
)


def _adapted(column: str, value: Any) -> Any:
    # What the fields' get_db_prep_save() would give, for the only types these columns hold: a
    # quarter of the insert's time went there.
    if column == "headers":
        return connection.ops.adapt_json_value(value, None)
    if isinstance(value, datetime):
        return connection.ops.adapt_datetimefield_value(value)
    return value


def _insert(values: dict[str, Any], *, claim: bool) -> tuple[int, bool] | None:
    """One INSERT, in the caller's transaction or committed by itself: (its id, whether an older
    delivery of its source still waits). With `claim`, the first delivery of its event id only:
    None when one was stored before (PostgreSQL waits for an uncommitted one, and inserts if it
    rolls back). Written by hand: the ORM's create() cost a delivery more than all it does besides."""
    params = [_adapted(column, values.get(column)) for column in _COLUMNS]
    placeholders = ", ".join(["%s"] * len(_COLUMNS))
    conflict = f"{_FIRST_OF_EVENT} DO NOTHING " if claim else ""
    sql = (
        f"INSERT INTO {_TABLE} ({', '.join(_COLUMNS)}) VALUES ({placeholders}) {conflict}RETURNING id, {_OLDER_WAITING}"
    )
    # On PostgreSQL bound on the server and prepared: parsing and planning this statement cost
    # PostgreSQL more than running it (console/postgres/base.py).
    bound = getattr(connection, "bound_cursor", None)
    with bound() if bound is not None else connection.cursor() as cursor:
        cursor.execute(sql, params)
        row = cursor.fetchone()
    return None if row is None else (int(row[0]), bool(row[1]))


def _store(values: dict[str, Any]) -> tuple[int, str]:
    """The delivery's id and outcome: received (or unparsed) when it is the first of its event id,
    else a repeat of the first."""
    event_id = values["provider_event_id"]
    for _ in range(3):
        stored = _insert(values, claim=bool(event_id))
        if stored is not None:
            delivery_id, older_waiting = stored
            if values["outcome"] == Outcome.RECEIVED and not older_waiting:
                # robust: the broker being down must not turn a stored delivery into a 500 (the
                # provider would retry, as a repeat); the sweeper sends its message later.
                transaction.on_commit(partial(delivery_send, delivery_id), robust=True)
            return delivery_id, str(values["outcome"])
        first = (
            WebhookDelivery.objects.filter(source_id=values["source_id"], provider_event_id=event_id, repeat_of=None)
            .values_list("pk", flat=True)
            .first()
        )
        if first is not None:
            repeat = {
                **values,
                "outcome": Outcome.REPEAT,
                "reason": f"repeat of delivery {first}",
                "repeat_of_id": first,
            }
            repeated = _insert(repeat, claim=False)
            assert repeated is not None  # no conflict target: it always inserts
            return repeated[0], str(Outcome.REPEAT)
        # The first rolled back after we saw it: claim the event id again.
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
        log = logger.error if reason == UNCONFIGURED else logger.warning
        log("webhook %s/%s refused (%s)", adapter.provider, source.code, reason)
        return Answer(401, UNAUTHORIZED)
    verified_at = timezone.now()
    identity = adapter.identify(body, headers)
    values: dict[str, Any] = {
        "source_id": source.pk,
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
        "processed_at": verified_at if identity.unreadable else None,
        "event_count": 0,
        "needs_attention": False,
        "answer_ms": (time.perf_counter() - started) * 1000,
    }
    delivery_id, outcome = _store(values)
    return Answer(200, {"delivery": delivery_id, "outcome": outcome})
