"""A controller's approvals inbox: every request waiting for their decision, oldest first.

Four kinds wait for a controller: a material decision on a case (CaseApproval), a mapping
change submitted (maker-checker), a materiality threshold and an Odoo connection change. Each
is listed only when the controller may decide it: of their entities (a connection: of which
they hold every entity) and not asked for by them. The count the navigation and the dashboard
show is counted with the same filters as the list (inbox_count), and the page says the same."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any

from django.db.models import QuerySet
from django.urls import reverse

from console.access.roles import Role
from console.access.selectors import entity_ids_visible, user_has_role
from console.casework.models import ApprovalState, CaseApproval
from console.mappings.models import ChangeRequest
from console.mappings.selectors.browse import waiting_for
from console.sync.models import ConnectionChange, ThresholdChange
from console.sync.selectors.config import changes_waiting

# The page lists this many, oldest first; the count counts them all.
SHOWN = 500


@dataclass(frozen=True)
class InboxItem:
    kind: str  # "case", "mapping", "threshold" or "connection"
    what: str
    entity_code: str
    requested_by: str
    requested_at: datetime
    url: str
    amount: Decimal | None = None
    currency: str = ""


@dataclass(frozen=True)
class Inbox:
    items: list[InboxItem]
    count: int

    @property
    def more(self) -> int:
        return self.count - len(self.items)


def _case_approvals(user: Any) -> QuerySet[CaseApproval]:
    return (
        CaseApproval.objects.filter(state=ApprovalState.PENDING, case__entity__in=entity_ids_visible(user))
        .exclude(requested_by=user)
        .select_related("case__entity", "requested_by")
        .order_by("requested_at", "pk")
    )


def _mapping_changes(user: Any) -> QuerySet[ChangeRequest]:
    return waiting_for(user).order_by("submitted_at", "pk")


def _config_changes(user: Any) -> tuple[list[ThresholdChange], list[ConnectionChange]]:
    waiting = changes_waiting(user)
    return (
        [c for c in waiting.thresholds if c.proposed_by_id != user.pk],
        [c for c in waiting.connections if c.proposed_by_id != user.pk],
    )


def _is_controller(user: Any) -> bool:
    return bool(getattr(user, "is_authenticated", False)) and user_has_role(user, Role.CONTROLLER)


def inbox_count(user: Any) -> int:
    """How many requests wait for this controller (0 for anyone else): counted, not listed."""
    if not _is_controller(user):
        return 0
    thresholds, connections = _config_changes(user)
    return _case_approvals(user).count() + _mapping_changes(user).count() + len(thresholds) + len(connections)


def approvals_inbox(user: Any) -> Inbox:
    """The requests waiting for this controller, oldest first (the SHOWN oldest), and their count."""
    if not _is_controller(user):
        return Inbox([], 0)
    cases = _case_approvals(user)
    mappings = _mapping_changes(user)
    thresholds, connections = _config_changes(user)
    items = [
        InboxItem(
            "case",
            f"{a.get_kind_display()} of case {a.case_id} ({a.case.get_category_display()}): {a.reason}",
            a.case.entity.code,
            a.requested_by.get_username(),
            a.requested_at,
            reverse("case-detail", args=[a.case_id]),
            a.amount,
            a.case.currency,
        )
        for a in cases[:SHOWN]
    ]
    items += [
        InboxItem(
            "mapping",
            f"Mapping change {r.pk}: {r.title}",
            r.entity.code,
            r.requested_by.get_username(),
            r.submitted_at or r.created_at,
            reverse("mapping-change", args=[r.pk]),
        )
        for r in mappings[:SHOWN]
    ]
    items += [
        InboxItem(
            "threshold",
            f"Materiality threshold {t.threshold_before:,.2f} → {t.threshold_after:,.2f}: {t.reason}",
            t.entity.code,
            t.proposed_by.get_username(),
            t.proposed_at,
            reverse("config-entity", args=[t.entity_id]),
            t.threshold_after,
            t.entity.currency,
        )
        for t in thresholds
    ]
    items += [
        InboxItem(
            "connection",
            f"Odoo connection {c.name!r} {'created' if c.connection_id is None else 'changed'}: {c.reason}",
            "",
            c.proposed_by.get_username(),
            c.proposed_at,
            reverse("config-approvals"),
        )
        for c in connections
    ]
    items.sort(key=lambda item: item.requested_at)
    count = cases.count() + mappings.count() + len(thresholds) + len(connections)
    return Inbox(items[:SHOWN], count)
