"""Cases in the Django admin, for integration admins who need a raw look at the
table. Read-only: a case changes only through its services, which keep its
timeline and audit rows."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from console.casework.models import CaseActivity, ExceptionCase


@admin.register(ExceptionCase)
class ExceptionCaseAdmin(admin.ModelAdmin[ExceptionCase]):
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

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(CaseActivity)
class CaseActivityAdmin(admin.ModelAdmin[CaseActivity]):
    list_display = ("id", "case", "at", "kind", "actor_label")
    list_filter = ("kind",)
    list_select_related = ("case",)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
