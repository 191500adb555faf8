"""On PostgreSQL: the chain head moves forward only, check results and field history are
append-only (UPDATE, DELETE and TRUNCATE refused), a forged passed check is refused, and a
cut made by the tables' owner behind the triggers is found by the digest.

The attacks in portable SQL are the SQLite tests' own (imported below); TRUNCATE and the
owner's way around the triggers are PostgreSQL's."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import DatabaseError, connection, transaction

from console.audit.models import AuditChainHead, AuditVerification
from console.audit.verify import audit_chain_check
from tests.tables import tables_unchanged
from tests.unit.console.audit.test_chain_end import (  # noqa: F401 - the same attacks, run here on PostgreSQL
    failed_check,
    hash_of,
    test_a_passed_check_must_name_a_real_row,
    test_check_results_cannot_be_changed_or_removed,
    test_the_head_cannot_be_removed,
    test_the_head_names_the_last_row_and_its_hash_only,
    test_the_head_still_moves_forward_as_rows_are_written,
    write,
)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def digests(settings: Any, tmp_path: Path) -> Path:
    settings.AUDIT_DIGEST_DIR = tmp_path / "audit-digests"
    return Path(settings.AUDIT_DIGEST_DIR)


def sql(statement: str, params: list[Any] | None = None, *, as_owner: bool = False) -> None:
    with transaction.atomic(), connection.cursor() as cursor:
        if as_owner:
            # The owner (a superuser here) can set triggers aside; the application's role cannot.
            cursor.execute("SET LOCAL session_replication_role = replica")
        cursor.execute(statement, params or [])


@pytest.mark.django_db(transaction=True)
def test_the_head_cannot_be_truncated() -> None:
    write(2)
    with tables_unchanged(), pytest.raises(DatabaseError, match="append-only"):
        sql("TRUNCATE audit_auditchainhead")
    assert AuditChainHead.objects.get().last_sequence == 2


@pytest.mark.django_db(transaction=True)
def test_check_results_cannot_be_truncated() -> None:
    write(2)
    failed_check()
    with tables_unchanged(), pytest.raises(DatabaseError, match="append-only"):
        sql("TRUNCATE audit_auditverification")
    assert AuditVerification.objects.count() == 1


def _field_history_row() -> None:
    from console.sync.models import LegalEntity

    LegalEntity.objects.create(code="US01", name="Acme Inc.", odoo_company_id=1, currency="USD")


@pytest.mark.parametrize(
    "statement", ["UPDATE auditlog_logentry SET changes_text = 'nothing'", "DELETE FROM auditlog_logentry"]
)
def test_field_history_cannot_be_changed_or_removed(statement: str) -> None:
    from auditlog.models import LogEntry

    _field_history_row()
    assert LogEntry.objects.count() == 1
    with tables_unchanged(), pytest.raises(DatabaseError, match="append-only"):
        sql(statement)


@pytest.mark.django_db(transaction=True)
def test_field_history_cannot_be_truncated() -> None:
    from auditlog.models import LogEntry

    _field_history_row()
    with tables_unchanged(), pytest.raises(DatabaseError, match="append-only"):
        sql("TRUNCATE auditlog_logentry CASCADE")
    assert LogEntry.objects.count() == 1


def test_a_cut_behind_the_triggers_is_found_by_the_digest(digests: Path) -> None:
    write(5)
    call_command("audit_verify", "--digest")
    written = next(digests.glob("audit-digest-*.json")).read_text()
    sql("DELETE FROM audit_auditevent WHERE sequence > 3", as_owner=True)
    sql("DELETE FROM audit_auditverification", as_owner=True)
    sql("UPDATE audit_auditchainhead SET last_sequence = 3, last_hash = %s", [hash_of(3)], as_owner=True)
    assert audit_chain_check(anchors=[]).ok
    with pytest.raises(CommandError, match=r"the chain ends at #3 but the digest of .* recorded #5"):
        call_command("audit_verify", "--digest")
    assert next(digests.glob("audit-digest-*.json")).read_text() == written
