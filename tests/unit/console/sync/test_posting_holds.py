"""A hold keeps every event of one correlation of a source from Odoo until it is released:
by a person with a reason (a controller when the difference is material) or by the system."""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied

from console.audit.actors import Actor
from console.audit.models import AuditEvent
from console.casework.models import ExceptionCase
from console.casework.taxonomy import Category
from console.sync.errors import SyncError
from console.sync.models import EventState, LegalEntity, PostingHold, SourceSystem, SyncEvent
from console.sync.services.drain import events_drain
from console.sync.services.posting_holds import posting_hold_place, posting_hold_release
from tests.factories import bank_line_event
from tests.unit.console.sync.test_closed_periods import ingest, persona

pytestmark = pytest.mark.django_db


def statement_lines(token: str, correlation: str, *amounts: str) -> list[int]:
    events = []
    for index, amount in enumerate(amounts):
        event = bank_line_event(f"{correlation}-{index}", amount)
        events.append({**event, "correlation_id": correlation})
    return ingest(token, *events)


def hold(correlation: str, difference: str, source: str = "bankfeed") -> PostingHold:
    return posting_hold_place(
        source=SourceSystem.objects.get(code=source),
        correlation_id=correlation,
        entity=LegalEntity.objects.get(code="US01"),
        reason_code="statement_unbalanced",
        message=f"statement 2026-11-21 of account ...4300 does not balance: difference {difference} USD",
        difference=Decimal(difference),
        currency="USD",
        actor=Actor.system("test"),
    )


def states(ids: list[int]) -> list[str]:
    return [SyncEvent.objects.get(pk=pk).state for pk in ids]


def test_held_lines_wait_as_cases_naming_the_difference(token: str) -> None:
    ids = statement_lines(token, "stmt-1", "100.00", "-20.00")
    held = hold("stmt-1", "-434.16")
    other = statement_lines(token, "stmt-2", "55.00")

    events_drain()

    assert states(ids) == [EventState.BLOCKED, EventState.BLOCKED]
    assert states(other) == [EventState.POSTED]
    event = SyncEvent.objects.get(pk=ids[0])
    assert (event.reason_code, event.blocked_on) == ("statement_unbalanced", held.block_key)
    case = ExceptionCase.objects.get(event_id=ids[0])
    assert case.category == Category.HELD_BY_CONTROLS
    assert "does not balance: difference -434.16 USD" in case.summary
    assert AuditEvent.objects.filter(action="hold.placed", object_id=str(held.pk)).count() == 1


def test_a_hold_on_another_sources_correlation_holds_nothing_here(token: str) -> None:
    ids = statement_lines(token, "stmt-1", "100.00")
    hold("stmt-1", "-1.00", source="shopify")
    events_drain()
    assert states(ids) == [EventState.POSTED]


def test_an_operator_releases_an_immaterial_hold_and_its_lines_post_once(token: str) -> None:
    ids = statement_lines(token, "stmt-1", "100.00", "-20.00")
    held = hold("stmt-1", "-434.16")
    events_drain()

    posting_hold_release(
        hold_id=held.pk, user=persona("operator"), actor=Actor.system("olivia"), reason="bank confirmed the fee"
    )
    events_drain()

    assert states(ids) == [EventState.POSTED, EventState.POSTED]
    held.refresh_from_db()
    assert held.released_at is not None and held.release_reason == "bank confirmed the fee"
    audit = AuditEvent.objects.get(action="hold.released", object_id=str(held.pk))
    assert audit.reason == "bank confirmed the fee" and json.loads(audit.before)["released"] is False
    # released again: nothing more happens
    posting_hold_release(hold_id=held.pk, user=persona("operator"), actor=Actor.system("olivia"), reason="again")
    assert AuditEvent.objects.filter(action="hold.released").count() == 1


def test_a_material_difference_is_released_by_a_controller_only(token: str) -> None:
    ids = statement_lines(token, "stmt-1", "100.00")
    held = hold("stmt-1", "-25000.00")  # the demo's US01 threshold is 10,000.00
    events_drain()

    with pytest.raises(PermissionDenied, match="is material for US01"):
        posting_hold_release(hold_id=held.pk, user=persona("operator"), actor=Actor.system("o"), reason="checked")
    assert states(ids) == [EventState.BLOCKED]

    posting_hold_release(hold_id=held.pk, user=persona("controller"), actor=Actor.system("c"), reason="checked")
    events_drain()
    assert states(ids) == [EventState.POSTED]


@pytest.mark.parametrize("role", ["auditor", "admin"])
def test_who_may_not_release_a_hold_is_refused_and_nothing_changes(token: str, role: str) -> None:
    ids = statement_lines(token, "stmt-1", "100.00")
    held = hold("stmt-1", "-1.00")
    events_drain()
    with pytest.raises(PermissionDenied, match="releasing a hold needs the role"):
        posting_hold_release(hold_id=held.pk, user=persona(role), actor=Actor.system(role), reason="checked")
    held.refresh_from_db()
    assert held.released_at is None and states(ids) == [EventState.BLOCKED]


def test_a_release_needs_a_reason(token: str) -> None:
    held = hold("stmt-1", "-1.00")
    with pytest.raises(SyncError, match="needs a reason"):
        posting_hold_release(hold_id=held.pk, user=persona("operator"), actor=Actor.system("o"), reason="  ")


def test_placing_a_released_hold_again_keeps_the_release(token: str, django_user_model: Any) -> None:
    held = hold("stmt-1", "-1.00")
    posting_hold_release(hold_id=held.pk, user=None, actor=Actor.system("import"), reason="missing file imported")
    again = hold("stmt-1", "-1.00")
    assert again.pk == held.pk and again.released_at is not None
