"""With audit_db_grants applied, the application's role cannot rewrite the trail even without
triggers: it appends rows and moves the head forward, and nothing else."""

from __future__ import annotations

import io
from collections.abc import Iterator

import psycopg
import pytest
from django.core.management import call_command
from django.db import connection, transaction

from console.audit.actors import Actor
from console.audit.models import AuditEvent
from console.audit.services import AuditEntry, audit_record
from tests.tables import tables_unchanged

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def app() -> Iterator[psycopg.Connection[tuple[object, ...]]]:
    """A connection as the application's role, after the owner applied the grants."""
    with transaction.atomic():
        audit_record(actor=Actor.system("test"), entry=AuditEntry("event.posted", "sync_event", "1"))
    with connection.cursor() as cursor:
        cursor.execute("DROP ROLE IF EXISTS finops_app_test")
        cursor.execute("CREATE ROLE finops_app_test LOGIN")
    call_command("audit_db_grants", "--app-role", "finops_app_test", "--apply", stdout=io.StringIO())
    db = connection.settings_dict
    url = f"postgresql://finops_app_test@{db['HOST']}:{db['PORT']}/{db['NAME']}"
    try:
        with psycopg.connect(url, autocommit=True) as conn:
            yield conn
    finally:
        with connection.cursor() as cursor:
            cursor.execute("DROP OWNED BY finops_app_test")
            cursor.execute("DROP ROLE finops_app_test")


def test_applying_the_grants_is_on_the_trail(app: psycopg.Connection[tuple[object, ...]]) -> None:
    applied = AuditEvent.objects.get(action="database.grants_applied")
    assert applied.object_id == "finops_app_test" and applied.actor_label == "system:audit_db_grants"


@pytest.mark.parametrize(
    "sql",
    [
        "UPDATE audit_auditevent SET reason = 'x'",
        "DELETE FROM audit_auditevent",
        "TRUNCATE audit_auditevent",
        "DROP TRIGGER audit_auditevent_append_only ON audit_auditevent",
        "DELETE FROM audit_auditchainhead",
        "TRUNCATE audit_auditchainhead",
        "DROP TRIGGER audit_auditchainhead_forward ON audit_auditchainhead",
        "UPDATE audit_auditverification SET ok = true",
        "DELETE FROM audit_auditverification",
        "TRUNCATE audit_auditverification",
        "DELETE FROM auditlog_logentry",
        "TRUNCATE auditlog_logentry",
    ],
)
def test_app_role_can_append_but_not_rewrite(app: psycopg.Connection[tuple[object, ...]], sql: str) -> None:
    assert app.execute("SELECT count(*) FROM audit_auditevent").fetchone() == (2,)
    # Every table the statements aim at (the trail, its head, the checks, the field history) as it was.
    with tables_unchanged(), pytest.raises(psycopg.errors.InsufficientPrivilege):
        app.execute(sql)
    assert app.execute("SELECT count(*) FROM audit_auditevent").fetchone() == (2,)


def test_app_role_cannot_rewind_the_head(app: psycopg.Connection[tuple[object, ...]]) -> None:
    first = AuditEvent.objects.get(sequence=1).hash
    with tables_unchanged(), pytest.raises(psycopg.errors.InsufficientPrivilege, match="moves forward only"):
        app.execute("UPDATE audit_auditchainhead SET last_sequence = 1, last_hash = %s", [first])
    assert app.execute("SELECT last_sequence FROM audit_auditchainhead").fetchone() == (2,)


def test_app_role_appends_and_moves_the_head_forward(app: psycopg.Connection[tuple[object, ...]]) -> None:
    # What audit_record does, in SQL: lock the head, insert the next row, move the head to it.
    last = AuditEvent.objects.get(sequence=2).hash
    with app.transaction():
        app.execute("SELECT last_sequence FROM audit_auditchainhead WHERE id = 1 FOR UPDATE")
        app.execute(
            "INSERT INTO audit_auditevent (sequence, occurred_at, actor_type, actor_label, action, object_type, "
            "object_id, entity_code, reason, correlation_id, prev_hash, hash) "
            "VALUES (3, now(), 'system', 'system:test', 'event.posted', 'sync_event', '2', '', '', '', %s, %s)",
            [last, "a" * 64],
        )
        app.execute("UPDATE audit_auditchainhead SET last_sequence = 3, last_hash = %s", ["a" * 64])
    assert app.execute("SELECT last_sequence, last_hash FROM audit_auditchainhead").fetchone() == (3, "a" * 64)


def test_verify_now_locks_the_head_because_check_results_cannot_be_locked(
    app: psycopg.Connection[tuple[object, ...]],
) -> None:
    """Why "verify the chain now" serializes its presses on the head (console/audit/verify_now.py):
    the application's role may lock the head, and may not lock check results (FOR UPDATE needs UPDATE)."""
    with app.transaction():
        app.execute("SELECT last_sequence FROM audit_auditchainhead WHERE id = 1 FOR UPDATE")
    with pytest.raises(psycopg.errors.InsufficientPrivilege), app.transaction():
        app.execute("SELECT id FROM audit_auditverification FOR UPDATE")
