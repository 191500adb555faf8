from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.core.management.base import BaseCommand, CommandError, CommandParser

from console.access.models import User
from console.audit.actors import Actor
from console.sources.models import Provider
from console.sources.selectors import endpoint_path
from console.sources.services.endpoints import webhook_endpoint_set
from console.sync.errors import SyncError


class Command(BaseCommand):
    help = (
        "Create or update a source system that receives signed Shopify or Stripe webhooks, and its flows; "
        "print the endpoint's path. The secret is read from the environment variable named, never stored."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("code", help="the source system's code, the last part of the endpoint's path")
        parser.add_argument("--kind", required=True, choices=Provider.values)
        parser.add_argument("--entity", required=True, help="the legal entity its deliveries post for")
        parser.add_argument("--secret-env", required=True, metavar="VAR", help="variable holding the signing secret")
        parser.add_argument(
            "--previous-secret-env", default="", metavar="VAR", help="variable holding the previous secret (rotation)"
        )
        parser.add_argument("--name", default="", help="a name to show (default: the provider and the code)")
        parser.add_argument(
            "--option",
            action="append",
            default=[],
            metavar="NAME=VALUE",
            help="what the provider's reader is told (integrations/<kind>/options.py); NAME= resets one",
        )
        parser.add_argument("--by", default="", help="the integration admin doing it (default: the shell)")

    def handle(self, *args: Any, **options: Any) -> None:
        user = None
        actor = Actor.system("webhook_source")
        if options["by"]:
            user = User.objects.filter(username=options["by"], is_active=True).first()
            if user is None:
                raise CommandError(f"no active user {options['by']!r}")
            actor = Actor.person(user)
        option_texts = {}
        for pair in options["option"]:
            key, sep, value = pair.partition("=")
            if not sep or not key.strip():
                raise CommandError(f"--option {pair!r}: write it as NAME=VALUE")
            option_texts[key.strip()] = value.strip()
        try:
            saved = webhook_endpoint_set(
                actor=actor,
                user=user,
                code=options["code"],
                provider=options["kind"],
                entity_code=options["entity"],
                secret_env=options["secret_env"],
                previous_secret_env=options["previous_secret_env"],
                name=options["name"],
                option_texts=option_texts,
            )
        except (SyncError, PermissionDenied) as err:
            raise CommandError(str(err)) from err
        source = saved.source
        what = "created" if saved.created else "updated"
        flows = f"; flows created: {', '.join(saved.flows_created)}" if saved.flows_created else ""
        self.stderr.write(f"{source.code} {what} ({source.get_kind_display()}, {source.entity}){flows}")
        if not source.is_active:
            self.stderr.write("The source is inactive: its endpoint answers 404 until it is reactivated.")
        self.stdout.write(endpoint_path(source))
