"""A person's own display settings: the time zone every page shows times in."""

from __future__ import annotations

from django.db import transaction

from console.access.models import User
from console.access.time_zone import zone_names
from console.audit.actors import Actor
from console.audit.services import AuditEntry, audit_record


class PreferenceError(ValueError):
    pass


@transaction.atomic
def time_zone_set(*, user: User, actor: Actor, time_zone: str) -> User:
    """The person's own zone, whatever their roles: it changes what their pages show, never a
    figure or a permission. Audited all the same, as every change to a person is: an auditor
    reading a screenshot of a page can tell which zone its times were in."""
    if time_zone not in zone_names():
        raise PreferenceError(f"{time_zone!r} is not a time zone of the tz database (e.g. Europe/Paris)")
    user = User.objects.select_for_update().get(pk=user.pk)
    if user.time_zone == time_zone:
        return user
    before = user.time_zone
    user.time_zone = time_zone
    user.save(update_fields=["time_zone"])
    audit_record(
        actor=actor,
        entry=AuditEntry(
            action="user.time_zone_changed",
            object_type="user",
            object_id=str(user.pk),
            before={"username": user.username, "time_zone": before},
            after={"username": user.username, "time_zone": time_zone},
        ),
    )
    return user
