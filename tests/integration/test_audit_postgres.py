"""The audit trail on PostgreSQL: UPDATE, DELETE and TRUNCATE refused; tampering found."""

from __future__ import annotations

import pytest
from django.db import DatabaseError, connection, transaction

from console.audit.actors import Actor
from console.audit.models import AuditEvent
from console.audit.services import AuditEntry, audit_record_many
from console.audit.verify import audit_chain_check
from tests.tables import tables_unchanged
from tests.unit.console.audit.test_chain import HOSTILE

pytestmark = pytest.mark.django_db


def write(n: int) -> None:
    with transaction.atomic():
        audit_record_many(
            actor=Actor.system("test"),
            entries=[AuditEntry(action="event.failed", object_type="sync_event", object_id=str(i)) for i in range(n)],
        )


@pytest.mark.parametrize(
    "sql",
    [
        "UPDATE audit_auditevent SET reason = 'nothing happened'",
        "DELETE FROM audit_auditevent WHERE sequence = 1",
    ],
)
def test_raw_sql_is_refused(sql: str) -> None:
    write(3)
    with (
        tables_unchanged(),
        pytest.raises(DatabaseError, match="append-only"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute(sql)
    assert AuditEvent.objects.count() == 3


@pytest.mark.django_db(transaction=True)
def test_truncate_is_refused() -> None:
    # Committed first: TRUNCATE in the inserting transaction would trip over pending FK checks instead.
    write(3)
    with (
        tables_unchanged(),
        pytest.raises(DatabaseError, match="append-only"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute("TRUNCATE audit_auditevent")
    assert AuditEvent.objects.count() == 3


def test_the_database_rebuilds_the_hashed_text_byte_for_byte() -> None:
    # Whatever PostgreSQL prints back (escapes, time zones, IPv6) must be the text that was hashed.
    write(5)
    with transaction.atomic():
        audit_record_many(
            actor=Actor.anonymous("<img src=x>\x1b[31m", request_ip="2001:0db8:0000::0001"),
            entries=[
                AuditEntry(action="case.commented", object_type="case", object_id="7", after=HOSTILE, reason="é\n\t"),
                AuditEntry(action="case.commented", object_type="case", object_id="8", before=[1.5, None, "x"]),
            ],
        )
    with transaction.atomic():
        audit_record_many(
            actor=Actor.anonymous("x", request_ip="::ffff:192.0.2.1"),
            entries=[AuditEntry(action="auth.login_failed", object_type="user", object_id="?")],
        )
    check = audit_chain_check()
    assert check.ok, check.message
    assert check.rows_checked == 8


@pytest.mark.parametrize(
    "sql",
    [
        "UPDATE audit_auditevent SET object_id = '999' WHERE sequence = 4",
        "UPDATE audit_auditevent SET occurred_at = occurred_at + interval '1 microsecond' WHERE sequence = 4",
        "UPDATE audit_auditevent SET request_ip = '10.0.0.1' WHERE sequence = 4",
        'UPDATE audit_auditevent SET after = \'{"state": "posted"}\' WHERE sequence = 4',
    ],
)
def test_with_triggers_dropped_by_a_superuser_the_changed_row_is_named(sql: str) -> None:
    write(5)
    with connection.cursor() as cursor:
        cursor.execute('DROP TRIGGER "audit_auditevent_append_only" ON audit_auditevent')
        cursor.execute(sql)
    check = audit_chain_check()
    assert not check.ok and check.first_bad_sequence == 4 and "hash differs" in check.message
