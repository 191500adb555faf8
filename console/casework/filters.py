"""The filters of the case list, kept in the URL. An empty state means the open ones."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from typing import Any

import django_filters
from django import forms
from django.db.models import Q, QuerySet
from django.utils import timezone

from console.access.selectors import entity_codes_by_id
from console.casework.models import OPEN_STATES, CaseState, ExceptionCase, severity_rank
from console.casework.taxonomy import Category, Severity
from console.sync.models import Flow, SyncEvent

ALL_STATES = "all"
# A search naming more cases about no event than this is too loose to list them all.
SUBJECT_MATCHES = 500
# Events a search picks by id before it reads the cases; more are joined (filter_search).
SEARCH_EVENTS = 1000
ME, UNASSIGNED = "me", "unassigned"

# value -> (label, youngest age, oldest age or None)
AGES: dict[str, tuple[str, timedelta, timedelta | None]] = {
    "0-1d": ("under a day", timedelta(0), timedelta(days=1)),
    "1-3d": ("1 to 3 days", timedelta(days=1), timedelta(days=3)),
    "3-7d": ("3 to 7 days", timedelta(days=3), timedelta(days=7)),
    "7d+": ("over 7 days", timedelta(days=7), None),
}

DEFAULT_ORDERING = "sla_due_at"
ORDERINGS: dict[str, tuple[str, tuple[str, ...]]] = {
    "sla_due_at": ("SLA due, soonest first", ("sla_due_at",)),
    "opened_at": ("Opened, oldest first", ("opened_at",)),
    "-opened_at": ("Opened, newest first", ("-opened_at",)),
    # By the absolute amount: a credit note of -900,000.00 is among the largest.
    "amount": ("Amount at stake, smallest first", ("exposure",)),
    "-amount": ("Amount at stake, largest first", ("-exposure",)),
    "severity": ("Severity, critical first", ("-severity_rank", "sla_due_at")),
}


def _ordered(queryset: QuerySet[ExceptionCase], key: str) -> QuerySet[ExceptionCase]:
    _, fields = ORDERINGS[key]
    if "-severity_rank" in fields:
        queryset = queryset.annotate(severity_rank=severity_rank())
    return queryset.order_by(*fields, "pk")


class CaseFilter(django_filters.FilterSet):  # type: ignore[misc]  # django-filter ships no type hints
    # By code in the URL, by id in SQL (the person's entities are read already): no join.
    entity = django_filters.ChoiceFilter(
        field_name="entity_id", method="filter_entity", label="Entity", empty_label="any entity"
    )
    # By id, with choices read as (id, name) pairs: no Flow instances to build for the filter bar.
    flow = django_filters.ChoiceFilter(field_name="flow_id", label="Flow", empty_label="any flow")
    category = django_filters.ChoiceFilter(choices=Category.choices, label="Category", empty_label="any category")
    severity = django_filters.ChoiceFilter(choices=Severity.choices, label="Severity", empty_label="any severity")
    state = django_filters.ChoiceFilter(
        choices=[*CaseState.choices, (ALL_STATES, "All, closed too")],
        method="filter_state",
        label="State",
        empty_label="open (any open state)",
    )
    assignee = django_filters.CharFilter(
        method="filter_assignee",
        label="Assignee",
        max_length=150,
        help_text=f"A username, {ME} or {UNASSIGNED}.",
    )
    age = django_filters.ChoiceFilter(
        choices=[(value, label) for value, (label, _, _) in AGES.items()],
        method="filter_age",
        label="Age",
        empty_label="any age",
    )
    opened = django_filters.DateFilter(
        method="filter_opened", label="Opened on", help_text="A UTC day, YYYY-MM-DD (the dashboard's trends)."
    )
    amount_min = django_filters.NumberFilter(
        field_name="exposure", lookup_expr="gte", label="At stake from", help_text="Absolute amount."
    )
    amount_max = django_filters.NumberFilter(
        field_name="exposure", lookup_expr="lte", label="At stake up to", help_text="Absolute amount."
    )
    q = django_filters.CharFilter(
        method="filter_search",
        label="Search",
        max_length=200,
        help_text="External id, correlation id or Odoo name: exact or how it starts (a reconciliation difference: "
        "any part of what it is about).",
        widget=forms.TextInput(attrs={"data-key-search": "", "type": "search"}),
    )
    cause = django_filters.CharFilter(
        field_name="cause_key",
        label="Cause",
        max_length=300,
        help_text="A cause from the causes view: the cases one fix would close.",
    )
    ordering = django_filters.ChoiceFilter(
        choices=[(value, label) for value, (label, _) in ORDERINGS.items()],
        method="filter_ordering",
        label="Order by",
        empty_label=f"{ORDERINGS[DEFAULT_ORDERING][0]} (default)",
    )

    class Meta:
        model = ExceptionCase
        fields: list[str] = []

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        user = self.request.user if self.request is not None else None
        self.entity_ids = {code: pk for pk, code in entity_codes_by_id(user).items()}
        self.filters["entity"].extra["choices"] = [(code, code) for code in self.entity_ids]
        self.flow_names = dict(Flow.objects.order_by("name").values_list("pk", "name"))
        self.filters["flow"].extra["choices"] = [(str(pk), name) for pk, name in self.flow_names.items()]

    def filter_queryset(self, queryset: QuerySet[ExceptionCase]) -> QuerySet[ExceptionCase]:
        data = self.form.cleaned_data
        queryset = super().filter_queryset(queryset)
        if not data.get("state"):
            queryset = queryset.filter(state__in=OPEN_STATES)
        if not data.get("ordering"):
            queryset = _ordered(queryset, DEFAULT_ORDERING)
        return queryset

    def tally_lookups(self) -> dict[str, Any] | None:
        """The filter as lookups on OpenCaseTally, when the tally can count what it selects
        (open cases by entity, flow, category, severity and open state); None otherwise."""
        if not self.is_valid():
            return None
        lookups: dict[str, Any] = {}
        for name, value in self.form.cleaned_data.items():
            if value in (None, "") or name in ("ordering", "page"):
                continue
            if name == "state" and value in OPEN_STATES:
                lookups["state"] = value
            elif name == "entity":
                lookups["entity_id"] = self.entity_ids[value]
            elif name in ("flow", "category", "severity"):
                lookups[self.filters[name].field_name] = value
            else:
                return None
        return lookups

    def filter_entity(self, queryset: QuerySet[ExceptionCase], name: str, value: str) -> QuerySet[ExceptionCase]:
        return queryset.filter(entity_id=self.entity_ids[value])

    def filter_state(self, queryset: QuerySet[ExceptionCase], name: str, value: str) -> QuerySet[ExceptionCase]:
        return queryset if value == ALL_STATES else queryset.filter(state=value)

    def filter_assignee(self, queryset: QuerySet[ExceptionCase], name: str, value: str) -> QuerySet[ExceptionCase]:
        value = value.strip()
        if value == ME:
            user = self.request.user if self.request is not None else None
            return queryset.filter(assignee_id=getattr(user, "pk", None)) if user is not None else queryset.none()
        if value == UNASSIGNED:
            return queryset.filter(assignee__isnull=True)
        return queryset.filter(assignee__username=value)

    def filter_age(self, queryset: QuerySet[ExceptionCase], name: str, value: str) -> QuerySet[ExceptionCase]:
        _, youngest, oldest = AGES[value]
        now = timezone.now()
        queryset = queryset.filter(opened_at__lte=now - youngest)
        return queryset if oldest is None else queryset.filter(opened_at__gt=now - oldest)

    def filter_opened(self, queryset: QuerySet[ExceptionCase], name: str, value: date) -> QuerySet[ExceptionCase]:
        start = datetime.combine(value, time.min, tzinfo=UTC)
        return queryset.filter(opened_at__gte=start, opened_at__lt=start + timedelta(days=1))

    def filter_search(self, queryset: QuerySet[ExceptionCase], name: str, value: str) -> QuerySet[ExceptionCase]:
        value = value.strip()
        if not value:
            return queryset
        # How it starts, in any case (an exact match starts so too): UPPER(...) LIKE 'VALUE%',
        # which the events' upper-case pattern indexes answer on PostgreSQL.
        match, joined = Q(), Q()
        for field in ("external_id", "correlation_id", "odoo_name"):
            match |= Q(**{f"{field}__istartswith": value})
            joined |= Q(**{f"event__{field}__istartswith": value})
        # The events first, by themselves: joined to the cases, PostgreSQL guesses thousands of
        # events match (at 10,000,000 events) and reads every case to hash them, where the few
        # that match are found by the cases' event index. A looser search joins as before.
        events = list(SyncEvent.objects.filter(match).values_list("pk", flat=True)[: SEARCH_EVENTS + 1])
        found = joined if len(events) > SEARCH_EVENTS else Q(event_id__in=events)
        # A case about no event says in its subject what it is about (the Odoo record's number
        # and marker, the day's totals): found anywhere in it. Asked first, on their few rows
        # (the event foreign key's index finds them), so the events' search keeps its plan when
        # no such case matches.
        about = queryset.filter(event__isnull=True, subject__icontains=value).order_by("pk")
        ids = list(about.values_list("pk", flat=True)[:SUBJECT_MATCHES])
        return queryset.filter(found | Q(pk__in=ids)) if ids else queryset.filter(found)

    def filter_ordering(self, queryset: QuerySet[ExceptionCase], name: str, value: str) -> QuerySet[ExceptionCase]:
        return _ordered(queryset, value)
