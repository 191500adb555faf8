"""Archiving posted events on PostgreSQL: the batch's rows are locked while its file is written,
so a copy of an archived event sent meanwhile waits, then is recorded as a repeat of the
tombstone and never posts; the audit trail (triggers on, as in production) is untouched and
verifies through PostgreSQL's own walk; the AuditEvent carries the file's sha256."""

from __future__ import annotations

import hashlib
import json
import threading
import time
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from django.db import connection, connections
from django.utils import timezone
from rest_framework.test import APIClient

from console.access.models import User
from console.audit.actors import Actor
from console.audit.models import AuditEvent
from console.audit.verify import audit_chain_check
from console.sync.models import DuplicateAttempt, PostingAttempt, SyncEvent
from console.sync.services.drain import events_drain
from console.sync.services.retention import events_archive
from console.sync.signals import events_archive_vetoed
from tests.conftest import PERSONAS
from tests.factories import invoice_event, payment_event

pytestmark = pytest.mark.django_db(transaction=True)


def send(token: str, *events: dict[str, Any]) -> list[dict[str, Any]]:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    response = client.post(
        "/api/v1/events/", data=json.dumps({"events": list(events)}), content_type="application/json"
    )
    assert response.status_code in (200, 201), response.content
    return list(response.json()["results"])


def moves(sandbox: Any, ref: str) -> int:
    return int(sandbox.control.count("account.move", [["ref", "=", ref]]))


@pytest.fixture
def posted_long_ago(configured: dict[str, Any], settings: Any, tmp_path: Path) -> list[int]:
    settings.ARCHIVE_DIR = tmp_path / "archive"
    settings.RETENTION_EVENTS_DAYS = 400
    token = str(configured["token"])
    ids = [int(r["event_id"]) for r in send(token, invoice_event("pg-old-1"), payment_event("pg-pay-1", "pg-old-1"))]
    assert events_drain().posted == 2
    SyncEvent.objects.filter(pk__in=ids).update(posted_at=timezone.now() - timedelta(days=500))
    return ids


def archive() -> Any:
    ian = User.objects.get(username=PERSONAS["admin"])
    return events_archive(user=ian, actor=Actor.person(ian))


def test_archiving_on_postgresql_records_the_files_hash_and_the_trail_verifies(
    posted_long_ago: list[int], settings: Any
) -> None:
    assert connection.vendor == "postgresql"
    attempts = set(PostingAttempt.objects.filter(event_id__in=posted_long_ago).values_list("pk", flat=True))
    trail = list(AuditEvent.objects.order_by("sequence").values_list("sequence", "hash"))

    summary = archive()

    assert (summary.events, summary.attempts) == (2, len(attempts)) and attempts
    assert not PostingAttempt.objects.filter(pk__in=attempts).exists()
    [file] = summary.files
    recorded = AuditEvent.objects.get(action="events.archived")
    after = json.loads(recorded.after) if isinstance(recorded.after, str) else recorded.after
    on_disk = hashlib.sha256((Path(settings.ARCHIVE_DIR) / file["file"]).read_bytes()).hexdigest()
    assert after["sha256"] == on_disk and after["events"] == 2
    now = list(AuditEvent.objects.order_by("sequence").values_list("sequence", "hash"))
    assert now[: len(trail)] == trail and len(now) == len(trail) + 1
    check = audit_chain_check()
    assert check.ok and check.last_sequence == now[-1][0], check.message


def test_a_copy_sent_while_its_batch_is_archived_waits_and_is_a_repeat(
    posted_long_ago: list[int], configured: dict[str, Any]
) -> None:
    token = str(configured["token"])
    answers: list[list[dict[str, Any]]] = []

    def resend() -> None:
        try:
            answers.append(send(token, invoice_event("pg-old-1")))
        finally:
            connections.close_all()

    copy_thread = threading.Thread(target=resend)
    blocked_while_locked: list[bool] = []

    def during_the_batch(sender: Any, event_ids: list[int], **_: Any) -> set[int]:
        # Called with the batch's rows locked: the copy's repeat names its event, so it waits.
        copy_thread.start()
        time.sleep(1.5)
        blocked_while_locked.append(copy_thread.is_alive())
        return set()

    events_archive_vetoed.connect(during_the_batch, dispatch_uid="test.during_the_batch")
    try:
        summary = archive()
    finally:
        events_archive_vetoed.disconnect(dispatch_uid="test.during_the_batch")
    copy_thread.join(timeout=30)

    assert summary.events == 2 and blocked_while_locked == [True]
    [[answer]] = answers
    assert answer["result"] == "duplicate" and answer["event_id"] == posted_long_ago[0]
    tombstone = SyncEvent.objects.get(pk=posted_long_ago[0])
    assert tombstone.archived_at is not None
    assert DuplicateAttempt.objects.filter(event=tombstone, same_payload=True).count() == 1
    assert events_drain().claimed == 0
    assert moves(configured["sandbox"], "shopify/pg-old-1") == 1
