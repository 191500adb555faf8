"""Stripe balance transactions: what a charge or a dispute did to the Stripe balance.

`amount` is the gross (negative when money leaves the balance), `fee` what Stripe kept
(negative when it gives a fee back, as on a won dispute), `net` = amount - fee, and
`fee_details` itemise the fee. All are in the transaction's currency: the account's
settlement currency, which may differ from the charge's.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from integrations.stripe import money
from integrations.stripe.drafts import Line
from integrations.stripe.fields import Node
from integrations.webhooks import Unreadable


@dataclass(frozen=True, slots=True)
class BalanceTransaction:
    id: str
    currency: str
    created: datetime
    amount: int
    fee: int
    net: int
    node: Node


def balance_transaction(node: Node) -> BalanceTransaction:
    node.expect("balance_transaction")
    txn = BalanceTransaction(
        id=node.identifier("id", "txn_"),
        currency=money.currency(node.get("currency"), node.where("currency")),
        created=node.moment("created"),
        amount=node.integer("amount"),
        fee=node.integer("fee"),
        net=node.integer("net"),
        node=node,
    )
    if txn.net != txn.amount - txn.fee:
        raise Unreadable(f"{node.where('net')}: {txn.net} is not amount {txn.amount} - fee {txn.fee}")
    return txn


def fee_lines(txn: BalanceTransaction, account: str) -> list[Line]:
    """The fee as lines on `account`: one per fee detail (Stripe's fee, an application fee,
    tax on fees), a debit for a fee kept and a credit for a fee given back."""
    details = txn.node.nodes("fee_details") if txn.node.get("fee_details") is not None else []
    if not details:
        return [Line(account, "Stripe fee", txn.fee, txn.node.where("fee"))]
    lines = []
    for detail in details:
        code = money.currency(detail.get("currency"), detail.where("currency"))
        if code != txn.currency:
            raise Unreadable(f"{detail.where('currency')}: {code} is not the transaction's {txn.currency}")
        description = detail.text("description", required=False) or detail.text("type", required=False)
        lines.append(Line(account, description or "Stripe fee", detail.integer("amount"), detail.where("amount")))
    itemised = sum(line.minor for line in lines)
    if itemised != txn.fee:
        raise Unreadable(f"{txn.node.where('fee_details')}: they add up to {itemised}, not the fee {txn.fee}")
    return lines
