"""The webhook endpoints' answers: a verified delivery stored as it arrived and answered 200 with its
processing sent after commit; a repeat recorded and nothing more; every refusal the same 401 (404,
413) with nothing stored but its counter; the secret nowhere but in the environment."""

from __future__ import annotations

import hashlib
import json
import logging
import time
from pathlib import Path
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from console.sources import selectors
from console.sources.models import Outcome, WebhookDelivery, WebhookRefusal
from console.sources.selectors import endpoints_forget
from console.sources.services.processing import deliveries_sweep
from console.sync.models import SourceSystem
from integrations.shopify import signature as shopify_signature
from integrations.stripe import signature as stripe_signature
from tests.tables import table_changes, tables_unchanged
from tests.unit.console.sources.conftest import SHOPIFY_SECRET, STRIPE_SECRET, DeliveryQueue, Sender, stripe_event

pytestmark = pytest.mark.django_db

VECTORS = Path(__file__).resolve().parents[4].parent / "shared" / "vectors"
ORDER = (VECTORS / "shopify" / "order.json").read_bytes()  # signed and stored as bytes, never parsed here
UNAUTHORIZED = {"error": {"code": "unauthorized", "message": "the delivery could not be verified"}}


def refusals() -> dict[tuple[str, str, str], int]:
    return {(r.provider, r.source_code, r.reason): r.count for r in WebhookRefusal.objects.all()}


def test_a_signed_shopify_delivery_is_stored_as_it_arrived_and_its_processing_sent_after_commit(
    sender: Sender, delivery_queue: DeliveryQueue, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True), table_changes() as changes:
        response = sender.shopify(ORDER, topic="orders/paid", event_id="98880550-7158-44d4-b7cd-2c97c8a091b5")
    assert response.status_code == 200
    delivery = WebhookDelivery.objects.get()
    assert response.json() == {"delivery": delivery.pk, "outcome": "received"}
    assert bytes(delivery.body) == ORDER
    assert delivery.body_sha256 == hashlib.sha256(ORDER).hexdigest()
    assert (delivery.provider, delivery.topic, delivery.outcome) == ("shopify", "orders/paid", Outcome.RECEIVED)
    assert delivery.provider_event_id == "98880550-7158-44d4-b7cd-2c97c8a091b5"
    assert delivery.headers["X-Shopify-Shop-Domain"] == "acme.myshopify.com"
    assert delivery.headers["X-Shopify-Webhook-Id"] == "wh-1"
    assert delivery.headers["X-Shopify-Hmac-Sha256"] == shopify_signature.sign(ORDER, SHOPIFY_SECRET)
    assert delivery.received_at <= delivery.verified_at and 0 < delivery.answer_ms < 5000
    assert delivery.response_code == 200 and delivery.repeat_of is None
    # Stored, and nothing else: the events come from the task.
    assert changes.tables == {"sources.WebhookDelivery"}
    assert delivery_queue.ids() == [delivery.pk]


def test_without_an_event_id_the_webhook_id_identifies_the_delivery(sender: Sender) -> None:
    assert sender.shopify(ORDER, event_id=None, webhook_id="b54557e4-bdd9-4b37-8a5f-bf7d70bcd043").status_code == 200
    assert WebhookDelivery.objects.get().provider_event_id == "b54557e4-bdd9-4b37-8a5f-bf7d70bcd043"


def test_shopify_headers_are_accepted_without_their_x_prefix(sender: Sender) -> None:
    response = sender.shopify(ORDER, prefix="", event_id="evt-events-api")
    assert response.status_code == 200, response.content
    delivery = WebhookDelivery.objects.get()
    assert (delivery.topic, delivery.provider_event_id) == ("orders/create", "evt-events-api")


def test_a_repeat_of_an_event_id_is_recorded_as_a_repeat_and_sends_nothing(
    sender: Sender, django_capture_on_commit_callbacks: Any
) -> None:
    assert sender.shopify(ORDER, event_id="evt-7", webhook_id="wh-a").status_code == 200
    first = WebhookDelivery.objects.get()
    # Shopify's retry keeps the webhook id; a second subscription has its own, with the same event id.
    for webhook_id in ("wh-a", "wh-b"):
        with django_capture_on_commit_callbacks() as sent, table_changes() as changes:
            response = sender.shopify(ORDER, event_id="evt-7", webhook_id=webhook_id)
        assert response.status_code == 200
        repeat = WebhookDelivery.objects.latest("pk")
        assert response.json() == {"delivery": repeat.pk, "outcome": "repeat"}
        assert (repeat.outcome, repeat.repeat_of_id, repeat.reason) == (
            Outcome.REPEAT,
            first.pk,
            f"repeat of delivery {first.pk}",
        )
        assert sent == [] and changes.counts() == {"sources.WebhookDelivery": (1, 0, 0)}
    # The same event id at another endpoint is another event.
    assert sender.shopify(ORDER, event_id="evt-7", code="shop-us").json()["outcome"] == "repeat"


def test_a_signed_stripe_event_is_stored_with_its_id_and_type_from_the_body(
    sender: Sender, delivery_queue: DeliveryQueue, django_capture_on_commit_callbacks: Any
) -> None:
    body = stripe_event("evt_3PzX", "payment_intent.succeeded")
    with django_capture_on_commit_callbacks(execute=True):
        response = sender.stripe(body)
    assert response.status_code == 200
    delivery = WebhookDelivery.objects.get()
    assert (delivery.provider, delivery.topic, delivery.provider_event_id) == (
        "stripe",
        "payment_intent.succeeded",
        "evt_3PzX",
    )
    assert delivery.headers["Stripe-Signature"].startswith("t=") and bytes(delivery.body) == body
    assert delivery_queue.ids() == [delivery.pk]
    assert sender.stripe(body).json()["outcome"] == "repeat"


@pytest.mark.parametrize(
    ("body", "reason"),
    [
        (b"\xff not json", "the body is not JSON"),
        (b"[1, 2]", "the body is not a JSON object"),
        (b'{"object": "event", "type": "charge.succeeded"}', "the event has no id (a string of 1-200 characters)"),
    ],
)
def test_a_signed_stripe_body_without_an_event_is_answered_200_and_kept_as_unparsed(
    sender: Sender, body: bytes, reason: str, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks() as sent:
        response = sender.stripe(body)
    assert response.status_code == 200  # Stripe must not retry what will never be read
    delivery = WebhookDelivery.objects.get()
    assert (delivery.outcome, delivery.reason, bytes(delivery.body)) == (Outcome.UNPARSED, reason, body)
    assert delivery.processed_at is not None and sent == []


def _flipped(body: bytes) -> bytes:
    changed = bytearray(body)
    changed[len(changed) // 2] ^= 0x01
    return bytes(changed)


GOOD_HMAC = shopify_signature.sign(ORDER, SHOPIFY_SECRET)


@pytest.mark.parametrize(
    ("send", "reason"),
    [
        (lambda s: s.shopify(_flipped(ORDER), headers={"X-Shopify-Hmac-Sha256": GOOD_HMAC}), "bad_signature"),
        (lambda s: s.shopify(ORDER, secret="another-app-secret"), "bad_signature"),
        (lambda s: s.shopify(ORDER, headers={"X-Shopify-Hmac-Sha256": ""}), "missing_signature"),
        (lambda s: s.shopify(ORDER, headers={"X-Shopify-Hmac-Sha256": "not base64 at all"}), "bad_signature"),
    ],
    ids=["flipped byte", "wrong secret", "missing header", "garbage header"],
)
def test_a_shopify_delivery_that_does_not_verify_is_401_and_only_counted(
    sender: Sender, send: Any, reason: str
) -> None:
    with tables_unchanged(besides=[WebhookRefusal]):
        response = send(sender)
    assert response.status_code == 401 and response.json() == UNAUTHORIZED
    assert refusals() == {("shopify", "shop-us", reason): 1}


def test_a_stripe_delivery_that_does_not_verify_is_401_the_same_whatever_failed(sender: Sender) -> None:
    body = stripe_event()
    now = int(time.time())
    good_header = stripe_signature.sign(body, STRIPE_SECRET, now)
    attempts = [
        ("bad_signature", lambda: sender.stripe(_flipped(body), signature=good_header)),
        ("bad_signature", lambda: sender.stripe(body, secret="whsec_not_ours")),
        ("stale_timestamp", lambda: sender.stripe(body, timestamp=now - 301)),
        ("missing_signature", lambda: sender.stripe(body, signature="")),
        ("malformed_signature", lambda: sender.stripe(body, signature="v1=" + "0" * 64)),
    ]
    with tables_unchanged(besides=[WebhookRefusal]):
        answers = {(r.status_code, r.content) for r in (attempt() for _, attempt in attempts)}
    assert answers == {(401, json.dumps(UNAUTHORIZED).encode())}  # one answer, whatever failed
    assert refusals() == {
        ("stripe", "stripe-us", "bad_signature"): 2,
        ("stripe", "stripe-us", "stale_timestamp"): 1,
        ("stripe", "stripe-us", "missing_signature"): 1,
        ("stripe", "stripe-us", "malformed_signature"): 1,
    }
    # The same body, well signed, still goes in: the refusals left no trace of it.
    assert sender.stripe(body, timestamp=now).json()["outcome"] == "received"


def test_the_stripe_tolerance_is_a_setting(sender: Sender, settings: Any) -> None:
    settings.WEBHOOK_STRIPE_TOLERANCE_SECONDS = 30
    assert sender.stripe(stripe_event(), timestamp=int(time.time()) - 60).status_code == 401
    assert refusals() == {("stripe", "stripe-us", "stale_timestamp"): 1}


@pytest.mark.parametrize(
    "path",
    [
        "/webhooks/shopify/no-such-shop/",
        "/webhooks/stripe/shop-us/",  # a Shopify source at the Stripe address
        "/webhooks/shopify/" + "x" * 300 + "/",
    ],
)
def test_an_address_naming_no_webhook_source_is_404_counted_under_no_code(sender: Sender, path: str) -> None:
    with tables_unchanged(besides=[WebhookRefusal]):
        response = sender.client.post(path, data=ORDER, content_type="application/json")
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "not_found"
    provider = path.split("/")[2]
    assert refusals() == {(provider, "", "unknown_source"): 1}


def test_an_inactive_source_has_no_endpoint(sender: Sender, endpoints: dict[str, Any]) -> None:
    SourceSystem.objects.filter(pk=endpoints["shopify"].pk).update(is_active=False)
    with tables_unchanged(besides=[WebhookRefusal]):
        assert sender.shopify(ORDER).status_code == 404


def test_a_body_over_the_limit_is_413_before_it_is_read(sender: Sender, settings: Any) -> None:
    settings.WEBHOOK_MAX_BODY_BYTES = 1000
    with tables_unchanged(besides=[WebhookRefusal]):
        assert sender.shopify(b"{" + b" " * 999 + b"}").status_code == 413
        # Declared larger than it is: reading it would fail (the test client's body is shorter), so
        # the 413 shows the length was judged from the header, before any byte was read.
        response = sender.shopify(b"{}", CONTENT_LENGTH="5000000")
    assert response.status_code == 413
    assert response.json()["error"] == {"code": "body_too_large", "message": "the body is over the limit of 1000 bytes"}
    assert refusals() == {("shopify", "shop-us", "body_too_large"): 2}
    assert sender.shopify(b"{" + b" " * 998 + b"}").status_code == 200  # exactly the limit


def test_only_post_is_answered(sender: Sender) -> None:
    with tables_unchanged():
        assert sender.client.get("/webhooks/shopify/shop-us/").status_code == 405


def test_no_csrf_token_and_no_session_are_needed(endpoints: dict[str, Any]) -> None:
    strict = Sender(Client(enforce_csrf_checks=True))
    response = strict.shopify(ORDER)
    assert response.status_code == 200
    assert "sessionid" not in response.cookies and "csrftoken" not in response.cookies


def test_the_previous_secret_verifies_during_a_rotation_and_not_after(
    sender: Sender, endpoints: dict[str, Any], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    # The new secret goes into a file (NAME_FILE, as containers pass secrets); the old one stays in
    # the variable named as the previous one.
    (tmp_path / "new").write_text("shpss_the_new_one\n")
    monkeypatch.setenv("SHOP_US_NEW_SECRET_FILE", str(tmp_path / "new"))
    source = endpoints["shopify"]
    source.secret_env, source.previous_secret_env = "SHOP_US_NEW_SECRET", "SHOP_US_WEBHOOK_SECRET"
    source.save()
    assert sender.shopify(ORDER, event_id="e1").status_code == 200  # Shopify still signs with the old one
    assert sender.shopify(ORDER, event_id="e2", secret="shpss_the_new_one").status_code == 200
    source.previous_secret_env = ""
    source.save()
    assert sender.shopify(ORDER, event_id="e3").status_code == 401
    assert sender.shopify(ORDER, event_id="e4", secret="shpss_the_new_one").status_code == 200


def test_a_secret_missing_from_the_environment_refuses_and_names_the_variable_in_the_log(
    sender: Sender, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    monkeypatch.delenv("SHOP_US_WEBHOOK_SECRET")
    with caplog.at_level(logging.WARNING), tables_unchanged(besides=[WebhookRefusal]):
        response = sender.shopify(ORDER)
    assert response.status_code == 401 and response.json() == UNAUTHORIZED
    assert refusals() == {("shopify", "shop-us", "unconfigured"): 1}
    assert any(r.levelno == logging.ERROR and "shop-us" in r.getMessage() for r in caplog.records)


def test_the_secret_is_in_no_log_no_delivery_no_counter_and_no_answer(
    sender: Sender, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.DEBUG):
        answers = [
            sender.shopify(ORDER, event_id="ok"),
            sender.shopify(ORDER, secret="wrong"),
            sender.stripe(stripe_event()),
            sender.stripe(stripe_event("evt_2"), secret="whsec_wrong"),
            sender.stripe(stripe_event("evt_3"), timestamp=1),
        ]
    assert [a.status_code for a in answers] == [200, 401, 200, 401, 401]
    stored = [
        json.dumps(list(WebhookDelivery.objects.values("headers", "reason", "topic", "provider_event_id"))),
        *(bytes(d.body).decode("utf-8", "replace") for d in WebhookDelivery.objects.all()),
        json.dumps(list(WebhookRefusal.objects.values()), default=str),
        *(a.content.decode() for a in answers),
        caplog.text,
    ]
    for secret in (SHOPIFY_SECRET, STRIPE_SECRET):
        assert not any(secret in text for text in stored)


def test_the_sweeper_sends_a_delivery_whose_message_was_lost(
    sender: Sender, delivery_queue: DeliveryQueue, settings: Any
) -> None:
    # Outside the on-commit capture nothing is sent: as when the broker was down at commit.
    assert sender.shopify(ORDER).status_code == 200
    delivery = WebhookDelivery.objects.get()
    assert delivery_queue.ids() == []
    assert deliveries_sweep() == 0  # not stale yet
    settings.WEBHOOK_SWEEP_STALE_SECONDS = 0
    assert deliveries_sweep() == 1
    assert delivery_queue.ids() == [delivery.pk]


def test_each_process_remembers_an_endpoint_for_the_cache_seconds(
    sender: Sender, endpoints: dict[str, Any], settings: Any
) -> None:
    settings.WEBHOOK_ENDPOINT_CACHE_SECONDS = 5
    assert sender.shopify(ORDER, event_id="a").status_code == 200  # asked, and remembered
    with CaptureQueriesContext(connection) as queries:
        assert sender.shopify(ORDER, event_id="b").status_code == 200
    # Remembered: the delivery's insert is its one statement (in the test's savepoint).
    statements = [q["sql"] for q in queries.captured_queries if not q["sql"].startswith(("SAVEPOINT", "RELEASE"))]
    assert len(statements) == 1 and statements[0].startswith("INSERT INTO sources_webhookdelivery ")
    SourceSystem.objects.filter(pk=endpoints["shopify"].pk).update(is_active=False)
    assert sender.shopify(ORDER, event_id="c").status_code == 200  # within the seconds: still the endpoint
    endpoints_forget()  # as the seconds running out do
    assert sender.shopify(ORDER, event_id="d").status_code == 404
    # Unknown addresses are remembered as unknown, and cannot grow the memory without bound.
    for n in range(1500):
        selectors.endpoint_find(provider="shopify", code=f"made-up-{n}")
    assert len(selectors._remembered) <= 1000
