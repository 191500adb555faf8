"""Superusers and passwords set from the shell (createsuperuser, changepassword): the same
password rules as every other path, no way to bypass them, and an audit row in the
transaction of the change. The password itself is never recorded."""

from __future__ import annotations

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction

from console.access.models import User
from console.access.services import AccessError
from console.audit.actors import Actor
from console.audit.services import AuditEntry, audit_record


def _checked(password: str, user: User) -> None:
    try:
        validate_password(password, user)
    except ValidationError as err:
        raise AccessError("; ".join(err.messages)) from err


@transaction.atomic
def superuser_create(*, username: str, password: str, actor: Actor, email: str = "") -> User:
    """A superuser for Django's (read-only) admin. No role and no entity: in the console they
    see what their groups and grants give them, like anyone."""
    username = username.strip()
    if not username:
        raise AccessError("give a username")
    if User.objects.filter(username=username).exists():
        raise AccessError(f"a user named {username!r} exists already")
    user = User(username=username, email=email, is_staff=True, is_superuser=True)
    try:
        user.full_clean(exclude=["password"])
    except ValidationError as err:
        raise AccessError("; ".join(err.messages)) from err
    _checked(password, user)
    user.set_password(password)
    user.save()
    audit_record(
        actor=actor,
        entry=AuditEntry(
            action="user.created",
            object_type="user",
            object_id=str(user.pk),
            after={"username": username, "superuser": True, "staff": True},
        ),
    )
    return user


@transaction.atomic
def user_password_set(*, user: User, password: str, actor: Actor) -> None:
    user = User.objects.select_for_update().get(pk=user.pk)
    _checked(password, user)
    user.set_password(password)
    user.save(update_fields=["password"])
    audit_record(
        actor=actor,
        entry=AuditEntry(
            action="user.password_changed",
            object_type="user",
            object_id=str(user.pk),
            after={"username": user.username},
        ),
    )
