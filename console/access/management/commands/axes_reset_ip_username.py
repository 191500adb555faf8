from __future__ import annotations

from typing import Any

from django.core.management.base import CommandParser

from console.access.login_throttle import sign_in_lockouts_reset
from console.access.management.commands.axes_reset import Command as ResetAll
from console.audit.actors import Actor


class Command(ResetAll):
    help = "Lift the sign-in lockout of one username from one address (recorded on the audit trail)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("ip")
        parser.add_argument("username")

    def handle(self, *args: Any, **options: Any) -> None:
        actor = Actor.system("axes_reset_ip_username")
        self.report(sign_in_lockouts_reset(actor=actor, username=options["username"], ip_address=options["ip"]))
