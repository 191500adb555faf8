from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from console.sync.management.flow_pausing import pausing_apply, pausing_arguments
from console.sync.services.flow_pause import flow_resume


class Command(BaseCommand):
    help = "Resume a paused flow: the events that waited are sent to post, each once. Audited as flow.resumed."

    def add_arguments(self, parser: CommandParser) -> None:
        pausing_arguments(parser)

    def handle(self, *args: Any, **options: Any) -> None:
        flow, sent = pausing_apply(options, "flow_resume", flow_resume)
        self.stdout.write(f"{flow.name}: resumed, {sent} waiting event{'s' if sent != 1 else ''} sent to post")
