"""Cases in the Django admin, for integration admins who need a raw look at the
table. Read-only: a case changes only through its services, which keep its
timeline and audit rows."""

from __future__ import annotations

from django.contrib import admin

from console.casework.models import CaseActivity, ExceptionCase
from console.readonly_admin import ReadOnlyAdmin


@admin.register(ExceptionCase)
class ExceptionCaseAdmin(ReadOnlyAdmin[ExceptionCase]):
    list_display = (
        "id",
        "category",
        "severity",
        "state",
        "entity",
        "flow",
        "amount",
        "currency",
        "opened_at",
        "sla_due_at",
        "assignee",
    )
    list_filter = ("state", "category", "severity", "entity")
    search_fields = ("event__external_id", "event__correlation_id")
    list_select_related = ("entity", "flow", "assignee")


@admin.register(CaseActivity)
class CaseActivityAdmin(ReadOnlyAdmin[CaseActivity]):
    list_display = ("id", "case", "at", "kind", "actor_label")
    list_filter = ("kind",)
    list_select_related = ("case",)
