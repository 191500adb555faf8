from __future__ import annotations

from typing import Any

from django.core.management.base import CommandParser

from console.access.login_throttle import sign_in_lockouts_reset
from console.access.management.commands.axes_reset import Command as ResetAll
from console.audit.actors import Actor


class Command(ResetAll):
    help = "Lift the sign-in lockouts of these usernames, from every address (recorded on the audit trail)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("username", nargs="+")

    def handle(self, *args: Any, **options: Any) -> None:
        actor = Actor.system("axes_reset_username")
        self.report(sum(sign_in_lockouts_reset(actor=actor, username=name) for name in options["username"]))
