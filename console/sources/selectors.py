"""Reading webhook endpoints and their deliveries."""

from __future__ import annotations

import time

from django.conf import settings
from django.db.models import Count, Sum
from django.urls import reverse

from console.sources.models import WebhookDelivery, WebhookRefusal
from console.sync.models import WEBHOOK_KINDS, SourceSystem

# (provider, code) -> (until, the source or None). A delivery spent a third of its time asking the
# database which source its address names; each process remembers the answer a few seconds, so a
# change of a source (deactivated, its secret's variables) reaches the endpoint within that time.
_remembered: dict[tuple[str, str], tuple[float, SourceSystem | None]] = {}
_REMEMBERED_MAX = 1000  # made-up addresses cannot grow it without bound


def endpoint_find(*, provider: str, code: str) -> SourceSystem | None:
    """The active webhook source at /webhooks/<provider>/<code>/, or None (answered 404)."""
    if provider not in WEBHOOK_KINDS:
        return None
    key = (provider, code)
    now = time.monotonic()
    hit = _remembered.get(key)
    if hit is not None and hit[0] > now:
        return hit[1]
    source = SourceSystem.objects.filter(code=code, kind=provider, is_active=True).first()
    seconds = settings.WEBHOOK_ENDPOINT_CACHE_SECONDS
    if seconds > 0:
        if len(_remembered) >= _REMEMBERED_MAX:
            _remembered.clear()
        _remembered[key] = (now + seconds, source)
    return source


def endpoints_forget() -> None:
    _remembered.clear()


def endpoint_path(source: SourceSystem) -> str:
    return reverse(f"webhook-{source.kind}", kwargs={"code": source.code})


def deliveries_by_source_outcome() -> dict[tuple[str, str], int]:
    """Every stored webhook delivery, counted per source code and outcome."""
    rows = WebhookDelivery.objects.values_list("source__code", "outcome").annotate(n=Count("id")).order_by()
    return {(code, outcome): n for code, outcome, n in rows}


def refusals_by_reason() -> dict[tuple[str, str], int]:
    """Deliveries refused at the door (never stored), summed per provider and reason."""
    rows = WebhookRefusal.objects.values_list("provider", "reason").annotate(n=Sum("count")).order_by()
    return {(provider, reason): int(n or 0) for provider, reason, n in rows}
