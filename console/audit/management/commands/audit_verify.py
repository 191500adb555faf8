from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from console.audit.verify import audit_chain_verify, audit_digest_write


class Command(BaseCommand):
    help = "Walk the audit hash chain end to end; name the first row that does not verify."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--digest", action="store_true", help="Also write today's digest file.")

    def handle(self, *args: Any, **options: Any) -> None:
        result = audit_chain_verify(triggered_by="command:audit_verify")
        if options["digest"]:
            self.stdout.write(f"digest: {audit_digest_write(verification=result)}")
        if not result.ok:
            raise CommandError(f"audit chain BROKEN: {result.message}")
        self.stdout.write(f"audit chain OK: {result.message}; last #{result.last_sequence} {result.last_hash}")
