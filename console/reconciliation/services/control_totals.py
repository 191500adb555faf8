"""Recording what a source says it sent for a day: its control total.

A control total arrives through the API under a service account's token, scoped like an event:
the flow's source and the entity must both be the account's. It is checked whole before
anything is written; a later total for the same entity, flow and day replaces the earlier one,
and the trail keeps both (before and after of the replacement). Files that carry their own
totals (a bank statement, a pay run) need none: a run reads their figures from the files
(console/sources/file_totals.py) when the source sent no control total for the day.
"""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone

from console.access.models import ServiceAccount
from console.audit.actors import Actor
from console.audit.services import AuditEntry, audit_record
from console.reconciliation.errors import ReconciliationError
from console.reconciliation.figures import Figures
from console.reconciliation.models import ControlTotal, TotalOrigin
from console.sync.models import Flow, LegalEntity
from integrations.canonical import CENT, FIRST_YEAR, LAST_YEAR, printable_name
from integrations.iso4217 import ACTIVE_CURRENCIES

FIELDS = frozenset({"kind", "flow", "entity", "day", "count", "amounts"})
MAX_COUNT = 100_000_000
MAX_CURRENCIES = 50
# A day's total may add up many documents: more digits than one document's amount.
_TOTAL = re.compile(r"-?[0-9]{1,17}(?:\.[0-9]{1,2})?")


def _bad(message: str, code: str = "invalid_field", status: int = 400) -> ReconciliationError:
    return ReconciliationError(message, status=status, code=code)


def _flow(value: Any) -> Flow:
    """A flow as the API names it: its source and kind ("shopify:customer_invoice"), or its id."""
    if isinstance(value, int) and not isinstance(value, bool):
        flow = Flow.objects.select_related("source").filter(pk=value).first()
    elif isinstance(value, str) and ":" in value and len(value) <= 100:
        source, _, kind = value.partition(":")
        flow = Flow.objects.select_related("source").filter(source__code=source, event_kind=kind).first()
    else:
        raise _bad('flow: must name a flow as "source:kind" (e.g. "shopify:customer_invoice") or by its id')
    if flow is None:
        raise _bad(f"flow: no flow {printable_name(str(value))!r}", "unknown_flow")
    if not flow.is_active:
        raise _bad(f"flow: {flow.name!r} is inactive", "inactive_flow")
    return flow


def _day(value: Any) -> dt.date:
    if not isinstance(value, str) or not re.fullmatch(r"[0-9]{4}-[0-9]{2}-[0-9]{2}", value):
        raise _bad('day: must be a date such as "2026-12-02" (a UTC day)')
    try:
        day = dt.date.fromisoformat(value)
    except ValueError:
        raise _bad(f"day: {value} is not a date") from None
    if not FIRST_YEAR <= day.year <= LAST_YEAR:
        raise _bad(f"day: {value} is outside {FIRST_YEAR} to {LAST_YEAR}")
    if day > timezone.now().date():
        raise _bad(f"day: {value} is in the future (days are UTC days)")
    return day


def _count(value: Any) -> int:
    if not isinstance(value, int) or isinstance(value, bool) or not 0 <= value <= MAX_COUNT:
        raise _bad(f"count: must be a whole number from 0 to {MAX_COUNT:,}")
    return value


def _amounts(value: Any) -> dict[str, Decimal]:
    if not isinstance(value, dict):
        raise _bad('amounts: must be an object of currency to decimal string, e.g. {"USD": "18430.00"}')
    if len(value) > MAX_CURRENCIES:
        raise _bad(f"amounts: at most {MAX_CURRENCIES} currencies")
    amounts = {}
    for currency, amount in value.items():
        if currency not in ACTIVE_CURRENCIES:
            raise _bad(f"amounts: {printable_name(str(currency))!r} is not an ISO 4217 currency code")
        if not isinstance(amount, str):
            raise _bad(f'amounts.{currency}: must be a decimal string such as "18430.00", not a JSON number')
        if not amount.isascii() or not _TOTAL.fullmatch(amount):
            raise _bad(f"amounts.{currency}: {printable_name(amount)!r} is not a decimal number such as 18430.00")
        amounts[currency] = Decimal(amount).quantize(CENT)
    return amounts


def control_total_check(*, account: ServiceAccount, item: Any) -> tuple[LegalEntity, Flow, dt.date, Figures]:
    """The total's entity, flow, day and figures; ReconciliationError naming the first problem."""
    if not isinstance(item, dict):
        raise _bad("a control total must be a JSON object", "invalid_body")
    unknown = sorted(set(item) - FIELDS)
    if unknown:
        raise _bad(f"unknown field(s): {', '.join(printable_name(str(u)) for u in unknown)}", "unknown_field")
    missing = sorted(FIELDS - set(item))
    if missing:
        raise _bad(f"{', '.join(missing)}: required", "missing_field")
    if item["kind"] != "control_total":
        raise _bad('kind: must be "control_total"')
    flow = _flow(item["flow"])
    if not account.sources.filter(pk=flow.source_id).exists():
        raise _bad(f"flow: this token may not send for source {flow.source.code!r}", "source_not_allowed", 403)
    code = item["entity"]
    entity = LegalEntity.objects.filter(code=code).first() if isinstance(code, str) and len(code) <= 32 else None
    if entity is None:
        raise _bad(f"entity: unknown legal entity {printable_name(str(code))!r}", "unknown_entity")
    if not account.entities.filter(pk=entity.pk).exists():
        raise _bad(f"entity: this token may not send for {entity.code!r}", "entity_not_allowed", 403)
    return entity, flow, _day(item["day"]), Figures(_count(item["count"]), _amounts(item["amounts"]))


@transaction.atomic
def control_total_record(*, account: ServiceAccount, item: Any) -> ControlTotal:
    entity, flow, day, figures = control_total_check(account=account, item=item)
    return _record(
        entity=entity,
        flow=flow,
        day=day,
        figures=figures,
        origin=TotalOrigin.API,
        sent_by=account.name,
        actor=Actor.service(account.name),
    )


def _record(
    *,
    entity: LegalEntity,
    flow: Flow,
    day: dt.date,
    figures: Figures,
    origin: TotalOrigin,
    sent_by: str,
    actor: Actor,
) -> ControlTotal:
    now = timezone.now()
    current = ControlTotal.objects.select_for_update().filter(entity=entity, flow=flow, day=day).first()
    after = {"day": day.isoformat(), "flow": flow.pk, "origin": origin.value, "sent_by": sent_by, **figures.as_json()}
    before = None
    if current is None:
        current = ControlTotal(entity=entity, flow=flow, day=day)
    else:
        before = {
            "day": day.isoformat(),
            "flow": flow.pk,
            "origin": current.origin,
            "sent_by": current.sent_by,
            "count": current.count,
            "amounts": current.amounts,
        }
        current.replaced += 1
    current.count, current.amounts = figures.count, figures.as_json()["amounts"]
    current.origin, current.sent_by, current.received_at = origin, sent_by, now
    current.save()
    audit_record(
        actor=actor,
        entry=AuditEntry(
            action="control_total.replaced" if before else "control_total.recorded",
            object_type="control_total",
            object_id=str(current.pk),
            entity_code=entity.code,
            before=before,
            after=after,
            reason=f"{flow.name}, {day.isoformat()}: the source says {figures.words()}",
        ),
    )
    return current
