"""Reading cases for the workbench pages. Every read goes through
restrict_to_entities(): a case of an entity the user does not hold is not found."""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any, NamedTuple

from django.core.paginator import Page, Paginator
from django.db.models import Count, QuerySet, Sum
from django.utils.functional import cached_property

from console.access.models import User
from console.access.roles import Role
from console.access.selectors import restrict_to_entities, user_roles
from console.casework.duplicate_reads import RepeatComparison, repeat_comparison, suspected_duplicate_of
from console.casework.materiality import Judgement, judge_ending
from console.casework.models import (
    OPEN_Q,
    ApprovalState,
    CaseActivity,
    CaseApproval,
    CaseState,
    ExceptionCase,
    OpenCaseTally,
    ReceiptMatch,
)
from console.casework.payload_document import Document, payload_document
from console.casework.services.actions import ACTION_ROLES, match_in_flight
from console.casework.taxonomy import INFO, RECONCILIATION_CATEGORIES, Category, CategoryInfo
from console.sync.models import DuplicateAttempt, Flow, LegalEntity, PostingAttempt, SyncEvent
from console.sync.overrides import override_diff
from console.sync.services.credit_notes import CreditNoteDraft, credit_note_applies
from console.sync.services.interventions import WORKABLE
from integrations.canonical import CENT


def cases_visible(user: Any) -> QuerySet[ExceptionCase]:
    """Cases of the user's legal entities, with what a list row shows. The event's
    payload is left in the database: a list never shows it."""
    rows = ExceptionCase.objects.select_related("entity", "flow", "event", "assignee").defer(
        "event__payload", "event__override", "event__mapping_versions"
    )
    return restrict_to_entities(rows, user)


@dataclass(frozen=True)
class CaseTotals:
    """How many cases a list holds and their money at stake per currency (gross: the sum of
    absolute amounts), as the list states them above its rows."""

    count: int
    money: dict[str, Decimal]


def _totals(rows: Any) -> CaseTotals:
    count, money = 0, {}
    for currency, n, amount in rows:
        count += int(n or 0)
        if n:
            money[currency] = Decimal(str(amount or 0)).quantize(CENT)
    return CaseTotals(count, dict(sorted(money.items())))


def open_cases_counted(user: Any, lookups: dict[str, Any]) -> CaseTotals:
    """The open cases of the user's legal entities that match `lookups` on OpenCaseTally."""
    tally = restrict_to_entities(OpenCaseTally.objects.filter(**lookups), user)
    return _totals(
        tally.values("currency").annotate(n=Sum("cases"), m=Sum("amount")).order_by().values_list("currency", "n", "m")
    )


def cases_counted(cases: QuerySet[ExceptionCase]) -> CaseTotals:
    """The cases a filter selects, counted with their money in one statement."""
    # count(*), not count(id): with no id to read, the indexes that hold the currency and the
    # exposure answer it alone.
    grouped = cases.order_by().values("currency").annotate(n=Count("*"), m=Sum("exposure"))
    return _totals(grouped.values_list("currency", "n", "m"))


class CaseRow(NamedTuple):
    """What a case list row shows, read as plain values: no model instances for a page."""

    pk: int
    category: str
    severity: str
    state: str
    entity_code: str
    flow_name: str
    external_id: str
    amount: Decimal
    currency: str
    opened_at: datetime
    sla_due_at: datetime
    assignee_name: str | None
    # Where its event was booked, when Odoo put it in a later period than its date.
    booked_later: bool = False
    source_date: date | None = None
    odoo_date: date | None = None
    # What a case about no event (a reconciliation difference) is about, shown in place of
    # the external id of its event.
    subject: str = ""


class RowNames(NamedTuple):
    """Codes of entities and names of flows by id, as the filter bar has read them: a list row
    takes them from here instead of joining two more tables for every page."""

    entities: Mapping[int, str]
    flows: Mapping[int, str]


ROW_COLUMNS = (
    "pk",
    "category",
    "severity",
    "state",
    "entity_id",
    "flow_id",
    "event__external_id",
    "amount",
    "currency",
    "opened_at",
    "sla_due_at",
    "assignee__username",
    "event__booked_later",
    "event__source_date",
    "event__odoo_date",
    "subject",
)
# The first pages of a list are read in one statement; deeper, the page's ids are picked
# first, so the rows skipped are not joined to their events (at row 1,000 on PostgreSQL that
# join took 13 ms and two parallel workers; picking the ids first, under 2 ms).
SHALLOW_ROWS = 250


class CasePaginator(Paginator[CaseRow]):
    """Pages of a case list as CaseRow values (no model instances). A count already known
    (from the tally) is not counted again."""

    def __init__(
        self, cases: QuerySet[ExceptionCase], per_page: int, names: RowNames, count: int | None = None
    ) -> None:
        super().__init__(cases, per_page)  # type: ignore[arg-type]  # pages of rows read from these cases
        self.cases = cases
        self.names = names
        self.known_count = count

    @cached_property
    def count(self) -> int:
        return self.known_count if self.known_count is not None else self.cases.count()

    def page(self, number: Any) -> Page[CaseRow]:
        number = self.validate_number(number)
        bottom = (number - 1) * self.per_page
        top = bottom + self.per_page
        if top + self.orphans >= self.count:
            top = self.count
        if bottom < SHALLOW_ROWS:
            found = list(self.cases.values_list(*ROW_COLUMNS)[bottom:top])
        else:
            ids = list(self.cases.values_list("pk", flat=True)[bottom:top])
            place = {pk: at for at, pk in enumerate(ids)}
            rows = ExceptionCase.objects.filter(pk__in=ids).values_list(*ROW_COLUMNS)
            found = sorted(rows, key=lambda values: place[values[0]])
        return Page(self._named(found), number, self)

    def _named(self, found: list[tuple[Any, ...]]) -> list[CaseRow]:
        entities, flows = self.names
        if any(values[4] not in entities or values[5] not in flows for values in found):
            # Added since the filter bar read them (or not offered there): read them now.
            entities = {**entities, **dict(LegalEntity.objects.values_list("pk", "code"))}
            flows = {**flows, **dict(Flow.objects.values_list("pk", "name"))}
        return [
            CaseRow(pk, category, severity, state, entities[entity_id], flows[flow_id], external_id or "", *rest)
            for pk, category, severity, state, entity_id, flow_id, external_id, *rest in found
        ]


def case_get(user: Any, case_id: int) -> ExceptionCase | None:
    rows = ExceptionCase.objects.select_related("entity", "flow", "event", "event__source", "assignee")
    return restrict_to_entities(rows, user).filter(pk=case_id).first()


def case_assignees(case: ExceptionCase) -> QuerySet[User]:
    """Active finance operators who hold the case's legal entity (directly or through a group)."""
    from guardian.shortcuts import get_users_with_perms

    holders = get_users_with_perms(case.entity, only_with_perms_in=["view_legalentity"], with_group_users=True)
    assert isinstance(holders, QuerySet)
    operators = User.objects.filter(is_active=True, groups__name=Role.OPERATOR.group_name)
    return operators.filter(pk__in=holders.values("pk")).distinct().order_by("username")


def pending_approval(case: ExceptionCase) -> CaseApproval | None:
    return (
        CaseApproval.objects.select_related("requested_by")
        .filter(case=case, state=ApprovalState.PENDING)
        .order_by("pk")
        .first()
    )


def allowed_actions(user: Any, case: ExceptionCase, pending: CaseApproval | None = None) -> list[str]:
    """The actions of ACTION_ROLES the user's roles allow and the case's state permits,
    in ACTION_ROLES order. The services check all of it again; this decides the buttons."""
    roles = user_roles(user)
    waiting = case.state == CaseState.WAITING_APPROVAL
    if waiting and pending is None:
        pending = pending_approval(case)
    workable = case.is_open and not waiting
    decidable = pending is not None and pending.requested_by_id != user.pk
    receipt = case.category == Category.UNMATCHED_RECEIPT
    # A receipt being matched in Odoo waits for the outcome: nothing else ends it meanwhile.
    settling = receipt and workable and match_in_flight(case) is not None
    # A reconciliation difference about no event is fixed in Odoo or at the source and the day
    # re-run (its run's page), or dismissed: nothing here would post anything.
    event = case.event
    postable = workable and event is not None and event.state in WORKABLE
    permitted = {
        "claim": workable and case.assignee_id != user.pk,
        "assign": workable,
        "comment": True,
        "retry": postable,
        "resubmit": postable,
        # A receipt is posted: it is left unmatched (dismiss), never a duplicate not to post.
        "mark_duplicate": workable and not receipt and event is not None,
        "dismiss": workable and not settling,
        "credit_note": workable and event is not None and credit_note_applies(event),
        "match_receipt": workable and receipt and not settling,
        "approve": decidable,
        "reject": decidable,
    }
    return [action for action, needs in ACTION_ROLES.items() if permitted[action] and roles & set(needs)]


@dataclass(frozen=True)
class TimelineEntry:
    at: datetime
    source: str  # "event", "attempt", "duplicate" or "case": what the line comes from
    what: str
    who: str = ""
    text: str = ""
    detail: str = ""
    diff: list[dict[str, Any]] | None = None
    payload_json: str = ""  # a conflicting delivery's content, to compare with the original


@dataclass(frozen=True)
class CaseDetail:
    case: ExceptionCase
    info: CategoryInfo
    timeline: list[TimelineEntry]
    pending: CaseApproval | None
    actions: list[str]
    payload_json: str
    override_diff: list[dict[str, Any]]
    matches: list[ReceiptMatch]  # an unmatched receipt's matches asked for, newest first
    document: Document | None = None  # the payload read as its document (None: no event)
    repeat: RepeatComparison | None = None  # the latest conflicting repeat against the event
    duplicate_of: SyncEvent | None = None  # the earlier event a suspected duplicate may repeat
    waits_for: SyncEvent | None = None  # the document a blocked payment or credit note waits for

    @property
    def reconciliation(self) -> bool:
        """Opened by a reconciliation run: its fix is to re-run the day once the cause is fixed."""
        return self.case.category in RECONCILIATION_CATEGORIES

    @property
    def missing_mapping(self) -> tuple[str, str, str] | None:
        """(entity code, kind, source code) when the event waits for a mapping: the case links
        to the mapping editor, pre-filled, for the operator to propose it."""
        key = self.case.event.blocked_on if self.case.event is not None else ""
        if not key.startswith("mapping:"):
            return None
        _, kind, entity_code, code = key.split(":", 3)
        return entity_code, kind, code


def pretty_json(payload: Any) -> str:
    return json.dumps(payload, indent=2, sort_keys=True, ensure_ascii=False)


def case_timeline(case: ExceptionCase) -> list[TimelineEntry]:
    """The event's reception, its posting attempts and repeated deliveries, and the
    case's own activity, oldest first (on equal times, in that order). A case about no event
    has its own activity only."""
    if case.event is None:
        return activity_timeline(case.activities.all())
    return event_timeline(case.event, case.activities.all())


def _activity_entry(activity: CaseActivity) -> TimelineEntry:
    data = activity.data if isinstance(activity.data, dict) else {}
    diff = data.get("diff")
    return TimelineEntry(
        activity.at,
        "case",
        activity.get_kind_display(),
        who=activity.actor_label,
        text=activity.text,
        diff=diff if isinstance(diff, list) else None,
    )


def event_timeline(event: SyncEvent, activities: QuerySet[CaseActivity]) -> list[TimelineEntry]:
    """The event's story across systems, with the given case activity woven in."""
    if event.derived_from_id is not None:
        made = f"Made from event {event.derived_from_id} in the workbench"
        entries = [TimelineEntry(event.received_at, "event", made)]
    else:
        received = f"Received from {event.source.name}"
        entries = [TimelineEntry(event.received_at, "event", received, who=event.source.code)]
    for attempt in PostingAttempt.objects.filter(event=event).order_by("number"):
        entries.append(
            TimelineEntry(
                attempt.started_at,
                "attempt",
                f"Posting attempt {attempt.number}: {attempt.get_outcome_display()}",
                text=attempt.message,
                detail=attempt.error_class,
            )
        )
    for repeat in DuplicateAttempt.objects.filter(event=event).order_by("received_at", "pk"):
        entries.append(
            TimelineEntry(
                repeat.received_at,
                "duplicate",
                "Sent again, same content" if repeat.same_payload else "Sent again with different content",
                text=f"correlation id {repeat.correlation_id}" if repeat.correlation_id else "",
                payload_json=pretty_json(repeat.payload) if repeat.payload is not None else "",
            )
        )
    entries.extend(activity_timeline(activities))
    return sorted(entries, key=lambda entry: entry.at)


def activity_timeline(activities: QuerySet[CaseActivity]) -> list[TimelineEntry]:
    entries = []
    for activity in activities.order_by("at", "pk"):
        data = activity.data if isinstance(activity.data, dict) else {}
        diff = data.get("diff")
        entries.append(
            TimelineEntry(
                activity.at,
                "case",
                activity.get_kind_display(),
                who=activity.actor_label,
                text=activity.text,
                diff=diff if isinstance(diff, list) else None,
            )
        )
    return entries


def case_detail(user: Any, case_id: int) -> CaseDetail | None:
    """The case with everything its page shows, or None when it is not in the user's entities."""
    case = case_get(user, case_id)
    if case is None:
        return None
    pending = pending_approval(case)
    event = case.event if case.event_id is not None else None
    category = Category(case.category)
    return CaseDetail(
        case=case,
        info=INFO[category],
        timeline=case_timeline(case),
        pending=pending,
        actions=allowed_actions(user, case, pending),
        payload_json=pretty_json(event.payload) if event is not None else "",
        override_diff=override_diff(event.payload, event.override or {}) if event is not None else [],
        matches=list(case.matches.select_related("requested_by").order_by("-pk"))
        if category == Category.UNMATCHED_RECEIPT
        else [],
        document=payload_document(event.kind, event.payload, event.override) if event is not None else None,
        repeat=repeat_comparison(event) if event is not None else None,
        duplicate_of=suspected_duplicate_of(event)
        if event is not None and category == Category.SUSPECTED_DUPLICATE and case.is_open
        else None,
        waits_for=blocking_document(event) if event is not None and category == Category.WAITING_ON_INVOICE else None,
    )


def blocking_document(event: SyncEvent) -> SyncEvent | None:
    """The received document a blocked payment or credit note waits for to post, by its block
    key (resolution.invoice_block_key, event_block_key); None when it was not received."""
    parts = event.blocked_on.split(":", 3)
    rows = SyncEvent.objects.filter(entity_id=event.entity_id).only("pk", "kind", "external_id")
    if parts[0] == "event" and len(parts) == 2 and parts[1].isdigit():
        return rows.filter(pk=int(parts[1])).first()
    if parts[0] == "key" and len(parts) == 4 and parts[1].isdigit():
        return rows.filter(source_id=int(parts[1]), kind=parts[2], external_id=parts[3]).first()
    return None


def credit_note_judgement(case: ExceptionCase) -> Judgement:
    """Whether turning the case into a credit note waits for a controller: it ends the invoice
    without posting it, as a dismissal does."""
    event = case.the_event
    return judge_ending(
        kind=event.kind,
        payload=event.effective_payload,
        amount=event.amount,
        threshold=case.entity.materiality_threshold,
    )


@dataclass(frozen=True)
class CreditNoteLine:
    description: str
    quantity: Decimal
    unit_price_before: Decimal
    unit_price: Decimal
    subtotal: Decimal
    tax_code: str
    account_code: str


def credit_note_lines(draft: CreditNoteDraft) -> list[CreditNoteLine]:
    """The credit note's lines beside the invoice's prices they turn, for the confirmation page."""
    return [
        CreditNoteLine(
            line.description,
            line.quantity,
            -line.unit_price,
            line.unit_price,
            line.subtotal,
            line.tax_code,
            line.account_code,
        )
        for line in draft.document.lines
    ]


def open_cases_by_category() -> dict[str, int]:
    """Open cases (open, in progress, waiting for approval) of every entity, per category."""
    rows = ExceptionCase.objects.filter(OPEN_Q).values_list("category").annotate(n=Count("id")).order_by()
    return dict(rows)
