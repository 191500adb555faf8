"""/metrics: not served unless a token or networks are set, refused without the token or from
outside the networks, and with it every figure is the count of the list it comes from: events
ingested and posted through the real services, a blocked one with its case, webhook deliveries
stored and refused, the audit chain verified, the heartbeats."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone
from prometheus_client.parser import text_string_to_metric_families

from console.audit.actors import Actor
from console.audit.verify import audit_chain_verify
from console.casework.models import OPEN_Q, ExceptionCase
from console.celery import queue_depths
from console.sources.models import WebhookDelivery, WebhookRefusal
from console.sources.services.endpoints import webhook_endpoint_set
from console.sync.models import EventState, Flow, PostingAttempt, PostingOutcome, SyncEvent
from console.sync.services.drain import events_drain
from tests.factories import invoice_event
from tests.unit.console.casework.conftest import ingest, unmapped_invoice
from tests.unit.console.sources.conftest import STRIPE_SECRET, Sender, stripe_event

pytestmark = pytest.mark.django_db

TOKEN = "metrics-token-7d1c0b9e"

Samples = dict[tuple[str, tuple[tuple[str, str], ...]], float]


def scrape(client: Client | None = None, token: str = TOKEN, **extra: Any) -> Samples:
    response = (client or Client()).get("/metrics", headers={"Authorization": f"Bearer {token}"}, **extra)
    assert response.status_code == 200, response.content
    assert response["Content-Type"].startswith("text/plain; version=")
    samples: Samples = {}
    for family in text_string_to_metric_families(response.content.decode()):
        for sample in family.samples:
            samples[(sample.name, tuple(sorted(sample.labels.items())))] = sample.value
    return samples


def value(samples: Samples, name: str, **labels: str) -> float:
    return samples[(name, tuple(sorted(labels.items())))]


def test_not_served_when_neither_a_token_nor_networks_are_set(db: None, settings: Any) -> None:
    settings.METRICS_TOKEN = ""
    settings.METRICS_ALLOWED_NETWORKS = []
    assert Client().get("/metrics").status_code == 404
    assert Client().get("/metrics", headers={"Authorization": "Bearer anything"}).status_code == 404


def test_refused_without_the_token_or_with_another(db: None, settings: Any) -> None:
    settings.METRICS_TOKEN = TOKEN
    answer = Client().get("/metrics")
    assert answer.status_code == 401 and answer["WWW-Authenticate"].startswith("Bearer")
    assert b"finops_" not in answer.content
    for header in (f"Token {TOKEN}", "Bearer", f"Bearer {TOKEN}x", f"Basic {TOKEN}"):
        refused = Client().get("/metrics", headers={"Authorization": header})
        assert refused.status_code in (401, 403), header
        assert b"finops_" not in refused.content
    # A signed-in person's session is no way in either.
    assert Client().get(f"/metrics?token={TOKEN}").status_code == 401


def test_allowed_networks_refuse_other_addresses(db: None, settings: Any) -> None:
    settings.METRICS_TOKEN = ""
    settings.METRICS_ALLOWED_NETWORKS = ["10.0.0.0/8", "not-a-network"]
    assert Client(REMOTE_ADDR="192.168.1.5").get("/metrics").status_code == 403
    assert Client(REMOTE_ADDR="10.20.30.40").get("/metrics").status_code == 200
    # With both, both are needed.
    settings.METRICS_TOKEN = TOKEN
    assert Client(REMOTE_ADDR="10.20.30.40").get("/metrics").status_code == 401
    outside = Client(REMOTE_ADDR="192.168.1.5", headers={"Authorization": f"Bearer {TOKEN}"})
    assert outside.get("/metrics").status_code == 403
    scrape(Client(REMOTE_ADDR="10.20.30.40"))


@pytest.fixture
def traffic(configured: dict[str, Any], worker_ran: None, settings: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    """Three invoices posted, one blocked on an unmapped tax (its case open), a Stripe delivery
    stored and one refused for its signature, the audit chain verified."""
    settings.METRICS_TOKEN = TOKEN
    settings.WEBHOOK_ENDPOINT_CACHE_SECONDS = 0
    ingest(configured["token"], *(invoice_event(f"order-m{i}") for i in range(3)), unmapped_invoice("order-mvat"))
    events_drain()
    monkeypatch.setenv("STRIPE_US_WEBHOOK_SECRET", STRIPE_SECRET)
    webhook_endpoint_set(
        actor=Actor.system("test"),
        user=None,
        code="stripe-us",
        provider="stripe",
        entity_code="US01",
        secret_env="STRIPE_US_WEBHOOK_SECRET",
    )
    sender = Sender(Client())
    assert sender.stripe(stripe_event("evt_metrics_1")).status_code == 200
    assert sender.stripe(stripe_event("evt_metrics_2"), secret="whsec_wrong").status_code == 401
    audit_chain_verify(triggered_by="test")


def test_every_figure_is_the_count_of_its_list(traffic: None) -> None:
    samples = scrape()
    for flow in Flow.objects.select_related("source"):
        name = f"{flow.source.code}/{flow.event_kind}"
        events = SyncEvent.objects.filter(flow=flow)
        assert value(samples, "finops_events_received_total", flow=name) == events.count()
        assert value(samples, "finops_events_posted_total", flow=name) == events.filter(state="posted").count()
        assert value(samples, "finops_events_failed", flow=name) == events.filter(state="failed").count()
        for state in EventState.values:
            assert value(samples, "finops_events", flow=name, state=state) == events.filter(state=state).count()
        assert value(samples, "finops_flow_slo_seconds", flow=name) == flow.freshness_slo_seconds
    invoices = SyncEvent.objects.filter(kind="customer_invoice")
    flow = "shopify/customer_invoice"
    assert value(samples, "finops_events_posted_total", flow=flow) == 3
    assert value(samples, "finops_events", flow=flow, state="blocked") == 1
    # The blocked one waits: the flow's lag is its age.
    assert value(samples, "finops_flow_lag_seconds", flow=flow) > 0

    posted = invoices.filter(state="posted")
    assert value(samples, "finops_posting_latency_seconds_gcount", flow=flow) == posted.count()
    assert value(samples, "finops_posting_latency_seconds_bucket", flow=flow, le="+Inf") == posted.count()
    slowest = max((e.posted_at - e.received_at).total_seconds() for e in posted if e.posted_at)
    assert value(samples, "finops_posting_latency_seconds_bucket", flow=flow, le="60.0") == (3 if slowest <= 60 else 0)
    batches = PostingAttempt.objects.exclude(outcome=PostingOutcome.BLOCKED).values("batch_id").distinct().count()
    assert value(samples, "finops_odoo_batch_seconds_gcount") == batches >= 1

    for category in ExceptionCase.objects.values_list("category", flat=True).distinct():
        open_cases = ExceptionCase.objects.filter(OPEN_Q, category=category).count()
        assert value(samples, "finops_cases_open", category=category) == open_cases
    assert value(samples, "finops_cases_open", category="missing_mapping") == 1

    stored = WebhookDelivery.objects.get()
    assert value(samples, "finops_webhook_deliveries", source="stripe-us", outcome=stored.outcome) == 1
    refused = WebhookRefusal.objects.get()
    assert value(samples, "finops_webhook_refusals_total", provider="stripe", reason=refused.reason) == refused.count

    for queue, depth in queue_depths().items():
        assert value(samples, "finops_queue_messages", queue=queue) == depth
    assert value(samples, "finops_broker_up") == 1
    assert 0 <= value(samples, "finops_audit_verification_age_seconds") < 60
    assert value(samples, "finops_audit_verification_ok") == 1
    assert 0 <= value(samples, "finops_heartbeat_age_seconds", process="worker") < 60
    assert 0 <= value(samples, "finops_heartbeat_age_seconds", process="beat") < 60
    assert value(samples, "finops_odoo_reachable", connection="default") == 1


def test_the_histograms_cover_only_the_window(traffic: None, settings: Any) -> None:
    SyncEvent.objects.filter(state="posted").update(posted_at=timezone.now() - timedelta(hours=2))
    PostingAttempt.objects.update(finished_at=timezone.now() - timedelta(hours=2))
    settings.METRICS_HISTOGRAM_WINDOW_SECONDS = 3600
    samples = scrape()
    assert ("finops_posting_latency_seconds_gcount", (("flow", "shopify/customer_invoice"),)) not in samples
    assert value(samples, "finops_odoo_batch_seconds_gcount") == 0
    # The totals are not windowed.
    assert value(samples, "finops_events_posted_total", flow="shopify/customer_invoice") == 3


def test_a_scrape_costs_the_same_few_queries_whatever_the_traffic(
    traffic: None, django_assert_max_num_queries: Any, configured: dict[str, Any]
) -> None:
    with django_assert_max_num_queries(20) as few:
        scrape()
    counted = len(few.captured_queries)  # read now: the next request clears the connection's log
    ingest(configured["token"], *(invoice_event(f"order-more{i}") for i in range(40)))
    events_drain()
    with django_assert_max_num_queries(counted):
        scrape()


def test_the_broker_down_is_a_figure_not_a_failed_scrape(traffic: None, redis_down: None) -> None:
    samples = scrape()
    assert value(samples, "finops_broker_up") == 0
    assert not [key for key in samples if key[0] == "finops_queue_messages"]
