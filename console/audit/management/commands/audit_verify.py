from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from console.audit.digests import DigestError, audit_digest_write
from console.audit.verify import audit_chain_verify


class Command(BaseCommand):
    help = (
        "Walk the audit hash chain end to end and hold it against the digests written before; "
        "name the first row that does not verify."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--digest", action="store_true", help="Also write today's digest file (when it verifies).")

    def handle(self, *args: Any, **options: Any) -> None:
        result = audit_chain_verify(triggered_by="command:audit_verify")
        if not result.ok:
            raise CommandError(f"audit chain BROKEN: {result.message}")
        if options["digest"]:
            try:
                self.stdout.write(f"digest: {audit_digest_write(verification=result)}")
            except DigestError as err:
                raise CommandError(f"digest refused: {err}") from err
        self.stdout.write(f"audit chain OK: {result.message}; last #{result.last_sequence} {result.last_hash}")
