"""What the commands deciding a flow's settings share: the flow named as source:kind, the
controller named by --by, and the service's refusals as the command's error."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.core.exceptions import PermissionDenied
from django.core.management.base import CommandError, CommandParser

from console.access.models import User
from console.audit.actors import Actor
from console.sync.errors import SyncError
from console.sync.models import Flow


def flow_setting_arguments(parser: CommandParser, choices: list[str]) -> None:
    parser.add_argument("flow", help="the flow as source:kind, e.g. payroll:journal_entry")
    parser.add_argument("policy", choices=choices)
    parser.add_argument("--by", required=True, help="the controller's username")
    parser.add_argument("--reason", required=True)


def flow_setting_apply(options: dict[str, Any], service: Callable[..., Flow]) -> Flow:
    """Run the service as the controller --by names, on the flow the arguments name."""
    source, _, kind = options["flow"].partition(":")
    flow = Flow.objects.filter(source__code=source, event_kind=kind).first()
    if flow is None:
        raise CommandError(f"no flow {options['flow']!r} (write it as source:kind)")
    user = User.objects.filter(username=options["by"], is_active=True).first()
    if user is None:
        raise CommandError(f"no active user {options['by']!r}")
    try:
        return service(
            user=user, actor=Actor.person(user), flow_id=flow.pk, policy=options["policy"], reason=options["reason"]
        )
    except (SyncError, PermissionDenied) as err:
        raise CommandError(str(err)) from err
