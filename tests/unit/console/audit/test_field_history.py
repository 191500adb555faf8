"""Configuration changes leave field-level history with the acting person; the history is append-only."""

from __future__ import annotations

from typing import Any

import pytest
from auditlog.models import LogEntry
from django.db import DatabaseError, connection, transaction

from console.sync.models import Flow
from tests.tables import tables_unchanged

pytestmark = pytest.mark.django_db


def test_flow_change_is_recorded_field_by_field(configured: dict[str, Any]) -> None:
    flow = Flow.objects.get(event_kind="customer_invoice")
    flow.freshness_slo_seconds = 120
    flow.save()
    entry = LogEntry.objects.get_for_object(flow).filter(action=LogEntry.Action.UPDATE).get()
    assert entry.changes_dict["freshness_slo_seconds"] == ["300", "120"]


def test_secrets_are_not_in_the_history(configured: dict[str, Any]) -> None:
    texts = " ".join(str(e.changes) for e in LogEntry.objects.all())
    assert "token_digest" not in texts and "pbkdf2" not in texts and "md5$" not in texts


# The UPDATE writes a value no row holds (changes_text is '' in every row django-auditlog 3 writes),
# so that the update, were it let through, would show.
@pytest.mark.parametrize(
    "sql", ["UPDATE auditlog_logentry SET object_repr = 'nothing happened'", "DELETE FROM auditlog_logentry"]
)
def test_history_rows_cannot_be_changed_or_removed(configured: dict[str, Any], sql: str) -> None:
    assert LogEntry.objects.exclude(object_repr="nothing happened").exists()
    with (
        tables_unchanged(),
        pytest.raises(DatabaseError, match="append-only"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute(sql)
