"""Mapping change requests on PostgreSQL (issue #5): the check constraint and the triggers behind
maker-checker refuse what the service refuses, applying may still record what it wrote, the
closed loop posts a blocked invoice with real workers once a controller approves, and the
impact preview counts posted events through jsonb containment."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest
from django.db import DatabaseError, IntegrityError, connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from console.audit.models import AuditEvent
from console.casework.models import ActivityKind, CaseState, ExceptionCase
from console.mappings.models import ChangeRequest, ChangeState, Mapping, MappingKind, RowChange, RowOp
from console.mappings.selectors.impact import change_impact
from console.mappings.services.requests import (
    RowInput,
    change_request_add_rows,
    change_request_approve,
    change_request_create,
    change_request_remove_row,
    change_request_submit,
)
from console.sync.models import EventState, SyncEvent
from console.sync.services.drain import events_drain
from tests.factories import invoice_event
from tests.integration.conftest import Workers, wait_until
from tests.integration.test_browser_casework import open_blocked_case
from tests.tables import tables_unchanged
from tests.unit.console.casework.conftest import ingest, person
from tests.unit.console.mappings.conftest import odoo, proposed, sale_tax

pytestmark = pytest.mark.django_db(transaction=True)

POSTED_WITHIN = 60.0  # seconds from the approval until the worker has posted the event


def purchase_tax(sandbox: Any, company_id: int = 1) -> int:
    ids = odoo(sandbox, "account.tax", "search", [["type_tax_use", "=", "purchase"], ["company_id", "=", company_id]])
    return int(ids[0])


def test_the_check_constraint_refuses_a_decision_by_the_requester(configured: dict[str, Any]) -> None:
    request = proposed(configured["sandbox"])
    with (
        tables_unchanged(),
        pytest.raises(IntegrityError, match="changerequest_not_decided_by_requester"),
        transaction.atomic(),
    ):
        ChangeRequest.objects.filter(pk=request.pk).update(
            decided_by=request.requested_by, decided_at=timezone.now(), state=ChangeState.APPROVED
        )
    # The same update by somebody else passes the constraint: it is the requester that is refused.
    carl, _ = person("controller")
    with transaction.atomic():
        ChangeRequest.objects.filter(pk=request.pk).update(decided_by=carl, decided_at=timezone.now())
    request.refresh_from_db()
    assert request.decided_by == carl and request.state == ChangeState.SUBMITTED


def test_the_trigger_refuses_changing_the_requester(configured: dict[str, Any]) -> None:
    request = proposed(configured["sandbox"])
    carl, _ = person("controller")
    with tables_unchanged(), pytest.raises(DatabaseError, match="requester") as raised, transaction.atomic():
        ChangeRequest.objects.filter(pk=request.pk).update(requested_by=carl)
    assert f"the requester of mapping change {request.pk} cannot change" in str(raised.value)
    with (
        tables_unchanged(),
        pytest.raises(DatabaseError, match="requester"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute("UPDATE mappings_changerequest SET requested_by_id = %s WHERE id = %s", [carl.pk, request.pk])
    request.refresh_from_db()
    assert request.requested_by.username == "olivia"
    # Other columns of the same row still change (the trigger is about the requester only).
    with transaction.atomic():
        ChangeRequest.objects.filter(pk=request.pk).update(title="Map VAT20, retitled")
    assert ChangeRequest.objects.get(pk=request.pk).title == "Map VAT20, retitled"


def test_rows_are_frozen_once_submitted_but_applying_records_its_versions(configured: dict[str, Any]) -> None:
    sandbox = configured["sandbox"]
    olivia, o_actor = person("operator")
    # A draft's rows are the author's to edit: the trigger lets the service add and remove them.
    draft = proposed(sandbox, submit=False)
    change_request_add_rows(
        user=olivia, actor=o_actor, request_id=draft.pk, rows=[RowInput(MappingKind.TAX, "VAT7", sale_tax(sandbox))]
    )
    change_request_remove_row(user=olivia, actor=o_actor, request_id=draft.pk, position=2)
    assert list(draft.rows.values_list("source_value", flat=True)) == ["VAT20"]

    change_request_submit(user=olivia, actor=o_actor, request_id=draft.pk)
    request = ChangeRequest.objects.get(pk=draft.pk)
    assert request.state == ChangeState.SUBMITTED
    row = RowChange.objects.get(request=request)
    purchase, sale = purchase_tax(sandbox), sale_tax(sandbox)
    sales15 = Mapping.objects.get(kind="tax", source_value="SALES15", version=1)
    with tables_unchanged():
        with (
            pytest.raises(DatabaseError, match=r"frozen once it is submitted \(UPDATE refused\)"),
            transaction.atomic(),
        ):
            RowChange.objects.filter(pk=row.pk).update(odoo_id=purchase)
        with (
            pytest.raises(DatabaseError, match=r"frozen once it is submitted \(INSERT refused\)"),
            transaction.atomic(),
        ):
            RowChange.objects.create(
                request=request, position=2, op=RowOp.ADD, kind="tax", source_value="VAT7", odoo_id=sale
            )
        with (
            pytest.raises(DatabaseError, match=r"frozen once it is submitted \(DELETE refused\)"),
            transaction.atomic(),
        ):
            RowChange.objects.filter(pk=row.pk).delete()
        # Recording the applied version together with another column is still a change of the row.
        with pytest.raises(DatabaseError, match="frozen"), transaction.atomic():
            RowChange.objects.filter(pk=row.pk).update(applied_version=sales15, odoo_label="something else")
    assert RowChange.objects.get(pk=row.pk).applied_version_id is None

    carl, c_actor = person("controller")
    change_request_approve(user=carl, actor=c_actor, request_id=request.pk, note="VAT20 is our 15% sale tax")
    request.refresh_from_db()
    assert request.state == ChangeState.APPLIED and request.applied_at is not None
    version = Mapping.objects.get(kind="tax", source_value="VAT20")
    row.refresh_from_db()
    assert row.applied_version == version and (row.odoo_id, row.source_value) == (sale_tax(sandbox), "VAT20")
    # Applied, the rows stay frozen too.
    with tables_unchanged():
        with pytest.raises(DatabaseError, match="frozen"), transaction.atomic():
            RowChange.objects.filter(pk=row.pk).update(source_value="VAT21")
        with pytest.raises(DatabaseError, match="frozen"), transaction.atomic():
            RowChange.objects.filter(pk=row.pk).delete()
    assert RowChange.objects.get(pk=row.pk).source_value == "VAT20"


def test_an_approved_mapping_posts_the_blocked_invoice_with_real_workers_and_no_retry(
    configured: dict[str, Any], live_server: Any, workers: Workers
) -> None:
    sandbox = configured["sandbox"]
    workers.start()
    case = open_blocked_case(live_server, configured["token"], "pg-map-vat20")
    wait_until(
        lambda: SyncEvent.objects.get(pk=case.event_id).state == EventState.BLOCKED,
        timeout=30,
        what="the event to wait on the mapping",
    )
    event = SyncEvent.objects.get(pk=case.event_id)
    assert event.blocked_on and "VAT20" in event.blocked_on, event.blocked_on
    assert ExceptionCase.objects.get(pk=case.pk).state == CaseState.OPEN

    request = proposed(sandbox)  # olivia writes the draft and submits it
    assert request.state == ChangeState.SUBMITTED
    impact = change_impact(request)
    assert (impact.open_cases, impact.waiting_events) == (1, 1)
    # Submitted, nothing changed yet: the event still waits.
    assert SyncEvent.objects.get(pk=case.event_id).state == EventState.BLOCKED

    carl, c_actor = person("controller")
    change_request_approve(user=carl, actor=c_actor, request_id=request.pk, note="checked the tax register")
    request.refresh_from_db()
    assert request.state == ChangeState.APPLIED and request.requeued == 1

    def resolved() -> bool:
        return ExceptionCase.objects.get(pk=case.pk).state == CaseState.RESOLVED

    try:
        wait_until(resolved, timeout=POSTED_WITHIN, what="the worker to post the event and resolve the case")
    except AssertionError as err:
        event = SyncEvent.objects.get(pk=case.event_id)
        raise AssertionError(f"{err}; event {event.state} {event.reason_message!r}\n{workers.logs()}") from err
    event = SyncEvent.objects.get(pk=case.event_id)
    assert event.state == EventState.POSTED and event.odoo_name
    version = Mapping.objects.get(kind="tax", source_value="VAT20")
    assert version.pk in event.mapping_versions
    moves = odoo(sandbox, "account.move", "search_read", [["ref", "=", "shopify/pg-map-vat20"]])
    assert [(m["name"], m["state"]) for m in moves] == [(event.odoo_name, "posted")], moves

    # Nobody retried by hand: the only requeue is the approval's, naming the request as its cause.
    case = ExceptionCase.objects.get(pk=case.pk)
    retried = list(case.activities.filter(kind=ActivityKind.RETRIED))
    assert len(retried) == 1 and retried[0].actor_label == "carl", retried
    assert f"mapping change {request.pk}" in retried[0].text
    by_people = AuditEvent.objects.filter(action="event.requeued", object_id=str(case.event_id)).exclude(
        actor_label__startswith="system:"
    )
    assert [(row.actor_label, row.after_data.get("cause")) for row in by_people] == [("carl", request.reference)]
    retried_audit = AuditEvent.objects.filter(action="case.retried", object_type="case", object_id=str(case.pk))
    assert [row.actor_label for row in retried_audit] == ["carl"]


def test_the_impact_preview_counts_posted_events_that_used_a_replaced_version(configured: dict[str, Any]) -> None:
    sandbox = configured["sandbox"]
    # Two invoices with SALES15 post (one occurred before the change would hold, one after it).
    early = invoice_event("pg-sales15-october", occurred_at="2026-10-15T10:00:00Z")
    late = invoice_event("pg-sales15-november")
    event_ids = ingest(configured["token"], early, late)
    events_drain()
    posted = list(SyncEvent.objects.filter(pk__in=event_ids))
    assert [e.state for e in posted] == [EventState.POSTED, EventState.POSTED], [e.reason_message for e in posted]
    sales15 = Mapping.objects.get(kind="tax", source_value="SALES15", version=1)
    purch15 = Mapping.objects.get(kind="tax", source_value="PURCH15", version=1)
    assert all(sales15.pk in e.mapping_versions and purch15.pk not in e.mapping_versions for e in posted)
    kept = {e.pk: list(e.mapping_versions) for e in posted}

    olivia, o_actor = person("operator")
    request = change_request_create(
        user=olivia,
        actor=o_actor,
        entity_code="US01",
        title="SALES15 and PURCH15 swap their taxes from November",
        rows=[
            RowInput(MappingKind.TAX, "SALES15", purchase_tax(sandbox)),
            RowInput(MappingKind.TAX, "PURCH15", sale_tax(sandbox)),
        ],
        valid_from=datetime(2026, 11, 1, tzinfo=UTC),
    )
    change_request_submit(user=olivia, actor=o_actor, request_id=request.pk)
    request = ChangeRequest.objects.select_related("entity").get(pk=request.pk)
    assert [(r.op, r.replaces_id) for r in request.rows.all()] == [
        (RowOp.CHANGE, sales15.pk),
        (RowOp.CHANGE, purch15.pk),
    ]

    with CaptureQueriesContext(connection) as queries:
        impact = change_impact(request)
    # PostgreSQL answers with jsonb containment, not by reading every posted event.
    assert any('"mapping_versions" @>' in q["sql"] for q in queries.captured_queries), queries.captured_queries
    assert impact.posted_with_replaced >= 1
    by_code = {r.source_value: r for r in impact.rows}
    assert (by_code["SALES15"].posted_with_replaced, by_code["SALES15"].posted_since_valid_from) == (2, 1)
    assert (by_code["PURCH15"].posted_with_replaced, by_code["PURCH15"].posted_since_valid_from) == (0, 0)
    assert (impact.posted_with_replaced, impact.posted_since_valid_from) == (2, 1)
    assert (impact.open_cases, impact.waiting_events) == (0, 0)

    # Applied, the change re-posts nothing: the posted events keep the versions they used.
    carl, c_actor = person("controller")
    change_request_approve(user=carl, actor=c_actor, request_id=request.pk, note="the taxes were swapped in Odoo")
    assert ChangeRequest.objects.get(pk=request.pk).state == ChangeState.APPLIED
    assert Mapping.objects.get(pk=sales15.pk).valid_to == datetime(2026, 11, 1, tzinfo=UTC)
    for event in SyncEvent.objects.filter(pk__in=event_ids):
        assert event.state == EventState.POSTED and event.mapping_versions == kept[event.pk]


def test_a_submitted_request_neither_goes_back_to_draft_nor_takes_in_rows(configured: dict[str, Any]) -> None:
    submitted = proposed(configured["sandbox"])
    draft = proposed(configured["sandbox"], "VAT7", submit=False)
    with tables_unchanged():
        with pytest.raises(DatabaseError, match="back to draft"), transaction.atomic():
            ChangeRequest.objects.filter(pk=submitted.pk).update(state=ChangeState.DRAFT)
        with pytest.raises(DatabaseError, match="cannot move"), transaction.atomic():
            RowChange.objects.filter(request=draft).update(request=submitted, position=2)
    assert list(submitted.rows.values_list("source_value", flat=True)) == ["VAT20"]
