"""What the workbench keeps out of an archive run: an event a case still works on.

An event whose case is open (or waits for approval), or one an open case names as the event it
duplicates or a receipt match in flight names as its invoice, keeps its payload and history
until that case closes; the run after that takes it.
"""

from __future__ import annotations

from typing import Any

from django.dispatch import receiver

from console.casework.models import MATCH_IN_FLIGHT, OPEN_Q, ExceptionCase, ReceiptMatch
from console.sync.signals import events_archive_vetoed


@receiver(events_archive_vetoed, dispatch_uid="casework.events_archive_vetoed")
def events_still_worked_on(sender: Any, event_ids: list[int], **_: Any) -> set[int]:
    ids = list(event_ids)
    worked = set(ExceptionCase.objects.filter(OPEN_Q, event_id__in=ids).values_list("event_id", flat=True))
    named = ExceptionCase.objects.filter(OPEN_Q, duplicate_of_id__in=ids)
    worked |= set(named.values_list("duplicate_of_id", flat=True))
    worked |= set(
        ReceiptMatch.objects.filter(state__in=MATCH_IN_FLIGHT, invoice_event_id__in=ids).values_list(
            "invoice_event_id", flat=True
        )
    )
    return {int(pk) for pk in worked if pk is not None}
