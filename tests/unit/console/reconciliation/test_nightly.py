"""The beat reconciles every entity's active flows for the previous UTC day, once a night."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from celery.schedules import crontab
from django.conf import settings

from console.reconciliation.models import ReconciliationRun, RunStatus
from console.reconciliation.tasks import reconcile_previous_day
from console.sync.models import Flow
from console.sync.services.drain import events_drain
from tests.unit.console.reconciliation.conftest import ingest, order

pytestmark = pytest.mark.django_db


def test_the_beat_runs_it_each_night_after_the_day_is_over() -> None:
    entry = settings.CELERY_BEAT_SCHEDULE["reconcile-previous-day"]
    assert entry["task"] == "reconciliation.reconcile_previous_day"
    schedule = entry["schedule"]
    assert isinstance(schedule, crontab) and schedule.hour == {3} and schedule.minute == {15}


def test_the_nightly_run_takes_yesterday_for_every_active_flow(token: str, configured: dict[str, Any]) -> None:
    yesterday = dt.datetime.now(dt.UTC).date() - dt.timedelta(days=1)
    event = order("order-late")
    event["occurred_at"] = f"{yesterday.isoformat()}T23:59:59Z"  # the last second of the day
    ingest(token, event)
    events_drain()
    assert reconcile_previous_day() == Flow.objects.filter(is_active=True).count()
    runs = ReconciliationRun.objects.filter(day=yesterday)
    assert runs.count() == Flow.objects.filter(is_active=True).count()
    assert {r.started_by for r in runs} == {"system:reconciliation.nightly"}
    shop = runs.get(flow__source__code="shopify", flow__event_kind="customer_invoice")
    assert shop.status == RunStatus.RECONCILED and shop.received["count"] == 1
