"""Deliveries in the Django admin, read-only, for diagnosis (the raw body is not listed)."""

from __future__ import annotations

from django.contrib import admin

from console.readonly_admin import ReadOnlyAdmin
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
