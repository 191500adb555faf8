"""Edit-and-resubmit on a credit note that takes its partner from its invoice: the override
may give it a partner of its own (the path creates the partner object the payload left out),
the diff shows what it was, and the credit note then posts on its own."""

from __future__ import annotations

import copy
from typing import Any

import pytest

from console.casework.models import ExceptionCase
from console.casework.services import actions
from console.casework.services.states import CaseError
from console.sync.models import EventState, SyncEvent
from console.sync.overrides import override_diff, payload_apply
from console.sync.services.drain import events_drain
from integrations.odoo.client import OdooClient
from tests.factories import credit_note_event
from tests.odoo_protocol import sandbox_credentials
from tests.tables import tables_unchanged
from tests.unit.console.casework.conftest import ingest, person

pytestmark = pytest.mark.django_db


def test_an_override_path_creates_the_partner_a_payload_left_out_and_diffs_it_from_nothing() -> None:
    payload = {"currency": "USD", "reversed_external_id": "order-1"}
    override = {"partner.name": "Blue Harbor Cafe", "partner.ref": "CUST-001"}
    assert payload_apply(payload, override) == {**payload, "partner": {"name": "Blue Harbor Cafe", "ref": "CUST-001"}}
    assert payload == {"currency": "USD", "reversed_external_id": "order-1"}  # the payload as received is kept
    assert override_diff(payload, override) == [
        {"path": "partner.name", "before": None, "after": "Blue Harbor Cafe"},
        {"path": "partner.ref", "before": None, "after": "CUST-001"},
    ]


def test_a_credit_note_whose_invoice_never_comes_gets_its_own_partner_and_posts_alone(
    configured: dict[str, Any],
) -> None:
    note = copy.deepcopy(credit_note_event("refund-1", "order-404"))
    del note["data"]["partner"]
    [event_id] = ingest(configured["token"], note)
    events_drain()
    case = ExceptionCase.objects.get(event_id=event_id)
    assert case.event.reason_code == "invoice_not_received"
    olivia, actor = person("operator")
    actions.case_resubmit(
        user=olivia,
        actor=actor,
        case_id=case.pk,
        changes={"reversed_external_id": "", "partner.name": "Blue Harbor Cafe", "partner.ref": "CUST-001"},
        reason="order-404 was never ours: a goodwill credit",
    )
    event = SyncEvent.objects.get(pk=event_id)
    assert "partner" not in event.payload  # what the source sent is kept as sent
    events_drain()
    event.refresh_from_db()
    assert event.state == EventState.POSTED, event.reason_message
    sandbox = configured["sandbox"]
    odoo = OdooClient(sandbox_credentials(sandbox.url))
    [move] = odoo.read("account.move", [event.odoo_id], ["partner_id", "reversed_entry_id"])
    assert (move["partner_id"][1], move["reversed_entry_id"]) == ("Blue Harbor Cafe", False)


def test_clearing_the_link_of_a_credit_note_without_partner_is_refused_by_name(configured: dict[str, Any]) -> None:
    note = copy.deepcopy(credit_note_event("refund-1", "order-404"))
    del note["data"]["partner"]
    [event_id] = ingest(configured["token"], note)
    events_drain()
    case = ExceptionCase.objects.get(event_id=event_id)
    olivia, actor = person("operator")
    with tables_unchanged(), pytest.raises(CaseError, match=r"data\.partner: is required unless reversed_external_id"):
        actions.case_resubmit(
            user=olivia, actor=actor, case_id=case.pk, changes={"reversed_external_id": ""}, reason="no invoice"
        )
