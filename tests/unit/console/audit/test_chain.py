"""The audit trail: hash-chained, append-only in the database, verified end to end."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import DatabaseError, connection, connections, transaction

from console.audit.actors import Actor
from console.audit.chain import canonical_json, canonical_value, normal_ip, row_text
from console.audit.models import AuditEvent, AuditVerification
from console.audit.services import AuditEntry, AuditError, audit_record, audit_record_many
from console.audit.verify import audit_chain_check
from tests.tables import tables_unchanged

pytestmark = pytest.mark.django_db


def write(n: int) -> list[AuditEvent]:
    with transaction.atomic():
        return audit_record_many(
            actor=Actor.system("test"),
            entries=[
                AuditEntry(
                    action="event.posted",
                    object_type="sync_event",
                    object_id=str(i),
                    entity_code="US01",
                    before={"state": "posting"},
                    after={"state": "posted", "amount": "115.00"},
                    reason="<script>alert(1)</script>",
                )
                for i in range(n)
            ],
        )


def test_rows_chain_from_genesis_and_verify() -> None:
    rows = write(5)
    assert [r.sequence for r in rows] == [1, 2, 3, 4, 5]
    assert rows[0].prev_hash == "0" * 64
    assert all(rows[i].prev_hash == rows[i - 1].hash for i in range(1, 5))
    check = audit_chain_check()
    assert check.ok and check.rows_checked == 5 and check.last_hash == rows[-1].hash


def test_record_outside_a_transaction_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    # The test itself runs in a transaction; pretend it does not, as a caller that forgot atomic().
    monkeypatch.setattr(connections["default"], "in_atomic_block", False)
    with tables_unchanged(), pytest.raises(AuditError, match="in the transaction of the change"):
        audit_record(actor=Actor.system("test"), entry=AuditEntry(action="x", object_type="y", object_id="1"))


@pytest.mark.parametrize(
    "sql", ["UPDATE audit_auditevent SET reason = 'nothing happened'", "DELETE FROM audit_auditevent"]
)
def test_raw_sql_cannot_change_or_remove_rows(sql: str) -> None:
    write(2)
    with (
        tables_unchanged(),
        pytest.raises(DatabaseError, match="append-only"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute(sql)
    assert AuditEvent.objects.count() == 2


def test_orm_update_and_delete_are_refused_too() -> None:
    write(1)
    with tables_unchanged():
        with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
            AuditEvent.objects.update(reason="x")
        with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
            AuditEvent.objects.all().delete()
    assert AuditEvent.objects.get().reason == "<script>alert(1)</script>"


def test_verify_names_the_row_changed_behind_the_triggers() -> None:
    write(4)
    with connection.cursor() as cursor:
        cursor.execute('DROP TRIGGER "audit_auditevent_no_update"')
        cursor.execute('UPDATE audit_auditevent SET after = \'{"state": "dismissed"}\' WHERE sequence = 3')
    check = audit_chain_check()
    assert not check.ok and check.first_bad_sequence == 3
    assert "row #3 was changed" in check.message


def test_verify_names_a_removed_row() -> None:
    write(4)
    with connection.cursor() as cursor:
        cursor.execute('DROP TRIGGER "audit_auditevent_no_delete"')
        cursor.execute("DELETE FROM audit_auditevent WHERE sequence = 2")
    check = audit_chain_check()
    assert not check.ok and check.first_bad_sequence == 2 and "missing" in check.message


def test_verify_notices_rows_cut_from_the_end() -> None:
    write(4)
    with connection.cursor() as cursor:
        cursor.execute('DROP TRIGGER "audit_auditevent_no_delete"')
        cursor.execute("DELETE FROM audit_auditevent WHERE sequence = 4")
    check = audit_chain_check()
    assert not check.ok and "rows were removed" in check.message


def test_command_records_the_result_and_writes_the_digest(settings: object, tmp_path: object) -> None:
    settings.AUDIT_DIGEST_DIR = tmp_path  # type: ignore[attr-defined]
    write(3)
    call_command("audit_verify", "--digest")
    result = AuditVerification.objects.get()
    assert result.ok and result.last_sequence == 3
    digest = next(tmp_path.glob("audit-digest-*.json"))  # type: ignore[attr-defined]
    assert result.last_hash in digest.read_text()


def test_command_fails_loudly_on_a_broken_chain() -> None:
    write(2)
    with connection.cursor() as cursor:
        cursor.execute('DROP TRIGGER "audit_auditevent_no_update"')
        cursor.execute("UPDATE audit_auditevent SET actor_label = 'someone else' WHERE sequence = 1")
    with pytest.raises(CommandError, match="BROKEN: row #1"):
        call_command("audit_verify")
    assert AuditVerification.objects.get().ok is False


@pytest.mark.parametrize(
    "sql",
    [
        "UPDATE audit_auditevent SET reason = 'approved by phone' WHERE sequence = 2",
        "UPDATE audit_auditevent SET after = replace(after, 'posted', 'dismissed') WHERE sequence = 2",
        # The same JSON to any parser, but not the text that was hashed.
        "UPDATE audit_auditevent SET after = replace(after, ',', ', ') WHERE sequence = 2",
        "UPDATE audit_auditevent SET occurred_at = '2020-01-01 00:00:00' WHERE sequence = 2",
    ],
)
def test_verify_names_the_row_whatever_column_changed(sql: str) -> None:
    write(3)
    with connection.cursor() as cursor:
        cursor.execute('DROP TRIGGER "audit_auditevent_no_update"')
        cursor.execute(sql)
    check = audit_chain_check()
    assert not check.ok and check.first_bad_sequence == 2 and "hash differs" in check.message


HOSTILE = {
    'quote"back\\slash': "tab\tnew\nline\r\x00\x01\x1f\x7f\u2028 é 漢字 🙂 </script>",
    "n": [1, 2.5, None, True, "12.30"],
}


def test_row_text_is_the_canonical_json_of_the_row() -> None:
    when = datetime(2026, 3, 1, 12, 30, 5, 120, tzinfo=UTC)
    columns = {
        "sequence": 42,
        "occurred_at": when,
        "actor_type": "user",
        "actor_user_id": 7,
        "actor_label": 'olivia "the" operator',
        "action": "case.overridden",
        "object_type": "case",
        "object_id": "9",
        "entity_code": "FR01",
        "before": canonical_value(HOSTILE),
        "after": canonical_value({"amount": "1,000.00", "z": {"b": 1, "a": 2}}),
        "reason": "\u0007 bell; 'quotes' & <b>",
        "correlation_id": "",
        "request_ip": normal_ip("2001:0db8:0000::0001"),
    }
    as_values = {**columns, "occurred_at": when.isoformat(), "before": HOSTILE, "after": json.loads(columns["after"])}
    assert row_text(**columns) == canonical_json(as_values)
    assert columns["request_ip"] == "2001:db8::1" and normal_ip("::ffff:10.0.0.1") == "10.0.0.1"


def test_hostile_text_verifies_after_storage() -> None:
    with transaction.atomic():
        audit_record(
            actor=Actor.anonymous("<img src=x>\x1b[31m", request_ip="::ffff:192.0.2.1"),
            entry=AuditEntry(
                action="auth.login_failed", object_type="user", object_id="?", before=HOSTILE, reason="é\n"
            ),
        )
    assert audit_chain_check().ok
