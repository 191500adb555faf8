from __future__ import annotations

import json
import time
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from console.sync.services.demo import demo_token_path
from console.sync.traffic import TrafficGenerator


class Command(BaseCommand):
    help = "Send synthetic events to the ingestion API, as source systems would, until stopped."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--url", default="http://127.0.0.1:8000/api/v1/events/")
        parser.add_argument("--per-second", type=float, default=3.0)
        parser.add_argument("--count", type=int, default=0, help="Stop after this many events (0: never).")

    def handle(self, *args: Any, **options: Any) -> None:
        if settings.PRODUCTION:
            raise CommandError("demo_traffic refuses to run with FINOPS_ENV=production")
        token_file = Path(demo_token_path())
        if not token_file.exists():
            raise CommandError(f"{token_file} is missing: run `manage.py seed_demo` first")
        token = token_file.read_text().strip()
        generator = TrafficGenerator()
        sent = 0
        interval = 1.0 / max(options["per_second"], 0.01)
        while not options["count"] or sent < options["count"]:
            event = generator.next_batch(1)[0]
            status = self._send(options["url"], token, event)
            sent += 1
            if options["verbosity"] > 1:
                self.stdout.write(f"{status} {event['kind']} {event['external_id']}")
            time.sleep(interval)

    def _send(self, url: str, token: str, event: dict[str, Any]) -> int:
        if not url.startswith(("http://", "https://")):
            raise CommandError("--url must be an http(s) URL")
        request = urllib.request.Request(  # noqa: S310 - scheme checked above
            url,
            data=json.dumps(event).encode(),
            headers={"Content-Type": "application/json", "Authorization": f"Token {token}"},
            method="POST",
        )
        try:
            with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310 - the console's own URL
                return int(response.status)
        except urllib.error.HTTPError as err:
            return int(err.code)
        except urllib.error.URLError as err:
            self.stderr.write(f"console not reachable at {url}: {err.reason}")
            time.sleep(2)
            return 0
