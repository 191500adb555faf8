"""Test an Odoo connection from its page: sign in, and say in words what posting through it will
meet. Reads only, in Odoo and here; it is audited as a read (`odoo_connection.tested`), because
it signs into the books with the connection's credentials at a person's request. The Odoo calls
run outside any transaction; the audit row is written after them.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction

from console.access.decorators import role_check
from console.access.roles import Role
from console.audit.actors import Actor
from console.audit.services import AuditEntry, audit_record
from console.env import env
from console.mappings.selectors.refreshes import LastRead, reference_last_read
from console.sync.errors import ConfigNotFound
from console.sync.models import ConnectionProtocol, LegalEntity, OdooConnection
from console.sync.services.connection_config import connection_held
from console.sync.services.connections import connection_credentials
from integrations.odoo.access import KIND_LABELS, user_access_read
from integrations.odoo.client import OdooClient
from integrations.odoo.errors import OdooError
from integrations.odoo.locks import LABELS, lock_dates_read


@dataclass(frozen=True)
class KindAccess:
    label: str
    refusal: str  # empty: the user may post it


@dataclass(frozen=True)
class EntityFinding:
    code: str
    company_id: int
    company_name: str = ""
    company_error: str = ""
    locks: list[tuple[str, dt.date]] = field(default_factory=list)
    reference: LastRead | None = None


@dataclass(frozen=True)
class ConnectionReport:
    connection: str
    server_version: str = ""
    login: str = ""
    uid: int | None = None
    error: str = ""
    protocol: str = ""  # the protocol's label, e.g. "JSON-2 (Odoo 19+)"
    # JSON-2 signs in with an API key, which names its user: said when that is not the configured login.
    other_user: str = ""
    kinds: list[KindAccess] = field(default_factory=list)
    entities: list[EntityFinding] = field(default_factory=list)

    @property
    def may_post_everything(self) -> bool:
        return not self.error and all(not kind.refusal for kind in self.kinds)


def _entity_finding(client: OdooClient, entity: LegalEntity, reference: LastRead | None) -> EntityFinding:
    try:
        rows = client.read("res.company", [entity.odoo_company_id], ["name"])
        if not rows:
            return EntityFinding(
                entity.code, entity.odoo_company_id, company_error="Odoo has no such company", reference=reference
            )
        locks = lock_dates_read(client, entity.odoo_company_id)
    except OdooError as err:
        return EntityFinding(entity.code, entity.odoo_company_id, company_error=err.message, reference=reference)
    found = sorted(((LABELS.get(name, name), day) for name, day in locks.dates.items()), key=lambda lock: lock[0])
    return EntityFinding(entity.code, entity.odoo_company_id, str(rows[0].get("name") or ""), "", found, reference)


def _report(conn: OdooConnection, entities: list[LegalEntity]) -> ConnectionReport:
    base = ConnectionReport(connection=conn.name, login=conn.login)
    try:
        password = env(conn.password_env)
    except OSError as exc:
        return ConnectionReport(conn.name, login=conn.login, error=f"{conn.password_env}_FILE cannot be read: {exc}")
    if not password:
        secret = "API key" if conn.protocol == ConnectionProtocol.JSON2 else "password"
        return ConnectionReport(
            conn.name, login=conn.login, error=f"The variable {conn.password_env} holding the {secret} is not set here."
        )
    client = OdooClient(connection_credentials(conn))
    try:
        version = str(client.version().get("server_version") or "")
        access = user_access_read(client)
    except OdooError as err:
        return ConnectionReport(connection=conn.name, login=conn.login, error=err.message)
    other_user = ""
    if conn.protocol == ConnectionProtocol.JSON2 and access.login != conn.login:
        other_user = (
            f"The API key belongs to the Odoo user {access.login!r}, not to the configured login {conn.login!r}."
        )
    kinds = []
    for kind, label in KIND_LABELS.items():
        refused = access.refusal(kind)
        kinds.append(KindAccess(label, refused.message if refused else ""))
    last = reference_last_read(e.pk for e in entities)
    findings = [_entity_finding(client, entity, last.get(entity.pk)) for entity in entities]
    return ConnectionReport(
        connection=base.connection,
        server_version=version,
        login=access.login,
        uid=access.uid,
        protocol=ConnectionProtocol(conn.protocol).label,
        other_user=other_user,
        kinds=kinds,
        entities=findings,
    )


def odoo_connection_test(*, user: Any, actor: Actor, connection_id: int) -> ConnectionReport:
    role_check(user, Role.ADMIN, doing="testing an Odoo connection")
    conn = OdooConnection.objects.filter(pk=connection_id).first()
    if conn is None or not connection_held(user, conn):
        raise ConfigNotFound(f"no Odoo connection {connection_id} among your legal entities'")
    entities = list(conn.legalentity_set.order_by("code"))
    report = _report(conn, entities)
    with transaction.atomic():
        audit_record(
            actor=actor,
            entry=AuditEntry(
                action="odoo_connection.tested",
                object_type="odoo_connection",
                object_id=str(conn.pk),
                entity_code=entities[0].code if len(entities) == 1 else "",
                after={
                    "server_version": report.server_version,
                    "signed_in": report.uid is not None,
                    "error": report.error,
                    "cannot_post": [kind.label for kind in report.kinds if kind.refusal],
                    "entities": [finding.code for finding in report.entities],
                },
            ),
        )
    return report
