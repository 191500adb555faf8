"""Mapping change requests: maker-checker from draft to applied, and the closed loop."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied
from django.db import DatabaseError, IntegrityError, transaction
from django.utils import timezone

from console.audit.models import AuditEvent
from console.casework.models import ActivityKind, CaseState, ExceptionCase
from console.mappings.models import ChangeRequest, ChangeState, Mapping, MappingKind, RowChange, RowOp
from console.mappings.selectors import mapping_resolve
from console.mappings.selectors.impact import change_impact
from console.mappings.services.requests import (
    ChangeError,
    ChangeInvalid,
    RequestNotFound,
    RowInput,
    change_request_add_rows,
    change_request_approve,
    change_request_comment,
    change_request_create,
    change_request_reject,
    change_request_remove_row,
    change_request_submit,
    change_request_withdraw,
    change_requests_apply_due,
)
from console.sync.models import LegalEntity, SyncEvent
from console.sync.services.drain import events_drain
from tests.tables import table_changes, tables_unchanged
from tests.unit.console.casework.conftest import person
from tests.unit.console.mappings.conftest import proposed, sale_tax

pytestmark = pytest.mark.django_db


def _audit(request: ChangeRequest) -> list[str]:
    return list(
        AuditEvent.objects.filter(object_type="mapping_change", object_id=str(request.pk))
        .order_by("sequence")
        .values_list("action", flat=True)
    )


def test_a_blocked_case_posts_once_the_mapping_is_approved_without_a_retry(
    blocked_case: ExceptionCase, configured: dict[str, Any]
) -> None:
    request = proposed(configured["sandbox"])
    assert request.state == ChangeState.SUBMITTED
    carl, actor = person("controller")

    impact = change_impact(request)
    assert (impact.open_cases, impact.waiting_events) == (1, 1)
    assert impact.money == {"USD": blocked_case.amount}

    change_request_approve(user=carl, actor=actor, request_id=request.pk, note="VAT20 is our 15% sale tax")
    request.refresh_from_db()
    assert request.state == ChangeState.APPLIED and request.requeued == 1 and request.decided_by == carl
    version = Mapping.objects.get(kind="tax", source_value="VAT20")
    assert version.version == 1 and version.odoo_id == sale_tax(configured["sandbox"])
    assert RowChange.objects.get(request=request).applied_version == version

    events_drain()  # the worker: nobody retried anything
    case = ExceptionCase.objects.get(pk=blocked_case.pk)
    assert SyncEvent.objects.get(pk=case.event_id).state == "posted"
    assert case.state == CaseState.RESOLVED
    requeued = case.activities.get(kind=ActivityKind.RETRIED)
    assert requeued.actor_label == "carl" and f"mapping change {request.pk}" in requeued.text

    assert _audit(request) == [
        "mapping_change.created",
        "mapping_change.submitted",
        "mapping_change.approved",
        "mapping_change.applied",
    ]
    # The trail links the approval to the version it wrote and to the event it moved.
    linked = AuditEvent.objects.filter(correlation_id=request.reference).values_list("action", flat=True)
    assert "mapping.version_added" in linked
    moved = AuditEvent.objects.get(action="event.requeued", object_id=str(case.event_id))
    assert moved.after_data["cause"] == request.reference


def test_nobody_approves_their_own_request(configured: dict[str, Any]) -> None:
    carl, actor = person("controller")
    request = change_request_create(
        user=carl,
        actor=actor,
        entity_code="US01",
        title="Map VAT20",
        rows=[RowInput(MappingKind.TAX, "VAT20", sale_tax(configured["sandbox"]))],
    )
    change_request_submit(user=carl, actor=actor, request_id=request.pk)
    with tables_unchanged():
        with pytest.raises(PermissionDenied, match="another controller must approve"):
            change_request_approve(user=carl, actor=actor, request_id=request.pk)
        with pytest.raises(PermissionDenied, match="another controller must reject"):
            change_request_reject(user=carl, actor=actor, request_id=request.pk, note="no")
    assert not Mapping.objects.filter(source_value="VAT20").exists()


def test_the_database_refuses_a_decision_by_the_requester(configured: dict[str, Any]) -> None:
    request = proposed(configured["sandbox"])
    with tables_unchanged(), pytest.raises(IntegrityError), transaction.atomic():
        ChangeRequest.objects.filter(pk=request.pk).update(
            decided_by=request.requested_by, decided_at=timezone.now(), state=ChangeState.APPROVED
        )
    request.refresh_from_db()
    assert (request.state, request.decided_by) == (ChangeState.SUBMITTED, None)


def test_the_requester_cannot_be_changed_after_the_fact(configured: dict[str, Any]) -> None:
    """Swapping the requester for someone else, so that the real requester could approve, is refused."""
    request = proposed(configured["sandbox"])
    carl, _ = person("controller")
    with tables_unchanged(), pytest.raises(DatabaseError, match="requester"), transaction.atomic():
        ChangeRequest.objects.filter(pk=request.pk).update(requested_by=carl)
    request.refresh_from_db()
    assert request.requested_by.username == "olivia"


def test_rows_are_frozen_once_submitted(configured: dict[str, Any]) -> None:
    request = proposed(configured["sandbox"])
    olivia, actor = person("operator")
    vat7 = RowInput("tax", "VAT7", sale_tax(configured["sandbox"]))
    with tables_unchanged():
        with pytest.raises(DatabaseError, match="frozen"), transaction.atomic():
            RowChange.objects.filter(request=request).update(odoo_id=999)
        with pytest.raises(DatabaseError, match="frozen"), transaction.atomic():
            RowChange.objects.create(request=request, position=9, op=RowOp.ADD, kind="tax", source_value="X", odoo_id=1)
        with pytest.raises(DatabaseError, match="frozen"), transaction.atomic():
            RowChange.objects.filter(request=request).delete()
        with pytest.raises(ChangeError, match="for drafts"):
            change_request_add_rows(user=olivia, actor=actor, request_id=request.pk, rows=[vat7])
    assert list(request.rows.values_list("source_value", "odoo_id")) == [("VAT20", sale_tax(configured["sandbox"]))]


@pytest.mark.parametrize("role", ["operator", "auditor", "admin"])
def test_only_a_controller_decides(configured: dict[str, Any], role: str) -> None:
    request = proposed(configured["sandbox"])
    user, actor = person(role)
    with tables_unchanged():
        with pytest.raises(PermissionDenied, match="Controller"):
            change_request_approve(user=user, actor=actor, request_id=request.pk)
        with pytest.raises(PermissionDenied, match="Controller"):
            change_request_reject(user=user, actor=actor, request_id=request.pk, note="no")
    assert ChangeRequest.objects.get(pk=request.pk).state == ChangeState.SUBMITTED


@pytest.mark.parametrize("role", ["auditor", "admin"])
def test_auditors_and_admins_do_not_propose(configured: dict[str, Any], role: str) -> None:
    user, actor = person(role)
    with tables_unchanged(), pytest.raises(PermissionDenied):
        change_request_create(user=user, actor=actor, entity_code="US01", title="x", rows=[RowInput("tax", "VAT20", 1)])


def test_a_controller_of_another_entity_cannot_see_it(configured: dict[str, Any]) -> None:
    request = proposed(configured["sandbox"])
    LegalEntity.objects.create(code="FR01", name="Acme SAS", odoo_company_id=2, currency="EUR")
    from console.access.roles import Role
    from console.access.services import user_create
    from console.audit.actors import Actor

    cleo = user_create(
        username="cleo",
        password="x-long-pass-123",
        role=Role.CONTROLLER,
        entity_codes=["FR01"],
        actor=Actor.system("t"),
    )
    with tables_unchanged():
        with pytest.raises(RequestNotFound):
            change_request_approve(user=cleo, actor=Actor.person(cleo), request_id=request.pk)
        with pytest.raises(RequestNotFound):
            change_request_comment(user=cleo, actor=Actor.person(cleo), request_id=request.pk, text="mine now")


def test_a_rejection_needs_a_reason_and_writes_nothing(configured: dict[str, Any]) -> None:
    request = proposed(configured["sandbox"])
    carl, actor = person("controller")
    with tables_unchanged(), pytest.raises(ChangeError, match="reason"):
        change_request_reject(user=carl, actor=actor, request_id=request.pk, note="  ")
    with table_changes() as rejected:
        change_request_reject(user=carl, actor=actor, request_id=request.pk, note="VAT20 is reverse charge, not 15%")
    request.refresh_from_db()
    assert request.state == ChangeState.REJECTED and request.decision_note.startswith("VAT20 is reverse")
    # The rejection is the request's state, its activity and one audit row: no mapping is written.
    assert [row["action"] for row in rejected.rows_added(AuditEvent)] == ["mapping_change.rejected"]
    assert not rejected.rows_added(Mapping) and not Mapping.objects.filter(source_value="VAT20").exists()
    with tables_unchanged(), pytest.raises(ChangeError, match="cannot be decided"):
        change_request_approve(user=carl, actor=actor, request_id=request.pk)


def test_every_bad_row_is_named_and_nothing_is_written(configured: dict[str, Any]) -> None:
    sandbox = configured["sandbox"]
    olivia, actor = person("operator")
    french_tax = sale_tax(sandbox, company_id=2)
    rows = [
        RowInput("tax", "VAT20", sale_tax(sandbox)),
        RowInput("colour", "red", 1),
        RowInput("tax", "VAT7", 999_999),
        RowInput("tax", "VAT8", french_tax),
        RowInput("tax", "SALES15", sale_tax(sandbox), op="add"),
        RowInput("tax", "NOPE", None),
        RowInput("tax", "VAT20", sale_tax(sandbox)),
        RowInput("tax", "bad\x00code", 1),
    ]
    with tables_unchanged(), pytest.raises(ChangeInvalid) as raised:
        change_request_create(user=olivia, actor=actor, entity_code="US01", title="Many", rows=rows)
    messages = {p.position: (p.field, p.message) for p in raised.value.problems}
    assert messages[2][0] == "kind" and "unknown kind 'colour'" in messages[2][1]
    assert "Odoo has no account.tax with id 999999" in messages[3][1]
    assert "belongs to another Odoo company" in messages[4][1] and "US01's company 1" in messages[4][1]
    assert "already mapped" in messages[5][1]
    assert "nothing to retire" in messages[6][1]
    assert "already changed by row 1" in messages[7][1]
    assert "control characters" in messages[8][1]
    assert 1 not in messages and not ChangeRequest.objects.exists()


def test_an_archived_target_is_refused(configured: dict[str, Any]) -> None:
    from console.audit.actors import Actor
    from console.mappings.services.reference import reference_refresh_entity
    from tests.unit.console.mappings.conftest import odoo

    sandbox = configured["sandbox"]
    tax = sale_tax(sandbox)
    odoo(sandbox, "account.tax", "write", [tax], {"active": False})
    reference_refresh_entity(LegalEntity.objects.get(code="US01"), actor=Actor.system("test"))
    olivia, actor = person("operator")
    with tables_unchanged(), pytest.raises(ChangeInvalid, match="archived in Odoo"):
        change_request_create(
            user=olivia, actor=actor, entity_code="US01", title="x", rows=[RowInput("tax", "VAT20", tax)]
        )


def test_a_draft_is_edited_by_its_author_only(configured: dict[str, Any]) -> None:
    sandbox = configured["sandbox"]
    request = proposed(sandbox, submit=False)
    olivia, actor = person("operator")
    change_request_add_rows(
        user=olivia, actor=actor, request_id=request.pk, rows=[RowInput("tax", "VAT7", sale_tax(sandbox))]
    )
    assert list(request.rows.values_list("position", "source_value")) == [(1, "VAT20"), (2, "VAT7")]
    carl, carl_actor = person("controller")
    with tables_unchanged():
        with pytest.raises(PermissionDenied, match="olivia, who wrote it"):
            change_request_remove_row(user=carl, actor=carl_actor, request_id=request.pk, position=1)
        with pytest.raises(PermissionDenied, match="olivia, who wrote it"):
            change_request_withdraw(user=carl, actor=carl_actor, request_id=request.pk, reason="not needed")
    change_request_remove_row(user=olivia, actor=actor, request_id=request.pk, position=1)
    assert list(request.rows.values_list("source_value", flat=True)) == ["VAT7"]
    change_request_comment(user=carl, actor=carl_actor, request_id=request.pk, text="VAT7 is Germany's reduced rate?")
    change_request_withdraw(user=olivia, actor=actor, request_id=request.pk, reason="asking finance first")
    assert ChangeRequest.objects.get(pk=request.pk).state == ChangeState.WITHDRAWN


def test_two_open_requests_on_one_code_are_refused(configured: dict[str, Any]) -> None:
    proposed(configured["sandbox"])
    second = proposed(configured["sandbox"], submit=False)
    olivia, actor = person("operator")
    with tables_unchanged(), pytest.raises(ChangeError, match="another open request already changes tax VAT20"):
        change_request_submit(user=olivia, actor=actor, request_id=second.pk)
    assert ChangeRequest.objects.get(pk=second.pk).state == ChangeState.DRAFT


def test_a_change_made_meanwhile_stops_the_approval(configured: dict[str, Any]) -> None:
    from console.audit.actors import Actor
    from console.mappings.services import mapping_version_add

    request = proposed(configured["sandbox"])
    mapping_version_add(
        kind="tax",
        entity=request.entity,
        source_value="VAT20",
        odoo_id=sale_tax(configured["sandbox"]),
        actor=Actor.system("test"),
    )
    carl, actor = person("controller")
    with tables_unchanged(), pytest.raises(ChangeError, match="changed since this request was written"):
        change_request_approve(user=carl, actor=actor, request_id=request.pk)
    assert ChangeRequest.objects.get(pk=request.pk).state == ChangeState.SUBMITTED


def test_a_change_with_a_later_time_applies_then_and_leaves_earlier_events_on_the_old_version(
    configured: dict[str, Any],
) -> None:
    sandbox = configured["sandbox"]
    entity = LegalEntity.objects.get(code="US01")
    old = mapping_resolve(kind="tax", source_value="SALES15", entity_id=entity.pk, at=timezone.now())
    assert old is not None
    purchase = odoo(sandbox, "account.tax", "search", [["type_tax_use", "=", "purchase"], ["company_id", "=", 1]])[0]
    later = timezone.now() + timedelta(hours=2)
    olivia, actor = person("operator")
    request = change_request_create(
        user=olivia,
        actor=actor,
        entity_code="US01",
        title="SALES15 moves",
        rows=[RowInput("tax", "SALES15", purchase)],
        effective_at=later,
    )
    assert request.rows.get().op == RowOp.CHANGE
    change_request_submit(user=olivia, actor=actor, request_id=request.pk)
    carl, carl_actor = person("controller")
    change_request_approve(user=carl, actor=carl_actor, request_id=request.pk)
    assert ChangeRequest.objects.get(pk=request.pk).state == ChangeState.APPROVED
    with tables_unchanged():
        assert change_requests_apply_due() == []  # not yet
    assert change_requests_apply_due(now=later) == [request.pk]
    request.refresh_from_db()
    assert request.state == ChangeState.APPLIED
    new = Mapping.objects.get(kind="tax", source_value="SALES15", version=old.version + 1)
    # An event that occurred before the change resolves to the old version, even posted after it.
    before = mapping_resolve(
        kind="tax", source_value="SALES15", entity_id=entity.pk, at=new.valid_from - timedelta(seconds=1)
    )
    after = mapping_resolve(kind="tax", source_value="SALES15", entity_id=entity.pk, at=new.valid_from)
    assert before is not None and before.pk == old.pk and after is not None and after.odoo_id == purchase


def odoo(sandbox: Any, model: str, method: str, *args: Any) -> Any:
    from tests.unit.console.mappings.conftest import odoo as call

    return call(sandbox, model, method, *args)


def test_the_beat_task_applies_what_is_due_once(configured: dict[str, Any]) -> None:
    from django.conf import settings

    from console.mappings.tasks import apply_due

    assert settings.CELERY_BEAT_SCHEDULE["apply-mapping-changes"]["task"] == "mappings.apply_due"
    request = proposed(configured["sandbox"], effective_at=timezone.now() + timedelta(hours=1))
    carl, actor = person("controller")
    change_request_approve(user=carl, actor=actor, request_id=request.pk)
    ChangeRequest.objects.filter(pk=request.pk).update(effective_at=timezone.now() - timedelta(seconds=1))
    assert apply_due() == [request.pk]
    with tables_unchanged():
        assert apply_due() == []
    assert ChangeRequest.objects.get(pk=request.pk).state == ChangeState.APPLIED
    assert AuditEvent.objects.get(action="mapping_change.applied").actor_label == "system:mappings.apply_due"


def test_an_approved_change_that_can_no_longer_apply_is_noted_once(configured: dict[str, Any]) -> None:
    from console.audit.actors import Actor
    from console.mappings.services import mapping_version_add

    later = timezone.now() + timedelta(hours=1)
    request = proposed(configured["sandbox"], effective_at=later)
    carl, actor = person("controller")
    change_request_approve(user=carl, actor=actor, request_id=request.pk)
    mapping_version_add(
        kind="tax",
        entity=request.entity,
        source_value="VAT20",
        odoo_id=sale_tax(configured["sandbox"]),
        actor=Actor.system("test"),
    )
    with table_changes() as noted:
        assert change_requests_apply_due(now=later) == []
    # Noted on its timeline and the trail; nothing of it applied: no version, still approved.
    assert noted.counts() == {
        "audit.AuditChainHead": (0, 1, 0),
        "audit.AuditEvent": (1, 0, 0),
        "mappings.ChangeActivity": (1, 0, 0),
    }
    assert [row["action"] for row in noted.rows_added(AuditEvent)] == ["mapping_change.apply_failed"]
    assert ChangeRequest.objects.get(pk=request.pk).state == ChangeState.APPROVED
    with tables_unchanged():  # noted once
        assert change_requests_apply_due(now=later) == []
    change_request_reject(user=carl, actor=actor, request_id=request.pk, note="superseded by a direct fix")
    assert ChangeRequest.objects.get(pk=request.pk).state == ChangeState.REJECTED


def test_a_submitted_request_cannot_thaw_by_redrafting_or_by_moving_rows_in(configured: dict[str, Any]) -> None:
    submitted = proposed(configured["sandbox"])
    draft = proposed(configured["sandbox"], "VAT7", submit=False)
    with tables_unchanged():
        with pytest.raises(DatabaseError, match="back to draft"), transaction.atomic():
            ChangeRequest.objects.filter(pk=submitted.pk).update(state=ChangeState.DRAFT)
        with pytest.raises(DatabaseError, match="cannot move"), transaction.atomic():
            RowChange.objects.filter(request=draft).update(request=submitted, position=2)
    assert list(submitted.rows.values_list("source_value", flat=True)) == ["VAT20"]
