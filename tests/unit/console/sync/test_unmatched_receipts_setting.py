"""Finance decides per flow what a payment received that settles nothing becomes: posted to
Odoo's outstanding credits as today, or posted and given a case to match it to its invoice."""

from __future__ import annotations

from io import StringIO
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied
from django.core.management import CommandError, call_command

from console.audit.actors import Actor
from console.audit.models import AuditEvent
from console.sync.errors import SyncError
from console.sync.models import BusinessProcess, Flow, SourceSystem, UnmatchedReceipts
from console.sync.services.flows import flow_unmatched_receipts_set
from tests.conftest import PERSONAS
from tests.tables import tables_unchanged
from tests.unit.console.sync.test_closed_periods import persona

pytestmark = pytest.mark.django_db


def stripe_payments() -> Flow:
    return Flow.objects.get(source__code="stripe", event_kind="payment")


def test_flows_keep_todays_behaviour_unless_finance_chooses(configured: dict[str, Any]) -> None:
    assert set(Flow.objects.values_list("unmatched_receipts", flat=True)) == {UnmatchedReceipts.POST}
    new = Flow.objects.create(
        source=SourceSystem.objects.get(code="bankfeed"),
        event_kind="payment",
        name="Bank feed → payments",
        business_process=BusinessProcess.TREASURY,
    )
    assert new.unmatched_receipts == UnmatchedReceipts.POST


def test_only_a_controller_decides_with_a_reason_and_it_is_audited(configured: dict[str, Any]) -> None:
    flow = stripe_payments()
    controller = persona("controller")

    def decide(role_user: Any, policy: str = UnmatchedReceipts.POST_AND_MATCH, reason: str = "month end") -> Flow:
        return flow_unmatched_receipts_set(
            user=role_user, actor=Actor.person(role_user), flow_id=flow.pk, policy=policy, reason=reason
        )

    with tables_unchanged():
        for role in ("operator", "auditor", "admin"):
            with pytest.raises(PermissionDenied):
                decide(persona(role))
        with pytest.raises(SyncError, match="needs a reason"):
            decide(controller, reason="  ")
        with pytest.raises(SyncError, match="'match' is not a setting for unmatched receipts: use one of post, "):
            decide(controller, policy="match")
        with pytest.raises(SyncError, match="already does this: post it; it waits in odoo's outstanding credits"):
            decide(controller, policy=UnmatchedReceipts.POST)

    assert decide(controller).unmatched_receipts == UnmatchedReceipts.POST_AND_MATCH
    row = AuditEvent.objects.get(action="flow.unmatched_receipts_changed", object_id=str(flow.pk))
    assert (row.actor_label, row.before_data, row.after_data, row.reason) == (
        f"{PERSONAS['controller']}",
        {"unmatched_receipts": "post"},
        {"unmatched_receipts": "post_and_match"},
        "month end",
    )


def test_the_command_acts_as_the_controller_it_names(configured: dict[str, Any]) -> None:
    with tables_unchanged(), pytest.raises(CommandError, match="needs the role"):
        call_command(
            "flow_unmatched_receipts", "stripe:payment", "post_and_match", "--by", PERSONAS["auditor"], "--reason", "x"
        )
    with tables_unchanged(), pytest.raises(CommandError, match="no flow 'stripe:refund'"):
        call_command(
            "flow_unmatched_receipts", "stripe:refund", "post", "--by", PERSONAS["controller"], "--reason", "x"
        )
    out = StringIO()
    call_command(
        "flow_unmatched_receipts",
        "stripe:payment",
        "post_and_match",
        "--by",
        PERSONAS["controller"],
        "--reason",
        "Stripe sends no invoice key",
        stdout=out,
    )
    assert out.getvalue().strip() == ("Stripe charges → payments: post it and open a case to match it to its invoice")
    assert stripe_payments().unmatched_receipts == UnmatchedReceipts.POST_AND_MATCH
