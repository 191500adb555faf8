"""The actions of a case's page, laid out by weight: the next action as the one primary button,
the other actions in a secondary row, the destructive ones (dismiss, mark as duplicate) apart
and confirmed. The endpoints and services are the same whichever place an action takes."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.urls import reverse

from console.access.selectors import user_roles
from console.casework.forms import ACTION_FORMS, ActionForm, action_form, action_labels
from console.casework.next_step import NextStep, Situation, next_step
from console.casework.selectors import CaseDetail
from console.sync.services.interventions import WORKABLE

DESTRUCTIVE = frozenset({"dismiss", "mark_duplicate"})
# Offered as links to pages of their own, not as forms on the case page.
LINKED = frozenset({"credit_note"})


@dataclass(frozen=True)
class ActionItem:
    action: str
    button: str
    heading: str
    form: ActionForm
    failed: bool  # the form the person just sent, back with its errors: shown open
    weight: str  # the button's class: "primary", "secondary" or "danger" (and "primary danger")

    @property
    def has_fields(self) -> bool:
        return bool(self.form.fields)


@dataclass(frozen=True)
class CasePage:
    step: NextStep | None
    primary: ActionItem | None
    secondary: list[ActionItem]
    destructive: list[ActionItem]
    resubmit_url: str  # the edit-and-resubmit page, when the case offers it
    # Links among the other actions (each left out when it is the next action already).
    resubmit_link: bool
    credit_note: bool  # offered, as a link to its confirmation page


def resubmit_url(detail: CaseDetail) -> str:
    """Where the case's event is edited and resubmitted, a page of its own (one place: the next
    action and the other actions both link here)."""
    return reverse("case-resubmit", args=[detail.case.pk]) if "resubmit" in detail.actions else ""


def _ends_unposted(detail: CaseDetail, action: str) -> bool:
    """Dismissing or marking as duplicate an event not posted yet: it is then never posted."""
    case = detail.case
    return action in DESTRUCTIVE and case.event is not None and case.event.state in WORKABLE


def case_page(detail: CaseDetail, user: Any, failed: ActionForm | None = None) -> CasePage:
    actions = detail.actions
    url = resubmit_url(detail)
    situation = Situation(
        actions=actions,
        roles=user_roles(user),
        pending=detail.pending,
        resubmit_url=url,
        missing_mapping=detail.missing_mapping,
        waits_for=detail.waits_for,
        duplicate_of=detail.duplicate_of,
    )
    step = next_step(detail.case, situation)
    lead = step.action if step is not None else ""
    lead_url = step.url if step is not None else ""

    def item(action: str, weight: str, *, label: str = "", initial: dict[str, Any] | None = None) -> ActionItem:
        sent = failed is not None and failed.action == action
        form = failed if sent and failed is not None else action_form(action, detail.case, initial=initial)
        button, heading = action_labels(action, detail.case)
        return ActionItem(action, label or button, heading, form, sent, weight)

    primary = None
    if step is not None and lead in actions and lead in ACTION_FORMS:
        weight = "primary danger" if _ends_unposted(detail, lead) else "primary"
        primary = item(lead, weight, label=step.label, initial=dict(step.initial))
    secondary, destructive = [], []
    for action in actions:
        if action == lead or action in LINKED or action not in ACTION_FORMS:
            continue
        if action in DESTRUCTIVE:
            destructive.append(item(action, "danger"))
        else:
            secondary.append(item(action, "secondary"))
    return CasePage(
        step=step,
        primary=primary,
        secondary=secondary,
        destructive=destructive,
        resubmit_url=url,
        resubmit_link="resubmit" in actions and lead_url != url,
        credit_note="credit_note" in actions and lead_url != reverse("case-credit-note", args=[detail.case.pk]),
    )
