"""One small form per case action. Field names are the keyword arguments of the
matching service in services/actions.py, so cleaned_data is passed on as it is. Edit-and-resubmit
has a page of its own, with the event's fields (resubmit_forms.py)."""

from __future__ import annotations

from typing import Any

from django import forms

from console.access.models import User
from console.casework.models import ExceptionCase
from console.casework.selectors import case_assignees
from console.casework.taxonomy import Category
from console.sync.services.interventions import WORKABLE

# Fields a form checks that are no argument of its service (a destructive action's confirmation).
PAGE_ONLY_FIELDS = frozenset({"confirm"})


class ActionForm(forms.Form):
    """Every action form knows its action and its case (the assign form needs its entity)."""

    action = ""

    def __init__(self, *args: Any, case: ExceptionCase, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.case = case

    def service_kwargs(self) -> dict[str, Any]:
        """The cleaned data as the service's keyword arguments."""
        return {name: value for name, value in self.cleaned_data.items() if name not in PAGE_ONLY_FIELDS}


def _confirm(label: str, refusal: str) -> forms.BooleanField:
    """A destructive action's confirmation: a box ticked on purpose, checked here, on the server,
    so a stray click or a replayed request without it changes nothing (400 naming it)."""
    return forms.BooleanField(label=label, required=True, error_messages={"required": refusal})


def _reason(label: str = "Reason", *, required: bool = True, help_text: str = "") -> forms.CharField:
    return forms.CharField(
        label=label,
        required=required,
        max_length=2000,
        help_text=help_text,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class ClaimForm(ActionForm):
    pass


class AssignForm(ActionForm):
    assignee = forms.ModelChoiceField(
        queryset=User.objects.none(), to_field_name="username", label="Assign to", empty_label="choose an operator"
    )

    def __init__(self, *args: Any, case: ExceptionCase, **kwargs: Any) -> None:
        super().__init__(*args, case=case, **kwargs)
        field = self.fields["assignee"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = case_assignees(case)


class CommentForm(ActionForm):
    text = forms.CharField(label="Comment", max_length=5000, widget=forms.Textarea(attrs={"rows": 3}))


class RetryForm(ActionForm):
    reason = _reason(required=False, help_text="Optional: why it should pass now.")


DISMISS_CONFIRM = "I am sure: dismiss it, its event is never posted"
DISMISS_REFUSAL = "confirm: tick the box to confirm the dismissal (its event is then never posted)"
CLOSE_CONFIRM = "I am sure: close the case (its event stays as it is in Odoo)"
CLOSE_HELP = "What you checked and why the case closes: it stays in its timeline and the audit trail."
CLOSE_REFUSAL = "confirm: tick the box to confirm closing the case"
DUPLICATE_CONFIRM = "I am sure: it is the same document, never to be posted"
DUPLICATE_REFUSAL = "confirm: tick the box to confirm it is a duplicate (it is then never posted)"


class DismissForm(ActionForm):
    reason = _reason(help_text="Why this event must never be posted.")
    confirm = _confirm(DISMISS_CONFIRM, DISMISS_REFUSAL)


class MarkDuplicateForm(ActionForm):
    of = forms.CharField(label="Duplicate of", max_length=200, help_text="The other event's id or external id.")
    reason = _reason(required=False, help_text="Optional: the default names the other event.")
    confirm = _confirm(DUPLICATE_CONFIRM, DUPLICATE_REFUSAL)


class CreditNoteForm(ActionForm):
    note = _reason(
        "Note",
        required=False,
        help_text="Optional: why it is a credit note. The case is dismissed naming the credit note.",
    )


class MatchReceiptForm(ActionForm):
    invoice = forms.CharField(
        label="Invoice it pays",
        max_length=200,
        help_text="Its external id at the payment's source (order-1001), or its number in Odoo (INV/2026/00012).",
    )


class ApproveForm(ActionForm):
    note = _reason("Note", required=False)


class RejectForm(ActionForm):
    note = _reason("Why it is rejected")


ACTION_FORMS: dict[str, type[ActionForm]] = {
    "claim": ClaimForm,
    "assign": AssignForm,
    "comment": CommentForm,
    "retry": RetryForm,
    "mark_duplicate": MarkDuplicateForm,
    "dismiss": DismissForm,
    "credit_note": CreditNoteForm,
    "match_receipt": MatchReceiptForm,
    "approve": ApproveForm,
    "reject": RejectForm,
}

# action -> (button, heading)
ACTION_LABELS: dict[str, tuple[str, str]] = {
    "claim": ("Claim", "Take this case"),
    "assign": ("Assign", "Assign to an operator"),
    "comment": ("Add comment", "Comment"),
    "retry": ("Retry now", "Retry posting"),
    # Its form is a page of its own (resubmit_views.py): the case page links to it.
    "resubmit": ("Edit and resubmit", "Edit and resubmit"),
    "mark_duplicate": ("Mark as duplicate", "Mark as a duplicate"),
    "dismiss": ("Dismiss", "Dismiss (never post)"),
    "credit_note": ("Turn into a credit note", "Turn into a credit note"),
    "match_receipt": ("Match in Odoo", "Match with the invoice it pays"),
    "approve": ("Approve", "Approve the request"),
    "reject": ("Reject", "Reject the request"),
}


# An unmatched receipt has posted: dismissing its case leaves it unmatched, never unposted.
RECEIPT_LABELS: dict[str, tuple[str, str]] = {"dismiss": ("Leave unmatched", "Leave it unmatched")}
LEAVE_UNMATCHED_HELP = (
    "Why it stays unmatched (an advance, a payment to refund): the case closes and the payment stays "
    "in Odoo's outstanding credits of its customer."
)
# A second look at an unusual total never held the run: closing it leaves the run posting as usual.
SECOND_LOOK_LABELS: dict[str, tuple[str, str]] = {
    "dismiss": ("Close the second look", "Close the second look (the run posts as usual)")
}
SECOND_LOOK_HELP = "What you compared it with and found (a bonus run, new hires): the run posts as usual."


def action_labels(action: str, case: ExceptionCase) -> tuple[str, str]:
    """(button, heading) of the action on this case."""
    if case.category == Category.UNMATCHED_RECEIPT and action in RECEIPT_LABELS:
        return RECEIPT_LABELS[action]
    if case.category == Category.UNUSUAL_TOTAL and action in SECOND_LOOK_LABELS:
        return SECOND_LOOK_LABELS[action]
    return ACTION_LABELS[action]


def action_form(
    action: str, case: ExceptionCase, data: Any = None, *, initial: dict[str, Any] | None = None
) -> ActionForm:
    """The action's form; ids are prefixed with the action, names are not (several forms share a page)."""
    form = ACTION_FORMS[action](data, case=case, auto_id=f"id_{action}_%s", initial=initial)
    form.action = action
    if action == "dismiss" and case.event is not None and case.event.state not in WORKABLE:
        # Its event posted (a receipt, a repeat of a posted document): dismissing closes the case only.
        form.fields["reason"].help_text = CLOSE_HELP
        confirm = form.fields["confirm"]
        confirm.label = CLOSE_CONFIRM
        confirm.error_messages["required"] = CLOSE_REFUSAL
    if action == "dismiss" and case.category == Category.UNMATCHED_RECEIPT:
        form.fields["reason"].help_text = LEAVE_UNMATCHED_HELP
    if action == "dismiss" and case.category == Category.UNUSUAL_TOTAL:
        form.fields["reason"].help_text = SECOND_LOOK_HELP
    return form
