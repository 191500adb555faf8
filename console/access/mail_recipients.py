"""Whom the console mails: the active controllers of a legal entity who have an address."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable

from console.access.models import User
from console.access.roles import Role
from console.access.selectors import entity_ids_visible


def controller_emails_by_entity(entity_ids: Iterable[int], *, leave_out: int | None = None) -> dict[int, set[str]]:
    """Each entity's controllers' addresses; `leave_out` (a user id) is never among them: the
    person who asked is not asked to decide."""
    wanted = set(entity_ids)
    found: dict[int, set[str]] = defaultdict(set)
    controllers = User.objects.filter(is_active=True, groups__name=Role.CONTROLLER.group_name).exclude(email="")
    if leave_out is not None:
        controllers = controllers.exclude(pk=leave_out)
    for user in controllers.distinct():
        for entity_id in wanted.intersection(entity_ids_visible(user)):
            found[entity_id].add(user.email)
    return found
