"""Management commands that change state write AuditEvents like every other path:
createsuperuser and changepassword (which replace Django's), and lifting sign-in lockouts
(which replace django-axes'). Every command of the console is accounted for."""

from __future__ import annotations

import io
import sys
from collections.abc import Iterator
from typing import Any

import pytest
from django.core.management import call_command, get_commands
from django.core.management.base import CommandError
from django.test import Client

from console.access.models import User
from console.audit.models import AuditEvent
from tests.conftest import PASSWORD
from tests.tables import tables_unchanged

pytestmark = pytest.mark.django_db

STRONG = "a-long-passphrase-42"


@pytest.fixture
def stdin(monkeypatch: pytest.MonkeyPatch) -> Iterator[Any]:
    def feed(text: str) -> None:
        monkeypatch.setattr(sys, "stdin", io.StringIO(text))

    yield feed


def run(name: str, *args: str) -> str:
    out = io.StringIO()
    call_command(name, *args, stdout=out, stderr=io.StringIO())
    return out.getvalue()


def test_createsuperuser_is_ours_and_recorded(configured: dict[str, Any], stdin: Any) -> None:
    assert get_commands()["createsuperuser"] == "console.access"
    stdin(f"{STRONG}\n")
    run("createsuperuser", "--username", "root", "--email", "root@example.com")
    root = User.objects.get(username="root")
    assert root.is_superuser and root.is_staff and root.check_password(STRONG)
    created = AuditEvent.objects.get(action="user.created", object_id=str(root.pk))
    assert created.actor_label == "system:createsuperuser"
    assert created.after_data == {"username": "root", "superuser": True, "staff": True}
    assert STRONG not in (created.after or "")


def test_createsuperuser_without_input_takes_djangos_variables(
    configured: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("DJANGO_SUPERUSER_PASSWORD", STRONG)
    run("createsuperuser", "--noinput", "--username", "ops")
    ops = User.objects.get(username="ops")
    assert ops.is_superuser and ops.check_password(STRONG)
    created = AuditEvent.objects.get(action="user.created", object_id=str(ops.pk))
    assert created.actor_label == "system:createsuperuser"


@pytest.mark.parametrize(
    ("username", "password", "message"),
    [
        ("root", "aaaaaaaaaaaa", "repeats the same characters"),
        ("root", "finopsfinops", "repeats the same characters"),
        ("root", "short", "too short"),
        ("olivia", STRONG, "a user named 'olivia' exists already"),
        ("a b", STRONG, "Enter a valid username"),
    ],
)
def test_createsuperuser_refuses_without_a_way_around(
    configured: dict[str, Any], stdin: Any, username: str, password: str, message: str
) -> None:
    stdin(f"{password}\n")
    with tables_unchanged(), pytest.raises(CommandError, match=message):
        run("createsuperuser", "--username", username)


def test_changepassword_is_ours_and_recorded(configured: dict[str, Any], stdin: Any) -> None:
    assert get_commands()["changepassword"] == "console.access"
    stdin(f"{STRONG}\n")
    run("changepassword", "olivia")
    olivia = User.objects.get(username="olivia")
    assert olivia.check_password(STRONG)
    changed = AuditEvent.objects.get(action="user.password_changed")
    assert changed.object_id == str(olivia.pk) and changed.actor_label == "system:changepassword"


def test_changepassword_refuses_a_repetitive_password(configured: dict[str, Any], stdin: Any) -> None:
    stdin("abcabcabcabc\n")
    with tables_unchanged(), pytest.raises(CommandError, match="repeats the same characters"):
        run("changepassword", "olivia")
    assert User.objects.get(username="olivia").check_password(PASSWORD)


def _lock_olivia(settings: Any) -> None:
    for _ in range(settings.LOGIN_FAILURE_LIMIT):
        Client().post("/accounts/login/", {"username": "olivia", "password": "wrong-password-guess"})
    assert Client().post("/accounts/login/", {"username": "olivia", "password": PASSWORD}).status_code == 429


@pytest.mark.parametrize(
    ("command", "args", "object_type"),
    [
        ("axes_reset", [], "sign_in"),
        ("axes_reset_username", ["olivia"], "user"),
        ("axes_reset_ip", ["127.0.0.1"], "sign_in"),
        ("axes_reset_ip_username", ["127.0.0.1", "olivia"], "user"),
    ],
)
def test_lifting_a_lockout_is_recorded(
    configured: dict[str, Any], settings: Any, command: str, args: list[str], object_type: str
) -> None:
    assert get_commands()[command] == "console.access"
    _lock_olivia(settings)
    assert "attempts removed" in run(command, *args)
    reset = AuditEvent.objects.get(action="auth.lockouts_reset")
    assert reset.object_type == object_type and reset.actor_label == f"system:{command}"
    assert reset.after_data["attempts_removed"] >= 1
    assert Client().post("/accounts/login/", {"username": "olivia", "password": PASSWORD}).status_code == 302


# Every command of the console, and how its changes reach the audit trail. A new command fails
# test_every_console_command_is_accounted_for until it is listed here.
COMMANDS = {
    "create_user": "audited: user.created, personal_token.created (test_commands.py)",
    "create_service_account": "audited: service_account.created (test_commands.py)",
    "service_token": "audited: service_account.created/token_rotated/revoked (test_config_commands.py)",
    "people": "audited: user.invited, user.deactivated (test_config_commands.py)",
    "createsuperuser": "audited: user.created (above)",
    "changepassword": "audited: user.password_changed (above)",
    "axes_reset": "audited: auth.lockouts_reset (above)",
    "axes_reset_username": "audited: auth.lockouts_reset (above)",
    "axes_reset_ip": "audited: auth.lockouts_reset (above)",
    "axes_reset_ip_username": "audited: auth.lockouts_reset (above)",
    "audit_db_grants": "audited: database.grants_applied (tests/integration/test_audit_grants.py)",
    "audit_verify": "records its result as an AuditVerification, insert-only (test_chain_end.py)",
    "post_pending": "posting services: event.* rows per state change",
    "demo_traffic": "sends events through the ingestion API as a source system would",
    "demo_progress": "reads counts and queue depths for the demo's terminal; changes nothing",
    "odoo_sandbox": "serves the Odoo sandbox; changes nothing of the console",
    "odoo_check": "reads the integration user's Odoo groups; changes nothing",
    "flow_closed_period": "audited: flow.closed_period_changed (tests/unit/console/sync/test_closed_periods.py)",
    "import_statement": (
        "audited: statement_file.imported, hold.* (tests/unit/console/sources/test_import_statement_command.py)"
    ),
    "statement_profile": (
        "audited: statement_profile.created/changed (tests/unit/console/sources/test_statement_profiles.py)"
    ),
    "import_payroll": (
        "audited: payroll_file.imported, hold.* (tests/unit/console/sources/test_import_payroll_command.py)"
    ),
    "webhook_source": "audited: source.webhook_configured (tests/unit/console/sources/test_webhook_source.py)",
    "flow_unmatched_receipts": (
        "audited: flow.unmatched_receipts_changed (tests/unit/console/sync/test_unmatched_receipts_setting.py)"
    ),
    "archive_events": "audited: events.archived, one per file (tests/unit/console/sync/test_retention.py)",
    "archive_deliveries": (
        "audited: deliveries.archived, one per file (tests/unit/console/sources/test_delivery_retention.py)"
    ),
    "reconcile_day": (
        "audited: reconciliation.reconciled, .differences or .failed per run, and each difference case's "
        "opening or resolution (tests/unit/console/reconciliation/test_reconcile_day_command.py)"
    ),
    "flow_pause": "audited: flow.paused (tests/unit/console/sync/test_flow_commands.py)",
    "flow_resume": "audited: flow.resumed (tests/unit/console/sync/test_flow_commands.py)",
    "seed_demo": (
        "audited: entity.created, source.created, flow.created, user.created, service_account.created or "
        "token_rotated, mapping versions and reference data, each through its service; refuses to run in "
        "production, and a seed Odoo cannot answer writes nothing (tests/unit/console/sync/test_seed_demo.py)"
    ),
}


def test_every_console_command_is_accounted_for() -> None:
    ours = {name for name, app in get_commands().items() if app.startswith("console.")}
    assert ours == set(COMMANDS)
