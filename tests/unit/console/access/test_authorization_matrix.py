"""Every URL of the project x every role x an object of an entity the user is not granted.

A URL missing from MATRIX fails the test: a new page or endpoint must say who
may use it. Nothing answers 2xx to someone outside its row, and nothing of the
entity FR01 (granted to nobody here) shows up in an answer.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver
from django.utils import timezone

from console.access.models import User
from console.access.services import service_account_create
from console.audit.actors import Actor
from console.casework.models import ExceptionCase
from console.mappings.models import ChangeRequest
from console.sync.models import Flow, LegalEntity, SourceSystem, SyncEvent
from tests.conftest import PERSONAS, feed_token, login
from tests.factories import invoice_event

pytestmark = pytest.mark.django_db

ROLES = ("operator", "controller", "auditor", "admin")
EVERYONE = {"anonymous", "service", *ROLES}
PEOPLE = set(ROLES)

# url name -> (who gets 2xx on GET, who gets 2xx on POST)
MATRIX: dict[str, tuple[set[str], set[str]]] = {
    "overview": (PEOPLE, set()),
    "healthcheck": (EVERYONE, set()),
    "login": (EVERYONE, EVERYONE),  # a POST without credentials re-renders the form with its errors
    "logout": (set(), set()),  # POST signs out and redirects
    "api-events-ingest": (set(), {"service"}),
    "api-events-detail": ({"service"}, set()),
    "api-schema": (PEOPLE | {"service"}, set()),
    "audit-list": ({"auditor"}, set()),
    "audit-object": ({"auditor"}, set()),
    "audit-export": ({"auditor"}, set()),
    "people-list": ({"admin"}, set()),
    "person-access": ({"admin"}, {"admin"}),  # an empty POST re-renders the form with its errors
    "case-list": ({"operator", "controller", "auditor"}, set()),
    "case-detail": (set(), set()),  # the case is FR01's: 404 for readers, 403 for the others
    "case-action": (set(), set()),  # success is a redirect, and the FR01 case is not found
    "event-search": ({"operator", "controller", "auditor"}, set()),
    "event-story": (set(), set()),  # the only event is FR01's, granted to nobody
    "bulk-preview": (set(), set()),  # a dry run answers with a redirect (302), or 400 on bad input
    "bulk-new": ({"operator", "controller"}, set()),  # the form of the list's bulk panel
    "bulk-detail": (set(), set()),  # the fixture has no bulk run: nobody sees one
    "bulk-confirm": (set(), set()),
    "mapping-index": ({"operator", "controller", "auditor"}, set()),
    "mapping-changes": ({"operator", "controller", "auditor"}, set()),
    # The rest name FR01 or its change request: nobody is granted FR01 (404), other roles get 403.
    "mapping-change": (set(), set()),
    "mapping-change-action": (set(), set()),
    "mapping-kind": (set(), set()),
    "mapping-history": (set(), set()),
    "mapping-refresh": (set(), set()),
    "mapping-export": (set(), set()),
    "mapping-import": (set(), set()),
    "mapping-propose": (set(), set()),
    "api-mappings": (set(), set()),  # without entity and kind: 400
    "api-mapping-changes": ({"operator", "controller", "auditor"}, set()),  # an empty POST: 400
    "api-mapping-change": (set(), set()),
    "api-mapping-submit": (set(), set()),
    "api-mapping-approve": (set(), set()),
    "api-mapping-reject": (set(), set()),
    "api-not-found": (set(), set()),  # any other address under /api/: a JSON 404
}
# Django's admin is for staff only; the personas are not staff.
SKIPPED_PREFIXES = ("admin:",)


def _patterns(resolvers: list[Any], prefix: str = "", namespace: str = "") -> Iterator[tuple[str, str]]:
    for entry in resolvers:
        if isinstance(entry, URLResolver):
            ns = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            yield from _patterns(entry.url_patterns, prefix + str(entry.pattern), ns)
        elif isinstance(entry, URLPattern) and entry.name:
            yield f"{namespace}{entry.name}", prefix + str(entry.pattern)


@pytest.fixture
def foreign(configured: dict[str, Any]) -> dict[str, Any]:
    """An event of FR01, an entity granted to nobody in this test (the demo's token feeds US01 only:
    the event comes from a service account of its own)."""
    fr = LegalEntity.objects.create(code="FR01", name="Acme SAS", odoo_company_id=2, currency="EUR")
    client = Client()
    token = configured["token"]
    response = client.post(
        "/api/v1/events/",
        invoice_event("fr-secret-order", entity="FR01"),
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Token {feed_token('FR01')}",
    )
    assert response.status_code == 201, response.content
    olivia = User.objects.get(username="olivia").pk
    event = SyncEvent.objects.get(external_id="fr-secret-order")
    now = timezone.now()
    case = ExceptionCase.objects.create(
        event=event,
        entity=fr,
        flow_id=event.flow_id,
        category="missing_mapping",
        severity="medium",
        summary="fr-secret-order is blocked",
        amount=event.amount,
        currency=event.currency,
        owner_team="Finance operations",
        opened_at=now,
        sla_due_at=now + timedelta(hours=8),
        last_failure_at=now,
    )
    change = ChangeRequest.objects.create(
        entity=fr, title="fr-secret-order tax change", requested_by_id=olivia, created_at=now
    )
    return {"entity": fr, "event": event, "case": case, "token": token, "olivia": olivia, "change": change}


def _url(pattern: str, foreign: dict[str, Any]) -> str:
    event = foreign["event"]
    values = {
        "<int:event_id>": str(event.pk),
        "<str:object_type>": "sync_event",
        "<str:object_id>": str(event.pk),
        "<str:fmt>": "json",
        "<int:user_id>": str(foreign["olivia"]),
        "<int:run_id>": "1",
        "<int:case_id>": str(foreign["case"].pk),
        "<str:action>": "claim",
        "<int:request_id>": str(foreign["change"].pk),
        "<str:entity_code>": "FR01",
        "<str:kind>": "tax",
    }
    url = "/" + pattern
    for key, value in values.items():
        url = url.replace(key, value)
    assert "<" not in url, f"give the test a value for {url}"
    return url


def _client(who: str, foreign: dict[str, Any]) -> tuple[Client, dict[str, str]]:
    client = Client()
    if who == "service":
        return client, {"HTTP_AUTHORIZATION": f"Token {foreign['token']}"}
    if who in ROLES:
        login(client, who)
    return client, {}


def test_every_url_is_in_the_matrix() -> None:
    names = {name for name, _ in _patterns(get_resolver().url_patterns) if not name.startswith(SKIPPED_PREFIXES)}
    assert names == set(MATRIX), f"declare who may use: {sorted(names - set(MATRIX))}"


@pytest.mark.parametrize("who", sorted(EVERYONE))
def test_no_unexpected_2xx_and_nothing_of_a_foreign_entity(foreign: dict[str, Any], who: str) -> None:
    for name, pattern in _patterns(get_resolver().url_patterns):
        if name.startswith(SKIPPED_PREFIXES):
            continue
        # A fresh session per URL: the POST to logout must not sign the rest of the walk out.
        client, headers = _client(who, foreign)
        url = _url(pattern, foreign)
        allowed_get, allowed_post = MATRIX[name]
        for method, allowed in (("get", allowed_get), ("post", allowed_post)):
            body = "{}" if method == "post" else None
            response = getattr(client, method)(url, data=body, content_type="application/json", **headers)
            ok = 200 <= response.status_code < 300
            assert not ok or who in allowed, f"{who} got {response.status_code} on {method.upper()} {url}"
            if ok:
                assert b"fr-secret-order" not in response.content, f"{who} saw FR01 data at {url}"


def test_service_accounts_read_only_events_of_their_sources(foreign: dict[str, Any]) -> None:
    other = SourceSystem.objects.get(code="stripe")
    event = foreign["event"]
    SyncEvent.objects.filter(pk=event.pk).update(source=other, flow=Flow.objects.get(source=other))
    _, issued = service_account_create(
        name="shopify-only", source_codes=["shopify"], entity_codes=[event.entity.code], actor=Actor.system("test")
    )
    response = Client().get(f"/api/v1/events/{event.pk}/", HTTP_AUTHORIZATION=f"Token {issued.token}")
    assert response.status_code == 404


def test_personas_exist_for_every_role(configured: dict[str, Any]) -> None:
    from console.access.models import User
    from console.access.selectors import user_roles

    for role, username in PERSONAS.items():
        assert {r.value for r in user_roles(User.objects.get(username=username))} == {role}
