"""A paused flow under running workers and beat: events keep arriving over HTTP and none posts;
resumed, each posts exactly once."""

from __future__ import annotations

import time
from typing import Any

import pytest

from console.access.models import User
from console.audit.actors import Actor
from console.sync.models import EventState, Flow, PostingAttempt, SyncEvent
from console.sync.services.flow_pause import flow_pause, flow_resume
from tests.factories import invoice_event, vendor_bill_event
from tests.integration.conftest import Workers, wait_until
from tests.integration.http import send
from tests.integration.test_posting_pipeline import assert_no_duplicates, odoo_refs

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_paused_flow_posts_nothing_under_a_worker_and_resuming_posts_each_once(
    configured: dict[str, Any], live_server: Any, workers: Workers
) -> None:
    flow = Flow.objects.get(source__code="shopify", event_kind="customer_invoice")
    olivia, carl = User.objects.get(username="olivia"), User.objects.get(username="carl")
    flow_pause(flow_id=flow.pk, user=olivia, actor=Actor.person(olivia), reason="incident")
    workers.start()
    token = configured["token"]
    for wave in range(3):  # events keep arriving while it is paused
        status, _ = send(live_server.url, token, {"events": [invoice_event(f"held-{wave}-{n}") for n in range(10)]})
        assert status == 201
    status, _ = send(live_server.url, token, {"events": [vendor_bill_event("bill-while-paused")]})
    assert status == 201
    # The bill's flow is not paused: its posting shows the worker is up and working.
    wait_until(
        lambda: SyncEvent.objects.filter(kind="vendor_bill", state=EventState.POSTED).exists(),
        timeout=60,
        what="the vendor bill posted",
    )
    time.sleep(4)  # several of the beat's sweeps (every second), and any late message
    held = SyncEvent.objects.filter(flow=flow)
    assert held.count() == 30
    assert set(held.values_list("state", flat=True)) == {EventState.QUEUED}, workers.logs()
    assert not PostingAttempt.objects.filter(event__flow=flow).exists()
    assert not odoo_refs(configured["sandbox"], "held-")

    _, sent = flow_resume(flow_id=flow.pk, user=carl, actor=Actor.person(carl), reason="incident over")
    assert sent == 30
    wait_until(lambda: held.filter(state=EventState.POSTED).count() == 30, timeout=90, what="the backlog posted")
    refs = odoo_refs(configured["sandbox"], "held-")
    assert_no_duplicates(refs)
    assert len(refs) == 30
    assert PostingAttempt.objects.filter(event__flow=flow).count() == 30
