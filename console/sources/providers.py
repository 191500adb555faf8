"""What differs between a Shopify and a Stripe delivery, behind one shape: where its signature is
and how it is checked, what the delivery is (topic, provider event id), which headers are kept,
which reader of integrations/ turns its body into drafts, and which flows its source needs."""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

from django.conf import settings

from console.sources.models import Provider
from console.sync.models import BusinessProcess, UnmatchedReceipts
from console.sync.services.sources import FlowSpec
from integrations.shopify import signature as shopify_signature
from integrations.shopify.options import ShopifyOptions
from integrations.shopify.payloads import read as shopify_read
from integrations.stripe import signature as stripe_signature
from integrations.stripe.events import read as stripe_read
from integrations.stripe.notes import needs_case as stripe_needs_case
from integrations.stripe.options import StripeOptions
from integrations.webhooks import Reading

# No secret to check with: the console's fault, not the sender's (logged as an error).
UNCONFIGURED = shopify_signature.UNCONFIGURED
assert UNCONFIGURED == stripe_signature.UNCONFIGURED

MAX_TOPIC = 100
MAX_EVENT_ID = 200
MAX_HEADER = 500


@dataclass(frozen=True)
class Identity:
    """What a verified delivery says it is, read before it is stored."""

    topic: str
    event_id: str
    unreadable: str = ""  # why the body could not even be read for its id (it is stored as unparsed)


class OptionError(ValueError):
    """An option the provider's reader does not take, or a value it refuses."""


class Adapter(Protocol):
    provider: str
    flows: tuple[FlowSpec, ...]
    options_type: type[Any]  # the reader's frozen options dataclass

    def refusal(self, body: bytes, headers: Mapping[str, str], secrets: Sequence[str]) -> str | None:
        """None when one of the secrets signed the body; else the reason, for counters and logs."""
        ...

    def identify(self, body: bytes, headers: Mapping[str, str]) -> Identity: ...

    def kept_headers(self, headers: Mapping[str, str]) -> dict[str, str]: ...

    def read(self, topic: str, body: bytes, options: Mapping[str, Any]) -> Reading:
        """The body's drafts; `options` as stored on the source (options_check made them)."""
        ...

    def needs_attention(self, note: str) -> bool:
        """The reading's note says money moved, or may have, with nothing drafted for it."""
        ...


def options_check(adapter: Adapter, values: Mapping[str, Any]) -> dict[str, Any]:
    """The options as the source stores them, once the reader's options type accepts them."""
    known = {f.name: f for f in dataclasses.fields(adapter.options_type)}
    unknown = sorted(set(values) - set(known))
    if unknown:
        raise OptionError(f"unknown option(s) {', '.join(unknown)}: {adapter.provider} takes {', '.join(known)}")
    try:
        adapter.options_type(**values)
    except (TypeError, ValueError) as err:
        raise OptionError(str(err)) from None
    return dict(values)


def option_value(adapter: Adapter, name: str, text: str) -> Any:
    """An option given as text (`--option name=value`) as its type: true/false for a flag."""
    field = next((f for f in dataclasses.fields(adapter.options_type) if f.name == name), None)
    if field is None or not isinstance(field.default, bool):
        return text
    if text.lower() in {"true", "yes", "1", "on"}:
        return True
    if text.lower() in {"false", "no", "0", "off"}:
        return False
    raise OptionError(f"option {name} is true or false, not {text!r}")


def _clean(value: str, limit: int) -> str:
    # Headers arrive as latin-1 text: only NUL cannot be stored (PostgreSQL text).
    return value.replace("\x00", "\ufffd")[:limit]


def _kept(headers: Mapping[str, str], names: Sequence[str]) -> dict[str, str]:
    return {name: _clean(headers[name], MAX_HEADER) for name in names if headers.get(name)}


class Shopify:
    provider: str = Provider.SHOPIFY.value
    options_type: type[Any] = ShopifyOptions
    flows: tuple[FlowSpec, ...] = (
        FlowSpec("customer_invoice", "Shopify orders → customer invoices", BusinessProcess.ORDER_TO_CASH),
        FlowSpec("payment", "Shopify order payments and refunds → payments", BusinessProcess.ORDER_TO_CASH),
        FlowSpec("customer_credit_note", "Shopify refunds → credit notes", BusinessProcess.ORDER_TO_CASH),
    )
    # Webhooks send X-Shopify-*; Shopify's newer Events deliveries send the same without "X-".
    NAMES = ("Topic", "Hmac-Sha256", "Event-Id", "Webhook-Id", "Shop-Domain", "Triggered-At", "Api-Version")

    @staticmethod
    def _header(headers: Mapping[str, str], name: str) -> str:
        return headers.get(f"X-Shopify-{name}") or headers.get(f"Shopify-{name}") or ""

    def refusal(self, body: bytes, headers: Mapping[str, str], secrets: Sequence[str]) -> str | None:
        try:
            shopify_signature.verify(body, self._header(headers, "Hmac-Sha256") or None, secrets)
        except shopify_signature.SignatureRefused as refused:
            return refused.reason
        return None

    def identify(self, body: bytes, headers: Mapping[str, str]) -> Identity:
        # X-Shopify-Event-Id is the same for every subscription's delivery of one event;
        # X-Shopify-Webhook-Id identifies one delivery (kept across its retries).
        event_id = self._header(headers, "Event-Id") or self._header(headers, "Webhook-Id")
        topic = self._header(headers, "Topic")
        return Identity(topic=_clean(topic, MAX_TOPIC), event_id=_clean(event_id, MAX_EVENT_ID))

    def kept_headers(self, headers: Mapping[str, str]) -> dict[str, str]:
        names = [f"{prefix}Shopify-{name}" for name in self.NAMES for prefix in ("X-", "")]
        return _kept(headers, [*names, "Content-Type", "User-Agent"])

    def read(self, topic: str, body: bytes, options: Mapping[str, Any]) -> Reading:
        return shopify_read(topic, body, options=ShopifyOptions(**options))

    def needs_attention(self, note: str) -> bool:
        return False  # Shopify's notes say why nothing posts; money moved comes as refunds/create


class Stripe:
    provider: str = Provider.STRIPE.value
    options_type: type[Any] = StripeOptions
    flows: tuple[FlowSpec, ...] = (
        # A charge names its invoice only through a metadata key the shop may not set: a receipt
        # that settles nothing gets a case to match it.
        FlowSpec(
            "payment",
            "Stripe charges and refunds → payments",
            BusinessProcess.ORDER_TO_CASH,
            unmatched_receipts=UnmatchedReceipts.POST_AND_MATCH,
        ),
        FlowSpec("journal_entry", "Stripe payouts, disputes and fees → journal entries", BusinessProcess.TREASURY),
    )

    def refusal(self, body: bytes, headers: Mapping[str, str], secrets: Sequence[str]) -> str | None:
        try:
            stripe_signature.verify(
                body,
                headers.get(stripe_signature.SIGNATURE_HEADER),
                secrets,
                tolerance_seconds=settings.WEBHOOK_STRIPE_TOLERANCE_SECONDS,
            )
        except stripe_signature.SignatureRefused as refused:
            return refused.reason
        return None

    def identify(self, body: bytes, headers: Mapping[str, str]) -> Identity:
        # Stripe's event id is in the (verified) body; the reader reads the rest in the task.
        try:
            event = json.loads(body)
        except (ValueError, RecursionError):
            return Identity(topic="", event_id="", unreadable="the body is not JSON")
        if not isinstance(event, dict):
            return Identity(topic="", event_id="", unreadable="the body is not a JSON object")
        kind = event.get("type")
        topic = _clean(kind, MAX_TOPIC) if isinstance(kind, str) else ""
        event_id = event.get("id")
        if not isinstance(event_id, str) or not event_id or len(event_id) > MAX_EVENT_ID:
            return Identity(topic=topic, event_id="", unreadable="the event has no id (a string of 1-200 characters)")
        return Identity(topic=topic, event_id=_clean(event_id, MAX_EVENT_ID))

    def kept_headers(self, headers: Mapping[str, str]) -> dict[str, str]:
        return _kept(headers, [stripe_signature.SIGNATURE_HEADER, "Content-Type", "User-Agent"])

    def read(self, topic: str, body: bytes, options: Mapping[str, Any]) -> Reading:
        return stripe_read(body, options=StripeOptions(**options))

    def needs_attention(self, note: str) -> bool:
        return stripe_needs_case(note)


ADAPTERS: dict[str, Adapter] = {Provider.SHOPIFY.value: Shopify(), Provider.STRIPE.value: Stripe()}
