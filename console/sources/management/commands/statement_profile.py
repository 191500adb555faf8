from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from console.audit.actors import Actor
from console.sources.services.statement_profiles import csv_profile, profile_choices, statement_profile_save
from integrations.bank.csv_profile import ProfileRefused
from integrations.bank.statement import FileRefused


class Command(BaseCommand):
    help = (
        "Save a bank's CSV statement profile from a JSON file (audited; a change needs --reason), "
        "list the profiles, or show one as JSON."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("name", nargs="?", default="", help="the profile's name")
        parser.add_argument("--from-json", default="", help="a JSON object of the profile's fields")
        parser.add_argument("--reason", default="", help="why it changes (required to change one)")
        parser.add_argument("--list", action="store_true", help="list the profiles' names")

    def handle(self, *args: Any, **options: Any) -> None:
        name = options["name"]
        if options["list"] or not name:
            for choice in profile_choices():
                self.stdout.write(choice)
            return
        if not options["from_json"]:
            try:
                self.stdout.write(json.dumps(csv_profile(name).to_dict(), indent=2, sort_keys=True))
            except FileRefused as err:
                raise CommandError(str(err)) from err
            return
        path = Path(options["from_json"])
        try:
            definition = json.loads(path.read_text(encoding="utf-8"))
        except OSError as err:
            raise CommandError(f"cannot read {path}: {err.strerror}") from err
        except (ValueError, UnicodeDecodeError) as err:
            raise CommandError(f"{path.name} is not JSON: {err}") from err
        if not isinstance(definition, dict):
            raise CommandError(f"{path.name} holds {type(definition).__name__}, not an object of the profile's fields")
        try:
            saved = statement_profile_save(
                name=name,
                definition=definition,
                user=None,
                actor=Actor.system("statement_profile"),
                reason=options["reason"],
            )
        except ProfileRefused as err:
            raise CommandError(str(err)) from err
        state = "created" if saved.created else ("changed" if saved.changed else "unchanged")
        self.stdout.write(f"profile {saved.profile.name}: {state}")
