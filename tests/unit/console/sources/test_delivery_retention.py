"""Archiving webhook deliveries (services/retention.py): only old deliveries that are done with go,
with their items and repeats, into a file whose sha256 the trail records; a provider's late copy
of an archived delivery makes no second event; a dry run changes nothing; only an integration
admin (or the system) archives."""

from __future__ import annotations

import hashlib
import json
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone

from console.access.models import User
from console.access.roles import Role
from console.access.services import user_create
from console.archive_files import archive_read
from console.audit.actors import Actor
from console.audit.models import AuditEvent
from console.audit.verify import audit_chain_check
from console.sources.models import DeliveryItem, ItemResult, Outcome, WebhookDelivery
from console.sources.services.processing import delivery_process
from console.sources.services.retention import deliveries_archive
from console.sync.models import SyncEvent
from tests.tables import tables_unchanged
from tests.unit.console.sources.conftest import Sender
from tests.unit.console.sources.test_processing import PAID_ORDER

pytestmark = pytest.mark.django_db

PASSWORD = "correct-horse-battery-staple"


@pytest.fixture
def people(endpoints: dict[str, Any]) -> dict[str, User]:
    actor = Actor.system("test")
    return {
        role.value: user_create(username=name, password=PASSWORD, role=role, entity_codes=["US01"], actor=actor)
        for role, name in (
            (Role.OPERATOR, "olivia"),
            (Role.CONTROLLER, "carl"),
            (Role.AUDITOR, "ada"),
            (Role.ADMIN, "ian"),
        )
    }


def order(sender: Sender, event_id: str, number: int) -> WebhookDelivery:
    body = json.dumps({**PAID_ORDER, "id": number, "name": f"#{number}"}).encode()
    response = sender.shopify(body, topic="orders/paid", event_id=event_id, webhook_id=f"wh-{event_id}")
    assert response.status_code == 200, response.content
    delivery = WebhookDelivery.objects.get(pk=response.json()["delivery"])
    delivery_process(delivery_id=delivery.pk)  # once more: a delivery is processed once
    delivery.refresh_from_db()
    return delivery


def aged(*deliveries: WebhookDelivery) -> None:
    WebhookDelivery.objects.filter(pk__in=[d.pk for d in deliveries]).update(
        received_at=timezone.now() - timedelta(days=100)
    )


@pytest.fixture
def deliveries(sender: Sender, people: dict[str, User], settings: Any, tmp_path: Path) -> dict[str, WebhookDelivery]:
    settings.ARCHIVE_DIR = tmp_path / "archive"
    settings.RETENTION_DELIVERIES_DAYS = 90
    made = {
        "old": order(sender, "e-1", 1001),
        "old_repeat": order(sender, "e-1", 1001),
        "old_failed": order(sender, "e-2", 1002),
        "old_with_recent_repeat": order(sender, "e-3", 1003),
    }
    aged(*made.values())
    # As a delivery whose processing failed in the console is left, for a person to send again.
    WebhookDelivery.objects.filter(pk=made["old_failed"].pk).update(outcome=Outcome.FAILED)
    made["recent_repeat"] = order(sender, "e-3", 1003)
    made["recent"] = order(sender, "e-4", 1004)
    assert made["old_repeat"].outcome == Outcome.REPEAT and made["old_repeat"].repeat_of_id == made["old"].pk
    assert made["old"].outcome == Outcome.PROCESSED
    return made


def admin_archive(people: dict[str, User], **options: Any) -> Any:
    ian = people["admin"]
    return deliveries_archive(user=ian, actor=Actor.person(ian), **options)


def test_only_old_deliveries_done_with_go_with_their_items_and_repeats(
    deliveries: dict[str, WebhookDelivery], people: dict[str, User], settings: Any
) -> None:
    old, repeat = deliveries["old"], deliveries["old_repeat"]
    old_items = set(DeliveryItem.objects.filter(delivery=old).values_list("pk", flat=True))
    assert old_items
    before = list(AuditEvent.objects.order_by("sequence").values_list("sequence", "hash"))

    summary = admin_archive(people)

    assert (summary.deliveries, summary.items) == (2, len(old_items))
    gone = {old.pk, repeat.pk}
    assert not WebhookDelivery.objects.filter(pk__in=gone).exists()
    assert not DeliveryItem.objects.filter(pk__in=old_items).exists()
    staying = {k for k in deliveries if k not in ("old", "old_repeat")}
    assert set(WebhookDelivery.objects.values_list("pk", flat=True)) == {deliveries[k].pk for k in staying}

    [archive] = summary.files
    path = Path(settings.ARCHIVE_DIR) / archive["file"]
    lines = archive_read(path)
    assert [line["delivery"]["id"] for line in lines[1:]] == sorted(gone)
    assert {i["id"] for line in lines[1:] for i in line["items"]} == old_items
    assert lines[1]["delivery"]["body_sha256"] == old.body_sha256  # the raw body is in the file, as base64
    recorded = AuditEvent.objects.get(action="deliveries.archived")
    after = json.loads(recorded.after) if isinstance(recorded.after, str) else recorded.after
    assert after["sha256"] == hashlib.sha256(path.read_bytes()).hexdigest()
    assert (after["deliveries"], after["first_delivery_id"], after["last_delivery_id"]) == (2, old.pk, repeat.pk)
    now = list(AuditEvent.objects.order_by("sequence").values_list("sequence", "hash"))
    assert now[: len(before)] == before and len(now) == len(before) + 1
    assert audit_chain_check().ok


def test_a_late_copy_of_an_archived_delivery_makes_no_second_event(
    deliveries: dict[str, WebhookDelivery], people: dict[str, User], sender: Sender
) -> None:
    admin_archive(people)
    events = SyncEvent.objects.count()

    copy = order(sender, "e-1", 1001)

    assert copy.outcome == Outcome.PROCESSED and copy.repeat_of_id is None  # its first is gone
    assert set(copy.items.values_list("result", flat=True)) == {ItemResult.DUPLICATE}
    assert SyncEvent.objects.count() == events


def test_a_dry_run_counts_and_changes_nothing(deliveries: dict[str, WebhookDelivery], people: dict[str, User]) -> None:
    with tables_unchanged():
        summary = admin_archive(people, dry_run=True)
    assert (summary.deliveries, summary.files) == (2, [])


@pytest.mark.parametrize("role", ["operator", "controller", "auditor"])
def test_a_role_lacking_it_is_refused_and_nothing_changes(
    deliveries: dict[str, WebhookDelivery], people: dict[str, User], role: str
) -> None:
    who = people[role]
    with tables_unchanged(), pytest.raises(PermissionDenied):
        deliveries_archive(user=who, actor=Actor.person(who))
    with tables_unchanged(), pytest.raises(CommandError, match="needs the role"):
        call_command("archive_deliveries", "--by", who.username)


def test_the_command_archives_as_the_system(
    deliveries: dict[str, WebhookDelivery], people: dict[str, User], capsys: Any
) -> None:
    call_command("archive_deliveries", "--dry-run")
    assert "would archive 2 webhook deliveries" in capsys.readouterr().out
    call_command("archive_deliveries")
    assert "archived 2 webhook deliveries" in capsys.readouterr().out
    assert AuditEvent.objects.get(action="deliveries.archived").actor_label == "system:archive_deliveries"
