"""Creating people, service accounts and tokens; each leaves an audit record."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from django.contrib.auth.models import Group
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from console.access.models import PersonalToken, ServiceAccount, User
from console.access.roles import Role
from console.access.selectors import (
    VIEW_ENTITY,
    Access,
    access_memo_forget,
    entities_visible,
    may_manage,
    user_access,
    user_has_role,
)
from console.access.tokens import PERSONAL_PREFIX, SERVICE_PREFIX, token_digest, token_generate
from console.audit.actors import Actor
from console.audit.services import AuditEntry, audit_record
from console.sync.models import LegalEntity, SourceSystem


class AccessError(Exception):
    pass


@dataclass(frozen=True)
class IssuedToken:
    """The only moment a token is visible: it is stored as a digest."""

    token: str
    prefix: str


# Segregation of duties: roles are global and entities are granted per person, so a person who
# is both an operator (a maker: proposes, overrides) and a controller (the checker of those) would
# hold both in every entity of theirs and could approve their own changes through a colleague's
# absence. Refused outright rather than approved by a second admin: nobody has needed it, and a
# refusal cannot be worked around by two admins agreeing.
INCOMPATIBLE_ROLES = frozenset({Role.OPERATOR, Role.CONTROLLER})


def duties_check(roles: Sequence[Role] | frozenset[Role]) -> None:
    if INCOMPATIBLE_ROLES <= set(roles):
        raise AccessError(
            "roles: one person may not be both a finance operator and a controller (maker and checker); "
            "give the two roles to two people"
        )


def token_issue(prefix: str) -> tuple[str, str, str]:
    token = token_generate(prefix)
    return token, token_digest(token), token[: len(prefix) + 6]


@transaction.atomic
def service_account_create(
    *, name: str, source_codes: Sequence[str], entity_codes: Sequence[str], actor: Actor, reason: str = ""
) -> tuple[ServiceAccount, IssuedToken]:
    """A token that may ingest, and read back, events of these sources for these legal entities only."""
    if not source_codes:
        raise AccessError("a service account needs at least one source (--source CODE)")
    if not entity_codes:
        raise AccessError("a service account needs at least one legal entity (--entity CODE)")
    sources = list(SourceSystem.objects.filter(code__in=source_codes))
    unknown = sorted(set(source_codes) - {s.code for s in sources})
    if unknown:
        raise AccessError(f"unknown source system(s): {', '.join(unknown)}")
    entities = list(LegalEntity.objects.filter(code__in=entity_codes))
    unknown = sorted(set(entity_codes) - {e.code for e in entities})
    if unknown:
        raise AccessError(f"unknown legal entity code(s): {', '.join(unknown)}")
    if ServiceAccount.objects.filter(name=name).exists():
        raise AccessError(f"a service account named {name!r} exists already")
    token, digest, prefix = token_issue(SERVICE_PREFIX)
    account = ServiceAccount.objects.create(name=name, token_digest=digest, token_prefix=prefix)
    account.sources.set(sources)
    account.entities.set(entities)
    audit_record(
        actor=actor,
        entry=AuditEntry(
            action="service_account.created",
            object_type="service_account",
            object_id=str(account.pk),
            after={
                "name": name,
                "sources": sorted(set(source_codes)),
                "entities": sorted(set(entity_codes)),
                "token_prefix": prefix,
            },
            entity_code=entities[0].code if len(entities) == 1 else "",
            reason=reason,
        ),
    )
    return account, IssuedToken(token=token, prefix=prefix)


@transaction.atomic
def user_create(
    *,
    username: str,
    password: str,
    role: Role,
    entity_codes: Sequence[str],
    actor: Actor,
    email: str = "",
) -> User:
    from guardian.shortcuts import assign_perm

    if User.objects.filter(username=username).exists():
        raise AccessError(f"a user named {username!r} exists already")
    entities = list(LegalEntity.objects.filter(code__in=entity_codes))
    unknown = sorted(set(entity_codes) - {e.code for e in entities})
    if unknown:
        raise AccessError(f"unknown legal entity code(s): {', '.join(unknown)}")
    user = User(username=username, email=email)
    try:
        validate_password(password, user)
    except ValidationError as err:
        raise AccessError("; ".join(err.messages)) from err
    user.set_password(password)
    user.save()
    user.groups.add(Group.objects.get(name=role.group_name))
    for entity in entities:
        assign_perm("sync.view_legalentity", user, entity)
    audit_record(
        actor=actor,
        entry=AuditEntry(
            action="user.created",
            object_type="user",
            object_id=str(user.pk),
            after={"username": username, "role": role.value, "entities": sorted(entity_codes)},
        ),
    )
    return user


@transaction.atomic
def personal_token_create(*, user: User, actor: Actor) -> IssuedToken:
    token, digest, prefix = token_issue(PERSONAL_PREFIX)
    row = PersonalToken.objects.create(user=user, token_digest=digest, token_prefix=prefix)
    audit_record(
        actor=actor,
        entry=AuditEntry(
            action="personal_token.created",
            object_type="personal_token",
            object_id=str(row.pk),
            after={"user": user.username, "token_prefix": prefix},
        ),
    )
    return IssuedToken(token=token, prefix=prefix)


@transaction.atomic
def user_access_set(
    *, user: User, roles: Sequence[Role], entity_codes: Sequence[str], by: User, actor: Actor, reason: str
) -> Access:
    """Change a person's roles and legal entities: integration admins only, never their own,
    only for a person whose every entity the admin holds (selectors.may_manage) and only to
    entities the admin holds, with a reason; one audit row with before and after."""
    from guardian.shortcuts import assign_perm, remove_perm

    if not user_has_role(by, Role.ADMIN):
        raise PermissionDenied("only an integration admin changes roles and entity access")
    if by.pk == user.pk:
        raise PermissionDenied("nobody changes their own roles or entities")
    if not reason.strip():
        raise AccessError("say why the access changes (a reason is required)")
    user = User.objects.select_for_update().get(pk=user.pk)
    if not user.is_active:
        raise AccessError(f"{user.username} is deactivated: their access cannot be changed")
    access_memo_forget()  # read the access as it is under the lock, not as remembered
    before = user_access(user)
    if not may_manage(by, user, before):
        # Not naming the entities: the admin does not hold them.
        raise PermissionDenied(
            f"{user.username} holds legal entities you do not: only an admin holding all of them changes their access"
        )
    grantable = {e.code: e for e in entities_visible(by)}
    unknown = sorted(set(entity_codes) - set(grantable))
    if unknown:
        raise AccessError(f"legal entity code(s) you cannot grant: {', '.join(unknown)}")
    after = Access(roles=frozenset(roles), entity_codes=frozenset(entity_codes))
    duties_check(after.roles)
    if after == before:
        raise AccessError("nothing to change: the roles and entities are already these")
    for role in before.roles - after.roles:
        user.groups.remove(Group.objects.get(name=role.group_name))
    for role in after.roles - before.roles:
        user.groups.add(Group.objects.get(name=role.group_name))
    for code in before.entity_codes - after.entity_codes:
        remove_perm(VIEW_ENTITY, user, grantable[code])
    for code in after.entity_codes - before.entity_codes:
        assign_perm(VIEW_ENTITY, user, grantable[code])
    access_memo_forget()
    audit_record(
        actor=actor,
        entry=AuditEntry(
            action="user.access_changed",
            object_type="user",
            object_id=str(user.pk),
            before={"username": user.username, **before.as_json()},
            after={"username": user.username, **after.as_json()},
            reason=reason.strip(),
        ),
    )
    return after


def _source_account_name(source: SourceSystem) -> str:
    return f"webhook:{source.code}"


def _file_account_name(source: SourceSystem, entity: LegalEntity) -> str:
    return f"file:{source.code}@{entity.code}"


def _tokenless_account(
    *, name: str, source: SourceSystem, entity: LegalEntity, actor: Actor, why: str
) -> tuple[ServiceAccount, bool]:
    """The tokenless account called `name` under a lock, created for `source` and `entity`
    when absent (True when it was). It has no token: its digest is of a random value nobody
    is shown, so nothing signs in with it."""
    account = ServiceAccount.objects.select_for_update().filter(name=name).first()
    if account is not None:
        if account.token_prefix:
            # Made by a person, with a token: taking it over would let that token post as this source.
            raise AccessError(f"a service account named {name!r} with a token exists: rename or remove it first")
        return account, False
    account = ServiceAccount.objects.create(
        name=name, token_digest=token_digest(token_generate("none_")), token_prefix=""
    )
    account.sources.set([source])
    account.entities.set([entity])
    audit_record(
        actor=actor,
        entry=AuditEntry(
            action="service_account.created",
            object_type="service_account",
            object_id=str(account.pk),
            entity_code=entity.code,
            after={"name": name, "sources": [source.code], "entities": [entity.code], "token_prefix": ""},
            reason=why,
        ),
    )
    return account, True


@transaction.atomic
def source_account_ensure(*, source: SourceSystem, entity: LegalEntity, actor: Actor) -> ServiceAccount:
    """The account a webhook source's events are recorded under, scoped to that source and entity
    alone, so that they pass the same ingestion checks as any token's events. A webhook source
    feeds one entity: when it is moved to another, its account follows, audited."""
    name = _source_account_name(source)
    account, created = _tokenless_account(
        name=name,
        source=source,
        entity=entity,
        actor=actor,
        why=f"the webhook source {source.code}'s own account (no token)",
    )
    if created:
        return account
    before = {
        "sources": sorted(account.sources.values_list("code", flat=True)),
        "entities": sorted(account.entities.values_list("code", flat=True)),
    }
    after = {"sources": [source.code], "entities": [entity.code]}
    if before != after:
        account.sources.set([source])
        account.entities.set([entity])
        audit_record(
            actor=actor,
            entry=AuditEntry(
                action="service_account.scope_changed",
                object_type="service_account",
                object_id=str(account.pk),
                entity_code=entity.code,
                before={"name": name, **before},
                after={"name": name, **after},
                reason=f"the webhook source {source.code} now posts for {entity.code}",
            ),
        )
    return account


@transaction.atomic
def file_account_ensure(*, source: SourceSystem, entity: LegalEntity, actor: Actor) -> ServiceAccount:
    """The account the events of files a source sends for one entity are recorded under. One per
    source and entity, never rescoped: a bank source whose files feed two entities keeps two
    accounts, each passing the ingestion checks for its own entity only."""
    account, _ = _tokenless_account(
        name=_file_account_name(source, entity),
        source=source,
        entity=entity,
        actor=actor,
        why=f"the files of source {source.code} for {entity.code} (no token)",
    )
    return account
