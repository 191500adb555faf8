"""The finance reason taxonomy: what went wrong in a finance user's words, and
what to do next. Technical reason codes of the pipeline map onto it here."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db import models


class Category(models.TextChoices):
    MISSING_MAPPING = "missing_mapping", "Missing mapping"
    CLOSED_PERIOD = "closed_period", "Closed period or lock date"
    PARTNER = "partner", "Unknown or ambiguous partner"
    INVALID_TAX = "invalid_tax", "Invalid tax"
    ODOO_VALIDATION = "odoo_validation", "Refused by Odoo"
    CREDENTIALS = "credentials", "Credentials or access rights"
    RETRIES_EXHAUSTED = "retries_exhausted", "Odoo unreachable, retries exhausted"
    WAITING_ON_INVOICE = "waiting_on_invoice", "Waiting for its invoice"
    INVALID_DOCUMENT = "invalid_document", "Unusable document from the source"
    CONFLICTING_DUPLICATE = "conflicting_duplicate", "Same key sent again with different content"
    SUSPECTED_DUPLICATE = "suspected_duplicate", "Suspected duplicate"
    INTERNAL_ERROR = "internal_error", "Failed in the console"
    CLOSED_PERIOD_HELD = "closed_period_held", "Closed period in Odoo"
    UNMATCHED_RECEIPT = "unmatched_receipt", "Unmatched receipt"
    CHANGED_AT_SOURCE = "changed_at_source", "Changed at the source after it posted"
    HELD_BY_CONTROLS = "held_by_controls", "Held: its file does not add up"
    UNUSUAL_TOTAL = "unusual_total", "Unusual total: a second look"
    # Differences found by a reconciliation run (console/reconciliation).
    NOT_IN_ODOO = "not_in_odoo", "Received but not in Odoo"
    UNKNOWN_IN_ODOO = "unknown_in_odoo", "In Odoo but unknown to us"
    AMOUNT_DIFFERS = "amount_differs", "Amount in Odoo differs from what we posted"
    CANCELLED_IN_ODOO = "cancelled_in_odoo", "Cancelled in Odoo after posting"
    SOURCE_TOTAL = "source_total", "Source total disagrees"
    # Cross-source matching (console/reconciliation): a rule's counterpart never came.
    NOT_IN_BANK = "not_in_bank", "Not seen in the bank"
    NOT_COVERED = "not_covered", "Not covered by the other source"


class Severity(models.TextChoices):
    LOW = "low", "Low"
    MEDIUM = "medium", "Medium"
    HIGH = "high", "High"
    CRITICAL = "critical", "Critical"


SEVERITY_ORDER = [Severity.LOW, Severity.MEDIUM, Severity.HIGH, Severity.CRITICAL]


@dataclass(frozen=True)
class CategoryInfo:
    explanation: str
    next_action: str  # formatted with the event's context: entity, value, date
    severity: Severity
    team: str


OPERATIONS = "Finance operations"
CONTROLLING = "Controlling"
INTEGRATION = "Integration admins"

INFO: dict[Category, CategoryInfo] = {
    Category.MISSING_MAPPING: CategoryInfo(
        "The source's code has no Odoo counterpart in force at the event's date, so nothing can be posted.",
        "Add a {mapping_kind} mapping for {value} in entity {entity}; the event posts by itself once it is approved.",
        Severity.MEDIUM,
        OPERATIONS,
    ),
    Category.CLOSED_PERIOD: CategoryInfo(
        "Odoo refused the entry because of a lock date: Odoo 17/18 move a document dated in a locked period "
        "to a later date, but refuse it when even that date is locked or a posted entry would change.",
        "Ask a controller to move the lock date in Odoo, or change the date ({date}) to one in an open period "
        "and resubmit.",
        Severity.HIGH,
        CONTROLLING,
    ),
    Category.CLOSED_PERIOD_HELD: CategoryInfo(
        "Odoo has closed the period of this document's date (a lock date). Odoo would not refuse it: it would "
        "book it on the first open date, in a later period. This flow holds such documents for finance to decide.",
        "Retry to release it: it posts into the next open period and its event shows it was booked in a later "
        "period. Or ask a controller to reopen the period in Odoo first, then retry; or correct the document's "
        "date and resubmit; or dismiss it with a reason.",
        Severity.MEDIUM,
        CONTROLLING,
    ),
    Category.PARTNER: CategoryInfo(
        "The customer or vendor could not be found in Odoo, or matched more than one contact.",
        "Merge or fix the contact in Odoo, or correct the partner reference and resubmit.",
        Severity.MEDIUM,
        OPERATIONS,
    ),
    Category.INVALID_TAX: CategoryInfo(
        "The tax Odoo was asked to use does not apply here (wrong company, archived, or wrong type).",
        "Correct the tax mapping for {entity}, or override the line's tax code and resubmit.",
        Severity.HIGH,
        OPERATIONS,
    ),
    Category.ODOO_VALIDATION: CategoryInfo(
        "Odoo checked the document and refused it; its message says why.",
        "Read Odoo's message below, correct the field it names and resubmit, or dismiss with a reason.",
        Severity.MEDIUM,
        OPERATIONS,
    ),
    Category.CREDENTIALS: CategoryInfo(
        "Odoo refused the console's login or its access rights: nothing for this entity can post.",
        "Ask an integration admin to fix the Odoo connection of {entity}, then retry.",
        Severity.CRITICAL,
        INTEGRATION,
    ),
    Category.RETRIES_EXHAUSTED: CategoryInfo(
        "Odoo could not be reached or kept failing; the automatic retries ran out.",
        "Check that Odoo is up, then retry now.",
        Severity.HIGH,
        INTEGRATION,
    ),
    Category.WAITING_ON_INVOICE: CategoryInfo(
        "A payment cannot be reconciled before the invoice or credit note it settles is posted, nor a credit "
        "note linked to the invoice it credits before that invoice and the payments received for it are "
        "posted (Odoo matches a credit note with its invoice as it posts).",
        "Work the invoice's own case first; this event posts by itself after it.",
        Severity.LOW,
        OPERATIONS,
    ),
    Category.INVALID_DOCUMENT: CategoryInfo(
        "The source sent a document the console cannot post as it is.",
        "Correct the field named below and resubmit, or ask the source's owner to resend it.",
        Severity.MEDIUM,
        OPERATIONS,
    ),
    Category.CONFLICTING_DUPLICATE: CategoryInfo(
        "The source sent the same key again with different content; the first version was kept.",
        "Compare the two versions; if the second is right, override the event and resubmit, else dismiss.",
        Severity.HIGH,
        OPERATIONS,
    ),
    Category.SUSPECTED_DUPLICATE: CategoryInfo(
        "Another event has the same partner, reference and amount: it may be the same document twice.",
        "Mark it as a duplicate of the other event, or retry to post it anyway.",
        Severity.HIGH,
        OPERATIONS,
    ),
    Category.INTERNAL_ERROR: CategoryInfo(
        "The console's own code failed on this event (not Odoo, not the source); the rest of its batch posted.",
        "Ask an integration admin to read the attempt's technical detail and the worker's log; once the "
        "cause is fixed, retry it, or correct the document and resubmit.",
        Severity.HIGH,
        INTEGRATION,
    ),
    Category.UNMATCHED_RECEIPT: CategoryInfo(
        "A payment was received that names no invoice it pays. It is posted, as cash is: Odoo holds it on "
        "the outstanding receipts account, as one of the customer's outstanding credits, while the invoice "
        "it pays still shows as unpaid (and its customer may be reminded to pay it again).",
        "Match it to the invoice it pays (its external id at the source, or its Odoo number); or leave it "
        "unmatched with a reason (an advance, a payment to refund), which is a dismissal.",
        Severity.MEDIUM,
        OPERATIONS,
    ),
    Category.CHANGED_AT_SOURCE: CategoryInfo(
        "The source changed this document after it was posted to Odoo (an order edited after it was "
        "invoiced). Nothing was posted again: Odoo holds the version received first.",
        "Compare the source's document with the Odoo record; if they differ, correct it in Odoo (a credit "
        "note, then a new document), and dismiss this case saying what was done.",
        Severity.MEDIUM,
        OPERATIONS,
    ),
    Category.HELD_BY_CONTROLS: CategoryInfo(
        "The file this came in (a bank statement, a pay run) failed a control finance checks before "
        "anything reaches Odoo: it does not balance, a statement before it is missing, or its totals "
        "disagree. Every line of it waits; the summary names the difference.",
        "Import the file that completes it (the missing statement, the corrected export): the hold then "
        "lifts by itself. Or, having checked the difference, release the hold with a reason on the file's "
        "page (a controller when the difference is material).",
        Severity.HIGH,
        OPERATIONS,
    ),
    Category.UNUSUAL_TOTAL: CategoryInfo(
        "The pay run's total is further from the average of its source's last six runs than the share "
        "finance set (FINOPS_PAYROLL_DEVIATION_SHARE). Nothing holds it: it posts as usual; this case asks "
        "a person to look at it once more.",
        "Compare the run with the payroll system's report (a bonus run, new hires, a missed or doubled run); "
        "say what you found in a comment and dismiss the case. If the run is wrong, correct it in Odoo and "
        "say so here.",
        Severity.MEDIUM,
        OPERATIONS,
    ),
    Category.NOT_IN_ODOO: CategoryInfo(
        "The console received this event for the day, but Odoo holds no record of it in the books: it was "
        "never posted (still queued, waiting or failed), or the record it posted as is gone from Odoo.",
        "Work the event to posted (its own case, if it has one, says why it is not), or recreate what was "
        "deleted in Odoo; then re-run the day on its reconciliation page. Or dismiss with a reason.",
        Severity.HIGH,
        OPERATIONS,
    ),
    Category.UNKNOWN_IN_ODOO: CategoryInfo(
        "Odoo holds a record carrying the console's marker (its reference or memo) that no event of ours "
        "explains: someone created or copied it in Odoo, or it came from another console.",
        "Find out who made the record in Odoo (its chatter); cancel or delete it there if it should not exist, "
        "then re-run the day. If it is right, dismiss this case saying why.",
        Severity.HIGH,
        CONTROLLING,
    ),
    Category.AMOUNT_DIFFERS: CategoryInfo(
        "The record in Odoo no longer shows the amount the console posted: it was edited in Odoo after posting.",
        "Compare the record in Odoo with the event; correct it in Odoo (or ask who edited it why), then re-run "
        "the day. If the edit was right, dismiss this case saying so.",
        Severity.HIGH,
        CONTROLLING,
    ),
    Category.CANCELLED_IN_ODOO: CategoryInfo(
        "The record the console posted was cancelled or reset to draft in Odoo afterwards: it is no longer "
        "in the books.",
        "Ask who cancelled it in Odoo why; post it again there if the cancellation was a mistake, then re-run "
        "the day. If it was right (the source cancelled the document too), dismiss this case saying so.",
        Severity.HIGH,
        CONTROLLING,
    ),
    Category.SOURCE_TOTAL: CategoryInfo(
        "The source's own control total for the day (its count and sums per currency) disagrees with what "
        "the console received from it: documents were lost on the way, or sent twice, or the total is wrong.",
        "Ask the source's owner to resend what is missing (or a corrected control total); then re-run the day. "
        "If the source's total is wrong and stays so, dismiss this case saying why.",
        Severity.HIGH,
        INTEGRATION,
    ),
    Category.NOT_IN_BANK: CategoryInfo(
        "A matching rule of the entity expects this money on a bank statement (a Stripe payout as a credit "
        "of the same amount) within its window of days, and no statement line of the bank source matched it. "
        "The money may be late, returned, sent to another account, or its statement not imported yet.",
        "Import the bank statement covering the days after {date} if it is missing: the case resolves by "
        "itself when a line matches. Otherwise look the payout up at its provider and at the bank; dismiss it "
        "with a reason only once the money is accounted for.",
        Severity.MEDIUM,
        OPERATIONS,
    ),
    Category.NOT_COVERED: CategoryInfo(
        "A matching rule of the entity expects this event to be covered by one of another source (a Shopify "
        "order paid through Stripe by a Stripe charge of the same amount on the same UTC day), and none "
        "matched it: the money may not have been taken, or the other source's event never reached us.",
        "Look the order up at the payment provider: a charge missing from the console is redelivered from "
        "there (the case resolves by itself when it matches); a charge that never happened is a sale not "
        "paid, for the customer to be asked. Dismiss with a reason once accounted for.",
        Severity.MEDIUM,
        OPERATIONS,
    ),
}

REASON_CATEGORIES: dict[str, Category] = {
    "missing_mapping": Category.MISSING_MAPPING,
    "lock_date": Category.CLOSED_PERIOD,
    "ambiguous_partner": Category.PARTNER,
    "unknown_partner": Category.PARTNER,
    "missing_record": Category.ODOO_VALIDATION,
    "cancelled_in_odoo": Category.ODOO_VALIDATION,
    "rejected_in_odoo": Category.ODOO_VALIDATION,
    "not_posted": Category.ODOO_VALIDATION,
    "invalid_tax": Category.INVALID_TAX,
    "validation": Category.ODOO_VALIDATION,
    "duplicate": Category.ODOO_VALIDATION,
    "fault": Category.ODOO_VALIDATION,
    "access_denied": Category.CREDENTIALS,
    "access_rights": Category.CREDENTIALS,
    "missing_group": Category.CREDENTIALS,
    "connection_config": Category.CREDENTIALS,
    "login_refused": Category.CREDENTIALS,
    "http_error": Category.CREDENTIALS,
    "retries_exhausted": Category.RETRIES_EXHAUSTED,
    "invoice_not_received": Category.WAITING_ON_INVOICE,
    "invoice_not_posted": Category.WAITING_ON_INVOICE,
    "payment_not_posted": Category.WAITING_ON_INVOICE,
    "invalid_payload": Category.INVALID_DOCUMENT,
    "foreign_currency_unsupported": Category.INVALID_DOCUMENT,
    "unknown_invoice_source": Category.INVALID_DOCUMENT,
    "ambiguous_invoice": Category.INVALID_DOCUMENT,
    "credited_elsewhere": Category.INVALID_DOCUMENT,
    "credited_dismissed": Category.INVALID_DOCUMENT,
    "credited_other_partner": Category.INVALID_DOCUMENT,
    "credited_other_currency": Category.INVALID_DOCUMENT,
    "linked_partner_unknown": Category.INVALID_DOCUMENT,
    "settles_other_side": Category.INVALID_DOCUMENT,
    "negative_total": Category.ODOO_VALIDATION,
    "conflicting_duplicate": Category.CONFLICTING_DUPLICATE,
    "suspected_duplicate": Category.SUSPECTED_DUPLICATE,
    "internal_error": Category.INTERNAL_ERROR,
    "closed_period_held": Category.CLOSED_PERIOD_HELD,
    "unmatched_receipt": Category.UNMATCHED_RECEIPT,
    "changed_at_source": Category.CHANGED_AT_SOURCE,
    # console/sources' file controls (statement_controls, payroll_controls)
    "statement_unbalanced": Category.HELD_BY_CONTROLS,
    "statement_sequence_gap": Category.HELD_BY_CONTROLS,
    "statement_discontinuous": Category.HELD_BY_CONTROLS,
    "payrun_disagrees": Category.HELD_BY_CONTROLS,
    "payrun_unusual_total": Category.UNUSUAL_TOTAL,
    # console/reconciliation's differences
    "not_in_odoo": Category.NOT_IN_ODOO,
    "unknown_in_odoo": Category.UNKNOWN_IN_ODOO,
    "amount_differs": Category.AMOUNT_DIFFERS,
    "reconciled_cancelled": Category.CANCELLED_IN_ODOO,
    "source_total": Category.SOURCE_TOTAL,
    # console/reconciliation's matcher
    "not_in_bank": Category.NOT_IN_BANK,
    "not_covered": Category.NOT_COVERED,
}

RECONCILIATION_CATEGORIES = (
    Category.NOT_IN_ODOO,
    Category.UNKNOWN_IN_ODOO,
    Category.AMOUNT_DIFFERS,
    Category.CANCELLED_IN_ODOO,
    Category.SOURCE_TOTAL,
)

# Questions of cross-source matching: the event itself may post fine; the case is about its
# counterpart at another source, so posting, retrying or dismissing the event never answers it.
MATCHING_CATEGORIES = (Category.NOT_IN_BANK, Category.NOT_COVERED)


def category_for(reason_code: str, message: str = "") -> Category:
    category = REASON_CATEGORIES.get(reason_code)
    if category is None:
        return Category.ODOO_VALIDATION
    if category is Category.ODOO_VALIDATION and "tax" in message.lower():
        return Category.INVALID_TAX
    return category


def next_action(category: Category, context: dict[str, Any]) -> str:
    class _Blank(dict[str, Any]):
        def __missing__(self, key: str) -> str:
            return "?"

    return INFO[category].next_action.format_map(_Blank(context))
