from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from console.sync.management.flow_setting import flow_setting_apply, flow_setting_arguments
from console.sync.models import UnmatchedReceipts
from console.sync.services.flows import flow_unmatched_receipts_set


class Command(BaseCommand):
    help = (
        "Decide what a flow does with a payment received that names no invoice it settles: 'post' posts it "
        "to Odoo's outstanding credits, 'post_and_match' posts it and opens a case to match it to its "
        "invoice. A controller's decision."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        flow_setting_arguments(parser, UnmatchedReceipts.values)

    def handle(self, *args: Any, **options: Any) -> None:
        flow = flow_setting_apply(options, flow_unmatched_receipts_set)
        self.stdout.write(f"{flow.name}: {UnmatchedReceipts(options['policy']).label.lower()}")
