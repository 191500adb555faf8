""" "Verify the chain now": an auditor's, recorded on the trail, run by a worker, at most once a
minute across everyone, and the refusal says when the last ran and what it found.

The worker's part is run here as the worker runs it (the task, called in this process): the
press sends exactly one message, on commit."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any
from unittest import mock

import pytest
from django.core.exceptions import PermissionDenied
from django.db import connection, transaction
from django.test import Client
from django.utils import timezone

from console.access.models import User
from console.audit.actors import Actor
from console.audit.models import ActorType, AuditEvent, AuditVerification
from console.audit.services import AuditEntry, audit_record_many
from console.audit.tasks import verify_now
from console.audit.verify_now import REQUESTED, VERIFIED, VerifyTooSoon, audit_verify_now
from tests.conftest import login
from tests.tables import tables_unchanged

pytestmark = pytest.mark.django_db

Capture = Callable[..., Any]


@pytest.fixture
def trail(configured: dict[str, Any]) -> None:
    with transaction.atomic():
        audit_record_many(
            actor=Actor.system("test"),
            entries=[
                AuditEntry("event.posted", "sync_event", str(n), "US01", None, {"state": "posted"}) for n in (1, 2)
            ],
        )


def _press(client: Client, capture: Capture, *, run: bool = True) -> Any:
    """Press the button; then run what the press sent to the worker, as the worker would."""
    with capture(execute=False) as sent:
        page = client.post("/audit/verify/", follow=True)
    presses = AuditEvent.objects.filter(action=REQUESTED).order_by("-sequence")
    if run and sent:
        assert len(sent) == 1
        verify_now(presses[0].sequence)
    return page, len(sent)


def test_a_press_runs_the_check_and_goes_on_the_trail(
    trail: None, client: Client, django_capture_on_commit_callbacks: Capture
) -> None:
    ada = login(client, "auditor")
    page, sent = _press(ada, django_capture_on_commit_callbacks)
    assert page.status_code == 200 and sent == 1
    assert "The chain check has started" in page.content.decode()
    check = AuditVerification.objects.get()
    assert check.ok and check.triggered_by == "person:ada" and check.rows_checked >= 3
    pressed = AuditEvent.objects.get(action=REQUESTED)
    verified = AuditEvent.objects.get(action=VERIFIED)
    assert (pressed.actor_label, pressed.actor_type, pressed.request_ip) == ("ada", "user", "127.0.0.1")
    # The result is the system's row, tied to the press; the press is the person's decision.
    assert verified.actor_label == "system:audit.verify_now"
    assert verified.correlation_id == f"audit-verify-{pressed.sequence}"
    assert verified.object_type == "audit_verification" and verified.object_id == str(check.pk)
    assert verified.after_data == {
        "ok": True,
        "rows_checked": check.rows_checked,
        "first_bad_sequence": None,
        "last_sequence": check.last_sequence,
        "last_hash": check.last_hash,
        "message": check.message,
        "press": pressed.sequence,
        "pressed_by": "ada",
    }
    assert check.last_sequence == pressed.sequence  # the press is a row of the chain it checked
    html = ada.get("/audit/").content.decode()
    assert f"{check.rows_checked} rows verify" in html and "is running" not in html


def test_two_presses_within_a_minute_make_one_check(
    trail: None, client: Client, django_capture_on_commit_callbacks: Capture
) -> None:
    ada = login(client, "auditor")
    _press(ada, django_capture_on_commit_callbacks)
    check = AuditVerification.objects.get()
    with tables_unchanged():
        again, sent = _press(ada, django_capture_on_commit_callbacks)
    assert sent == 0
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
    assert AuditEvent.objects.filter(action=REQUESTED).count() == 1


def test_after_the_minute_a_press_runs_again(trail: None) -> None:
    ada = User.objects.get(username="ada")
    first = audit_verify_now(user=ada, actor=Actor.person(ada))
    verify_now(first.sequence)
    # The trail is append-only: the minute passes on the clock, not by an older row written.
    later = timezone.now() + timedelta(seconds=61)
    with mock.patch("console.audit.verify_now.timezone.now", return_value=later):
        second = audit_verify_now(user=ada, actor=Actor.person(ada))
    verify_now(second.sequence)
    assert AuditVerification.objects.count() == 2
    assert AuditEvent.objects.filter(action=REQUESTED).count() == 2


def test_a_press_while_its_check_runs_says_so_and_the_page_too(trail: None, client: Client) -> None:
    ada = User.objects.get(username="ada")
    press = audit_verify_now(user=ada, actor=Actor.person(ada))  # the worker has not run it yet
    with pytest.raises(VerifyTooSoon, match="its check is still running"):
        audit_verify_now(user=ada, actor=Actor.person(ada))
    html = login(client, "auditor").get("/audit/").content.decode()
    assert f"A check pressed by ada at {press.occurred_at:%H:%M:%S} UTC is running" in html
    verify_now(press.sequence)
    assert "is running" not in client.get("/audit/").content.decode()


def test_a_message_delivered_twice_checks_once(trail: None) -> None:
    ada = User.objects.get(username="ada")
    press = audit_verify_now(user=ada, actor=Actor.person(ada))
    assert verify_now(press.sequence) is True
    assert verify_now(press.sequence) is None
    assert AuditVerification.objects.count() == 1 and AuditEvent.objects.filter(action=VERIFIED).count() == 1


def test_a_broken_chain_is_recorded_and_shown(trail: None, client: Client) -> None:
    ada = User.objects.get(username="ada")
    press = audit_verify_now(user=ada, actor=Actor.person(ada))
    with connection.cursor() as cursor:
        # Behind the triggers, as the tables' owner could.
        cursor.execute('DROP TRIGGER "audit_auditevent_no_update"')
        cursor.execute("UPDATE audit_auditevent SET reason = 'rewritten' WHERE sequence = 2")
    assert verify_now(press.sequence) is False
    check = AuditVerification.objects.get()
    assert not check.ok and check.first_bad_sequence == 2
    assert AuditEvent.objects.get(action=VERIFIED).after_data["ok"] is False
    assert "BROKEN — row #2 was changed" in login(client, "auditor").get("/audit/").content.decode()


@pytest.mark.parametrize("role", ["operator", "controller", "admin"])
def test_only_auditors_press_it(
    trail: None, client: Client, role: str, django_capture_on_commit_callbacks: Capture
) -> None:
    login(client, role)
    with tables_unchanged(), django_capture_on_commit_callbacks(execute=False) as sent:
        assert client.post("/audit/verify/").status_code == 403
    assert not sent


def test_the_service_refuses_a_person_without_the_role(trail: None) -> None:
    olivia = User.objects.get(username="olivia")
    with tables_unchanged(), pytest.raises(PermissionDenied, match="Auditor"):
        audit_verify_now(user=olivia, actor=Actor.person(olivia))


def test_it_is_a_post(trail: None, client: Client) -> None:
    login(client, "auditor")
    with tables_unchanged():
        assert client.get("/audit/verify/").status_code == 405


def test_the_button_is_on_the_auditors_page(trail: None, client: Client) -> None:
    html = login(client, "auditor").get("/audit/").content.decode()
    assert 'action="/audit/verify/"' in html and "Verify the chain now" in html


def test_a_long_username_fits_the_check_result(trail: None) -> None:
    ada = User.objects.get(username="ada")
    long_name = Actor(type=ActorType.USER, label="a" * 150, user_id=ada.pk)  # usernames go to 150
    verify_now(audit_verify_now(user=ada, actor=long_name).sequence)
    assert AuditVerification.objects.get().triggered_by == ("person:" + "a" * 150)[:100]
    with pytest.raises(VerifyTooSoon, match="the check says OK"):
        audit_verify_now(user=ada, actor=long_name)
