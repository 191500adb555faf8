from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

from django.core.exceptions import PermissionDenied
from django.core.management.base import BaseCommand, CommandError, CommandParser

from console.access.models import User
from console.audit.actors import Actor
from console.sources.payroll_models import PayrollFormat
from console.sources.services.payroll_import import PayrollFigures, payroll_file_import, payroll_file_preview
from console.sources.services.payroll_reading import GL_PROFILES, payroll_format_sniffed, payroll_runs
from console.sources.services.statement_import import ImportRefused
from console.sync.models import LegalEntity, SourceSystem
from integrations.payroll.errors import FileRefused


def _day(value: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise CommandError(f"--pay-date {value!r} is not a date YYYY-MM-DD") from None


class Command(BaseCommand):
    help = (
        "Import a payroll file (Gusto's pay-run totals as JSON, or a payroll GL export as CSV through a profile) "
        "for a source and entity, as the upload page does, and print what each run became. --dry-run prints the "
        "preview and stores nothing."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", help="the payroll file")
        parser.add_argument("--source", required=True, help="the payroll source system's code")
        parser.add_argument("--entity", required=True, help="the legal entity its runs post for")
        parser.add_argument("--format", choices=PayrollFormat.values, default="", help="default: told by the file")
        parser.add_argument("--profile", default="", choices=["", *sorted(GL_PROFILES)], help="GL exports only")
        parser.add_argument("--run-id", default="", help="the run's id, for a GL export without a run id column")
        parser.add_argument("--pay-date", default="", help="YYYY-MM-DD, for a GL export without a pay date column")
        parser.add_argument("--dry-run", action="store_true", help="show the preview, store nothing")
        parser.add_argument("--by", default="", help="the person importing it (default: the shell)")

    def handle(self, *args: Any, **options: Any) -> None:
        path = Path(options["file"])
        try:
            content = path.read_bytes()
        except OSError as err:
            raise CommandError(f"cannot read {path}: {err.strerror}") from err
        source = SourceSystem.objects.filter(code=options["source"]).first()
        entity = LegalEntity.objects.filter(code=options["entity"]).first()
        if source is None or entity is None:
            raise CommandError(
                f"no source {options['source']!r}" if source is None else f"no entity {options['entity']!r}"
            )
        user, actor = None, Actor.system("import_payroll")
        if options["by"]:
            user = User.objects.filter(username=options["by"], is_active=True).first()
            if user is None:
                raise CommandError(f"no active user {options['by']!r}")
            actor = Actor.person(user)
        fmt = options["format"] or payroll_format_sniffed(content)
        profile = options["profile"] if fmt == "gl_csv" else ""
        pay_date = _day(options["pay_date"]) if options["pay_date"] else None
        try:
            runs = payroll_runs(
                fmt, content, currency=entity.currency, profile=profile, run_id=options["run_id"], pay_date=pay_date
            )
            if options["dry_run"]:
                self._preview(payroll_file_preview(source=source, entity=entity, content=content, runs=runs, user=user))
                return
            file = payroll_file_import(
                source=source,
                entity=entity,
                name=path.name,
                fmt=fmt,
                profile=profile,
                content=content,
                runs=runs,
                user=user,
                actor=actor,
            )
        except (FileRefused, ImportRefused, PermissionDenied) as err:
            raise CommandError(f"{path.name}: {err}") from err
        self.stdout.write(
            f"file {file.pk} {file.name} ({file.sha256[:12]}): {file.run_count} runs: {file.new_count} new "
            f"({file.held_count} held), {file.known_count} imported before, {file.conflict_count} conflicting, "
            f"{file.unusable_count} cannot post; {file.flagged_count} flagged for a second look"
        )
        for run in file.runs.order_by("position"):
            said = "; ".join(run.problems) or "agrees"
            event = f" event {run.event_id}" if run.event_id else ""
            self.stdout.write(f"  run {run.position} {run.run_id} {run.pay_date}: {run.status}{event}: {said}")
            if run.flag:
                self.stdout.write(f"    second look: {run.flag}")

    def _preview(self, figures: PayrollFigures) -> None:
        repeat = f" (the same bytes as file {figures.repeat_of.pk})" if figures.repeat_of else ""
        self.stdout.write(
            f"dry run{repeat}: {len(figures.runs)} runs: {figures.new} new ({figures.held} to be held), "
            f"{figures.known} imported before, {figures.conflict} conflicting, {figures.unusable} cannot post; "
            "nothing stored"
        )
        for r in figures.runs:
            said = "; ".join(([r.unusable] if r.unusable else []) + r.messages) or "agrees"
            self.stdout.write(
                f"  run {r.position} {r.run.run_id} {r.run.pay_date}: total {r.total:,.2f} {r.run.currency}, "
                f"{r.status}: {said}"
            )
            if r.flag:
                self.stdout.write(f"    second look: {r.flag}")
