"""The event explorer: any event by its ids, and its whole story, within the user's entities."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from console.casework.models import ExceptionCase
from console.casework.services.actions import case_resubmit
from console.sync.models import LegalEntity, SyncEvent
from console.sync.services.drain import events_drain
from tests.conftest import feed_token, login
from tests.factories import invoice_event
from tests.unit.console.casework.conftest import ingest, person

pytestmark = pytest.mark.django_db


def test_find_by_any_id_and_read_the_whole_story(blocked_case: ExceptionCase) -> None:
    olivia, actor = person("operator")
    case_resubmit(
        user=olivia, actor=actor, case_id=blocked_case.pk, changes={"lines.0.tax_code": "SALES15"}, reason="old code"
    )
    events_drain()
    event = SyncEvent.objects.get(pk=blocked_case.event_id)
    client = login(Client(), "auditor")
    for query in (event.external_id, event.correlation_id, event.odoo_name, str(event.pk)):
        found = client.get("/events/", {"q": query})
        assert f'href="/events/{event.pk}/"'.encode() in found.content, query
    story = client.get(f"/events/{event.pk}/").content.decode()
    for seen in (
        "Received from",
        "Posting attempt 1: Blocked",
        "Edited and resubmitted",
        "Event requeued",
        "Posting attempt 2: Posted",
        event.odoo_name,
        "old code",
        "SALES15",
        f"#{blocked_case.pk}",
    ):
        assert seen in story, seen


def test_events_of_other_entities_stay_hidden(configured: dict[str, Any]) -> None:
    LegalEntity.objects.create(code="FR01", name="Acme SAS", odoo_company_id=2, currency="EUR")
    [event_id] = ingest(feed_token("FR01"), invoice_event("fr-hidden", entity="FR01"))
    client = login(Client(), "operator")
    found = client.get("/events/", {"q": "fr-hidden"}).content
    assert f'href="/events/{event_id}/"'.encode() not in found and b"No event of your legal entities" in found
    assert client.get(f"/events/{event_id}/").status_code == 404


def test_admins_do_not_read_events(configured: dict[str, Any]) -> None:
    assert login(Client(), "admin").get("/events/").status_code == 403


@pytest.mark.parametrize(
    "query",
    [
        "since=yesterday&state=posted",
        "flow=abc",
        "flow=99999999999999999999999",
        "day=2026-02-30",
        "day=99999-01-01",
        "state=nope",
        "since=2026-11-01T00:00:00Z",  # a window is for posted events only
        "day=2026-11-01&since=2026-11-01T00:00:00Z&state=posted",
    ],
)
def test_a_list_filter_that_does_not_read_is_a_400_naming_it(configured: dict[str, Any], query: str) -> None:
    response = login(Client(), "operator").get(f"/events/list/?{query}")
    assert response.status_code == 400 and b"The filter was not applied" in response.content
    assert b'data-total="' not in response.content  # no list, no total: nothing to mistake for a count


@pytest.mark.parametrize("path", ["/events/attempts/", "/events/repeats/"])
@pytest.mark.parametrize("query", ["since=yesterday", "until=2026-13-01T00:00:00Z", "day=0000-01-01", "flow=x"])
def test_the_window_lists_refuse_a_window_that_does_not_read(configured: dict[str, Any], path: str, query: str) -> None:
    response = login(Client(), "operator").get(f"{path}?{query}")
    assert response.status_code == 400 and b"The filter was not applied" in response.content


def test_the_event_list_shows_only_the_persons_entities(configured: dict[str, Any]) -> None:
    from console.sync.models import LegalEntity

    LegalEntity.objects.create(code="DE01", name="Acme GmbH", odoo_company_id=3, currency="EUR")
    ingest(configured["token"], invoice_event("us-1"))
    ingest(feed_token("DE01"), invoice_event("de-1", entity="DE01"))
    page = login(Client(), "operator").get("/events/list/").content.decode()
    assert "us-1" in page and "de-1" not in page and 'data-total="1"' in page
