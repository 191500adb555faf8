from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from console.sync.management.flow_pausing import pausing_apply, pausing_arguments
from console.sync.services.flow_pause import flow_pause


class Command(BaseCommand):
    help = (
        "Pause a flow's posting (an incident, the close): its events keep arriving and are recorded, and none "
        "posts until flow_resume. Audited as flow.paused."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        pausing_arguments(parser)

    def handle(self, *args: Any, **options: Any) -> None:
        flow = pausing_apply(options, "flow_pause", flow_pause)
        self.stdout.write(f"{flow.name}: paused by {flow.paused_by}")
