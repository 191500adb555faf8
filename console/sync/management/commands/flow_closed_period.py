from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.core.management.base import BaseCommand, CommandError, CommandParser

from console.access.models import User
from console.audit.actors import Actor
from console.sync.errors import SyncError
from console.sync.models import ClosedPeriod, Flow
from console.sync.services.flows import flow_closed_period_set


class Command(BaseCommand):
    help = (
        "Decide what a flow does with a document whose period Odoo has closed: 'accept' posts it into the "
        "next open period and flags it, 'hold' keeps it as a case before posting. A controller's decision."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("flow", help="the flow as source:kind, e.g. payroll:journal_entry")
        parser.add_argument("policy", choices=ClosedPeriod.values)
        parser.add_argument("--by", required=True, help="the controller's username")
        parser.add_argument("--reason", required=True)

    def handle(self, *args: Any, **options: Any) -> None:
        source, _, kind = options["flow"].partition(":")
        flow = Flow.objects.filter(source__code=source, event_kind=kind).first()
        if flow is None:
            raise CommandError(f"no flow {options['flow']!r} (write it as source:kind)")
        user = User.objects.filter(username=options["by"], is_active=True).first()
        if user is None:
            raise CommandError(f"no active user {options['by']!r}")
        try:
            flow_closed_period_set(
                user=user, actor=Actor.person(user), flow_id=flow.pk, policy=options["policy"], reason=options["reason"]
            )
        except (SyncError, PermissionDenied) as err:
            raise CommandError(str(err)) from err
        self.stdout.write(f"{flow.name}: {ClosedPeriod(options['policy']).label.lower()}")
