from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from console.sync.services.demo import DemoSeedError, demo_seed


class Command(BaseCommand):
    help = (
        "Load the demo: legal entity, source systems, flows, mappings (resolved against the running Odoo), "
        "one user per role and a service account whose token is written to var/demo_token."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--password", default="finops-demo-pass", help="Password of the demo users.")

    def handle(self, *args: Any, **options: Any) -> None:
        if settings.PRODUCTION:
            raise CommandError("seed_demo refuses to run with FINOPS_ENV=production")
        try:
            report = demo_seed(password=options["password"])
        except DemoSeedError as err:
            raise CommandError(str(err)) from err
        for line in report:
            self.stdout.write(line)
