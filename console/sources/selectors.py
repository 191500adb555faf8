"""Reading webhook endpoints and their deliveries."""

from __future__ import annotations

from django.urls import reverse

from console.sync.models import WEBHOOK_KINDS, SourceSystem


def endpoint_find(*, provider: str, code: str) -> SourceSystem | None:
    """The active webhook source at /webhooks/<provider>/<code>/, or None (answered 404)."""
    if provider not in WEBHOOK_KINDS:
        return None
    return SourceSystem.objects.filter(code=code, kind=provider, is_active=True).first()


def endpoint_path(source: SourceSystem) -> str:
    return reverse(f"webhook-{source.kind}", kwargs={"code": source.code})
