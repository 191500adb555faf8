"""Reading the delivery log: the webhook endpoints a person may see, each endpoint's
deliveries per UTC day (what Shopify's and Stripe's own dashboards show from their side:
deliveries, failure rate, p90 answer time), the list behind each of those numbers, and one
delivery's story down to the events and Odoo records it produced.

Every number of the day table is the count or sum of the list it links to: the outcome
counts count the deliveries list filtered the same way, the events figure sums the listed
deliveries' event counts, and the refused figure sums the refusal counters listed by reason.
A refused request is never kept (only counted), so its list is the counters, not requests.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from django import forms
from django.db.models import Count, QuerySet, Sum
from django.db.models.functions import TruncDate

from console.access.roles import FINANCE_READERS, Role
from console.access.selectors import entity_ids_visible, user_has_role
from console.sources.models import DeliveryItem, Outcome, WebhookDelivery, WebhookRefusal
from console.sync.models import WEBHOOK_KINDS, SourceSystem

LOG_READERS = (Role.ADMIN, Role.AUDITOR)
DAYS_SHOWN = 14
MAX_DAYS = 92


def endpoints_visible(user: Any) -> QuerySet[SourceSystem]:
    """Webhook sources of the person's legal entities (a source posts for one entity)."""
    return (
        SourceSystem.objects.filter(kind__in=WEBHOOK_KINDS, entity_id__in=entity_ids_visible(user))
        .select_related("entity")
        .order_by("code")
    )


def endpoint_visible(user: Any, code: str) -> SourceSystem | None:
    return endpoints_visible(user).filter(code=code).first()


def _day_bounds(day: date) -> tuple[datetime, datetime]:
    start = datetime.combine(day, time.min, tzinfo=UTC)
    return start, start + timedelta(days=1)


@dataclass(frozen=True, slots=True)
class DayFigures:
    """One endpoint's deliveries of one UTC day, by what became of them."""

    day: date
    by_outcome: dict[str, int]
    events: int
    refused: int
    p50_ms: float | None
    p90_ms: float | None

    @property
    def stored(self) -> int:
        return sum(self.by_outcome.values())

    @property
    def answered(self) -> int:
        """Every request the endpoint answered: stored (2xx) or refused at the door (4xx)."""
        return self.stored + self.refused

    @property
    def failure_rate(self) -> float | None:
        """Answers the provider counts as failed (ours are 4xx refusals), as Shopify and Stripe do."""
        return self.refused / self.answered if self.answered else None

    def count(self, outcome: str) -> int:
        return self.by_outcome.get(outcome, 0)


def _percentile(sorted_values: list[float], share: float) -> float | None:
    """Nearest-rank percentile, as the providers' dashboards state theirs."""
    if not sorted_values:
        return None
    rank = max(1, math.ceil(share * len(sorted_values)))
    return sorted_values[rank - 1]


def endpoint_days(source: SourceSystem, *, last_day: date, days: int = DAYS_SHOWN) -> list[DayFigures]:
    """The endpoint's figures for `days` UTC days up to `last_day`, newest first; days without
    a delivery or a refusal are left out."""
    first_day = last_day - timedelta(days=days - 1)
    since, _ = _day_bounds(first_day)
    _, until = _day_bounds(last_day)
    deliveries = WebhookDelivery.objects.filter(source=source, received_at__gte=since, received_at__lt=until)
    counts: dict[date, dict[str, int]] = {}
    events: dict[date, int] = {}
    for row in (
        deliveries.annotate(day=TruncDate("received_at", tzinfo=UTC))
        .values("day", "outcome")
        .annotate(n=Count("*"), events=Sum("event_count"))
    ):
        counts.setdefault(row["day"], {})[row["outcome"]] = row["n"]
        events[row["day"]] = events.get(row["day"], 0) + (row["events"] or 0)
    refused: dict[date, int] = {
        row["day"]: row["n"]
        for row in WebhookRefusal.objects.filter(
            provider=source.kind, source_code=source.code, day__gte=first_day, day__lte=last_day
        )
        .values("day")
        .annotate(n=Sum("count"))
    }
    times: dict[date, list[float]] = {}
    # Answer times are read as one float per delivery, ordered, so a day's percentiles need no
    # second pass; a day of 100,000 deliveries is 100,000 floats.
    for day, answer_ms in (
        deliveries.annotate(day=TruncDate("received_at", tzinfo=UTC))
        .order_by("day", "answer_ms")
        .values_list("day", "answer_ms")
    ):
        times.setdefault(day, []).append(answer_ms)
    figures = [
        DayFigures(
            day=day,
            by_outcome=counts.get(day, {}),
            events=events.get(day, 0),
            refused=refused.get(day, 0),
            p50_ms=_percentile(times.get(day, []), 0.5),
            p90_ms=_percentile(times.get(day, []), 0.9),
        )
        for day in sorted(set(counts) | set(refused), reverse=True)
    ]
    return figures


# --- the lists behind the numbers ------------------------------------------------


class DeliveryFilter(forms.Form):
    """A UTC day and what became of the delivery; without a day, every day."""

    day = forms.DateField(required=False, label="UTC day")
    outcome = forms.ChoiceField(required=False, choices=[("", "any outcome"), *Outcome.choices], label="Outcome")
    topic = forms.CharField(required=False, max_length=100, label="Topic or event type")


def deliveries_listed(source: SourceSystem, form: DeliveryFilter) -> QuerySet[WebhookDelivery]:
    """The endpoint's deliveries matching a valid filter, newest first."""
    data = form.cleaned_data
    rows = WebhookDelivery.objects.filter(source=source)
    if data.get("day"):
        since, until = _day_bounds(data["day"])
        rows = rows.filter(received_at__gte=since, received_at__lt=until)
    if data.get("outcome"):
        rows = rows.filter(outcome=data["outcome"])
    if data.get("topic"):
        rows = rows.filter(topic=data["topic"])
    return rows.defer("body").order_by("-received_at", "-pk")


def events_of(rows: QuerySet[WebhookDelivery]) -> int:
    """The events the listed deliveries named: the day table's events figure for the same filter."""
    return int(rows.aggregate(n=Sum("event_count"))["n"] or 0)


class RefusalFilter(forms.Form):
    day = forms.DateField(required=False, label="UTC day")


def refusals_listed(source: SourceSystem, form: RefusalFilter) -> QuerySet[WebhookRefusal]:
    """The endpoint's refusal counters (per day and reason) for a valid filter, newest first."""
    rows = WebhookRefusal.objects.filter(provider=source.kind, source_code=source.code)
    if form.cleaned_data.get("day"):
        rows = rows.filter(day=form.cleaned_data["day"])
    return rows.order_by("-day", "reason")


# --- one delivery's story ----------------------------------------------------------


@dataclass(frozen=True, slots=True)
class DeliveryStory:
    delivery: WebhookDelivery
    items: list[DeliveryItem]
    repeats: list[WebhookDelivery]
    body_text: str
    body_cut: bool
    body_bytes: int
    may_open_events: bool


BODY_SHOWN = 64 * 1024


def delivery_story(user: Any, source: SourceSystem, delivery_id: int) -> DeliveryStory | None:
    """A delivery of a visible endpoint with what it produced, or None."""
    delivery = (
        WebhookDelivery.objects.filter(source=source, pk=delivery_id).select_related("repeat_of", "source").first()
    )
    if delivery is None:
        return None
    items = list(
        DeliveryItem.objects.filter(delivery=delivery).select_related("event", "event__flow").order_by("position")
    )
    repeats = list(WebhookDelivery.objects.filter(repeat_of=delivery).defer("body").order_by("received_at", "pk"))
    body = bytes(delivery.body)
    return DeliveryStory(
        delivery=delivery,
        items=items,
        repeats=repeats,
        body_text=body[:BODY_SHOWN].decode("utf-8", errors="replace"),
        body_cut=len(body) > BODY_SHOWN,
        body_bytes=len(body),
        may_open_events=user_has_role(user, *FINANCE_READERS),
    )
