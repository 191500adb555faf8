"""Odoo connections, configured by integration admins: a new connection or a change of one is a
proposal that a second integration admin or a controller approves, never its proposer, because a
connection decides into which books every event of its entities posts. Whoever decides holds
every legal entity on the connection.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.validators import URLValidator
from django.db import transaction
from django.utils import timezone

from console.access.decorators import role_check
from console.access.roles import Role
from console.access.selectors import entity_ids_visible
from console.audit.actors import Actor
from console.audit.reasons import reason_checked
from console.audit.services import AuditEntry, audit_record
from console.sync.errors import ConfigError, ConfigNotFound
from console.sync.models import ConnectionChange, ConnectionProtocol, OdooConnection, PendingState
from console.sync.models.sources import env_name_validator
from integrations.odoo.client import PROTOCOLS

PROPOSERS = (Role.ADMIN,)
DECIDERS = (Role.ADMIN, Role.CONTROLLER)
TIMEOUT_MIN, TIMEOUT_MAX = 1, 600
_url_check = URLValidator(schemes=["http", "https"])


@dataclass(frozen=True)
class ConnectionValues:
    name: str
    url: str
    database: str
    login: str
    protocol: str
    password_env: str
    timeout_seconds: int

    @classmethod
    def of(cls, conn: OdooConnection) -> ConnectionValues:
        return cls(
            conn.name, conn.url, conn.database, conn.login, conn.protocol, conn.password_env, conn.timeout_seconds
        )

    def as_json(self) -> dict[str, Any]:
        return asdict(self)


def _text(value: str, field: str, most: int) -> str:
    value = (value or "").strip()
    if not value or len(value) > most:
        raise ConfigError(f"{field}: 1 to {most} characters")
    return value


def values_checked(wanted: ConnectionValues) -> ConnectionValues:
    """Every field as the client will use it; the first problem found, named by its field."""
    name = _text(wanted.name, "name", 100)
    url = _text(wanted.url, "URL", 300)
    try:
        _url_check(url)
    except ValidationError as err:
        raise ConfigError(f"URL: {url!r} is not an http(s) address of a server") from err
    database = _text(wanted.database, "database", 100)
    login = _text(wanted.login, "login", 200)
    if wanted.protocol not in ConnectionProtocol.values:
        raise ConfigError(f"protocol: {wanted.protocol!r} is not one of {', '.join(ConnectionProtocol.values)}")
    if wanted.protocol not in PROTOCOLS:  # a choice the model offers that the client cannot speak
        label = ConnectionProtocol(wanted.protocol).label
        raise ConfigError(f"protocol: {label} is not supported by the console's Odoo client")
    password_env = (wanted.password_env or "").strip()
    try:
        env_name_validator(password_env)
    except ValidationError as err:
        raise ConfigError(
            f"password variable: {password_env!r} is not the name of an environment variable "
            "(capital letters, digits and '_'; the name, never the password)"
        ) from err
    if not TIMEOUT_MIN <= wanted.timeout_seconds <= TIMEOUT_MAX:
        raise ConfigError(f"timeout: {TIMEOUT_MIN} to {TIMEOUT_MAX} seconds")
    return ConnectionValues(name, url, database, login, wanted.protocol, password_env, wanted.timeout_seconds)


def connection_reach(conn: OdooConnection) -> set[int]:
    return set(conn.legalentity_set.values_list("pk", flat=True))


def connection_held(user: Any, conn: OdooConnection) -> bool:
    """The person holds every entity on the connection (a connection of no entity: anybody)."""
    return connection_reach(conn) <= set(entity_ids_visible(user))


def connection_locked(user: Any, connection_id: int) -> OdooConnection:
    conn = OdooConnection.objects.select_for_update(of=("self",)).filter(pk=connection_id).first()
    if conn is None or not connection_held(user, conn):
        raise ConfigNotFound(f"no Odoo connection {connection_id} among your legal entities'")
    return conn


def _name_free(name: str, conn_id: int | None) -> None:
    others = OdooConnection.objects.filter(name=name)
    if conn_id is not None:
        others = others.exclude(pk=conn_id)
    if others.exists():
        raise ConfigError(f"name: another connection is named {name!r}")


def _audit(change: ConnectionChange, actor: Actor, action: str, reason: str, before: Any, after: Any) -> None:
    audit_record(
        actor=actor,
        entry=AuditEntry(
            action=f"odoo_connection.{action}",
            object_type="odoo_connection",
            object_id=str(change.connection_id or f"new:{change.pk}"),
            before=before,
            after=after,
            reason=reason,
            correlation_id=f"connection-change:{change.pk}",
        ),
    )


@transaction.atomic
def connection_change_propose(
    *, user: Any, actor: Actor, connection_id: int | None, values: ConnectionValues, reason: str
) -> ConnectionChange:
    """Propose a new connection (connection_id None) or new values of one; nothing changes yet."""
    doing = "proposing an Odoo connection" if connection_id is None else "proposing a change of an Odoo connection"
    role_check(user, *PROPOSERS, doing=doing)
    conn = connection_locked(user, connection_id) if connection_id is not None else None
    wanted = values_checked(values)
    reason = reason_checked(reason, doing, ConfigError)
    _name_free(wanted.name, conn.pk if conn else None)
    before = ConnectionValues.of(conn).as_json() if conn else {}
    if before == wanted.as_json():
        raise ConfigError("nothing changes: these are the connection's values already")
    waiting = ConnectionChange.objects.filter(state=PendingState.PENDING)
    if conn is not None and waiting.filter(connection=conn).exists():
        raise ConfigError(f"connection {conn.name!r} has a change waiting for a decision: it is decided first")
    if conn is None and waiting.filter(connection__isnull=True, after__name=wanted.name).exists():
        raise ConfigError(f"name: a new connection {wanted.name!r} waits for a decision already")
    change = ConnectionChange.objects.create(
        connection=conn,
        before=before,
        after=wanted.as_json(),
        reason=reason,
        proposed_by=user,
        proposed_at=timezone.now(),
    )
    _audit(change, actor, "change_proposed", reason, before or None, {**wanted.as_json(), "state": "pending"})
    return change


def change_visible(user: Any, change: ConnectionChange) -> bool:
    return change.connection is None or connection_held(user, change.connection)


@transaction.atomic
def connection_change_decide(*, user: Any, actor: Actor, change_id: int, approve: bool, note: str) -> ConnectionChange:
    """A second integration admin or a controller, holding the connection's entities and not the
    proposer, approves (the connection changes, or is created, now) or rejects with a note."""
    role_check(user, *DECIDERS, doing="deciding an Odoo connection change")
    rows = ConnectionChange.objects.select_for_update(of=("self",)).select_related("connection", "proposed_by")
    change = rows.filter(pk=change_id).first()
    if change is None or not change_visible(user, change):
        raise ConfigNotFound(f"no connection change {change_id} among your legal entities'")
    if change.proposed_by_id == user.pk:
        raise PermissionDenied("you proposed this change: a second integration admin or a controller decides it")
    if not change.is_pending:
        raise ConfigError(f"connection change {change.pk} is {change.get_state_display().lower()} already")
    note = (note or "").strip()
    if not approve:
        note = reason_checked(note, "a rejection", ConfigError)
    conn = OdooConnection.objects.select_for_update().get(pk=change.connection_id) if change.connection_id else None
    now_values = ConnectionValues.of(conn).as_json() if conn else {}
    if now_values != change.before:
        raise ConfigError("the connection changed since this was proposed: reject it and propose again")
    change.state = PendingState.APPROVED if approve else PendingState.REJECTED
    change.decided_by, change.decided_at, change.decision_note = user, timezone.now(), note
    if approve:
        wanted = values_checked(ConnectionValues(**change.after))
        _name_free(wanted.name, conn.pk if conn else None)
        conn = conn or OdooConnection()
        for key, value in wanted.as_json().items():
            setattr(conn, key, value)
        conn.save()
        change.connection = conn
    change.save(update_fields=["state", "decided_by", "decided_at", "decision_note", "connection"])
    in_force = ConnectionValues.of(conn).as_json() if conn else {}
    _audit(
        change,
        actor,
        "change_approved" if approve else "change_rejected",
        note or change.reason,
        change.before or None,
        {**in_force, "state": str(change.state), "proposed_by": change.proposed_by.get_username()},
    )
    return change
