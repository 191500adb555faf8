"""The lists behind the dashboard's event figures: events of a flow by state (or posted in a
window, or on a day), the failed posting attempts of a window and the repeated deliveries of
a window. Each is the same selection the dashboard counts (console/sync/selectors/lag.py),
restricted to the person's legal entities, so its total is the dashboard's number."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta
from typing import Any

from django import forms
from django.db.models import QuerySet

from console.access.selectors import restrict_to_entities
from console.sync.models import DuplicateAttempt, EventState, Flow, PostingAttempt, SyncEvent
from console.sync.models.events import UNPOSTED_STATES
from console.sync.selectors.lag import FAILED_OUTCOMES

UNPOSTED = "unposted"
STATE_CHOICES = [("", "any state"), (UNPOSTED, "Not posted yet (any state)"), *EventState.choices]


class WindowForm(forms.Form):
    """A flow and a time window (both ends included, as the dashboard's "since"), or a UTC day."""

    flow = forms.TypedChoiceField(required=False, coerce=int, empty_value=None, label="Flow")
    since = forms.DateTimeField(required=False, label="From")
    until = forms.DateTimeField(required=False, label="Up to")
    day = forms.DateField(required=False, label="UTC day")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        flows = self.fields["flow"]
        assert isinstance(flows, forms.TypedChoiceField)
        flows.choices = [("", "any flow"), *((str(pk), name) for pk, name in Flow.objects.values_list("pk", "name"))]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        day = data.get("day")
        if day is not None:
            if data.get("since") or data.get("until"):
                raise forms.ValidationError("give a day, or a window from ... up to ..., not both")
            start = datetime.combine(day, time.min, tzinfo=UTC)
            # The day's last microsecond: both ends of a window are included.
            data["since"], data["until"] = start, start + timedelta(days=1) - timedelta(microseconds=1)
        return data

    def window(self, rows: QuerySet[Any], field: str) -> QuerySet[Any]:
        data = self.cleaned_data
        if data.get("since"):
            rows = rows.filter(**{f"{field}__gte": data["since"]})
        if data.get("until"):
            rows = rows.filter(**{f"{field}__lte": data["until"]})
        return rows


class EventListForm(WindowForm):
    """Events by flow and state; with a window or a day, the events posted then."""

    state = forms.ChoiceField(required=False, choices=STATE_CHOICES, label="State")
    booked_later = forms.BooleanField(
        required=False, label="Booked in a later period", help_text="Odoo's lock dates moved it to a later month."
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if (data.get("since") or data.get("until")) and data.get("state") != EventState.POSTED:
            raise forms.ValidationError("a time window selects events by when they posted: choose the state Posted")
        if data.get("booked_later") and data.get("state") != EventState.POSTED:
            raise forms.ValidationError("only a posted event is booked somewhere: choose the state Posted")
        return data


def events_listed(user: Any, form: EventListForm) -> QuerySet[SyncEvent]:
    rows = SyncEvent.objects.select_related("source", "entity", "flow").defer("payload", "override")
    rows = restrict_to_entities(rows, user)
    data = form.cleaned_data
    if data.get("flow"):
        rows = rows.filter(flow_id=data["flow"])
    state = data.get("state")
    if state == UNPOSTED:
        rows = rows.filter(state__in=UNPOSTED_STATES)
    elif state:
        rows = rows.filter(state=state)
    if state == EventState.POSTED:
        if data.get("booked_later"):
            rows = rows.filter(booked_later=True)
        return form.window(rows, "posted_at").order_by("-posted_at", "-pk")
    return rows.order_by("occurred_at", "pk")


def attempts_failed(user: Any, form: WindowForm) -> QuerySet[PostingAttempt]:
    """Posting attempts that failed (Odoo refused, configuration, transient), newest first."""
    rows = PostingAttempt.objects.select_related("event", "event__entity", "event__flow").defer(
        "detail", "event__payload", "event__override"
    )
    rows = restrict_to_entities(rows.filter(outcome__in=FAILED_OUTCOMES), user, field="event__entity")
    if form.cleaned_data.get("flow"):
        rows = rows.filter(event__flow_id=form.cleaned_data["flow"])
    return form.window(rows, "finished_at").order_by("-finished_at", "-pk")


def deliveries_repeated(user: Any, form: WindowForm) -> QuerySet[DuplicateAttempt]:
    """Deliveries of a key already recorded, the same content or not, newest first."""
    rows = DuplicateAttempt.objects.select_related("event", "event__entity", "event__flow").defer(
        "payload", "event__payload", "event__override"
    )
    rows = restrict_to_entities(rows, user, field="event__entity")
    if form.cleaned_data.get("flow"):
        rows = rows.filter(event__flow_id=form.cleaned_data["flow"])
    return form.window(rows, "received_at").order_by("-received_at", "-pk")
