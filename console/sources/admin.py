"""Deliveries and statement profiles in the Django admin, read-only, for diagnosis (the raw body
is not listed). A profile changes with `manage.py statement_profile`, which records it."""

from __future__ import annotations

from django.contrib import admin

from console.readonly_admin import ReadOnlyAdmin
from console.sources.file_models import StatementProfile
from console.sources.models import WebhookDelivery, WebhookRefusal


@admin.register(WebhookDelivery)
class WebhookDeliveryAdmin(ReadOnlyAdmin[WebhookDelivery]):
    list_display = ("id", "source", "topic", "provider_event_id", "outcome", "event_count", "received_at", "answer_ms")
    list_filter = ("provider", "outcome")
    search_fields = ("provider_event_id", "topic")
    list_select_related = ("source",)
    exclude = ("body",)


@admin.register(WebhookRefusal)
class WebhookRefusalAdmin(ReadOnlyAdmin[WebhookRefusal]):
    list_display = ("day", "provider", "source_code", "reason", "count")


@admin.register(StatementProfile)
class StatementProfileAdmin(ReadOnlyAdmin[StatementProfile]):
    list_display = ("name", "updated_at", "updated_by_label")
