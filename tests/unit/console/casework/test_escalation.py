"""Cases past their SLA are flagged once, audited and mailed to the entity's controllers and the assignee."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

from console.audit.models import AuditEvent
from console.casework.models import ExceptionCase
from console.casework.services.actions import case_claim
from console.casework.services.escalation import cases_escalate
from tests.tables import tables_unchanged
from tests.unit.console.casework.conftest import person

pytestmark = pytest.mark.django_db


def test_overdue_cases_are_flagged_once_and_mailed(blocked_case: ExceptionCase) -> None:
    olivia, actor = person("operator")
    carl, _ = person("controller")
    ada, _ = person("auditor")
    for user, address in ((olivia, "olivia@example.com"), (carl, "carl@example.com"), (ada, "ada@example.com")):
        user.email = address
        user.save()
    case_claim(user=olivia, actor=actor, case_id=blocked_case.pk)
    with tables_unchanged():
        assert cases_escalate() == 0  # not due yet
    assert mail.outbox == []
    ExceptionCase.objects.filter(pk=blocked_case.pk).update(sla_due_at=timezone.now() - timedelta(hours=2))

    assert cases_escalate() == 1
    case = ExceptionCase.objects.get(pk=blocked_case.pk)
    assert case.escalated_at is not None
    assert AuditEvent.objects.filter(action="case.escalated", object_id=str(case.pk)).count() == 1
    recipients = sorted(address for message in mail.outbox for address in message.to)
    assert recipients == ["carl@example.com", "olivia@example.com"]  # the auditor is not asked to act
    assert f"case {case.pk} · US01 · Missing mapping" in mail.outbox[0].body

    with tables_unchanged():
        assert cases_escalate() == 0  # flagged once
    assert len(mail.outbox) == 2
