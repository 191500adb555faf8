"""Who a configuration command acts as: the active person `--by` names, whose roles and entities
the service then checks as it would on a page, or the shell itself (system:<command>), which the
services let do what the machine's operator may."""

from __future__ import annotations

from django.core.management.base import CommandError

from console.access.models import User
from console.audit.actors import Actor


def person_or_shell(username: str, command: str) -> tuple[User | None, Actor]:
    if not username:
        return None, Actor.system(command)
    user = User.objects.filter(username=username, is_active=True).first()
    if user is None:
        raise CommandError(f"--by: no active user {username!r}")
    return user, Actor.person(user)


def person_required(username: str, command: str) -> tuple[User, Actor]:
    """For the services that check a person's own entities (people's access): no shell."""
    if not username:
        raise CommandError(f"{command}: --by names the integration admin doing it (their entities are checked)")
    user, actor = person_or_shell(username, command)
    assert user is not None
    return user, actor
