from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.core.management.base import BaseCommand, CommandError, CommandParser

from console.access.models import User
from console.archive_files import ArchiveError
from console.audit.actors import Actor
from console.sources.services.retention import deliveries_archive


class Command(BaseCommand):
    help = (
        "Archive webhook deliveries that are done with, received more than FINOPS_RETENTION_DELIVERIES_DAYS "
        "(or --older-than-days) ago: they and their items go to a gzip JSON Lines file under FINOPS_ARCHIVE_DIR "
        "and are deleted; each file's sha256 is recorded as a deliveries.archived AuditEvent. See README, Retention."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--older-than-days", type=int, default=None, help="default: FINOPS_RETENTION_DELIVERIES_DAYS"
        )
        parser.add_argument("--batch-size", type=int, default=500, help="deliveries per file and transaction")
        parser.add_argument("--dry-run", action="store_true", help="count what would go; write and change nothing")
        parser.add_argument("--by", default="", help="the person's username (without it: system:archive_deliveries)")

    def handle(self, *args: Any, **options: Any) -> None:
        user = None
        actor = Actor.system("archive_deliveries")
        if options["by"]:
            user = User.objects.filter(username=options["by"], is_active=True).first()
            if user is None:
                raise CommandError(f"no active user {options['by']!r}")
            actor = Actor.person(user)
        try:
            summary = deliveries_archive(
                user=user,
                actor=actor,
                older_than_days=options["older_than_days"],
                batch_size=options["batch_size"],
                dry_run=options["dry_run"],
            )
        except (ArchiveError, PermissionDenied) as err:
            raise CommandError(str(err)) from err
        verb = "would archive" if summary.dry_run else "archived"
        self.stdout.write(
            f"{verb} {summary.deliveries} webhook deliveries received before {summary.cutoff.isoformat()}, "
            f"with {summary.items} items"
        )
        for archive in summary.files:
            self.stdout.write(f"{archive['file']}  sha256 {archive['sha256']}  {archive['deliveries']} deliveries")
