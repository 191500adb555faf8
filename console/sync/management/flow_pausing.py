"""What flow_pause and flow_resume share: the flow named by source and kind, the person --by
names (whose roles and entities the service checks) or the shell itself, and the service's
refusals as the command's error."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from django.core.exceptions import PermissionDenied
from django.core.management.base import CommandError, CommandParser

from console.access.models import User
from console.audit.actors import Actor
from console.sync.errors import SyncError
from console.sync.models import Flow

T = TypeVar("T")


def pausing_arguments(parser: CommandParser) -> None:
    parser.add_argument("source", help="the source system's code, e.g. shopify")
    parser.add_argument("kind", help="the flow's kind of event, e.g. customer_invoice")
    parser.add_argument("--reason", required=True)
    parser.add_argument("--by", default="", help="the person's username (without it: the shell, system:<command>)")


def pausing_apply(options: dict[str, Any], command: str, service: Callable[..., T]) -> T:
    flow = Flow.objects.filter(source__code=options["source"], event_kind=options["kind"]).first()
    if flow is None:
        raise CommandError(f"no flow of source {options['source']!r} and kind {options['kind']!r}")
    user = None
    actor = Actor.system(command)
    if options["by"]:
        user = User.objects.filter(username=options["by"], is_active=True).first()
        if user is None:
            raise CommandError(f"no active user {options['by']!r}")
        actor = Actor.person(user)
    try:
        return service(flow_id=flow.pk, user=user, actor=actor, reason=options["reason"])
    except (SyncError, PermissionDenied) as err:
        raise CommandError(str(err)) from err
