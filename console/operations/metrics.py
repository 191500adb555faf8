"""The Prometheus metrics, read from the database at scrape time: a custom collector whose
few aggregate queries go through each app's selectors, so that every figure is the count of
the list it comes from, whichever process (web, worker) did the work.

The histograms cover the last METRICS_HISTOGRAM_WINDOW_SECONDS (gauge histograms: take
histogram_quantile of the buckets as they are, no rate()); recording them in process would
need prometheus-client's multiprocess mode across every worker and web process.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Iterator, Sequence
from datetime import datetime, timedelta

from django.conf import settings
from django.utils import timezone
from prometheus_client import CollectorRegistry, generate_latest
from prometheus_client.core import CounterMetricFamily, GaugeHistogramMetricFamily, GaugeMetricFamily, Metric
from prometheus_client.registry import Collector

from console.audit.selectors import audit_latest_verification
from console.casework.selectors import open_cases_by_category
from console.celery import queue_depths
from console.operations.heartbeat import BEAT, WORKER, heartbeats_read
from console.operations.odoo_reach import odoo_connections_used, odoo_reachable
from console.sources.selectors import deliveries_by_source_outcome, refusals_by_reason
from console.sync.models import EventState, OdooConnection
from console.sync.selectors.lag import flows_health
from console.sync.selectors.totals import Buckets, events_by_flow_state, posting_batch_seconds, posting_latency_buckets

logger = logging.getLogger(__name__)

# Seconds: a real-time flow posts within seconds to minutes; a batch one within hours.
LATENCY_BOUNDS = (1.0, 5.0, 15.0, 30.0, 60.0, 300.0, 900.0, 3600.0, 4 * 3600.0, 24 * 3600.0)
# Seconds: one posting batch of up to 50 records in Odoo.
BATCH_BOUNDS = (0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0, 60.0, 120.0)


def _buckets(bounds: Sequence[float], counted: Buckets) -> list[tuple[str, float]]:
    out = [(str(b), float(n)) for b, n in zip(bounds, counted.at_or_under, strict=True)]
    return [*out, ("+Inf", float(counted.count))]


def _bucketed(bounds: Sequence[float], values: list[float]) -> Buckets:
    return Buckets(
        at_or_under=[sum(1 for v in values if v <= b) for b in bounds], count=len(values), total_seconds=sum(values)
    )


class ConsoleCollector(Collector):
    def __init__(self, now: datetime | None = None) -> None:
        self.now = now

    def collect(self) -> Iterator[Metric]:
        started = time.perf_counter()
        now = self.now or timezone.now()
        window = timedelta(seconds=settings.METRICS_HISTOGRAM_WINDOW_SECONDS)
        yield from self._flows(now, window)
        yield from self._queues()
        yield from self._sources()
        yield from self._cases_and_audit(now)
        yield from self._processes(now)
        scrape = GaugeMetricFamily("finops_scrape_duration_seconds", "Time this scrape spent reading the figures.")
        scrape.add_metric([], time.perf_counter() - started)
        yield scrape

    def _flows(self, now: datetime, window: timedelta) -> Iterator[Metric]:
        health = flows_health(window=window, now=now)
        label = {h.flow_id: f"{h.source_code}/{h.event_kind}" for h in health}
        by_state = events_by_flow_state()
        states = GaugeMetricFamily("finops_events", "Events now in each state, per flow.", labels=["flow", "state"])
        received = CounterMetricFamily(
            "finops_events_received", "Events recorded (accepted once; a repeat is not one), per flow.", labels=["flow"]
        )
        posted = CounterMetricFamily("finops_events_posted", "Events posted to Odoo, per flow.", labels=["flow"])
        failed = GaugeMetricFamily(
            "finops_events_failed", "Events failed (each with a case), not yet retried or dismissed.", labels=["flow"]
        )
        lag = GaugeMetricFamily(
            "finops_flow_lag_seconds", "Age of the flow's oldest event not yet posted (0: none waits).", labels=["flow"]
        )
        slo = GaugeMetricFamily("finops_flow_slo_seconds", "The flow's freshness SLO.", labels=["flow"])
        failing = GaugeMetricFamily(
            "finops_flow_failed_attempts",
            "Posting attempts that failed (transient, data or configuration) within the window, per flow.",
            labels=["flow"],
        )
        for h in health:
            name = label[h.flow_id]
            counts = {state: by_state.get((h.flow_id, state), 0) for state in EventState.values}
            for state, n in counts.items():
                states.add_metric([name, state], n)
            received.add_metric([name], sum(counts.values()))
            posted.add_metric([name], counts[EventState.POSTED])
            failed.add_metric([name], counts[EventState.FAILED])
            lag.add_metric([name], h.oldest_unposted_age_seconds or 0.0)
            slo.add_metric([name], h.slo_seconds)
            failing.add_metric([name], h.failed_attempts_in_window)
        yield from (states, received, posted, failed, lag, slo, failing)

        since = now - window
        latency = GaugeHistogramMetricFamily(
            "finops_posting_latency_seconds",
            "Events posted within the window, by their time from being received to being posted, per flow.",
            labels=["flow"],
        )
        for flow_id, counted in posting_latency_buckets(since=since, bounds=LATENCY_BOUNDS).items():
            latency.add_metric(
                [label.get(flow_id, str(flow_id))],
                _buckets(LATENCY_BOUNDS, counted),
                gsum_value=counted.total_seconds,
            )
        yield latency
        batches = _bucketed(BATCH_BOUNDS, posting_batch_seconds(since=since))
        odoo = GaugeHistogramMetricFamily(
            "finops_odoo_batch_seconds",
            "Posting batches within the window that reached Odoo, by duration (Odoo's search, create and post"
            " calls, with the console's resolving and recording around them).",
        )
        odoo.add_metric([], _buckets(BATCH_BOUNDS, batches), gsum_value=batches.total_seconds)
        yield odoo

    def _queues(self) -> Iterator[Metric]:
        up = GaugeMetricFamily("finops_broker_up", "1 when the broker answered this scrape.")
        depth = GaugeMetricFamily("finops_queue_messages", "Messages waiting in each Celery queue.", labels=["queue"])
        try:
            depths = queue_depths()
        except Exception:  # the broker is down: said by finops_broker_up, not by a failed scrape
            logger.warning("metrics: the broker did not answer", exc_info=True)
            up.add_metric([], 0)
            yield up
            return
        up.add_metric([], 1)
        for queue, n in sorted(depths.items()):
            depth.add_metric([queue], n)
        yield from (up, depth)

    def _sources(self) -> Iterator[Metric]:
        deliveries = GaugeMetricFamily(
            "finops_webhook_deliveries",
            "Webhook deliveries stored, per source and outcome.",
            labels=["source", "outcome"],
        )
        for (source, outcome), n in sorted(deliveries_by_source_outcome().items()):
            deliveries.add_metric([source, outcome], n)
        refusals = CounterMetricFamily(
            "finops_webhook_refusals",
            "Webhook deliveries refused at the door (bad signature, unknown source, too large), per provider"
            " and reason.",
            labels=["provider", "reason"],
        )
        for (provider, reason), n in sorted(refusals_by_reason().items()):
            refusals.add_metric([provider, reason], n)
        yield from (deliveries, refusals)

    def _cases_and_audit(self, now: datetime) -> Iterator[Metric]:
        cases = GaugeMetricFamily("finops_cases_open", "Exception cases open, per category.", labels=["category"])
        for category, n in sorted(open_cases_by_category().items()):
            cases.add_metric([category], n)
        yield cases
        latest = audit_latest_verification()
        if latest is None:
            return  # never verified: the alert asks for absent(...)
        age = GaugeMetricFamily(
            "finops_audit_verification_age_seconds", "Time since the audit chain's last verification finished."
        )
        age.add_metric([], (now - latest.finished_at).total_seconds())
        ok = GaugeMetricFamily("finops_audit_verification_ok", "1 when the last verification found the chain whole.")
        ok.add_metric([], 1 if latest.ok else 0)
        yield from (age, ok)

    def _processes(self, now: datetime) -> Iterator[Metric]:
        beats = heartbeats_read()
        age = GaugeMetricFamily(
            "finops_heartbeat_age_seconds",
            "Time since the beat sent its heartbeat (beat) and a worker ran one (worker).",
            labels=["process"],
        )
        for name in (BEAT, WORKER):
            if name in beats:
                age.add_metric([name], (now - beats[name]).total_seconds())
        yield age
        names = dict(OdooConnection.objects.values_list("pk", "name"))
        odoo = GaugeMetricFamily(
            "finops_odoo_reachable",
            "1 when the Odoo connection answered a version call (asked at most every HEALTH_ODOO_CACHE_SECONDS).",
            labels=["connection"],
        )
        for key, credentials in odoo_connections_used().items():
            shown = names.get(int(key), key) if key.isdigit() else key
            odoo.add_metric([shown], 1 if odoo_reachable(credentials) else 0)
        yield odoo


def metrics_text(now: datetime | None = None) -> bytes:
    registry = CollectorRegistry(auto_describe=False)
    registry.register(ConsoleCollector(now))
    return generate_latest(registry)
