"""Mappings and their change requests in the Django admin, read-only, for diagnosis: a mapping
changes only through a change request a controller approves (console/mappings/services)."""

from __future__ import annotations

from django.contrib import admin

from console.mappings.models import ChangeRequest, Mapping
from console.readonly_admin import ReadOnlyAdmin


@admin.register(Mapping)
class MappingAdmin(ReadOnlyAdmin[Mapping]):
    list_display = ("entity", "kind", "source_value", "version", "odoo_id", "odoo_label", "valid_from", "valid_to")
    list_filter = ("kind", "entity")
    search_fields = ("source_value", "odoo_label")
    list_select_related = ("entity",)


@admin.register(ChangeRequest)
class ChangeRequestAdmin(ReadOnlyAdmin[ChangeRequest]):
    list_display = ("id", "entity", "title", "state", "origin", "requested_by", "decided_by", "created_at")
    list_filter = ("state", "origin")
    list_select_related = ("entity", "requested_by", "decided_by")
