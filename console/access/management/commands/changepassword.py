"""Replaces django.contrib.auth's changepassword: the same password rules, and a
user.password_changed audit row."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from console.access.credentials import user_password_set
from console.access.management.password_input import password_read
from console.access.models import User
from console.access.services import AccessError
from console.audit.actors import Actor


class Command(BaseCommand):
    help = "Change a user's password (typed twice, or read from stdin). Recorded on the audit trail."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("username")

    def handle(self, *args: Any, **options: Any) -> None:
        user = User.objects.filter(username=options["username"]).first()
        if user is None:
            raise CommandError(f"no user named {options['username']!r}")
        try:
            user_password_set(user=user, password=password_read(), actor=Actor.system("changepassword"))
        except AccessError as err:
            raise CommandError(str(err)) from err
        self.stdout.write(f"Password of {user.username} changed.")
