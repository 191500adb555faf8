"""Reconcile one UTC day: one flow of one entity, or every entity's active flows."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import PermissionDenied
from django.core.management.base import BaseCommand, CommandError, CommandParser

from console.access.command_person import person_or_shell
from console.audit.actors import Actor
from console.reconciliation.errors import ReconciliationError
from console.reconciliation.models import ReconciliationRun
from console.reconciliation.services.runs import reconciliation_run, reconciliation_runs_for_day
from console.sync.models import Flow, LegalEntity


class Command(BaseCommand):
    help = "Compare one UTC day three ways (source totals, events, Odoo) and open cases for the differences."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("day", help="the UTC day, e.g. 2026-12-02 (default: yesterday)", nargs="?")
        parser.add_argument("--entity", default="", help="a legal entity's code (default: every entity)")
        parser.add_argument("--flow", default="", help="a flow as source:kind (default: every active flow)")
        parser.add_argument("--by", default="", help="the operator's or controller's username (default: the shell)")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            day = dt.date.fromisoformat(options["day"]) if options["day"] else None
        except ValueError:
            raise CommandError(f"{options['day']!r} is not a day such as 2026-12-02") from None
        day = day or dt.datetime.now(dt.UTC).date() - dt.timedelta(days=1)
        user, actor = person_or_shell(options["by"], "reconcile_day")
        if not options["entity"] and not options["flow"] and user is None:
            runs = reconciliation_runs_for_day(day=day, actor=actor)
        else:
            runs = [self._one(options, day, actor, user, flow) for flow in self._flows(options)]
        for run in runs:
            self.stdout.write(
                f"{run.entity.code} {run.flow.name} {run.day}: {run.get_status_display().lower()}, "
                f"{run.differences_open} difference(s)"
            )

    def _flows(self, options: dict[str, Any]) -> list[Flow]:
        if not options["flow"]:
            return list(Flow.objects.filter(is_active=True).order_by("pk"))
        source, _, kind = options["flow"].partition(":")
        flow = Flow.objects.filter(source__code=source, event_kind=kind).first()
        if flow is None:
            raise CommandError(f"no flow {options['flow']!r} (write it as source:kind)")
        return [flow]

    def _one(self, options: dict[str, Any], day: dt.date, actor: Actor, user: Any, flow: Flow) -> ReconciliationRun:
        entity = LegalEntity.objects.filter(code=options["entity"] or "").first()
        if entity is None:
            raise CommandError("name the legal entity with --entity")
        try:
            return reconciliation_run(entity_id=entity.pk, flow_id=flow.pk, day=day, actor=actor, user=user)
        except (ReconciliationError, PermissionDenied) as err:
            raise CommandError(str(err)) from err
