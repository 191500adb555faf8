"""Django's admin, read-only: it shows rows for diagnosis and changes nothing.

Every change goes through a service that checks the role and the entity and writes its
AuditEvent in the same transaction (events, cases, and configuration too: an edit in the
admin left only a field-history row, with no reason and no approval, as when a materiality
threshold was raised to 999,999,999 there). The site itself makes every ModelAdmin registered
on it read-only, ours and those of django.contrib.auth, django-axes and django-auditlog alike,
so a screen added later cannot forget; and it has no password change of its own
(`manage.py changepassword` records one).
"""

from __future__ import annotations

from typing import Any, TypeVar

from django.contrib import admin
from django.contrib.admin.apps import AdminConfig
from django.core.exceptions import PermissionDenied
from django.db.models import Model
from django.http import HttpRequest
from django.template.response import TemplateResponse

M = TypeVar("M", bound=Model)


class ReadOnlyAdmin(admin.ModelAdmin[M]):
    def has_add_permission(self, request: HttpRequest, *args: Any) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def get_actions(self, request: HttpRequest) -> dict[str, Any]:
        # A custom action needs no add, change or delete permission to run: none are offered.
        return {}


class ReadOnlyAdminSite(admin.AdminSite):
    def register(self, model_or_iterable: Any, admin_class: Any = None, **options: Any) -> None:
        base = admin_class or admin.ModelAdmin
        if not issubclass(base, ReadOnlyAdmin):
            base = type(f"ReadOnly{base.__name__}", (ReadOnlyAdmin, base), {"__module__": base.__module__})
        super().register(model_or_iterable, base, **options)

    def password_change(self, request: HttpRequest, extra_context: Any = None) -> TemplateResponse:
        raise PermissionDenied("passwords change with manage.py changepassword, which records the change")


class ReadOnlyAdminConfig(AdminConfig):
    default_site = "console.readonly_admin.ReadOnlyAdminSite"
