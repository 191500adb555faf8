"""The delivery log: per endpoint and UTC day, what was answered and what became of it; every
number links to the list it counts (or sums); a delivery's story down to its events; only
integration admins and auditors of the endpoint's legal entity see any of it."""

from __future__ import annotations

import html
import json
import re
import time
from pathlib import Path
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from console.access.models import User
from console.access.roles import Role
from console.access.services import user_create
from console.audit.actors import Actor
from console.sources.models import Outcome, WebhookDelivery
from console.sources.services.endpoints import webhook_endpoint_set
from console.sources.services.processing import delivery_process
from console.sync.models import LegalEntity, SyncEvent
from tests.tables import tables_unchanged
from tests.unit.console.sources.conftest import Sender

pytestmark = pytest.mark.django_db

VECTORS = Path(__file__).resolve().parents[4].parent / "shared" / "vectors" / "stripe"
CHARGE = json.loads((VECTORS / "dj-stripe" / "charge_ch_fakefakefakefakefake0001.json").read_text())
PASSWORD = "a long enough password 1"


def charge_event(event_id: str, charge_id: str) -> bytes:
    """dj-stripe's captured charge in the envelope Stripe sends it in, under its own charge id."""
    charge = {**CHARGE, "id": charge_id}
    envelope = {
        "id": event_id,
        "object": "event",
        "api_version": "2024-06-20",
        "created": 1_763_640_000,
        "livemode": False,
        "pending_webhooks": 1,
        "request": {"id": None, "idempotency_key": None},
        "type": "charge.succeeded",
        "data": {"object": charge},
    }
    return json.dumps(envelope).encode()


@pytest.fixture
def people(endpoints: dict[str, Any]) -> dict[str, User]:
    """One persona per role in US01, and an integration admin of DE01 only."""
    LegalEntity.objects.create(code="DE01", name="Acme GmbH", odoo_company_id=2, currency="EUR")
    actor = Actor.system("test")
    made = {
        role.value: user_create(username=name, password=PASSWORD, role=role, entity_codes=["US01"], actor=actor)
        for role, name in (
            (Role.OPERATOR, "olivia"),
            (Role.CONTROLLER, "carl"),
            (Role.AUDITOR, "ada"),
            (Role.ADMIN, "ian"),
        )
    }
    made["foreign_admin"] = user_create(
        username="dora", password=PASSWORD, role=Role.ADMIN, entity_codes=["DE01"], actor=actor
    )
    return made


def signed_in(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def day_of_deliveries(sender: Sender, people: dict[str, User]) -> dict[str, WebhookDelivery]:
    """Today at stripe-us: two charges turned into events, a repeat, an unreadable body, one
    still waiting, and two requests refused at the door."""
    first = charge_event("evt_1", "ch_one")
    for body in (first, charge_event("evt_2", "ch_two"), first, b'{"not": "an event"}'):
        assert sender.stripe(body).status_code == 200
    assert sender.stripe(first, timestamp=int(time.time()) - 3600).status_code == 401
    assert sender.stripe(first, secret="whsec_wrong").status_code == 401
    # A worker processes a delivery with the others of its source waiting then.
    delivery_process(delivery_id=WebhookDelivery.objects.earliest("pk").pk)
    assert sender.stripe(charge_event("evt_3", "ch_3")).status_code == 200
    deliveries = list(WebhookDelivery.objects.order_by("pk"))
    one, two, repeat, unreadable, waiting = (WebhookDelivery.objects.get(pk=d.pk) for d in deliveries)
    assert (one.outcome, two.outcome, repeat.outcome, unreadable.outcome, waiting.outcome) == (
        Outcome.PROCESSED,
        Outcome.PROCESSED,
        Outcome.REPEAT,
        Outcome.UNPARSED,
        Outcome.RECEIVED,
    )
    return {"one": one, "two": two, "repeat": repeat, "unreadable": unreadable, "waiting": waiting}


def figure_links(page: str) -> dict[str, tuple[str, int]]:
    """Each linked figure of the day table: its name, where it links and the number shown."""
    return {
        name: (html.unescape(href), int(number))
        for href, name, number in re.findall(r'<a href="([^"]+)" data-figure="(\w+)">(\d+)</a>', page)
    }


def test_every_figure_of_a_day_is_the_count_or_sum_of_the_list_it_opens(
    day_of_deliveries: dict[str, WebhookDelivery], people: dict[str, User]
) -> None:
    client = signed_in(people["admin"])
    page = client.get("/deliveries/stripe-us/").content.decode()
    today = timezone.now().date().isoformat()
    assert f'<th scope="row">{today}</th>' in page
    figures = figure_links(page)
    assert {name: number for name, (_, number) in figures.items()} == {
        "stored": 5,
        "processed": 2,
        "events": 2,
        "repeat": 1,
        "unparsed": 1,
        "received": 1,
        "refused": 2,
    }
    for name, (href, number) in figures.items():
        listed = client.get(href)
        assert listed.status_code == 200, (name, href)
        text = listed.content.decode()
        if name == "events":
            assert f'data-events="{number}"' in text
        else:
            assert f'data-total="{number}"' in text, (name, href)
    # Answered = stored + refused, and the failure rate is the refused share of it.
    assert "<td>7</td>" in page and "29%" in page


def test_the_refusals_list_names_each_reason_and_its_count(
    day_of_deliveries: dict[str, WebhookDelivery], people: dict[str, User]
) -> None:
    page = signed_in(people["auditor"]).get("/deliveries/stripe-us/refused/").content.decode()
    assert 'data-total="2"' in page
    assert "<td>bad_signature</td><td>1</td>" in page and "<td>stale_timestamp</td><td>1</td>" in page


def test_a_delivery_s_story_shows_its_events_its_repeats_and_its_body_escaped(
    day_of_deliveries: dict[str, WebhookDelivery], people: dict[str, User]
) -> None:
    one, repeat = day_of_deliveries["one"], day_of_deliveries["repeat"]
    event = SyncEvent.objects.get(external_id="ch_one", kind="payment")
    page = signed_in(people["auditor"]).get(f"/deliveries/stripe-us/{one.pk}/").content.decode()
    assert f'<a href="/events/{event.pk}/">event {event.pk}</a>' in page
    assert "<code>ch_one</code>" in page and "New event" in page
    assert f'href="/deliveries/stripe-us/{repeat.pk}/">delivery {repeat.pk}</a>' in page
    assert "&quot;object&quot;: &quot;charge&quot;" in page  # the body as received, escaped
    repeated = signed_in(people["auditor"]).get(f"/deliveries/stripe-us/{repeat.pk}/").content.decode()
    assert f"delivery {one.pk}</a>" in repeated and "it created nothing" in repeated


def test_an_admin_sees_the_events_without_links_to_pages_the_role_may_not_open(
    day_of_deliveries: dict[str, WebhookDelivery], people: dict[str, User]
) -> None:
    one = day_of_deliveries["one"]
    event = SyncEvent.objects.get(external_id="ch_one", kind="payment")
    page = signed_in(people["admin"]).get(f"/deliveries/stripe-us/{one.pk}/").content.decode()
    assert f"event {event.pk}, " in page
    assert f'href="/events/{event.pk}/"' not in page
    assert signed_in(people["admin"]).get(f"/events/{event.pk}/").status_code == 403


def test_hostile_text_in_a_body_is_shown_escaped(sender: Sender, people: dict[str, User]) -> None:
    assert sender.stripe(b'{"id": "evt_x", "type": "<script>alert(1)</script>"}').status_code == 200
    delivery = WebhookDelivery.objects.get()
    delivery_process(delivery_id=delivery.pk)
    page = signed_in(people["admin"]).get(f"/deliveries/stripe-us/{delivery.pk}/").content.decode()
    assert "<script>alert(1)</script>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page


@pytest.mark.parametrize("role", ["operator", "controller"])
@pytest.mark.parametrize(
    "path", ["/deliveries/", "/deliveries/stripe-us/", "/deliveries/stripe-us/list/", "/deliveries/stripe-us/refused/"]
)
def test_roles_other_than_admin_and_auditor_may_not_open_the_log(
    day_of_deliveries: dict[str, WebhookDelivery], people: dict[str, User], role: str, path: str
) -> None:
    assert signed_in(people[role]).get(path).status_code == 403
    one = day_of_deliveries["one"]
    assert signed_in(people[role]).get(f"/deliveries/stripe-us/{one.pk}/").status_code == 403


def test_an_admin_of_another_entity_sees_neither_the_endpoint_nor_its_deliveries(
    day_of_deliveries: dict[str, WebhookDelivery], people: dict[str, User]
) -> None:
    client = signed_in(people["foreign_admin"])
    assert "stripe-us" not in client.get("/deliveries/").content.decode()
    for path in ("/deliveries/stripe-us/", "/deliveries/stripe-us/list/", "/deliveries/stripe-us/refused/"):
        assert client.get(path).status_code == 404
    assert client.get(f"/deliveries/stripe-us/{day_of_deliveries['one'].pk}/").status_code == 404


def test_the_index_lists_the_endpoints_of_the_person_s_entities_with_their_addresses(
    endpoints: dict[str, Any], people: dict[str, User]
) -> None:
    webhook_endpoint_set(
        actor=Actor.system("test"),
        user=None,
        code="shop-de",
        provider="shopify",
        entity_code="DE01",
        secret_env="SHOP_DE_WEBHOOK_SECRET",
    )
    page = signed_in(people["auditor"]).get("/deliveries/").content.decode()
    assert "<code>/webhooks/shopify/shop-us/</code>" in page
    assert "<code>/webhooks/stripe/stripe-us/</code>" in page
    assert "shop-de" not in page
    theirs = signed_in(people["foreign_admin"]).get("/deliveries/").content.decode()
    assert "<code>/webhooks/shopify/shop-de/</code>" in theirs


def test_a_delivery_of_another_endpoint_is_not_found_under_this_one(
    day_of_deliveries: dict[str, WebhookDelivery], people: dict[str, User]
) -> None:
    one = day_of_deliveries["one"]
    assert signed_in(people["admin"]).get(f"/deliveries/shop-us/{one.pk}/").status_code == 404


@pytest.mark.parametrize("query", ["day=2026-02-30", "outcome=exploded", "day=99999-01-01"])
def test_a_filter_that_does_not_read_is_a_400_naming_it(people: dict[str, User], query: str, sender: Sender) -> None:
    response = signed_in(people["admin"]).get(f"/deliveries/stripe-us/list/?{query}")
    assert response.status_code == 400
    assert "The filter was not applied" in response.content.decode()


def test_the_list_filters_by_outcome_and_topic(
    day_of_deliveries: dict[str, WebhookDelivery], people: dict[str, User]
) -> None:
    client = signed_in(people["admin"])
    page = client.get("/deliveries/stripe-us/list/?topic=charge.succeeded").content.decode()
    assert 'data-total="4"' in page and 'data-events="2"' in page
    page = client.get("/deliveries/stripe-us/list/?outcome=unparsed").content.decode()
    assert 'data-total="1"' in page and day_of_deliveries["unreadable"].reason[:40] in html.unescape(page)


def test_the_log_pages_change_nothing_and_answer_no_post(
    day_of_deliveries: dict[str, WebhookDelivery], people: dict[str, User]
) -> None:
    client = signed_in(people["admin"])
    one = day_of_deliveries["one"]
    with tables_unchanged():
        for path in ("/deliveries/", "/deliveries/stripe-us/", f"/deliveries/stripe-us/{one.pk}/"):
            assert client.post(path).status_code == 405
