"""The tax code of a line from its Shopify `tax_lines`.

A code is the tax's title and rate, `State Tax 6%`, resolved to an Odoo tax by the
tax mapping like any source's code. A canonical line carries one tax code, so a
line taxed by several taxes (state and county, GST and PST) carries them joined,
sorted so the same taxes always give the same code: `County Tax 1% + State Tax 6%`,
mapped to an Odoo tax of type group whose children are the two.

Whether a price includes its tax is the mapped Odoo tax's own setting (Odoo 18's
`price_include_override` = tax included), as the unit price of a line is the price
Shopify shows: with tax when the order's `taxes_included` is true.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from integrations.canonical import MAX_CODE
from integrations.shopify import fields
from integrations.webhooks import Unreadable

_HASH_LENGTH = 8


def percent(rate: Decimal) -> str:
    """A rate as Shopify sends it (0.0725) as the percent a person reads (7.25)."""
    return f"{(rate * 100).normalize():f}"


def _one(line: Mapping[str, Any], where: str) -> str:
    title = fields.text(line, "title", where)
    if not title:
        raise Unreadable(f"{where}.title: is missing")
    if line.get("rate") is None:
        raise Unreadable(f"{where}.rate: is missing")
    rate = fields.number(line["rate"], f"{where}.rate")
    if rate < 0:
        raise Unreadable(f"{where}.rate: {rate} is negative")
    shown = f"{percent(rate)}%"
    # A shop may already name its tax with the rate ("VAT 20%"): do not say it twice.
    return title if title.endswith(shown) else f"{title} {shown}"


def tax_code(tax_lines: list[Mapping[str, Any]], path: str, currency: str) -> str:
    """The code of the taxes Shopify charged on a line; "" for none.

    A tax line of amount zero is left out: Shopify charged nothing for it (an exempt
    customer, a line that is not taxable), and a code would have Odoo charge its rate."""
    codes = set()
    for index, line in enumerate(tax_lines):
        where = f"{path}[{index}]"
        if fields.money(line, "price", where, currency, required=False) == 0:
            continue
        codes.add(_one(line, where))
    code = " + ".join(sorted(codes))
    if len(code) <= MAX_CODE:
        return code
    # Too long for a code: keep its start for people and a digest of the whole so two
    # different combinations never share a mapping.
    digest = hashlib.sha256(code.encode()).hexdigest()[:_HASH_LENGTH]
    return f"{code[: MAX_CODE - _HASH_LENGTH - 1].rstrip()}~{digest}"
