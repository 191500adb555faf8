"""Cases past their SLA are flagged once, audited, and mailed to whoever should act:
the assignee, and the controllers of the case's entity."""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime, timedelta

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.utils import timezone

from console.access.mail_recipients import controller_emails_by_entity
from console.access.models import User
from console.audit.actors import Actor
from console.casework.models import OPEN_STATES, ActivityKind, ExceptionCase
from console.casework.services.states import case_change

MAX_LINES = 50


def cases_escalate(*, now: datetime | None = None, batch: int = 500) -> int:
    """Flag every open case past its due time that was not flagged yet; returns how many."""
    now = now or timezone.now()
    actor = Actor.system("casework.escalate")
    mail: dict[str, list[str]] = defaultdict(list)
    flagged = 0
    while True:
        with transaction.atomic():
            cases = list(
                ExceptionCase.objects.select_for_update(of=("self",), skip_locked=True)
                .select_related("entity", "event")
                .filter(state__in=OPEN_STATES, escalated_at__isnull=True, sla_due_at__lte=now)
                .order_by("sla_due_at")[:batch]
            )
            if not cases:
                break
            controllers = controller_emails_by_entity({c.entity_id for c in cases})
            assignees = dict(
                User.objects.filter(pk__in={c.assignee_id for c in cases if c.assignee_id}).values_list("pk", "email")
            )
            for case in cases:
                late = now - case.sla_due_at
                case_change(
                    case,
                    actor=actor,
                    kind=ActivityKind.ESCALATED,
                    text=f"past its {case.get_severity_display().lower()} SLA by {_hours(late)}",
                    fields={"escalated_at": now},
                )
                line = (
                    f"case {case.pk} · {case.entity.code} · {case.get_category_display()} · "
                    f"{case.amount} {case.currency} · due {case.sla_due_at:%Y-%m-%d %H:%M} UTC"
                )
                to = set(controllers.get(case.entity_id, set()))
                if case.assignee_id and assignees.get(case.assignee_id):
                    to.add(assignees[case.assignee_id])
                for address in to:
                    mail[address].append(line)
            flagged += len(cases)
    for address, lines in mail.items():
        more = f"\n… and {len(lines) - MAX_LINES} more." if len(lines) > MAX_LINES else ""
        send_mail(
            subject=f"[finops-console] {len(lines)} case(s) past their SLA",
            message="These exception cases are past their SLA:\n\n" + "\n".join(lines[:MAX_LINES]) + more,
            from_email=settings.DEFAULT_FROM_EMAIL,
            recipient_list=[address],
            fail_silently=False,
        )
    return flagged


def _hours(delta: timedelta) -> str:
    seconds = int(delta.total_seconds())
    return f"{seconds // 3600} h {seconds % 3600 // 60} min"
