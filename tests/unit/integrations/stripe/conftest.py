"""Real Stripe objects from ../shared/vectors/stripe (see its SOURCE.txt) and the event
envelope Stripe wraps them in, for the event reader's tests."""

from __future__ import annotations

import copy
import json
from collections.abc import Callable
from datetime import UTC
from functools import cache
from pathlib import Path
from typing import Any

import pytest

from integrations.canonical import parse_document
from integrations.stripe.events import read
from integrations.stripe.options import StripeOptions
from integrations.webhooks import Reading

# tests/unit/integrations/stripe/ -> the repository; ../shared sits beside it (a clone or a worktree).
VECTORS = Path(__file__).resolve().parents[4].parent / "shared" / "vectors" / "stripe"
EVENT_CREATED = 1_700_000_000  # 2023-11-14T22:13:20Z


@cache
def _fixtures3() -> dict[str, Any]:
    resources: dict[str, Any] = json.loads((VECTORS / "stripe-mock" / "fixtures3.json").read_text())["resources"]
    return resources


@pytest.fixture
def dj_stripe() -> Callable[[str], dict[str, Any]]:
    """A dj-stripe captured object by file name (without .json)."""

    def load(name: str) -> dict[str, Any]:
        loaded: dict[str, Any] = json.loads((VECTORS / "dj-stripe" / f"{name}.json").read_text())
        return loaded

    return load


@pytest.fixture
def stripe_mock() -> Callable[[str], dict[str, Any]]:
    """A stripe-mock fixtures3.json resource (a fresh copy each time)."""

    def load(resource: str) -> dict[str, Any]:
        return copy.deepcopy(_fixtures3()[resource])

    return load


@pytest.fixture
def signature_vectors() -> list[dict[str, Any]]:
    """The signed bodies of signature_vectors.json (the first is stripe-python's test payload)."""
    vectors: list[dict[str, Any]] = json.loads((VECTORS / "signature_vectors.json").read_text())
    return vectors


@pytest.fixture
def event_body() -> Callable[..., bytes]:
    """The body Stripe posts for `obj` as an event of `event_type`."""

    def build(
        event_type: str,
        obj: dict[str, Any],
        *,
        event_id: str = "evt_1QAbCdEfGhIjKlMn",
        created: int = EVENT_CREATED,
        previous: dict[str, Any] | None = None,
    ) -> bytes:
        data: dict[str, Any] = {"object": obj}
        if previous is not None:
            data["previous_attributes"] = previous
        event = {
            "id": event_id,
            "object": "event",
            "api_version": "2019-05-16",
            "created": created,
            "data": data,
            "livemode": False,
            "pending_webhooks": 1,
            "request": {"id": None, "idempotency_key": None},
            "type": event_type,
        }
        return json.dumps(event).encode()

    return build


@pytest.fixture
def read_checked() -> Callable[..., Reading]:
    """read(), then what every Reading must hold: each draft is what the ingestion API
    accepts (parse_document) and happened at an aware UTC time."""

    def run(body: bytes, options: StripeOptions | None = None) -> Reading:
        reading = read(body, options=options or StripeOptions())
        for draft in reading.drafts:
            parse_document(draft.kind, draft.data)
            assert draft.occurred_at.tzinfo is UTC
        return reading

    return run
