"""What the configuration pages show: the person's legal entities, the Odoo connections of which
they hold every entity, and the changes waiting for a decision they may take."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from console.access.roles import Role
from console.access.selectors import entities_visible, entity_ids_visible, user_has_role
from console.sync.models import ConnectionChange, LegalEntity, OdooConnection, PendingState, ThresholdChange


@dataclass(frozen=True)
class EntityRow:
    entity: LegalEntity
    pending: ThresholdChange | None


def entity_rows(user: Any) -> list[EntityRow]:
    entities = list(entities_visible(user).select_related("connection"))
    pending = {
        change.entity_id: change
        for change in ThresholdChange.objects.filter(
            entity__in=[e.pk for e in entities], state=PendingState.PENDING
        ).select_related("proposed_by")
    }
    return [EntityRow(entity, pending.get(entity.pk)) for entity in entities]


def entity_visible(user: Any, entity_id: int) -> LegalEntity | None:
    return (
        LegalEntity.objects.select_related("connection").filter(pk=entity_id, pk__in=entity_ids_visible(user)).first()
    )


def threshold_history(entity: LegalEntity, limit: int = 20) -> list[ThresholdChange]:
    rows = ThresholdChange.objects.filter(entity=entity).select_related("proposed_by", "decided_by")
    return list(rows.order_by("-proposed_at", "-pk")[:limit])


@dataclass(frozen=True)
class ConnectionRow:
    connection: OdooConnection
    entity_codes: list[str]
    pending: ConnectionChange | None


def connection_rows(user: Any) -> list[ConnectionRow]:
    """The connections of which the person holds every entity (one of no entity: everybody's)."""
    held = set(entity_ids_visible(user))
    pending = {
        change.connection_id: change
        for change in ConnectionChange.objects.filter(state=PendingState.PENDING, connection__isnull=False)
    }
    rows = []
    for conn in OdooConnection.objects.order_by("name").prefetch_related("legalentity_set"):
        entities = sorted(conn.legalentity_set.all(), key=lambda e: e.code)
        if {e.pk for e in entities} <= held:
            rows.append(ConnectionRow(conn, [e.code for e in entities], pending.get(conn.pk)))
    return rows


def connection_visible(user: Any, connection_id: int) -> ConnectionRow | None:
    return next((row for row in connection_rows(user) if row.connection.pk == connection_id), None)


def connection_history(conn: OdooConnection, limit: int = 20) -> list[ConnectionChange]:
    rows = ConnectionChange.objects.filter(connection=conn).select_related("proposed_by", "decided_by")
    return list(rows.order_by("-proposed_at", "-pk")[:limit])


@dataclass(frozen=True)
class Waiting:
    thresholds: list[ThresholdChange]
    connections: list[ConnectionChange]

    def __len__(self) -> int:
        return len(self.thresholds) + len(self.connections)


def changes_waiting(user: Any) -> Waiting:
    """Threshold changes of the person's entities (for controllers) and connection changes of
    connections whose entities they hold (for admins and controllers), oldest first; the
    person's own proposals are listed too, marked as theirs by the page."""
    held = entity_ids_visible(user)
    thresholds: list[ThresholdChange] = []
    if user_has_role(user, Role.CONTROLLER, Role.ADMIN):
        thresholds = list(
            ThresholdChange.objects.filter(state=PendingState.PENDING, entity__in=held)
            .select_related("entity", "proposed_by")
            .order_by("proposed_at", "pk")
        )
    connections: list[ConnectionChange] = []
    if user_has_role(user, Role.CONTROLLER, Role.ADMIN):
        visible = {row.connection.pk for row in connection_rows(user)}
        rows = ConnectionChange.objects.filter(state=PendingState.PENDING).select_related("connection", "proposed_by")
        connections = [
            change
            for change in rows.order_by("proposed_at", "pk")
            if change.connection_id is None or change.connection_id in visible
        ]
    return Waiting(thresholds, connections)
