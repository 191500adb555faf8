from __future__ import annotations

import threading
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from console.sync.services.demo import demo_token_path
from console.sync.traffic import PacedSender, TrafficGenerator


class Command(BaseCommand):
    help = "Send synthetic events to the ingestion API, one per request as source systems would, until stopped."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--url", default="http://127.0.0.1:8000/api/v1/events/")
        parser.add_argument("--per-second", type=float, default=4.0, help="Events a second, kept by a schedule.")
        parser.add_argument("--count", type=int, default=0, help="Stop after this many events (0: never).")
        parser.add_argument("--threads", type=int, default=0, help="Sending threads (0: one per 8 events a second).")
        parser.add_argument("--token-file", default="", help="The service account's token (default var/demo_token).")
        parser.add_argument("--report-every", type=float, default=60.0, help="Seconds between two summary lines.")

    def handle(self, *args: Any, **options: Any) -> None:
        if settings.PRODUCTION:
            raise CommandError("demo_traffic refuses to run with FINOPS_ENV=production")
        if options["per_second"] <= 0:
            raise CommandError("--per-second must be above 0")
        token_file = Path(options["token_file"] or demo_token_path())
        if not token_file.exists():
            raise CommandError(f"{token_file} is missing: run `manage.py seed_demo` first")
        try:
            sender = PacedSender(
                url=options["url"],
                token=token_file.read_text().strip(),
                per_second=options["per_second"],
                threads=options["threads"],
            )
        except ValueError as err:
            raise CommandError(f"--url: {err}") from err
        stop = threading.Event()
        runner = threading.Thread(
            target=sender.run, args=(TrafficGenerator(),), kwargs={"count": options["count"], "stop": stop}
        )
        runner.start()
        try:
            while runner.is_alive():
                runner.join(options["report_every"])
                stats = sender.stats
                answers = ", ".join(f"{n} x {status or 'unreachable'}" for status, n in sorted(stats.statuses.items()))
                self.stdout.write(f"sent {stats.sent} ({answers}); at most {stats.behind_seconds:.1f} s behind")
                self.stdout.flush()
        except KeyboardInterrupt:
            stop.set()
            runner.join()
