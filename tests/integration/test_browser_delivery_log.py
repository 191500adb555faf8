"""The delivery log in a real browser (issue 14): Stripe signs a charge.succeeded to the live
server, a real Celery worker turns it into a payment and posts it into the Odoo sandbox, and
the integration admin follows it from the endpoint's day to the delivery's story and the
Odoo record, which the sandbox holds.

Headless Chromium (Debian's) against the live server; every page must load without a CSP
violation or a script error.
"""

from __future__ import annotations

import json
import time
import urllib.request
import xmlrpc.client
from pathlib import Path
from typing import Any

import pytest
from django.utils import timezone
from playwright.sync_api import Browser, expect

from console.audit.actors import Actor
from console.mappings.models import MappingKind
from console.mappings.services.versions import mapping_version_add
from console.sources.models import Outcome, WebhookDelivery
from console.sources.services.endpoints import webhook_endpoint_set
from console.sync.models import EventState, LegalEntity, SyncEvent
from integrations.stripe.signature import sign as stripe_sign
from tests.integration import test_browser_casework as casework
from tests.integration.conftest import Workers, wait_until
from tests.integration.test_browser_casework import ConsoleWatch, fact, sign_in

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.e2e]

browser = casework.browser
console_watch = casework.console_watch

VECTORS = Path(__file__).resolve().parents[2].parent / "shared" / "vectors" / "stripe"
SECRET = "whsec_browser_test_delivery_log"


def odoo(sandbox: Any, model: str, method: str, *args: Any, **kwargs: Any) -> Any:
    proxy = xmlrpc.client.ServerProxy(f"{sandbox.url}/xmlrpc/2/object", allow_none=True)
    return proxy.execute_kw("sandbox", 2, "admin", model, method, list(args), kwargs)


def stripe_endpoint(sandbox: Any) -> None:
    """stripe-us for US01, and its payments' journal key `stripe` mapped to Odoo's bank journal."""
    webhook_endpoint_set(
        actor=Actor.system("test"),
        user=None,
        code="stripe-us",
        provider="stripe",
        entity_code="US01",
        secret_env="STRIPE_US_WEBHOOK_SECRET",
    )
    journal = odoo(
        sandbox,
        "account.journal",
        "search_read",
        [["code", "=", "BNK1"], ["company_id", "=", 1]],
        fields=["id", "display_name"],
    )[0]
    mapping_version_add(
        kind=MappingKind.JOURNAL,
        entity=LegalEntity.objects.get(code="US01"),
        source_value="stripe",
        odoo_id=int(journal["id"]),
        odoo_label=str(journal["display_name"]),
        valid_from=timezone.now().replace(year=2000),
        actor=Actor.system("test"),
        reason="the Stripe journal of the test",
    )


def deliver_charge(base_url: str) -> int:
    """dj-stripe's captured charge as Stripe sends it, signed; returns the delivery's id."""
    charge = json.loads((VECTORS / "dj-stripe" / "charge_ch_fakefakefakefakefake0001.json").read_text())
    body = json.dumps(
        {
            "id": "evt_browser_delivery_log",
            "object": "event",
            "api_version": "2024-06-20",
            "created": int(time.time()),
            "livemode": False,
            "pending_webhooks": 1,
            "request": {"id": None, "idempotency_key": None},
            "type": "charge.succeeded",
            "data": {"object": charge},
        }
    ).encode()
    request = urllib.request.Request(
        f"{base_url}/webhooks/stripe/stripe-us/",
        data=body,
        method="POST",
        headers={"Content-Type": "application/json", "Stripe-Signature": stripe_sign(body, SECRET, int(time.time()))},
    )
    with urllib.request.urlopen(request, timeout=10) as response:
        assert response.status == 200
        return int(json.loads(response.read())["delivery"])


def test_an_admin_follows_a_stripe_delivery_to_the_odoo_payment_it_posted(
    configured: dict[str, Any],
    live_server: Any,
    workers: Workers,
    browser: Browser,
    console_watch: ConsoleWatch,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("STRIPE_US_WEBHOOK_SECRET", SECRET)  # the live server runs in this process
    stripe_endpoint(configured["sandbox"])
    workers.start()
    delivery_id = deliver_charge(live_server.url)
    wait_until(
        lambda: SyncEvent.objects.filter(external_id="ch_fakefakefakefakefake0001", state=EventState.POSTED).exists(),
        timeout=60,
        what="the charge's payment to post",
    )
    assert WebhookDelivery.objects.get(pk=delivery_id).outcome == Outcome.PROCESSED
    event = SyncEvent.objects.get(external_id="ch_fakefakefakefakefake0001")
    [payment] = odoo(configured["sandbox"], "account.payment", "read", [event.odoo_id], fields=["name", "amount"])
    assert payment["amount"] == 20.0

    page = sign_in(browser, console_watch, live_server.url, "admin")
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Webhook deliveries").click()
    expect(page.get_by_role("heading", name="Webhook deliveries", level=1)).to_be_visible()
    page.get_by_role("link", name="stripe-us", exact=False).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("stripe-us")
    today = page.get_by_role("row").filter(has=page.get_by_role("rowheader", name=timezone.now().date().isoformat()))
    cells = today.get_by_role("cell")
    expect(cells.nth(0)).to_have_text("1")  # answered
    expect(cells.nth(2)).to_have_text("1")  # turned into events
    cells.nth(2).get_by_role("link").click()

    expect(page.get_by_role("status")).to_have_text("1 delivery.")
    page.get_by_role("link", name=f"#{delivery_id}", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Delivery {delivery_id}: charge.succeeded")
    expect(fact(page, "Provider's event id")).to_have_text("evt_browser_delivery_log")
    expect(fact(page, "Outcome")).to_contain_text("Turned into events")
    became = page.get_by_role("table", name="Events this delivery named")
    row = became.get_by_role("row").filter(has_text="ch_fakefakefakefakefake0001")
    expect(row).to_contain_text(f"event {event.pk}, posted")
    expect(row).to_contain_text(f"account.payment {event.odoo_id} · {payment['name']}")
    expect(page.get_by_role("region", name="Headers kept")).to_contain_text("Stripe-Signature")
    page.context.close()
