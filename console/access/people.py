"""Adding a person by invitation, their accepting it, and deactivating a person.

An invitation, not a first password: the admin never knows the person's password, and nothing
has to force a change at first sign-in. The person is created without a usable password; the
link (Django's password-reset token: it is bound to the password and the last sign-in, so it
works once, and for PASSWORD_RESET_TIMEOUT at most) lets them choose one under the same password
rules as every other path. The link is shown to the admin once, as a token is.

Deactivating ends the person's sessions at once (their rows are deleted; Django's backend also
refuses an inactive user on each request) and revokes their personal tokens (which
authentication refuses for an inactive user anyway). Roles and grants stay, for the record.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.contrib.auth.models import Group
from django.contrib.auth.password_validation import validate_password
from django.contrib.auth.tokens import default_token_generator
from django.contrib.sessions.models import Session
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from console.access.decorators import role_check
from console.access.models import PersonalToken, User
from console.access.roles import Role
from console.access.selectors import VIEW_ENTITY, access_memo_forget, entities_visible, may_manage, user_access
from console.access.services import AccessError, duties_check
from console.audit.actors import Actor
from console.audit.reasons import reason_checked
from console.audit.services import AuditEntry, audit_record


class PersonNotFound(AccessError):
    """No such active person among those the admin manages: the same answer either way."""


@dataclass(frozen=True)
class Invitation:
    user: User
    path: str  # the link's path; the page makes it absolute


def invitation_path(user: User) -> str:
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    return reverse("invitation-accept", kwargs={"uidb64": uid, "token": default_token_generator.make_token(user)})


@transaction.atomic
def person_invite(
    *,
    username: str,
    email: str,
    full_name: str,
    roles: Sequence[Role],
    entity_codes: Sequence[str],
    by: Any,
    actor: Actor,
    reason: str,
) -> Invitation:
    """A new person with these roles in these of the admin's entities, who chooses their own
    password through the invitation link."""
    from guardian.shortcuts import assign_perm

    doing = "adding a person"
    role_check(by, Role.ADMIN, doing=doing)
    reason = reason_checked(reason, doing, AccessError)
    duties_check(roles)
    username = (username or "").strip()
    if User.objects.filter(username__iexact=username).exists():
        raise AccessError(f"username: {username!r} is taken")
    grantable = {entity.code: entity for entity in entities_visible(by)}
    foreign = sorted(set(entity_codes) - set(grantable))
    if foreign:
        raise AccessError(f"legal entity code(s) you cannot grant: {', '.join(foreign)}")
    first, _, last = (full_name or "").strip().partition(" ")
    user = User(username=username, email=(email or "").strip(), first_name=first[:150], last_name=last[:150])
    user.set_unusable_password()
    try:
        user.full_clean()
    except ValidationError as err:
        raise AccessError("; ".join(f"{key}: {' '.join(msgs)}" for key, msgs in err.message_dict.items())) from err
    user.save()
    for role in roles:
        user.groups.add(Group.objects.get(name=role.group_name))
    for code in sorted(set(entity_codes)):
        assign_perm(VIEW_ENTITY, user, grantable[code])
    access_memo_forget()
    codes = sorted(set(entity_codes))
    audit_record(
        actor=actor,
        entry=AuditEntry(
            action="user.invited",
            object_type="user",
            object_id=str(user.pk),
            entity_code=codes[0] if len(codes) == 1 else "",
            before=None,
            after={
                "username": username,
                "email": user.email,
                "roles": sorted(role.value for role in roles),
                "entities": codes,
                "active": True,
            },
            reason=reason,
        ),
    )
    return Invitation(user=user, path=invitation_path(user))


def invitation_pending(user: User | None) -> bool:
    """An invitation works for an active person who has not chosen a password yet."""
    return user is not None and user.is_active and not user.has_usable_password()


@transaction.atomic
def invitation_accept(*, user: User, password: str, actor: Actor) -> User:
    user = User.objects.select_for_update().get(pk=user.pk)
    if not invitation_pending(user):
        raise AccessError("this invitation has been used or withdrawn")
    try:
        validate_password(password, user)
    except ValidationError as err:
        raise AccessError("; ".join(err.messages)) from err
    user.set_password(password)
    user.save(update_fields=["password"])
    audit_record(
        actor=actor,
        entry=AuditEntry(
            action="user.invitation_accepted",
            object_type="user",
            object_id=str(user.pk),
            before={"username": user.username, "password_set": False},
            after={"username": user.username, "password_set": True},
        ),
    )
    return user


def _sessions_end(user: User) -> int:
    """Delete the person's sessions. Sessions are not indexed by user, so the live ones are read;
    a console has few."""
    ended = [
        session.pk
        for session in Session.objects.filter(expire_date__gt=timezone.now()).iterator()
        if str(session.get_decoded().get("_auth_user_id")) == str(user.pk)
    ]
    Session.objects.filter(pk__in=ended).delete()
    return len(ended)


@transaction.atomic
def person_deactivate(*, user_id: int, by: Any, actor: Actor, reason: str) -> User:
    doing = "deactivating a person"
    role_check(by, Role.ADMIN, doing=doing)
    reason = reason_checked(reason, doing, AccessError)
    user = User.objects.select_for_update().filter(pk=user_id, is_active=True).first()
    if user is None:
        raise PersonNotFound(f"no active person {user_id}")
    access_memo_forget()
    access = user_access(user)
    if user.pk == by.pk:
        raise PermissionDenied("nobody deactivates themselves")
    if not may_manage(by, user, access):
        raise PersonNotFound(f"no active person {user_id}")
    user.is_active = False
    user.save(update_fields=["is_active"])
    tokens = PersonalToken.objects.filter(user=user, revoked_at__isnull=True).update(revoked_at=timezone.now())
    sessions = _sessions_end(user)
    access_memo_forget()
    codes = sorted(access.entity_codes)
    audit_record(
        actor=actor,
        entry=AuditEntry(
            action="user.deactivated",
            object_type="user",
            object_id=str(user.pk),
            entity_code=codes[0] if len(codes) == 1 else "",
            before={"username": user.username, "active": True, **access.as_json()},
            after={"username": user.username, "active": False, "sessions_ended": sessions, "tokens_revoked": tokens},
            reason=reason,
        ),
    )
    return user
