"""Finding an entity and kind's claimable events (every claim's top-up, every message's
follow-up) reads them through indexes, not every event the entity ever had."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from console.sync.models import EventState, LegalEntity
from console.sync.services.claims import claimable_ids
from tests.unit.console.sync.conftest import stored_event

pytestmark = pytest.mark.django_db


def test_claimable_events_are_read_through_indexes(sources: dict[str, Any]) -> None:
    entity = LegalEntity.objects.get(code="US01")
    posted = [stored_event(entity, n, state=EventState.POSTED) for n in range(20)]
    waiting = [stored_event(entity, n, state=EventState.QUEUED) for n in range(20, 23)]
    with CaptureQueriesContext(connection) as queries:
        assert claimable_ids(entity_id=entity.pk, kind="customer_invoice", limit=50) == [e.pk for e in waiting]
    assert posted
    with connection.cursor() as cursor:
        for query in queries.captured_queries:
            cursor.execute(f"EXPLAIN QUERY PLAN {query['sql']}")
            plan = " ".join(str(row[-1]) for row in cursor.fetchall())
            assert "syncevent_entity_state" in plan or "syncevent_state_due" in plan, (query["sql"], plan)
