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
    partner: dict[str, str],
    currency: str,
    moment: datetime,
    reference: str,
    lines: list[dict[str, str]],
    options: ShopifyOptions,
) -> dict[str, Any]:
    data: dict[str, Any] = {
        "partner": partner,
        "currency": currency,
        "invoice_date": fields.local_date(moment).isoformat(),
        "reference": reference,
        "lines": lines,
    }
    if options.sales_journal:
        data["journal"] = options.sales_journal
    return data


def payment_data(
    *,
    partner: dict[str, str],
    currency: str,
    amount: Decimal,
    moment: datetime,
    direction: str,
    method: str,
    settles: str,
    reference: str,
) -> dict[str, Any]:
    data: dict[str, Any] = {
        "partner": partner,
        "currency": currency,
        "amount": fields.amount_text(amount),
        "date": fields.local_date(moment).isoformat(),
        "direction": direction,
        "payment_method": method,
        "reference": reference,
    }
    if settles:
        data["invoice_external_id"] = settles
    return data
