"""The demo's matching rules, each through the audited service (as the shell, system:seed_demo)."""

from __future__ import annotations

from console.audit.actors import Actor
from console.reconciliation.models import DateField, MatchBy, MatchingRule, ReferenceCompare, RuleKind, Sign
from console.reconciliation.services.matching_rules import RuleValues, matching_rule_create

BANK_TEXTS = ("reference", "remittance", "description", "end_to_end_id", "bank_reference")


def demo_rules(*, bank: str, stripe: str, shopify: str) -> list[RuleValues]:
    return [
        RuleValues(
            name="Stripe payouts reach the bank",
            kind=RuleKind.PAIR,
            left_source=stripe,
            left_kind="journal_entry",
            left_id_prefix="po_",
            left_label="payout",
            right_source=bank,
            right_kind="bank_statement_line",
            right_sign=Sign.CREDIT,
            right_reference_fields=BANK_TEXTS,
            match_by=MatchBy.REFERENCE_OR_AMOUNT,
            reference_compare=ReferenceCompare.CONTAINS,
            days_before=1,
            window_days=3,
        ),
        RuleValues(
            name="Shopify orders paid through Stripe are Stripe charges",
            kind=RuleKind.COVERAGE,
            left_source=shopify,
            left_kind="payment",
            left_where={"payment_method": "stripe"},
            left_label="order",
            left_reference="invoice_external_id",
            left_date=DateField.OCCURRED,
            right_source=stripe,
            right_kind="payment",
            right_sign=Sign.CREDIT,
            right_reference_fields=("invoice_external_id",),
            right_date=DateField.OCCURRED,
            reference_compare=ReferenceCompare.EQUALS,
            days_before=1,
            window_days=1,
        ),
    ]


def matching_rules_seed(*, entity_code: str, actor: Actor, reason: str, report: list[str]) -> None:
    """The demo rules the entity does not have yet (by name)."""
    for values in demo_rules(bank="bankfeed", stripe="stripe", shopify="shopify"):
        if MatchingRule.objects.filter(entity__code=entity_code, name=values.name).exists():
            continue
        matching_rule_create(user=None, actor=actor, entity_code=entity_code, values=values, reason=reason)
        report.append(f"matching rule {values.name!r}")
