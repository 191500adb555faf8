from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.core.management.base import BaseCommand, CommandError, CommandParser

from console.access.command_person import person_or_shell
from console.access.models import ServiceAccount
from console.access.service_account_tokens import (
    GRACE_CHOICES,
    service_account_revoke,
    service_account_rotate,
    source_token_create,
)
from console.access.services import AccessError

COMMAND = "service_token"


class Command(BaseCommand):
    help = (
        "A source system's service-account tokens, as on its configuration page: create (the token is printed "
        "once), rotate (the old token keeps working for --grace), revoke. Audited as service_account.*."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        actions = parser.add_subparsers(dest="action", required=True, metavar="create|rotate|revoke")
        create = actions.add_parser("create", help="a new account of SOURCE; prints its token once")
        create.add_argument("source", help="the source system's code")
        create.add_argument("name", help="the account's name, e.g. shopify-eu-prod")
        create.add_argument("--entity", action="append", required=True, dest="entities", metavar="CODE")
        rotate = actions.add_parser("rotate", help="a new token for account NAME; prints it once")
        rotate.add_argument("name")
        rotate.add_argument(
            "--grace",
            required=True,
            choices=list(GRACE_CHOICES),
            help="how long the replaced token keeps working: 0 (a leaked token), 1h, 24h or 7d",
        )
        revoke = actions.add_parser("revoke", help="account NAME's token stops at once")
        revoke.add_argument("name")
        for sub in (create, rotate, revoke):
            sub.add_argument("--reason", required=True)
            sub.add_argument("--by", default="", help="the integration admin doing it (default: the shell)")

    def handle(self, *args: Any, **options: Any) -> None:
        user, actor = person_or_shell(options["by"], COMMAND)
        action = options["action"]
        try:
            if action == "create":
                account, issued = source_token_create(
                    source_code=options["source"],
                    name=options["name"],
                    entity_codes=options["entities"],
                    user=user,
                    actor=actor,
                    reason=options["reason"],
                )
            else:
                found = ServiceAccount.objects.filter(name=options["name"]).first()
                if found is None:
                    raise CommandError(f"no service account {options['name']!r}")
                if action == "rotate":
                    account, issued = service_account_rotate(
                        account_id=found.pk,
                        grace=GRACE_CHOICES[options["grace"]],
                        user=user,
                        actor=actor,
                        reason=options["reason"],
                    )
                else:
                    account = service_account_revoke(
                        account_id=found.pk, user=user, actor=actor, reason=options["reason"]
                    )
                    self.stderr.write(f"{account.name}: revoked; its token no longer signs in.")
                    return
        except (AccessError, PermissionDenied) as err:
            raise CommandError(str(err)) from err
        self.stdout.write(issued.token)
        until = account.previous_token_expires_at
        if action == "rotate" and until and account.previous_token_digest:
            self.stderr.write(f"The replaced token keeps working until {until.isoformat(timespec='seconds')}.")
        self.stderr.write(f"{account.name} ({issued.prefix}…): store this token now, it is not shown again.")
