"""The canonical `data` of the documents Shopify bodies become: an invoice or credit
note, and a payment (README "Ingestion API" for the fields)."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any

from integrations.shopify import fields
from integrations.shopify.options import ShopifyOptions


def invoice_data(
    *,
    partner: dict[str, str] | None,
    currency: str,
    moment: datetime,
    reference: str,
    lines: list[dict[str, str]],
    options: ShopifyOptions,
) -> dict[str, Any]:
    """None as partner: a credit note taking its invoice's (it names it in reversed_external_id)."""
    data: dict[str, Any] = {
        "currency": currency,
        "invoice_date": fields.local_date(moment).isoformat(),
        "reference": reference,
        "lines": lines,
    }
    if partner is not None:
        data = {"partner": partner, **data}
    if options.sales_journal:
        data["journal"] = options.sales_journal
    return data


def payment_data(
    *,
    partner: dict[str, str] | None,
    currency: str,
    amount: Decimal,
    moment: datetime,
    direction: str,
    method: str,
    settles: str,
    reference: str,
) -> dict[str, Any]:
    """A shop's payments are all with its customers, the money in or out (a refund): the
    counterparty says so. None as partner: the settled document's (`settles` names it)."""
    data: dict[str, Any] = {
        "currency": currency,
        "amount": fields.amount_text(amount),
        "date": fields.local_date(moment).isoformat(),
        "direction": direction,
        "counterparty": "customer",
        "payment_method": method,
        "reference": reference,
    }
    if partner is not None:
        data = {"partner": partner, **data}
    if settles:
        data["invoice_external_id"] = settles
    return data
