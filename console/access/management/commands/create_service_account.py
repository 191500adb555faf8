from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from console.access.services import AccessError, service_account_create
from console.audit.actors import Actor


class Command(BaseCommand):
    help = "Create a service account scoped to source systems and legal entities, and print its token once."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("name")
        parser.add_argument("--source", action="append", required=True, dest="sources", metavar="CODE")
        parser.add_argument(
            "--entity",
            action="append",
            required=True,
            dest="entities",
            metavar="CODE",
            help="A legal entity the account may feed (repeat for several).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            _, issued = service_account_create(
                name=options["name"],
                source_codes=options["sources"],
                entity_codes=options["entities"],
                actor=Actor.system("create_service_account"),
            )
        except AccessError as err:
            raise CommandError(str(err)) from err
        self.stdout.write(issued.token)
        self.stderr.write("Store this token now: it is not shown again.")
