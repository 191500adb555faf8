"""A mail to the entity's controllers when a request is submitted to them: a material decision
on a case, a mapping change. Sent after the request commits (never for one rolled back), to
every active controller of the entity with an address except the person who asked; SMTP when
EMAIL_HOST is set, otherwise files in var/mail (settings), as the escalation mails."""

from __future__ import annotations

from django.conf import settings
from django.core.mail import send_mass_mail
from django.db import transaction
from django.urls import reverse

from console.access.mail_recipients import controller_emails_by_entity
from console.casework.models import CaseApproval
from console.mappings.models import ChangeRequest

PREFIX = "[finops-console]"


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


def case_approval_mail_on_commit(approval_id: int) -> None:
    # robust: a mail server that fails is logged; the request is committed and stays in the inbox.
    transaction.on_commit(lambda: case_approval_mail(approval_id), robust=True)


def mapping_change_mail_on_commit(request_id: int) -> None:
    transaction.on_commit(lambda: mapping_change_mail(request_id), robust=True)
