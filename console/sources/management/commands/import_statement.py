from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any, BinaryIO

from django.core.exceptions import PermissionDenied
from django.core.management.base import BaseCommand, CommandError, CommandParser

from console.access.models import User
from console.audit.actors import Actor
from console.sources.file_models import FileFormat, StatementFile
from console.sources.services.statement_import import (
    ImportRefused,
    statement_file_import,
    statement_file_preview,
)
from console.sources.services.statement_reading import format_sniffed, statement_pieces
from console.sync.models import LegalEntity, SourceSystem
from integrations.bank.statement import FileRefused, Piece


class Command(BaseCommand):
    help = (
        "Import a bank statement file (camt.053, MT940, or CSV through a bank's profile) for a source and "
        "entity, as the upload page does, and print what it became. --dry-run prints the preview and stores nothing."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", help="the statement file")
        parser.add_argument("--source", required=True, help="the bank source system's code")
        parser.add_argument("--entity", required=True, help="the legal entity its lines post for")
        parser.add_argument("--format", choices=FileFormat.values, default="", help="default: told by the file")
        parser.add_argument("--profile", default="", help="the CSV profile's name (CSV files only)")
        parser.add_argument(
            "--account", default="", help="CSV only, when the export has no account column: the account it is of"
        )
        parser.add_argument("--dry-run", action="store_true", help="show the preview, store nothing")
        parser.add_argument("--by", default="", help="the person importing it (default: the shell)")

    def handle(self, *args: Any, **options: Any) -> None:
        path = Path(options["file"])
        try:
            # Opened, not read whole: the service hashes, stores and parses it a chunk at a time,
            # each through a handle of its own, so a file of 100,000 entries is never held whole.
            content, readable = path.open("rb"), path.open("rb")
        except OSError as err:
            raise CommandError(f"cannot read {path}: {err.strerror}") from err
        with content, readable:
            file = self._import(path, content, readable, options)
        if file is None:
            return
        self.stdout.write(
            f"file {file.pk} {file.name} ({file.sha256[:12]}): {file.statement_count} statements, "
            f"{file.entry_count} entries: {file.new_count} new, {file.known_count} imported before, "
            f"{file.refused_count} refused"
        )
        for statement in file.statements.order_by("position"):
            state = (
                "held: " + "; ".join(statement.problems)
                if statement.hold_id
                else "; ".join(statement.problems) or "balanced"
            )
            self.stdout.write(f"  statement {statement.position} {statement.account} #{statement.sequence}: {state}")
        for refusal in file.refusals:
            self.stdout.write(f"  refused {refusal['where']}: {refusal['reason']}")

    def _import(
        self, path: Path, content: BinaryIO, readable: BinaryIO, options: dict[str, Any]
    ) -> StatementFile | None:
        source = SourceSystem.objects.filter(code=options["source"]).first()
        entity = LegalEntity.objects.filter(code=options["entity"]).first()
        if source is None or entity is None:
            raise CommandError(
                f"no source {options['source']!r}" if source is None else f"no entity {options['entity']!r}"
            )
        user, actor = None, Actor.system("import_statement")
        if options["by"]:
            user = User.objects.filter(username=options["by"], is_active=True).first()
            if user is None:
                raise CommandError(f"no active user {options['by']!r}")
            actor = Actor.person(user)
        fmt = options["format"] or format_sniffed(content.read(4096))
        if not fmt:
            raise CommandError("the file does not say its format: give --format (and --profile for CSV)")

        def pieces() -> Iterator[Piece]:
            return statement_pieces(
                fmt, readable, profile=options["profile"], account=options["account"], currency=entity.currency
            )

        try:
            if options["dry_run"]:
                figures = statement_file_preview(
                    source=source, entity=entity, content=content, pieces=pieces(), user=user
                )
                self._preview(figures)
                return None
            file = statement_file_import(
                source=source,
                entity=entity,
                name=path.name,
                fmt=fmt,
                profile=options["profile"],
                content=content,
                pieces=pieces(),
                user=user,
                actor=actor,
            )
        except (FileRefused, ImportRefused, PermissionDenied) as err:
            raise CommandError(f"{path.name}: {err}") from err
        return file

    def _preview(self, figures: Any) -> None:
        repeat = f" (the same bytes as file {figures.repeat_of.pk})" if figures.repeat_of else ""
        self.stdout.write(
            f"dry run{repeat}: {len(figures.statements)} statements, {figures.entries} entries: {figures.new} new, "
            f"{figures.known} imported before, {figures.refused} refused; nothing stored"
        )
        for s in figures.statements:
            self.stdout.write(
                f"  statement {s.position} {s.head.account} #{s.head.sequence}: {s.entries} entries, "
                f"total {s.total:,.2f} {s.head.currency}; " + ("; ".join(s.problems) or "balances")
            )
        for refusal in figures.refusals:
            self.stdout.write(f"  refused {refusal['where']}: {refusal['reason']}")
