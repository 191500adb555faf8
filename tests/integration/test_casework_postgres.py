"""The exception workbench on PostgreSQL: partial unique index, segregation-of-duties
constraint and row locks behave as on SQLite, and a worked case posts."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import IntegrityError, transaction

from console.casework.models import CaseApproval, CaseState, ExceptionCase
from console.casework.services import actions
from console.sync.models import EventState, LegalEntity
from console.sync.services.drain import events_drain
from tests.tables import tables_unchanged
from tests.unit.console.casework.conftest import ingest, person, unmapped_invoice

pytestmark = pytest.mark.django_db


def test_material_override_approved_by_a_controller_posts(configured: dict[str, Any]) -> None:
    LegalEntity.objects.filter(code="US01").update(materiality_threshold="50.00")
    [event_id] = ingest(configured["token"], unmapped_invoice("pg-case"))
    events_drain()
    case = ExceptionCase.objects.get(event_id=event_id)
    with tables_unchanged(), pytest.raises(IntegrityError), transaction.atomic():
        ExceptionCase.objects.create(
            **{f.attname: getattr(case, f.attname) for f in ExceptionCase._meta.concrete_fields if f.name != "id"}
        )
    olivia, o_actor = person("operator")
    carl, c_actor = person("controller")
    actions.case_claim(user=olivia, actor=o_actor, case_id=case.pk)
    actions.case_resubmit(
        user=olivia,
        actor=o_actor,
        case_id=case.pk,
        changes={"lines.0.tax_code": "SALES15", "lines.0.unit_price": "90.00"},
        reason="price and tax corrected from the order",
    )
    approval = CaseApproval.objects.get(case=case)
    with tables_unchanged(), pytest.raises(IntegrityError), transaction.atomic():
        CaseApproval.objects.filter(pk=approval.pk).update(decided_by=olivia)
    actions.case_approve(user=carl, actor=c_actor, case_id=case.pk)
    events_drain()
    case.refresh_from_db()
    assert case.state == CaseState.RESOLVED and case.event.state == EventState.POSTED
