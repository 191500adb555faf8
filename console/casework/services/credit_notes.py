"""Turning the case of a negative invoice or vendor bill into the credit note it was meant to
be. Odoo refused to post it ("You should create a credit note instead"); the operator records
the credit note in its place (console/sync/services/credit_notes.py) and the case and its
event are dismissed with the link as their reason, in one transaction. Ending the invoice
without posting it is a dismissal: when it is material, a controller approves first, and
nothing is recorded before.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction

from console.audit.actors import Actor
from console.casework.models import ApprovalKind, ExceptionCase
from console.casework.services.actions import _case, _dismiss, _ending, _open, _request_approval, _workable
from console.casework.services.states import CaseError
from console.sync.services.credit_notes import (
    CreditNoteDraft,
    CreditNoteError,
    credit_note_draft,
    event_credit_note_record,
)

DOING = "turned into a credit note"


def case_credit_note_draft(case: ExceptionCase) -> CreditNoteDraft:
    """The credit note the case's event would become; CaseError says why it cannot."""
    try:
        draft = credit_note_draft(case.the_event)
    except CreditNoteError as err:
        raise CaseError(str(err)) from err
    if draft.flow_missing:
        raise CaseError(draft.flow_missing)
    return draft


@transaction.atomic
def case_credit_note(*, user: Any, actor: Actor, case_id: int, note: str = "") -> ExceptionCase:
    case = _case(user, case_id, "credit_note")
    _open(case, DOING)
    _workable(case, DOING)
    draft = case_credit_note_draft(case)
    reason = note.strip() or f"Odoo refused its negative total: it is a {draft.kind.label.lower()}"
    judgement = _ending(case)
    if judgement.material:
        return _request_approval(
            case,
            user=user,
            actor=actor,
            kind=ApprovalKind.CREDIT_NOTE,
            reason=reason,
            judgement=judgement,
            amount=draft.amount,
        )
    credit_note_apply(case, actor=actor, reason=reason)
    return case


def credit_note_apply(case: ExceptionCase, *, actor: Actor, reason: str) -> None:
    """Record the credit note and dismiss the case and its event, naming it."""
    try:
        credit_note = event_credit_note_record(event=case.the_event, actor=actor, reason=reason)
    except CreditNoteError as err:
        raise CaseError(str(err)) from err
    link = f"turned into {credit_note.get_kind_display().lower()} event {credit_note.pk}"
    _dismiss(case, actor=actor, reason=f"{link}: {reason}", resolution=link)
