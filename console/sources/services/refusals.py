"""Counting deliveries refused at the door: nothing else of them is kept."""

from __future__ import annotations

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from console.sources.models import WebhookRefusal


def refusal_count(*, provider: str, source_code: str, reason: str) -> None:
    """One more refusal today for this endpoint and reason (`source_code` blank: no such endpoint)."""
    day = timezone.now().date()
    key = {"day": day, "provider": provider, "source_code": source_code[:32], "reason": reason[:32]}
    for _ in range(3):  # two first refusals of a day race to create the row: the loser adds to it
        try:
            with transaction.atomic():
                if not WebhookRefusal.objects.filter(**key).update(count=F("count") + 1):
                    WebhookRefusal.objects.create(**key, count=1)
            return
        except IntegrityError:
            continue
