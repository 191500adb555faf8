"""A person's pages in their own time zone, named beside each time; storage, exports and the
`datetime` attributes in UTC. The zone is the person's own setting, changed by them, audited."""

from __future__ import annotations

from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.test import Client

from console.access.models import User
from console.access.preferences import PreferenceError, time_zone_set
from console.access.time_zone import zone_names
from console.audit.actors import Actor
from console.audit.models import AuditEvent
from console.audit.services import AuditEntry, audit_record
from tests.conftest import login

pytestmark = pytest.mark.django_db


def test_a_person_chooses_their_zone_and_the_change_is_audited(configured: dict[str, Any]) -> None:
    client = login(Client(), "operator")
    page = client.get("/access/me/")
    assert page.status_code == 200 and b'<option value="Europe/Paris">' in page.content
    answer = client.post("/access/me/", {"time_zone": "Europe/Paris"})
    assert answer.status_code == 302 and answer["Location"] == "/access/me/"
    olivia = User.objects.get(username="olivia")
    assert olivia.time_zone == "Europe/Paris"
    row = AuditEvent.objects.get(action="user.time_zone_changed")
    assert row.before_data["time_zone"] == "UTC" and row.after_data["time_zone"] == "Europe/Paris"
    assert row.actor_label == "olivia"


def test_a_zone_not_in_the_tz_database_is_refused_and_named(configured: dict[str, Any]) -> None:
    client = login(Client(), "auditor")
    answer = client.post("/access/me/", {"time_zone": "Mars/Olympus"})
    assert answer.status_code == 400 and b"Mars/Olympus" in answer.content
    assert User.objects.get(username="ada").time_zone == "UTC"
    with pytest.raises(PreferenceError, match="not a time zone"):
        user = User.objects.get(username="ada")
        time_zone_set(user=user, actor=Actor.person(user), time_zone="US/Eastern")  # a legacy alias
    assert not AuditEvent.objects.filter(action="user.time_zone_changed").exists()


def test_the_same_zone_again_changes_nothing_and_writes_no_row(configured: dict[str, Any]) -> None:
    user = User.objects.get(username="carl")
    time_zone_set(user=user, actor=Actor.person(user), time_zone="UTC")
    assert not AuditEvent.objects.filter(action="user.time_zone_changed").exists()


def test_utc_comes_first_then_the_zones_in_order() -> None:
    names = zone_names()
    assert names[0] == "UTC" and list(names[1:]) == sorted(names[1:]) and "America/New_York" in names


def test_the_audit_trail_shows_times_in_the_readers_zone_named(configured: dict[str, Any]) -> None:
    ada = User.objects.get(username="ada")
    ada.time_zone = "Asia/Tokyo"
    ada.save(update_fields=["time_zone"])
    audit_record(actor=Actor.system("test"), entry=AuditEntry(action="test.row", object_type="t", object_id="1"))
    tokyo = AuditEvent.objects.get(action="test.row").occurred_at.astimezone(ZoneInfo("Asia/Tokyo"))
    html = login(Client(), "auditor").get("/audit/").content.decode()
    assert "When (Asia/Tokyo)" in html
    # The instant with its offset for machines, the local time with the zone's name for people.
    assert f'<time datetime="{tokyo.isoformat()}">{tokyo:%Y-%m-%d %H:%M:%S} JST</time>' in html
