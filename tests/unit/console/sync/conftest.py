"""The posting queue of the embedded broker the unit tests run on (var/broker/ of the test run)."""

from __future__ import annotations

import base64
import json
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.utils import timezone
from rest_framework.test import APIClient

from console.sync.models import Flow, LegalEntity, SyncEvent


class PostingQueue:
    """The `sync.post_events` messages waiting in the broker's folder, read as a worker would
    (whatever their queue: so a test shows what the code before the queues sent, too)."""

    def __init__(self) -> None:
        self.folder = Path(str(settings.CELERY_BROKER_TRANSPORT_OPTIONS["data_folder_in"]))

    def _files(self) -> list[Path]:
        found = []
        for path in sorted(self.folder.iterdir()):
            if path.name.endswith(".msg") and path.name[0] != ".":
                message = json.loads(path.read_bytes())
                if message["headers"]["task"] == "sync.post_events":
                    found.append(path)
        return found

    def purge(self) -> None:
        for path in self._files():
            path.unlink(missing_ok=True)

    @staticmethod
    def _ids(path: Path) -> list[int]:
        message = json.loads(path.read_bytes())
        args, _, _ = json.loads(base64.b64decode(message["body"]))
        return [int(i) for i in args[0]]

    def messages(self) -> list[list[int]]:
        """The event ids of each message, oldest message first (nothing is taken)."""
        return [self._ids(path) for path in self._files()]

    def take(self) -> list[int] | None:
        """The oldest message's ids, removed from the queue as a worker takes it."""
        files = self._files()
        if not files:
            return None
        ids = self._ids(files[0])
        os.remove(files[0])
        return ids


@pytest.fixture
def posting_queue() -> Iterator[PostingQueue]:
    queue = PostingQueue()
    queue.purge()  # what earlier tests left
    yield queue
    queue.purge()


class Source:
    """A source system delivering to the ingestion API, each request committed and what its
    transaction sends after commit sent (the test itself runs in one transaction)."""

    def __init__(self, token: str, capture: Any) -> None:
        self.api = APIClient()
        self.api.credentials(HTTP_AUTHORIZATION=f"Token {token}")
        self.capture = capture

    def deliver(self, *events: dict[str, Any]) -> list[int]:
        """One request with these events; their ids."""
        with self.capture(execute=True):
            response = self.api.post(
                "/api/v1/events/", data=json.dumps({"events": list(events)}), content_type="application/json"
            )
        assert response.status_code == 201, response.content
        return [int(r["event_id"]) for r in response.json()["results"]]

    def one_by_one(self, events: list[dict[str, Any]]) -> list[int]:
        return [self.deliver(event)[0] for event in events]


@pytest.fixture
def source(token: str, django_capture_on_commit_callbacks: Any) -> Source:
    return Source(token, django_capture_on_commit_callbacks)


def stored_event(entity: LegalEntity, n: int, **fields: Any) -> SyncEvent:
    """An invoice event written as it is at some point of its life, without ingestion."""
    flow = fields.pop("flow", None) or Flow.objects.get(event_kind="customer_invoice")
    now = timezone.now()
    values: dict[str, Any] = {
        "source": flow.source,
        "flow": flow,
        "entity": entity,
        "kind": "customer_invoice",
        "external_id": f"o-{n}",
        "occurred_at": now,
        "received_at": now,
        "payload": {},
        "payload_hash": "x",
        "amount": "1.00",
        "currency": "USD",
        "state_changed_at": now,
    }
    values.update(fields)
    return SyncEvent.objects.create(**values)
