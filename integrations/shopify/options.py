"""What a Shopify source says about the drafts its deliveries become.

Every field has a default, so `read(topic, body)` works for a shop whose Odoo
mappings carry the defaults. Codes are the console's own source codes, resolved
to Odoo records by the mappings like any other: an empty account code leaves the
line to the account Odoo's journal gives it.

Payment methods need no option: a payment's method key is the Shopify gateway's
name (`shopify_payments`, `paypal`, `gift_card`, `Cash on Delivery (COD)`), which
the journal-key mapping turns into the Odoo journal receiving that money.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class ShopifyOptions:
    # Journal key of invoices and credit notes; "" leaves the canonical default
    # (`customer_invoice`, which a credit note shares, as Odoo books a refund in its
    # invoice's journal).
    sales_journal: str = ""
    # Account code of product lines; "" = the sales journal's default income account.
    sales_account_code: str = ""
    # Gift cards sold are a liability until redeemed, not revenue: set this to the
    # gift card liability account. "" = the same as product lines.
    gift_card_account_code: str = ""
    # Account code of shipping lines and shipping refunds; "" = as product lines.
    shipping_account_code: str = ""
    # Account code of the negative discount lines; "" = the account of the line
    # the discount was allocated to (revenue is then booked net of discounts).
    discount_account_code: str = ""
    # Account code of a refund's order adjustments (refunded more or less than its
    # lines, kept as Shopify's refund discrepancy); "" = as product lines.
    refund_adjustment_account_code: str = ""
    # The partner of an order with neither a customer nor an email (a point-of-sale
    # walk-in): one shared partner, as Odoo's own point of sale does.
    guest_partner_name: str = "Shopify guest"
    # Orders and refunds Shopify marks as tests (the Bogus gateway, test mode) post
    # nothing unless this is set: they moved no money.
    include_test_orders: bool = False
