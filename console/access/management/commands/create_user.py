from __future__ import annotations

import sys
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from console.access.roles import Role
from console.access.services import AccessError, personal_token_create, user_create
from console.audit.actors import Actor


class Command(BaseCommand):
    help = "Create a user with one role and legal entities; the password is read from stdin."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("username")
        parser.add_argument("--role", required=True, choices=[r.value for r in Role])
        parser.add_argument("--entity", action="append", default=[], dest="entities", metavar="CODE")
        parser.add_argument("--email", default="")
        parser.add_argument("--token", action="store_true", help="Also create and print a personal API token.")

    def handle(self, *args: Any, **options: Any) -> None:
        password = sys.stdin.readline().rstrip("\n")
        if not password:
            raise CommandError("give the password on standard input")
        actor = Actor.system("create_user")
        try:
            user = user_create(
                username=options["username"],
                password=password,
                role=Role(options["role"]),
                entity_codes=options["entities"],
                email=options["email"],
                actor=actor,
            )
        except AccessError as err:
            raise CommandError(str(err)) from err
        self.stderr.write(f"Created {user.username} ({options['role']}).")
        if options["token"]:
            self.stdout.write(personal_token_create(user=user, actor=actor).token)
