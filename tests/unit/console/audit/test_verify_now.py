""" "Verify the chain now": an auditor's, recorded on the trail, at most once a minute across
everyone, and the refusal says when the last ran and what it found."""

from __future__ import annotations

from datetime import timedelta
from typing import Any
from unittest import mock

import pytest
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.test import Client
from django.utils import timezone

from console.access.models import User
from console.audit.actors import Actor
from console.audit.models import AuditEvent, AuditVerification
from console.audit.services import AuditEntry, audit_record_many
from console.audit.verify_now import REQUESTED, VERIFIED, VerifyTooSoon, audit_verify_now
from tests.conftest import login
from tests.tables import tables_unchanged

pytestmark = pytest.mark.django_db


@pytest.fixture
def trail(configured: dict[str, Any]) -> None:
    with transaction.atomic():
        audit_record_many(
            actor=Actor.system("test"),
            entries=[
                AuditEntry("event.posted", "sync_event", str(n), "US01", None, {"state": "posted"}) for n in (1, 2)
            ],
        )


def _press(client: Client) -> Any:
    return client.post("/audit/verify/", follow=True)


def test_a_press_runs_the_check_and_goes_on_the_trail(trail: None, client: Client) -> None:
    page = _press(login(client, "auditor"))
    assert page.status_code == 200
    check = AuditVerification.objects.get()
    assert check.ok and check.triggered_by == "person:ada" and check.rows_checked >= 3
    assert f"Chain verified: {check.message}, last #{check.last_sequence}." in page.content.decode()
    pressed = AuditEvent.objects.get(action=REQUESTED)
    verified = AuditEvent.objects.get(action=VERIFIED)
    assert (pressed.actor_label, pressed.actor_type, pressed.request_ip) == ("ada", "user", "127.0.0.1")
    assert verified.object_type == "audit_verification" and verified.object_id == str(check.pk)
    assert verified.after_data == {
        "ok": True,
        "rows_checked": check.rows_checked,
        "first_bad_sequence": None,
        "last_sequence": check.last_sequence,
        "last_hash": check.last_hash,
        "message": check.message,
    }
    # The press itself is a row of the chain it checked.
    assert check.last_sequence == pressed.sequence


def test_two_presses_within_a_minute_make_one_check(trail: None, client: Client) -> None:
    ada = login(client, "auditor")
    _press(ada)
    check = AuditVerification.objects.get()
    with tables_unchanged():
        again = _press(ada)
    assert AuditVerification.objects.count() == 1
    assert AuditEvent.objects.filter(action=REQUESTED).count() == 1
    pressed = AuditEvent.objects.get(action=REQUESTED).occurred_at
    text = again.content.decode()
    assert f"The chain was verified on demand at {pressed:%H:%M:%S} UTC by ada" in text
    assert f"the check says OK: {check.rows_checked} rows verify, last #{check.last_sequence}" in text
    assert f"verify again from {pressed + timedelta(minutes=1):%H:%M:%S} UTC" in text


def test_the_minute_is_everyones(trail: None) -> None:
    """Another auditor's press within the minute is refused too."""
    from console.access.roles import Role
    from console.access.services import user_create

    ada = User.objects.get(username="ada")
    audrey = user_create(
        username="audrey", password="x-not-used-x", role=Role.AUDITOR, entity_codes=["US01"], actor=Actor.system("t")
    )
    audit_verify_now(user=ada, actor=Actor.person(ada))
    with pytest.raises(VerifyTooSoon, match="by ada"):
        audit_verify_now(user=audrey, actor=Actor.person(audrey))
    assert AuditVerification.objects.count() == 1


def test_after_the_minute_a_press_runs_again(trail: None) -> None:
    ada = User.objects.get(username="ada")
    audit_verify_now(user=ada, actor=Actor.person(ada))
    # The trail is append-only: the minute passes on the clock, not by an older row written.
    later = timezone.now() + timedelta(seconds=61)
    with mock.patch("console.audit.verify_now.timezone.now", return_value=later):
        audit_verify_now(user=ada, actor=Actor.person(ada))
    assert AuditVerification.objects.count() == 2
    assert AuditEvent.objects.filter(action=REQUESTED).count() == 2


def test_a_press_while_its_check_runs_says_so(trail: None) -> None:
    """A press whose check has not finished yet (the walk takes seconds on a long chain)."""
    ada = User.objects.get(username="ada")
    with transaction.atomic():
        audit_record_many(actor=Actor.person(ada), entries=[AuditEntry(REQUESTED, "audit_trail", "chain")])
    with pytest.raises(VerifyTooSoon, match="its check is still running"):
        audit_verify_now(user=ada, actor=Actor.person(ada))
    assert not AuditVerification.objects.exists()


def test_a_broken_chain_is_said_and_recorded(trail: None, client: Client) -> None:
    from django.db import connection

    with connection.cursor() as cursor:
        # Behind the triggers, as the tables' owner could.
        cursor.execute('DROP TRIGGER "audit_auditevent_no_update"')
        cursor.execute("UPDATE audit_auditevent SET reason = 'rewritten' WHERE sequence = 2")
    page = _press(login(client, "auditor"))
    check = AuditVerification.objects.get()
    assert not check.ok and check.first_bad_sequence == 2
    assert "Chain BROKEN: row #2 was changed" in page.content.decode()
    assert AuditEvent.objects.get(action=VERIFIED).after_data["ok"] is False


@pytest.mark.parametrize("role", ["operator", "controller", "admin"])
def test_only_auditors_press_it(trail: None, client: Client, role: str) -> None:
    login(client, role)
    with tables_unchanged():
        assert client.post("/audit/verify/").status_code == 403
    assert not AuditVerification.objects.exists()


def test_the_service_refuses_a_person_without_the_role(trail: None) -> None:
    olivia = User.objects.get(username="olivia")
    with tables_unchanged(), pytest.raises(PermissionDenied, match="Auditor"):
        audit_verify_now(user=olivia, actor=Actor.person(olivia))


def test_it_is_a_post(trail: None, client: Client) -> None:
    assert login(client, "auditor").get("/audit/verify/").status_code == 405
    assert not AuditVerification.objects.exists()


def test_the_button_is_on_the_auditors_page(trail: None, client: Client) -> None:
    html = login(client, "auditor").get("/audit/").content.decode()
    assert 'action="/audit/verify/"' in html and "Verify the chain now" in html
