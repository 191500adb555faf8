from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from console.sync.management.flow_setting import flow_setting_apply, flow_setting_arguments
from console.sync.models import ClosedPeriod
from console.sync.services.flows import flow_closed_period_set


class Command(BaseCommand):
    help = (
        "Decide what a flow does with a document whose period Odoo has closed: 'accept' posts it into the "
        "next open period and flags it, 'hold' keeps it as a case before posting. A controller's decision."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        flow_setting_arguments(parser, ClosedPeriod.values)

    def handle(self, *args: Any, **options: Any) -> None:
        flow = flow_setting_apply(options, flow_closed_period_set)
        self.stdout.write(f"{flow.name}: {ClosedPeriod(options['policy']).label.lower()}")
