"""Replaces django.contrib.auth's createsuperuser (console.access comes first in INSTALLED_APPS):
the superuser is created through access.credentials, with the password rules and no bypass,
and leaves a user.created audit row."""

from __future__ import annotations

import os
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from console.access.credentials import superuser_create
from console.access.management.password_input import password_read
from console.access.services import AccessError
from console.audit.actors import Actor


class Command(BaseCommand):
    help = (
        "Create a superuser for Django's read-only admin; the password is typed twice, read from stdin, "
        "or taken from DJANGO_SUPERUSER_PASSWORD. Recorded on the audit trail."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--username", default=os.environ.get("DJANGO_SUPERUSER_USERNAME", ""))
        parser.add_argument("--email", default=os.environ.get("DJANGO_SUPERUSER_EMAIL", ""))
        parser.add_argument(
            "--noinput", "--no-input", action="store_false", dest="interactive", help="Never prompt (Django's flag)."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        username = options["username"]
        if not username:
            if not options["interactive"]:
                raise CommandError("give --username (or DJANGO_SUPERUSER_USERNAME)")
            username = input("Username: ")
        password = os.environ.get("DJANGO_SUPERUSER_PASSWORD") or password_read()
        try:
            user = superuser_create(
                username=username, password=password, email=options["email"], actor=Actor.system("createsuperuser")
            )
        except AccessError as err:
            raise CommandError(str(err)) from err
        self.stdout.write(f"Superuser {user.username} created.")
