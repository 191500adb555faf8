"""Who may see what: roles from groups, legal entities from object permissions.

Every list and detail filters through entity_ids_visible(), so a view that
forgets a check shows nothing rather than everything: no user, an inactive
user or a user with no grant gets an empty list.
"""

from __future__ import annotations

from collections.abc import Callable
from contextvars import ContextVar
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, TypeVar

from django.contrib.auth.models import Group, Permission
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.db.models import Model, QuerySet
from guardian.models import GroupObjectPermission, UserObjectPermission

from console.access.roles import ROLE_GROUPS, Role

if TYPE_CHECKING:
    from console.sync.models import LegalEntity

VIEW_ENTITY = "sync.view_legalentity"
M = TypeVar("M", bound=Model)
T = TypeVar("T")

# Within one request (AccessMemoMiddleware) a person's roles and entities are read once:
# the decorator, the context processor, the filters and the selectors all ask.
_memo: ContextVar[dict[tuple[str, int], Any] | None] = ContextVar("finops_access_memo", default=None)


def _remembered(kind: str, user: Any, read: Callable[[], T]) -> T:
    memo = _memo.get()
    if memo is None or user.pk is None:
        return read()
    key = (kind, user.pk)
    if key not in memo:
        memo[key] = read()
    value: T = memo[key]
    return value


def access_memo_start() -> Any:
    """Start remembering roles and entities (for one request); the token ends it."""
    return _memo.set({})


def access_memo_end(token: Any) -> None:
    _memo.reset(token)


def access_memo_forget() -> None:
    """Forget what was remembered: roles or grants changed within the request."""
    memo = _memo.get()
    if memo is not None:
        memo.clear()


@dataclass(frozen=True)
class _Granted:
    groups: frozenset[str]
    entities: tuple[tuple[int, str], ...]  # (id, code), by code


def _granted(user: Any) -> _Granted:
    """The person's group names and granted legal entities, in one round trip."""
    return _remembered("granted", user, lambda: _granted_read(user))


def _granted_read(user: Any) -> _Granted:
    # guardian's object permissions read directly, with the groups and the entities' codes
    # in the same statement (three queries before, ~4 ms a request). As in guardian, a
    # superuser holds every entity.
    from console.sync.models import LegalEntity

    app_label, codename = VIEW_ENTITY.split(".")
    member = user.groups.through._meta.db_table
    granting = f"""
        WITH granting AS (
          SELECT p.id FROM {Permission._meta.db_table} p
            JOIN {ContentType._meta.db_table} t ON t.id = p.content_type_id
           WHERE p.codename = %s AND t.app_label = %s)
    """
    sql = f"""
        SELECT 'group', g.name, NULL FROM {Group._meta.db_table} g
          JOIN {member} m ON m.group_id = g.id WHERE m.user_id = %s
        UNION ALL
        SELECT 'entity', e.code, e.id FROM {LegalEntity._meta.db_table} e
         WHERE %s OR CAST(e.id AS VARCHAR(255)) IN (
            SELECT u.object_pk FROM {UserObjectPermission._meta.db_table} u
             WHERE u.user_id = %s AND u.permission_id IN (SELECT id FROM granting)
            UNION
            SELECT o.object_pk FROM {GroupObjectPermission._meta.db_table} o
              JOIN {member} m ON m.group_id = o.group_id
             WHERE m.user_id = %s AND o.permission_id IN (SELECT id FROM granting))
    """
    groups: set[str] = set()
    entities: list[tuple[int, str]] = []
    with connection.cursor() as cursor:
        cursor.execute(granting + sql, [codename, app_label, user.pk, bool(user.is_superuser), user.pk, user.pk])
        for kind, name, entity_id in cursor.fetchall():
            if kind == "group":
                groups.add(name)
            else:
                entities.append((int(entity_id), name))
    return _Granted(frozenset(groups), tuple(sorted(entities, key=lambda entity: entity[1])))


def _active(user: Any) -> bool:
    return bool(getattr(user, "is_authenticated", False) and getattr(user, "is_active", False))


def user_roles(user: Any) -> set[Role]:
    if not _active(user):
        return set()
    names = _granted(user).groups
    return {role for role, group in ROLE_GROUPS.items() if group in names}


def user_has_role(user: Any, *roles: Role) -> bool:
    return bool(user_roles(user) & set(roles))


def entity_ids_visible(user: Any) -> list[int]:
    """Ids of the legal entities granted to the user (directly or through a group)."""
    if not _active(user):
        return []
    return sorted(entity_id for entity_id, _ in _granted(user).entities)


def entity_codes_by_id(user: Any) -> dict[int, str]:
    """Codes of the legal entities granted to the user, by id."""
    return dict(_granted(user).entities) if _active(user) else {}


def entity_codes_visible(user: Any) -> list[str]:
    """Codes of the legal entities granted to the user, sorted."""
    if not _active(user):
        return []
    return [code for _, code in _granted(user).entities]


def entities_visible(user: Any) -> QuerySet[LegalEntity]:
    """The legal entities granted to the user, by code."""
    from console.sync.models import LegalEntity

    return LegalEntity.objects.filter(pk__in=entity_ids_visible(user)).order_by("code")


def restrict_to_entities(queryset: QuerySet[M], user: Any, *, field: str = "entity") -> QuerySet[M]:
    """The one filter every console list and detail goes through."""
    return queryset.filter(**{f"{field}__in": entity_ids_visible(user)})


@dataclass(frozen=True)
class Access:
    roles: frozenset[Role]
    entity_codes: frozenset[str]

    def as_json(self) -> dict[str, list[str]]:
        return {"roles": sorted(r.value for r in self.roles), "entities": sorted(self.entity_codes)}


def user_access(user: Any) -> Access:
    """A person's roles and the codes of their legal entities."""
    return Access(roles=frozenset(user_roles(user)), entity_codes=frozenset(entity_codes_visible(user)))


def may_manage(admin: Any, person: Any, person_access: Access | None = None) -> bool:
    """An integration admin manages a person only when the admin holds every legal entity the
    person holds: roles are global, so changing them changes what the person may do in each of
    their entities, and an admin of one entity must not reach into another. Never themselves,
    never a superuser (who holds every entity and is managed outside the console)."""
    if not user_has_role(admin, Role.ADMIN) or admin.pk == person.pk or person.is_superuser:
        return False
    held = person_access.entity_codes if person_access is not None else user_access(person).entity_codes
    return held <= set(entity_codes_visible(admin))


def people_manageable(admin: Any) -> list[tuple[Any, Access]]:
    """The active people this admin may manage (may_manage), with their access, by username."""
    from console.access.models import User

    people = User.objects.filter(is_active=True, is_superuser=False).exclude(pk=admin.pk).order_by("username")
    rows = [(person, user_access(person)) for person in people]
    return [(person, access) for person, access in rows if may_manage(admin, person, access)]
