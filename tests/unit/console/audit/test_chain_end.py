"""Cutting the end of the chain is found, and the head and the check results resist rewriting.

The SQL here is portable: tests/integration/test_audit_head_postgres.py runs these same
tests on PostgreSQL.

Raw SQL tries what the application's database role could (rewind the head, forge a passed
check) and what an owner of the tables could (drop the triggers, cut rows, rewind the head,
erase the checks): the first is refused, the second is found by the digests.
"""

from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import DatabaseError, connection, transaction
from django.test import Client
from django.utils import timezone

from console.audit.actors import Actor
from console.audit.digests import DigestError, audit_digest_write
from console.audit.models import AuditChainHead, AuditEvent, AuditVerification
from console.audit.services import AuditEntry, audit_record_many
from console.audit.tasks import verify_chain
from console.audit.verify import audit_chain_check, audit_chain_verify
from tests.conftest import login
from tests.tables import tables_unchanged

pytestmark = pytest.mark.django_db

SQLITE_TRIGGERS = (
    "audit_auditevent_no_delete",
    "audit_auditchainhead_forward",
    "audit_auditverification_no_delete",
)


def write(n: int, reason: str = "") -> list[AuditEvent]:
    with transaction.atomic():
        return audit_record_many(
            actor=Actor.system("test"),
            entries=[AuditEntry("event.posted", "sync_event", str(i), "US01", reason=reason) for i in range(n)],
        )


def sql(statement: str, params: list[Any] | None = None) -> None:
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(statement, params or [])


def hash_of(sequence: int) -> str:
    return AuditEvent.objects.get(sequence=sequence).hash


def failed_check(hours_ago: int = 0) -> AuditVerification:
    at = timezone.now() - timedelta(hours=hours_ago)
    return AuditVerification.objects.create(
        started_at=at,
        finished_at=at,
        ok=False,
        rows_checked=1,
        first_bad_sequence=2,
        message="row #2 was changed after it was written (hash differs)",
        triggered_by="task:audit.verify_chain",
    )


def cut_the_end_as_the_owner(keep: int) -> None:
    """What an owner of the tables can do: drop the triggers, delete the last rows and the
    checks that saw them, and point the head at the last row kept."""
    for trigger in SQLITE_TRIGGERS:
        sql(f'DROP TRIGGER "{trigger}"')
    sql("DELETE FROM audit_auditevent WHERE sequence > %s", [keep])
    sql("DELETE FROM audit_auditverification")
    sql("UPDATE audit_auditchainhead SET last_sequence = %s, last_hash = %s", [keep, hash_of(keep)])


# --- what the application's role may try: refused by the triggers -----------------------


@pytest.mark.parametrize(
    "statement",
    [
        "UPDATE audit_auditchainhead SET last_sequence = 3, last_hash = %(three)s",  # rewound
        "UPDATE audit_auditchainhead SET last_sequence = 9",  # past the last row
        "UPDATE audit_auditchainhead SET last_hash = 'f'",  # the last row, another hash
        "UPDATE audit_auditchainhead SET id = 2",
        "INSERT INTO audit_auditchainhead (id, last_sequence, last_hash) VALUES (2, 0, 'x')",
        "INSERT INTO audit_auditchainhead (id, last_sequence, last_hash) VALUES (1, 3, %(three)s) "
        "ON CONFLICT (id) DO UPDATE SET last_sequence = excluded.last_sequence, last_hash = excluded.last_hash",
    ],
)
def test_the_head_names_the_last_row_and_its_hash_only(statement: str) -> None:
    write(4)
    with tables_unchanged(), pytest.raises(DatabaseError, match="moves forward only"):
        sql(statement.replace("%(three)s", "%s"), [hash_of(3)] if "%(three)s" in statement else None)
    head = AuditChainHead.objects.get()
    assert (head.last_sequence, head.last_hash) == (4, hash_of(4))


def test_sqlite_replace_cannot_rewind_the_head() -> None:
    # INSERT OR REPLACE deletes the old row without firing its DELETE trigger: the INSERT's catches it.
    write(4)
    with tables_unchanged(), pytest.raises(DatabaseError, match="moves forward only"):
        sql(
            "INSERT OR REPLACE INTO audit_auditchainhead (id, last_sequence, last_hash) VALUES (1, 3, %s)", [hash_of(3)]
        )
    assert AuditChainHead.objects.get().last_sequence == 4


def test_the_head_cannot_be_removed() -> None:
    write(2)
    with tables_unchanged(), pytest.raises(DatabaseError, match="cannot be removed"):
        sql("DELETE FROM audit_auditchainhead")
    assert AuditChainHead.objects.filter(last_sequence=2).exists()


def test_the_head_still_moves_forward_as_rows_are_written() -> None:
    write(2)
    rows = write(3)
    head = AuditChainHead.objects.get()
    assert (head.last_sequence, head.last_hash) == (5, rows[-1].hash)


@pytest.mark.parametrize(
    "statement",
    ["UPDATE audit_auditverification SET ok = true, message = 'fine'", "DELETE FROM audit_auditverification"],
)
def test_check_results_cannot_be_changed_or_removed(statement: str) -> None:
    write(2)
    failed = failed_check()
    with tables_unchanged(), pytest.raises(DatabaseError, match="append-only"):
        sql(statement)
    assert AuditVerification.objects.get(pk=failed.pk).ok is False


@pytest.mark.parametrize(
    ("last_sequence", "rows_checked", "last_hash"),
    [(3, 3, "f" * 64), (9, 9, None), (3, 1, None)],
    ids=["made-up hash", "row that does not exist", "rows not all checked"],
)
def test_a_passed_check_must_name_a_real_row(last_sequence: int, rows_checked: int, last_hash: str | None) -> None:
    write(3)
    with tables_unchanged(), pytest.raises(DatabaseError, match="must name a row of the chain"):
        sql(
            "INSERT INTO audit_auditverification (started_at, finished_at, ok, rows_checked, message, "
            "last_sequence, last_hash, triggered_by) VALUES (%s, %s, true, %s, 'ok', %s, %s, 'forged')",
            [timezone.now(), timezone.now(), rows_checked, last_sequence, last_hash or hash_of(3)],
        )
    assert not AuditVerification.objects.exists()


# --- what an owner of the tables can do: found by the digests ---------------------------


def test_cutting_the_end_is_found_by_the_digest(_digests_of_this_test: Path) -> None:
    write(5)
    call_command("audit_verify", "--digest")
    digest = next(_digests_of_this_test.glob("audit-digest-*.json"))
    written = digest.read_text()
    cut_the_end_as_the_owner(keep=3)
    assert audit_chain_check(anchors=[]).ok  # on its own, what is left verifies
    check = audit_chain_check()
    assert not check.ok and check.first_bad_sequence == 4
    assert "the chain ends at #3 but the digest of" in check.message and "recorded #5" in check.message
    with pytest.raises(CommandError, match="BROKEN: the chain ends at #3"):
        call_command("audit_verify", "--digest")
    assert digest.read_text() == written  # the anchor that shows the cut stays


def test_cutting_the_end_is_found_by_an_earlier_check_without_a_digest() -> None:
    write(5)
    audit_chain_verify(triggered_by="test")
    for trigger in ("audit_auditevent_no_delete", "audit_auditchainhead_forward"):
        sql(f'DROP TRIGGER "{trigger}"')
    sql("DELETE FROM audit_auditevent WHERE sequence > 3")
    sql("UPDATE audit_auditchainhead SET last_sequence = 3, last_hash = %s", [hash_of(3)])
    check = audit_chain_check()
    assert not check.ok and "but the check of" in check.message and "recorded #5" in check.message


def test_a_chain_rewritten_after_the_digest_is_found() -> None:
    write(5)
    call_command("audit_verify", "--digest")
    cut_the_end_as_the_owner(keep=2)
    write(3, reason="history as the owner would have it")  # rows 3-5 again, hashed anew
    assert audit_chain_check(anchors=[]).ok
    check = audit_chain_check()
    assert not check.ok and check.first_bad_sequence == 5
    assert "row #5 is not the row the digest of" in check.message


def test_an_unreadable_digest_fails_the_check(_digests_of_this_test: Path) -> None:
    write(2)
    _digests_of_this_test.mkdir(parents=True)
    (_digests_of_this_test / "audit-digest-2026-11-30.json").write_text("{not json")
    check = audit_chain_check()
    assert not check.ok and "audit-digest-2026-11-30.json cannot be read" in check.message


def test_a_shorter_chain_does_not_replace_the_days_digest(_digests_of_this_test: Path) -> None:
    write(5)
    five = audit_chain_verify(triggered_by="test")
    path = audit_digest_write(verification=five)
    written = path.read_text()
    shorter = AuditVerification(ok=True, last_sequence=3, last_hash=hash_of(3), finished_at=timezone.now())
    with pytest.raises(DigestError, match="names row #5; the chain verified now ends at #3"):
        audit_digest_write(verification=shorter)
    other = AuditVerification(ok=True, last_sequence=5, last_hash="e" * 64, finished_at=timezone.now())
    with pytest.raises(DigestError, match="shorter or different chain"):
        audit_digest_write(verification=other)
    failed = AuditVerification(ok=False, message="row #2 was changed", last_sequence=5, finished_at=timezone.now())
    with pytest.raises(DigestError, match="does not verify"):
        audit_digest_write(verification=failed)
    assert path.read_text() == written and json.loads(written)["last_sequence"] == 5
    assert [p.name for p in path.parent.iterdir()] == [path.name]  # no other file beside it either
    write(2)
    longer = audit_chain_verify(triggered_by="test")
    assert json.loads(audit_digest_write(verification=longer).read_text())["last_sequence"] == 7
    yesterday = audit_digest_write(verification=shorter, day=timezone.now() - timedelta(days=1))
    assert json.loads(yesterday.read_text())["last_sequence"] == 3  # another day's file, not a replacement


def test_the_hourly_task_writes_no_digest_for_a_cut_chain(_digests_of_this_test: Path) -> None:
    write(5)
    assert verify_chain() is True
    digest = next(_digests_of_this_test.glob("audit-digest-*.json"))
    cut_the_end_as_the_owner(keep=3)
    assert verify_chain() is False
    assert json.loads(digest.read_text())["last_sequence"] == 5
    assert AuditVerification.objects.get().ok is False


def test_a_failed_check_stays_on_the_auditors_page_after_a_later_ok(configured: dict[str, Any]) -> None:
    write(2)
    failed_check(hours_ago=1)
    audit_chain_verify(triggered_by="forged by the app")  # honest rows, so the trigger lets it in
    html = login(Client(), "auditor").get("/audit/").content.decode()
    assert "rows verify" in html
    assert "Last failed check" in html and "row #2 was changed after it was written" in html
