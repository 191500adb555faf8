"""The one next action a case page leads with, decided from the case's state and category and
what the person may do. Every other action the person may take stays offered beside it, with
less weight; a case that is closed has no next action.

The rules, in order (the first that applies wins):
1. resolved or dismissed: none.
2. waiting for a controller: approve, for a controller who may decide it; for anyone else, the
   wait itself (no button).
3. nobody works it yet: claim, for an operator (with a link to the mapping editor beside it, for
   a missing mapping: no other action of the case leads there).
4. the category's own fix, when the person may make it: propose the missing mapping (the mapping
   editor, the code filled in); match an unmatched receipt; for a conflicting repeat, keep the
   posted version (close the repeat's case) or, not posted yet, edit and resubmit; mark a
   suspected duplicate as one of the event it repeats; turn a negative invoice into its credit
   note; open the document a payment or credit note waits for; close a second look or a change
   at the source saying what was found or done; edit and resubmit a document Odoo or the reader
   refused for its content; retry once a fix made outside the case (a contact, a lock date,
   access, Odoo back up) is in.
5. a controller on an unassigned case: assign it.
6. otherwise: the case's next-action text, with no button (its fix is made elsewhere).
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import quote

from django.urls import reverse

from console.access.roles import Role
from console.casework.models import CaseApproval, CaseState, ExceptionCase
from console.casework.taxonomy import Category
from console.sync.models import EventState, SyncEvent

# Refused for what the document says: the fix is in the document, so resubmitting it is next.
RESUBMIT_FIRST = frozenset({Category.ODOO_VALIDATION, Category.INVALID_DOCUMENT})
# The fix is made outside the case (causes.RETRYABLE less the mapping, which requeues its
# events by itself once approved, and the refusals above): once it is in, retry.
RETRY_FIRST = frozenset(
    {
        Category.PARTNER,
        Category.CLOSED_PERIOD,
        Category.CLOSED_PERIOD_HELD,
        Category.INVALID_TAX,
        Category.CREDENTIALS,
        Category.RETRIES_EXHAUSTED,
        Category.INTERNAL_ERROR,
    }
)
# Closing the case is its answer: the event posted (or never needed a person to post it).
CLOSE_SAYING = {
    Category.UNUSUAL_TOTAL: "Close the second look",
    Category.CHANGED_AT_SOURCE: "Close, saying what was done",
}
MAPPING_PROPOSERS = frozenset({Role.OPERATOR, Role.CONTROLLER})
# Fixed on a page no action of the case links to (the mapping editor): offered beside Claim.
# The others' pages (resubmit, credit note) are among the case's other actions already.
FIXED_ELSEWHERE = frozenset({Category.MISSING_MAPPING})


@dataclass(frozen=True)
class NextStep:
    """What to do next: an action of the case (its form is the primary button), a link to where
    the fix is made, or neither (`why` alone: the case waits, or its fix is made elsewhere)."""

    why: str
    action: str = ""
    label: str = ""
    url: str = ""
    # Prefilled on the primary action's form (a dismissal's reason, the duplicate's event).
    initial: tuple[tuple[str, str], ...] = ()
    # Where the fix is made, once the case is claimed: offered beside Claim, with less weight,
    # so the person who claims need not look for it.
    then_label: str = ""
    then_url: str = ""

    @property
    def leads(self) -> bool:
        return bool(self.action or self.url)


@dataclass(frozen=True)
class Situation:
    """What the rules read, beside the case: read by the selectors, decided here."""

    actions: list[str]
    roles: set[Role]
    pending: CaseApproval | None
    resubmit_url: str
    missing_mapping: tuple[str, str, str] | None = None  # (entity code, kind, code)
    waits_for: SyncEvent | None = None  # the document a blocked payment or credit note waits for
    duplicate_of: SyncEvent | None = None  # the earlier event a suspected duplicate may repeat


def next_step(case: ExceptionCase, situation: Situation) -> NextStep | None:
    if not case.is_open:
        return None
    actions = situation.actions
    if case.state == CaseState.WAITING_APPROVAL:
        return _decision(situation)
    step = _fix(case, situation)
    if case.assignee_id is None and "claim" in actions:
        why = f"Nobody works this case yet: take it. Then: {case.next_action}"
        if step is not None and step.url and case.category in FIXED_ELSEWHERE:
            return NextStep(why, "claim", "Claim", then_label=step.label, then_url=step.url)
        return NextStep(why, "claim", "Claim")
    if step is not None:
        return step
    if case.assignee_id is None and "assign" in actions:
        return NextStep(f"Nobody works this case yet: give it to an operator. {case.next_action}", "assign", "Assign")
    return NextStep(case.next_action)


def _decision(situation: Situation) -> NextStep:
    pending = situation.pending
    asked = f"{pending.get_kind_display()} asked by {pending.requested_by.get_username()}" if pending else "A request"
    if "approve" in situation.actions:
        why = f"{asked} waits for your decision: approve it, or reject it with a reason."
        return NextStep(why, "approve", "Approve")
    return NextStep(f"{asked} waits for a controller's decision (never the requester's). Nothing is done before.")


def _fix(case: ExceptionCase, s: Situation) -> NextStep | None:
    category, actions = case.category, s.actions
    event = case.event if case.event_id is not None else None  # a case may be about no event
    why = case.next_action
    if category == Category.MISSING_MAPPING and s.missing_mapping and s.roles & MAPPING_PROPOSERS:
        entity, kind, code = s.missing_mapping
        url = f"{reverse('mapping-kind', args=[entity, kind])}?code={quote(code, safe='')}"
        return NextStep(why, label=f"Propose the {kind} mapping for {code} in {entity}", url=url)
    if category == Category.UNMATCHED_RECEIPT and "match_receipt" in actions:
        return NextStep(why, "match_receipt", "Match in Odoo")
    if category == Category.CONFLICTING_DUPLICATE and event is not None:
        if event.state == EventState.POSTED and "dismiss" in actions:
            reason = "Kept the posted version: the version sent again is not the one to post."
            return NextStep(
                "The first version is posted in Odoo. Compare the two versions below: keep the posted one "
                "(this closes the case; nothing more is posted), or, if the version sent again is right, "
                "post a correction.",
                "dismiss",
                "Keep the posted one",
                initial=(("reason", reason),),
            )
        if "resubmit" in actions:
            return NextStep(why, label="Edit and resubmit", url=s.resubmit_url)
    if category == Category.SUSPECTED_DUPLICATE and "mark_duplicate" in actions and s.duplicate_of is not None:
        other = s.duplicate_of
        return NextStep(
            f"It has the same vendor, reference and amount as event {other.pk} ({other.external_id}). "
            "If it is the same bill, mark it as a duplicate; if it is another bill, post it anyway (retry).",
            "mark_duplicate",
            f"Mark as a duplicate of {other.external_id}",
            initial=(("of", str(other.pk)),),
        )
    if category == Category.ODOO_VALIDATION and case.reason_code == "negative_total" and "credit_note" in actions:
        return NextStep(why, label="Turn into a credit note…", url=reverse("case-credit-note", args=[case.pk]))
    if category == Category.WAITING_ON_INVOICE and s.waits_for is not None:
        waits_for = s.waits_for
        label = f"Open {waits_for.get_kind_display().lower()} {waits_for.external_id}"
        return NextStep(why, label=label, url=reverse("event-story", args=[waits_for.pk]))
    if category in CLOSE_SAYING and "dismiss" in actions:
        return NextStep(why, "dismiss", CLOSE_SAYING[Category(category)])
    if category in RESUBMIT_FIRST and "resubmit" in actions:
        return NextStep(why, label="Edit and resubmit", url=s.resubmit_url)
    if category in RETRY_FIRST and "retry" in actions:
        return NextStep(why, "retry", "Retry now")
    return None
