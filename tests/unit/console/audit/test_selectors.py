"""Reading the trail: people's decisions apart from the system's rows, and the kinds on record."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import transaction
from django.test import Client

from console.access.models import User
from console.audit.actors import Actor
from console.audit.selectors import AuditFilter, audit_events_filtered, audit_object_types
from console.audit.services import AuditEntry, audit_record_many
from tests.conftest import login

pytestmark = pytest.mark.django_db


@pytest.fixture
def mixed(configured: dict[str, Any]) -> None:
    """A posting row of the system, one of a service account, a failed sign-in and a person's decision."""
    carl = User.objects.get(username="carl")
    rows = [
        (Actor.system("posting"), AuditEntry("event.posted", "sync_event", "41", "US01", None, {"state": "posted"})),
        (Actor.service("shopify"), AuditEntry("event.received", "sync_event", "42", "US01")),
        (Actor.anonymous("carl"), AuditEntry("auth.login_failed", "username", "carl")),
        (Actor.person(carl), AuditEntry("case.assigned", "case", "43", "US01", None, {"assignee": "olivia"})),
    ]
    with transaction.atomic():
        for actor, entry in rows:
            audit_record_many(actor=actor, entries=[entry])


def test_people_only_leaves_out_the_system_services_and_sign_ins(mixed: None) -> None:
    ada = User.objects.get(username="ada")
    rows = audit_events_filtered(ada, AuditFilter(people_only=True, entity="US01"))
    assert [(r.actor_label, r.object_id) for r in rows] == [("carl", "43")]
    everyone = audit_events_filtered(ada, AuditFilter(entity="US01"))
    assert {r.actor_type for r in everyone} == {"system", "service", "user"}


def test_people_only_on_the_page(mixed: None, client: Client) -> None:
    html = login(client, "auditor").get("/audit/?people_only=on").content.decode()
    assert "case 43" in html
    assert "sync_event 41" not in html and "sync_event 42" not in html and "username carl" not in html
    assert 'name="people_only"' in html and "checked" in html


def test_the_kinds_on_record(mixed: None) -> None:
    kinds = audit_object_types()
    assert {"sync_event", "username", "case", "user"} <= set(kinds)
    assert kinds == sorted(set(kinds))
