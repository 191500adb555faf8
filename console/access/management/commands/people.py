from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.core.management.base import BaseCommand, CommandError, CommandParser

from console.access.command_person import person_required
from console.access.models import User
from console.access.people import person_deactivate, person_invite
from console.access.roles import Role
from console.access.services import AccessError

COMMAND = "people"


class Command(BaseCommand):
    help = (
        "Add a person by invitation (prints the link's path once: the person chooses their password there) or "
        "deactivate one (their sessions and tokens end at once), as on /access/people/. Audited as user.*."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        actions = parser.add_subparsers(dest="action", required=True, metavar="invite|deactivate")
        invite = actions.add_parser("invite", help="a new person, without a password; prints the invitation's path")
        invite.add_argument("username")
        invite.add_argument("--role", action="append", required=True, dest="roles", choices=[r.value for r in Role])
        invite.add_argument("--entity", action="append", default=[], dest="entities", metavar="CODE")
        invite.add_argument("--email", default="")
        invite.add_argument("--name", default="", help="first and last name")
        deactivate = actions.add_parser("deactivate", help="end a person's sessions and tokens, refuse their sign-in")
        deactivate.add_argument("username")
        for sub in (invite, deactivate):
            sub.add_argument("--reason", required=True)
            sub.add_argument("--by", required=True, help="the integration admin doing it")

    def handle(self, *args: Any, **options: Any) -> None:
        by, actor = person_required(options["by"], COMMAND)
        try:
            if options["action"] == "invite":
                invitation = person_invite(
                    username=options["username"],
                    email=options["email"],
                    full_name=options["name"],
                    roles=[Role(value) for value in options["roles"]],
                    entity_codes=options["entities"],
                    by=by,
                    actor=actor,
                    reason=options["reason"],
                )
                self.stdout.write(invitation.path)
                self.stderr.write(
                    f"{invitation.user.username} added. Send them the console's address followed by this path, "
                    "over a channel you trust: it works once, and is not shown again."
                )
                return
            person = User.objects.filter(username=options["username"], is_active=True).first()
            if person is None:
                raise CommandError(f"no active person {options['username']!r}")
            person = person_deactivate(user_id=person.pk, by=by, actor=actor, reason=options["reason"])
        except (AccessError, PermissionDenied) as err:
            raise CommandError(str(err)) from err
        self.stderr.write(f"{person.username} deactivated: their sessions and tokens ended.")
