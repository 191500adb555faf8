"""Duplicates on a case's page (console/casework/duplicate_reads.py): a conflicting repeat shows
the fields in which it differs from the event, and, the event posted, offers to keep the posted
one; a suspected duplicate names and links the earlier event."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from console.audit.models import AuditEvent
from console.casework.duplicate_reads import FieldDifference, payload_differences, repeat_comparison
from console.casework.models import CaseState, ExceptionCase
from console.sync.models import EventState, SyncEvent
from tests.conftest import login
from tests.unit.console.casework.conftest import ingest, unmapped_invoice
from tests.unit.console.casework.test_next_step import next_step, primaries
from tests.unit.console.casework.test_payload_document import rows

pytestmark = pytest.mark.django_db

DIFF = "Fields that differ between the event and the version sent again"


def test_the_differences_name_each_differing_field_by_its_path() -> None:
    kept = {"reference": "A-1", "partner": {"name": "Blue Harbor"}, "lines": [{"unit_price": "100.00", "tax": "X"}]}
    sent = {"reference": "A-1", "partner": {"name": "Blue Harbour"}, "lines": [{"unit_price": "150.00"}, {"q": "1"}]}
    assert payload_differences(kept, sent) == [
        FieldDifference("partner.name", "Blue Harbor", "Blue Harbour"),
        FieldDifference("lines.0.unit_price", "100.00", "150.00"),
        FieldDifference("lines.0.tax", "X", ""),  # left out of the repeat
        FieldDifference("lines.1.q", "", "1"),  # only in the repeat
    ]
    assert payload_differences(kept, kept) == []


def conflicted(configured: dict[str, Any], blocked_case: ExceptionCase, *, posted: bool) -> ExceptionCase:
    if posted:
        # The first version posted before the repeat came (the case still open, on another matter).
        SyncEvent.objects.filter(pk=blocked_case.event_id).update(state=EventState.POSTED, odoo_name="INV/2026/00042")
    repeat = unmapped_invoice("order-vat20", "150.00")
    repeat["data"]["lines"][0]["description"] = "Espresso machine, red"
    ingest(configured["token"], repeat)
    case = ExceptionCase.objects.select_related("event").get(pk=blocked_case.pk)
    assert case.category == "conflicting_duplicate"
    return case


def test_a_conflicting_repeat_shows_the_fields_it_differs_in(
    blocked_case: ExceptionCase, configured: dict[str, Any], client: Client
) -> None:
    case = conflicted(configured, blocked_case, posted=False)
    comparison = repeat_comparison(case.event)
    assert comparison is not None and comparison.conflicts == 1 and not comparison.posted
    html = login(client, "operator").get(f"/cases/{case.pk}/").content.decode()
    assert rows(html, DIFF) == [
        ["lines.0.description", "Espresso machine", "Espresso machine, red"],
        ["lines.0.unit_price", "100.00", "150.00"],
    ]
    assert primaries(html) == ["Claim"]
    client.post(f"/cases/{case.pk}/claim/")
    # Not posted yet: if the second version is right, the event is overridden and resubmitted.
    assert primaries(client.get(f"/cases/{case.pk}/").content.decode()) == ["Edit and resubmit"]


def test_a_conflicting_repeat_of_a_posted_event_offers_keeping_the_posted_one(
    blocked_case: ExceptionCase, configured: dict[str, Any], client: Client
) -> None:
    case = conflicted(configured, blocked_case, posted=True)
    login(client, "operator").post(f"/cases/{case.pk}/claim/")
    html = client.get(f"/cases/{case.pk}/").content.decode()
    assert "The first version is posted in Odoo as INV/2026/00042" in html
    assert '<th scope="col">The event (posted)</th>' in html
    lead = next_step(html)
    assert f'action="/cases/{case.pk}/dismiss/"' in lead and primaries(html) == ["Keep the posted one"]
    assert "Kept the posted version" in lead  # the reason, filled in
    assert "Post a correction" in html and "reversed_external_id" in html

    kept = client.post(
        f"/cases/{case.pk}/dismiss/",
        {"reason": "Kept the posted version: the repeat is the shop's edit", "confirm": "on"},
    )
    assert kept.status_code == 302
    case.refresh_from_db()
    assert case.state == CaseState.DISMISSED
    # Only the repeat's case closes: the posted event stays posted, nothing is unposted.
    assert SyncEvent.objects.get(pk=case.event_id).state == EventState.POSTED
    assert AuditEvent.objects.filter(action="case.dismissed", object_id=str(case.pk)).count() == 1
    html = client.get(f"/cases/{case.pk}/").content.decode()
    assert "None: the case is dismissed" in next_step(html) and "Post a correction" not in html
