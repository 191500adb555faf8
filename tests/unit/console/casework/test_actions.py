"""Working a case: each action by its role only, one audit row each, material ones approved by someone else."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction

from console.audit.models import AuditEvent
from console.casework.models import (
    ActivityKind,
    ApprovalState,
    CaseActivity,
    CaseApproval,
    CaseState,
    ExceptionCase,
)
from console.casework.services import actions
from console.casework.services.actions import CaseNotFound
from console.casework.services.states import CaseError
from console.sync.models import EventState, LegalEntity, SyncEvent
from console.sync.services.drain import events_drain
from tests.tables import table_changes, tables_unchanged
from tests.unit.console.casework.conftest import ingest, person, unmapped_invoice

pytestmark = pytest.mark.django_db


def audit_count(action: str, case: ExceptionCase) -> int:
    return AuditEvent.objects.filter(action=action, object_type="case", object_id=str(case.pk)).count()


def fresh(case: ExceptionCase) -> ExceptionCase:
    return ExceptionCase.objects.select_related("event", "entity").get(pk=case.pk)


def test_claim_then_comment(blocked_case: ExceptionCase) -> None:
    olivia, actor = person("operator")
    with table_changes() as claimed:
        actions.case_claim(user=olivia, actor=actor, case_id=blocked_case.pk)
    assert claimed.rows_changed(ExceptionCase)[blocked_case.pk].keys() == {"state", "assignee_id"}
    assert [row["kind"] for row in claimed.rows_added(CaseActivity)] == [ActivityKind.CLAIMED]
    assert [row["action"] for row in claimed.rows_added(AuditEvent)] == ["case.claimed"]
    actions.case_comment(user=olivia, actor=actor, case_id=blocked_case.pk, text="asked tax team about VAT20")
    case = fresh(blocked_case)
    assert case.state == CaseState.IN_PROGRESS and case.assignee == olivia
    assert audit_count("case.claimed", case) == 1 and audit_count("case.commented", case) == 1
    assert case.activities.get(kind=ActivityKind.COMMENTED).text == "asked tax team about VAT20"
    with tables_unchanged(), pytest.raises(CaseError, match="already yours"):
        actions.case_claim(user=olivia, actor=actor, case_id=case.pk)


def test_edit_and_resubmit_keeps_the_diff_and_posts(blocked_case: ExceptionCase) -> None:
    olivia, actor = person("operator")
    with tables_unchanged():
        with pytest.raises(CaseError, match="needs a reason"):
            actions.case_resubmit(user=olivia, actor=actor, case_id=blocked_case.pk, changes={}, reason=" ")
        # The path creates what it passes through; the reader then names the field that is not one.
        with pytest.raises(CaseError, match=r"data\.lines\[0\]\.nope: is not a field here"):
            actions.case_resubmit(
                user=olivia, actor=actor, case_id=blocked_case.pk, changes={"lines.0.nope.x": 1}, reason="typo"
            )
    actions.case_resubmit(
        user=olivia,
        actor=actor,
        case_id=blocked_case.pk,
        changes={"lines.0.tax_code": "SALES15"},
        reason="VAT20 is the old code for SALES15",
    )
    event = SyncEvent.objects.get(pk=blocked_case.event_id)
    assert event.override == {"lines.0.tax_code": "SALES15"}
    assert event.payload["lines"][0]["tax_code"] == "VAT20"  # what the source sent is kept as sent
    assert audit_count("case.resubmitted", blocked_case) == 1
    row = AuditEvent.objects.get(action="case.resubmitted")
    assert row.after_data["data"]["diff"] == [{"path": "lines.0.tax_code", "before": "VAT20", "after": "SALES15"}]
    events_drain()
    case = fresh(blocked_case)
    assert case.event.state == EventState.POSTED and case.state == CaseState.RESOLVED


def test_an_override_that_changes_nothing_or_breaks_the_document_is_refused(blocked_case: ExceptionCase) -> None:
    olivia, actor = person("operator")
    for changes, says in (
        ({"lines.0.tax_code": "VAT20"}, "changes nothing"),
        ({"lines.0.unit_price": "abc"}, "unit_price"),
        ({"lines.5.tax_code": "X"}, "not a position"),
    ):
        with tables_unchanged(), pytest.raises(CaseError, match=says):
            actions.case_resubmit(user=olivia, actor=actor, case_id=blocked_case.pk, changes=changes, reason="fix")
    assert fresh(blocked_case).state == CaseState.OPEN
    assert fresh(blocked_case).event.override is None


def test_a_material_amount_override_waits_for_another_person(blocked_case: ExceptionCase) -> None:
    LegalEntity.objects.filter(pk=blocked_case.entity_id).update(materiality_threshold="500.00")
    olivia, o_actor = person("operator")
    carl, c_actor = person("controller")
    actions.case_resubmit(
        user=olivia,
        actor=o_actor,
        case_id=blocked_case.pk,
        changes={"lines.0.unit_price": "900.00", "lines.0.tax_code": "SALES15"},
        reason="price was keyed wrong at the till",
    )
    case = fresh(blocked_case)
    assert case.state == CaseState.WAITING_APPROVAL and case.event.state == EventState.BLOCKED
    assert audit_count("case.approval_requested", case) == 1
    assert case.event.override is None  # nothing posts differently before the approval
    with tables_unchanged():
        with pytest.raises(PermissionDenied):
            actions.case_approve(user=olivia, actor=o_actor, case_id=case.pk)
        with pytest.raises(CaseError, match="waits for a controller"):
            actions.case_retry(user=olivia, actor=o_actor, case_id=case.pk)
    actions.case_approve(user=carl, actor=c_actor, case_id=case.pk, note="checked the till receipt")
    approval = CaseApproval.objects.get(case=case)
    assert approval.state == ApprovalState.APPROVED and approval.decided_by == carl
    assert audit_count("case.approved", case) == 1 and audit_count("case.resubmitted", case) == 1
    events_drain()
    case = fresh(case)
    assert case.event.state == EventState.POSTED and case.state == CaseState.RESOLVED


def test_nobody_decides_their_own_request(blocked_case: ExceptionCase) -> None:
    """A person holding both roles still cannot approve what they asked for; nor can the database be told so."""
    from django.contrib.auth.models import Group

    LegalEntity.objects.filter(pk=blocked_case.entity_id).update(materiality_threshold="1.00")
    olivia, actor = person("operator")
    olivia.groups.add(Group.objects.get(name="Controller"))
    actions.case_dismiss(user=olivia, actor=actor, case_id=blocked_case.pk, reason="test order")
    with tables_unchanged():
        for decide in (actions.case_approve, actions.case_reject):
            with pytest.raises(PermissionDenied, match="their own"):
                decide(user=olivia, actor=actor, case_id=blocked_case.pk, note="fine by me")
        approval = CaseApproval.objects.get(case=blocked_case)
        with pytest.raises(IntegrityError), transaction.atomic():
            CaseApproval.objects.filter(pk=approval.pk).update(decided_by=olivia, state="approved")
    approval.refresh_from_db()
    assert (approval.state, approval.decided_by) == (ApprovalState.PENDING, None)
    assert fresh(blocked_case).state == CaseState.WAITING_APPROVAL


def test_dismiss_below_threshold_and_rejected_above(blocked_case: ExceptionCase, configured: dict[str, Any]) -> None:
    olivia, o_actor = person("operator")
    carl, c_actor = person("controller")
    actions.case_dismiss(user=olivia, actor=o_actor, case_id=blocked_case.pk, reason="test order, cancelled")
    case = fresh(blocked_case)
    assert case.state == CaseState.DISMISSED and case.event.state == EventState.DISMISSED
    assert audit_count("case.dismissed", case) == 1
    with tables_unchanged(), pytest.raises(CaseError, match="dismissed: it cannot be retried"):
        actions.case_retry(user=olivia, actor=o_actor, case_id=case.pk)

    [big_id] = ingest(configured["token"], unmapped_invoice("order-big", price="25000.00"))
    events_drain()
    big = ExceptionCase.objects.get(event_id=big_id)
    assert big.severity == "high"
    actions.case_dismiss(user=olivia, actor=o_actor, case_id=big.pk, reason="looks like a test")
    assert fresh(big).state == CaseState.WAITING_APPROVAL and fresh(big).event.state == EventState.BLOCKED
    with tables_unchanged(), pytest.raises(CaseError, match="needs a reason"):
        actions.case_reject(user=carl, actor=c_actor, case_id=big.pk, note="")
    actions.case_reject(user=carl, actor=c_actor, case_id=big.pk, note="a real customer: fix the tax code")
    big = fresh(big)
    assert big.state == CaseState.IN_PROGRESS and big.event.state == EventState.BLOCKED
    assert audit_count("case.rejected", big) == 1


def test_mark_duplicate_of_another_event(blocked_case: ExceptionCase, configured: dict[str, Any]) -> None:
    olivia, actor = person("operator")
    [other_id] = ingest(configured["token"], unmapped_invoice("order-vat20-again"))
    events_drain()
    other_case = ExceptionCase.objects.get(event_id=other_id)
    with tables_unchanged(), pytest.raises(CaseError, match="no other event"):
        actions.case_mark_duplicate(user=olivia, actor=actor, case_id=other_case.pk, of="order-unknown")
    actions.case_mark_duplicate(user=olivia, actor=actor, case_id=other_case.pk, of="order-vat20")
    case = fresh(other_case)
    assert case.state == CaseState.DISMISSED and case.duplicate_of_id == blocked_case.event_id
    assert case.event.state == EventState.DISMISSED
    assert audit_count("case.marked_duplicate", case) == 1


def test_assign_only_to_an_operator_of_the_entity(blocked_case: ExceptionCase) -> None:
    carl, actor = person("controller")
    olivia, _ = person("operator")
    ada, _ = person("auditor")
    with tables_unchanged(), pytest.raises(CaseError, match="not a finance operator"):
        actions.case_assign(user=carl, actor=actor, case_id=blocked_case.pk, assignee=ada)
    actions.case_assign(user=carl, actor=actor, case_id=blocked_case.pk, assignee=olivia)
    assert fresh(blocked_case).assignee == olivia and audit_count("case.assigned", blocked_case) == 1


WRITES: dict[str, dict[str, Any]] = {
    "case_claim": {},
    "case_comment": {"text": "x"},
    "case_retry": {},
    "case_resubmit": {"changes": {"lines.0.tax_code": "SALES15"}, "reason": "x"},
    "case_dismiss": {"reason": "x"},
    "case_mark_duplicate": {"of": "x"},
    "case_approve": {},
    "case_reject": {"note": "x"},
}
ALLOWED = {
    "operator": {"case_claim", "case_comment", "case_retry", "case_resubmit", "case_dismiss", "case_mark_duplicate"},
    "controller": {"case_comment", "case_approve", "case_reject"},
    "auditor": set(),
    "admin": set(),
}


@pytest.mark.parametrize(
    ("role", "action"), [(r, a) for r in sorted(ALLOWED) for a in sorted(WRITES) if a not in ALLOWED[r]]
)
def test_a_role_lacking_the_action_is_refused_and_nothing_is_written(
    blocked_case: ExceptionCase, role: str, action: str
) -> None:
    user, actor = person(role)
    with tables_unchanged(), pytest.raises(PermissionDenied):
        getattr(actions, action)(user=user, actor=actor, case_id=blocked_case.pk, **WRITES[action])
    assert fresh(blocked_case).state == CaseState.OPEN


def test_a_case_of_an_entity_not_granted_is_not_found(blocked_case: ExceptionCase) -> None:
    from guardian.shortcuts import remove_perm

    olivia, actor = person("operator")
    remove_perm("sync.view_legalentity", olivia, blocked_case.entity)
    with tables_unchanged(), pytest.raises(CaseNotFound):
        actions.case_claim(user=olivia, actor=actor, case_id=blocked_case.pk)
