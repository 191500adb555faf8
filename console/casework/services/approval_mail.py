"""A mail to the entity's controllers when a request is submitted to them: a material decision
on a case, a mapping change. Sent after the request commits (never for one rolled back), to
every active controller of the entity with an address except the person who asked; SMTP when
EMAIL_HOST is set, otherwise files in var/mail (settings), as the escalation mails."""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from django.conf import settings
from django.core.mail import send_mass_mail
from django.db import transaction
from django.urls import reverse

from console.access.mail_recipients import controller_emails_by_entity
from console.casework.models import CaseApproval
from console.mappings.models import ChangeRequest

PREFIX = "[finops-console]"
MAX_LINES = 50
logger = logging.getLogger(__name__)
# Inside a bulk run: the approvals it requested, mailed once at its end (a list, or None).
_held: ContextVar[list[int] | None] = ContextVar("approval_mails_held", default=None)


def _send(entity_id: int, requester_id: int, subject: str, body: str) -> int:
    to = sorted(controller_emails_by_entity([entity_id], leave_out=requester_id).get(entity_id, set()))
    # One message per address: a controller does not learn who else was asked.
    messages = [(subject, body, settings.DEFAULT_FROM_EMAIL, [address]) for address in to]
    return send_mass_mail(messages, fail_silently=False) if messages else 0


def case_approval_mail(approval_id: int) -> int:
    approval = CaseApproval.objects.select_related("case__entity", "requested_by").get(pk=approval_id)
    case = approval.case
    subject = f"{PREFIX} approval requested: case {case.pk} ({case.entity.code}, {approval.amount} {case.currency})"
    body = (
        f"{approval.requested_by.get_username()} asks a controller of {case.entity.code} to approve:\n\n"
        f"{approval.get_kind_display()} of case {case.pk} · {case.get_category_display()} · "
        f"{approval.amount} {case.currency}\n"
        f"Why it needs a controller: {approval.why}\n"
        f"Their reason: {approval.reason}\n\n"
        f"Decide it at {reverse('case-detail', args=[case.pk])} (all your requests: {reverse('approvals-inbox')})."
    )
    return _send(case.entity_id, approval.requested_by_id, subject, body)


def mapping_change_mail(request_id: int) -> int:
    request = ChangeRequest.objects.select_related("entity", "requested_by").get(pk=request_id)
    subject = f"{PREFIX} mapping change {request.pk} submitted for {request.entity.code}"
    body = (
        f"{request.requested_by.get_username()} submitted a mapping change for {request.entity.code}:\n\n"
        f"{request.title}\n\n"
        f"Decide it at {reverse('mapping-change', args=[request.pk])} "
        f"(all your requests: {reverse('approvals-inbox')})."
    )
    return _send(request.entity_id, request.requested_by_id, subject, body)


def bulk_approvals_mail(approval_ids: list[int], run_label: str) -> int:
    """One mail per controller for the approvals a bulk run asked for, instead of one per case."""
    approvals = CaseApproval.objects.select_related("case__entity", "requested_by").filter(pk__in=approval_ids)
    grouped: dict[tuple[int, int], list[CaseApproval]] = defaultdict(list)
    for approval in approvals.order_by("pk"):
        grouped[(approval.case.entity_id, approval.requested_by_id)].append(approval)
    sent = 0
    for (entity_id, requester_id), group in grouped.items():
        first = group[0]
        lines = [
            f"case {a.case_id} · {a.case.get_category_display()} · {a.amount} {a.case.currency} · "
            f"{reverse('case-detail', args=[a.case_id])}"
            for a in group[:MAX_LINES]
        ]
        more = f"\n… and {len(group) - MAX_LINES} more." if len(group) > MAX_LINES else ""
        subject = f"{PREFIX} {len(group)} case approval(s) requested by {run_label} ({first.case.entity.code})"
        body = (
            f"{first.requested_by.get_username()} asks a controller of {first.case.entity.code} to approve, "
            f"in {run_label}: {first.get_kind_display().lower()}, reason: {first.reason}\n\n"
            + "\n".join(lines)
            + more
            + f"\n\nAll your requests: {reverse('approvals-inbox')}"
        )
        sent += _send(entity_id, requester_id, subject, body)
    return sent


@contextmanager
def approval_mails_summed(run_label: str) -> Iterator[None]:
    """Within it (a bulk run, each case in its own transaction), the approvals requested and
    committed are mailed together at the end: a run of 400 material cases is one mail."""
    held: list[int] = []
    token = _held.set(held)
    try:
        yield
    finally:
        _held.reset(token)
        if held:
            try:
                bulk_approvals_mail(held, run_label)
            except Exception:  # the requests stand and wait in the inbox
                logger.exception("the approval mail of %s was not sent", run_label)


def case_approval_mail_on_commit(approval_id: int) -> None:
    held = _held.get()
    if held is not None:
        # Kept now; the mail at the run's end reads the approvals back, so one whose case's
        # transaction rolled back is not found and not mailed.
        held.append(approval_id)
        return
    # robust: a mail server that fails is logged; the request is committed and stays in the inbox.
    transaction.on_commit(lambda: case_approval_mail(approval_id), robust=True)


def mapping_change_mail_on_commit(request_id: int) -> None:
    transaction.on_commit(lambda: mapping_change_mail(request_id), robust=True)
