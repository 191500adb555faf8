from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from console.sync.services.drain import events_drain


class Command(BaseCommand):
    help = "Post every queued or due event now, in this process, and print what came of it."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--entity", action="append", dest="entities", metavar="CODE")
        parser.add_argument("--limit", type=int, default=None)

    def handle(self, *args: Any, **options: Any) -> None:
        summary = events_drain(entity_codes=options["entities"], limit=options["limit"])
        self.stdout.write(
            f"claimed {summary.claimed}, posted {summary.posted}, retrying {summary.retrying}, "
            f"blocked {summary.blocked}, failed {summary.failed}, taken over {summary.lost}"
        )
