"""A verified Shopify webhook body into canonical event drafts (integrations/webhooks.py).

`topic` is the delivery's `X-Shopify-Topic` header. The body is the bare resource
(an order, a refund, an order edit), read with its amounts as Decimal from the JSON
text; what each topic becomes is documented in the README ("Shopify: what each topic
becomes"). Every draft returned has passed the canonical reader the ingestion API
uses, so the console never records from a webhook what it would refuse through the API.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from integrations.canonical import PayloadError, parse_document
from integrations.shopify import fields
from integrations.shopify.options import ShopifyOptions
from integrations.shopify.orders import invoice_key, read_order
from integrations.shopify.refunds import read_refund
from integrations.webhooks import Reading, Unhandled, Unreadable

ORDER_TOPICS = ("orders/create", "orders/paid", "orders/updated", "orders/cancelled")
TOPICS = (*ORDER_TOPICS, "orders/edited", "refunds/create")


# The default is a frozen dataclass: one shared instance cannot be changed by a caller.
def read(topic: str, body: bytes, *, options: ShopifyOptions = ShopifyOptions()) -> Reading:  # noqa: B008
    """What one verified delivery says: Unhandled for a topic the console does not read,
    Unreadable naming the field for a body it cannot."""
    if topic not in TOPICS:
        raise Unhandled(f"the topic {topic[:80]!r} is not one the console reads ({', '.join(TOPICS)})")
    if topic == "orders/edited":
        reading = _read_edit(fields.decode(body, "order_edit"))
    elif topic == "refunds/create":
        reading = read_refund(fields.decode(body, "refund"), options)
    else:
        reading = read_order(topic, fields.decode(body, "order"), options)
    for draft in reading.drafts:
        try:
            parse_document(draft.kind, draft.data)
        except PayloadError as err:
            # Something in the body the canonical reader refuses (a text too long, a
            # currency it does not know): named here, as the API would name it.
            raise Unreadable(f"{draft.external_id} ({draft.kind}): {err}") from None
    return reading


def _read_edit(body: Mapping[str, Any]) -> Reading:
    """orders/edited: an order's goods changed after it was placed. The body is the edit
    (`{"order_edit": {"order_id", "line_items": {"additions", "removals"}}}`), not the
    order, so nothing is drafted: the invoice is reported changed, and the console opens
    a case for it if it has posted rather than posting it again."""
    edit = fields.obj(body, "order_edit", "body")
    assert edit is not None
    order_id = fields.ident(edit, "order_id", "order_edit")
    return Reading(
        note=f"order {order_id} was edited after it was placed: its invoice is reported changed",
        changed=(invoice_key(order_id),),
    )
