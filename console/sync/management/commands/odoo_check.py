from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from console.sync.models import LegalEntity
from console.sync.services.connections import odoo_connection_check
from integrations.odoo.access import KIND_LABELS


class Command(BaseCommand):
    help = (
        "Check each legal entity's Odoo connection: sign in, and name every kind of document "
        "its integration user's groups do not let it post. Exits 1 when something cannot post."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--entity", action="append", dest="entities", metavar="CODE")

    def handle(self, *args: Any, **options: Any) -> None:
        entities = LegalEntity.objects.select_related("connection").order_by("code")
        if options["entities"]:
            entities = entities.filter(code__in=options["entities"])
        if not entities:
            raise CommandError("no legal entity to check")
        failing = 0
        for entity in entities:
            check = odoo_connection_check(entity)
            self.stdout.write(f"{check.entity}: {check.url} database {check.database!r} as {check.login!r}")
            if check.error is not None:
                failing += 1
                self.stdout.write(f"  cannot connect: {check.error.message}")
                continue
            self.stdout.write(f"  Odoo {check.server_version}, uid {check.access.uid if check.access else '?'}")
            refusals = check.refusals
            for kind, label in KIND_LABELS.items():
                refused = refusals.get(kind)
                self.stdout.write(f"  {label}: {'cannot post: ' + refused.message if refused else 'ok'}")
            failing += bool(refusals)
        if failing:
            raise CommandError(f"{failing} of {len(entities)} connections cannot post everything")
