from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.utils import timezone

from console.dashboard.progress import Progress, progress_line, progress_read


class Command(BaseCommand):
    help = "Print a progress line every so often: events received, posted, waiting, open cases, queue depth."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--every", type=float, default=30.0, help="Seconds between two lines.")
        parser.add_argument("--count", type=int, default=0, help="Stop after this many lines (0: never).")

    def handle(self, *args: Any, **options: Any) -> None:
        before: Progress | None = None
        printed = 0
        while not options["count"] or printed < options["count"]:
            if printed:
                time.sleep(options["every"])
            now = progress_read()
            self.stdout.write(f"{timezone.localtime():%H:%M:%S}  {progress_line(now, before)}")
            self.stdout.flush()
            before = now
            printed += 1
