"""The Stripe event around the object: `{"id": "evt_...", "object": "event", "type": ...,
"created": <unix seconds>, "data": {"object": {...}, "previous_attributes"?: {...}},
"api_version", "livemode", "pending_webhooks", "request"}`."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from integrations.stripe.fields import Node
from integrations.webhooks import Unreadable


@dataclass(frozen=True, slots=True)
class Envelope:
    id: str
    type: str
    created: datetime
    object: Node  # data.object
    previous: Node | None  # data.previous_attributes: the changed fields' values before the event


def _object(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    obj = dict(pairs)
    if len(obj) != len(pairs):
        # json keeps the last of two equal keys; which one Stripe meant is not ours to guess.
        keys = [key for key, _ in pairs]
        twice = next(key for key in keys if keys.count(key) > 1)
        raise Unreadable(f"the key {twice[:40]!r} appears twice in one JSON object")
    return obj


def _constant(name: str) -> Any:
    raise Unreadable(f"body is not JSON: {name} is not a JSON number")


def _parse(body: bytes) -> Any:
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError:
        raise Unreadable("body is not UTF-8 text") from None
    try:
        return json.loads(text, object_pairs_hook=_object, parse_constant=_constant)
    except json.JSONDecodeError as err:
        raise Unreadable(f"body is not JSON: {err.msg} at line {err.lineno} column {err.colno}") from None
    except RecursionError:
        raise Unreadable("body is not a Stripe event: it nests too deep") from None
    except Unreadable:
        raise
    except ValueError as err:  # an integer longer than Python reads
        raise Unreadable(f"body is not JSON: {err}") from None


def read_envelope(body: bytes) -> Envelope:
    """The event a body holds, or Unreadable saying why it is not one."""
    value = _parse(body)
    if not isinstance(value, dict):
        raise Unreadable("body is not a Stripe event: it must be a JSON object")
    event = Node(value, "")
    event.expect("event")
    event_id, event_type, created = event.identifier("id", "evt_"), event.text("type"), event.moment("created")
    data = event.node("data")
    return Envelope(event_id, event_type, created, data.node("object"), data.optional_node("previous_attributes"))
