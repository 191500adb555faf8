"""Configuration and events in the Django admin, read-only: a configuration change (a
materiality threshold, a connection, a flow) goes through its service, with a role check,
a reason and an AuditEvent; events change only through the sync services."""

from __future__ import annotations

from django.contrib import admin

from console.readonly_admin import ReadOnlyAdmin
from console.sync.models import (
    ConnectionChange,
    Flow,
    LegalEntity,
    OdooConnection,
    PostingHold,
    SourceSystem,
    SyncEvent,
    ThresholdChange,
)


@admin.register(OdooConnection)
class OdooConnectionAdmin(ReadOnlyAdmin[OdooConnection]):
    list_display = ("name", "url", "database", "login", "protocol", "password_env")


@admin.register(LegalEntity)
class LegalEntityAdmin(ReadOnlyAdmin[LegalEntity]):
    list_display = ("code", "name", "odoo_company_id", "currency", "connection")


@admin.register(ThresholdChange)
class ThresholdChangeAdmin(ReadOnlyAdmin[ThresholdChange]):
    # Proposed and decided on the entity's page (services/entity_config.py), never here.
    list_display = ("entity", "threshold_before", "threshold_after", "state", "proposed_by", "decided_by")
    list_filter = ("state",)


@admin.register(ConnectionChange)
class ConnectionChangeAdmin(ReadOnlyAdmin[ConnectionChange]):
    list_display = ("id", "connection", "state", "proposed_by", "decided_by", "proposed_at")
    list_filter = ("state",)


@admin.register(SourceSystem)
class SourceSystemAdmin(ReadOnlyAdmin[SourceSystem]):
    list_display = ("code", "name", "kind", "is_active")


@admin.register(Flow)
class FlowAdmin(ReadOnlyAdmin[Flow]):
    list_display = ("name", "source", "event_kind", "business_process", "mode", "freshness_slo_seconds", "is_active")
    list_filter = ("business_process", "mode", "is_active")
    # Finance's decisions, changed with a reason and audited (services/flows.py), not here.
    readonly_fields = ("closed_period", "unmatched_receipts")


@admin.register(SyncEvent)
class SyncEventAdmin(ReadOnlyAdmin[SyncEvent]):
    list_display = ("id", "source", "kind", "external_id", "entity", "state", "amount", "currency", "occurred_at")
    list_filter = ("state", "kind", "entity")
    search_fields = ("external_id", "correlation_id", "odoo_name")
    list_select_related = ("source", "entity")


@admin.register(PostingHold)
class PostingHoldAdmin(ReadOnlyAdmin[PostingHold]):
    # Released or confirmed on the file pages (services/posting_holds.py), never here.
    list_display = ("id", "source", "entity", "reason_code", "difference", "currency", "placed_at", "released_at")
    list_select_related = ("source", "entity")
