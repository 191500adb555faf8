"""The Odoo connection a legal entity posts through."""

from __future__ import annotations

from dataclasses import dataclass, replace

from django.conf import settings

from console.env import env
from console.sync.models import LegalEntity, OdooConnection
from integrations.odoo.access import UserAccess, user_access_read
from integrations.odoo.client import OdooClient, OdooCredentials
from integrations.odoo.errors import ErrorKind, OdooError


def odoo_credentials_for(entity: LegalEntity) -> OdooCredentials:
    conn = entity.connection
    if conn is None:
        return OdooCredentials(
            url=settings.ODOO_URL,
            database=settings.ODOO_DB,
            login=settings.ODOO_LOGIN,
            password=settings.ODOO_PASSWORD,
            timeout_seconds=settings.ODOO_TIMEOUT_SECONDS,
            protocol=settings.ODOO_PROTOCOL,
        )
    return connection_credentials(conn)


def connection_credentials(conn: OdooConnection) -> OdooCredentials:
    return OdooCredentials(
        url=conn.url,
        database=conn.database,
        login=conn.login,
        password=env(conn.password_env) or "",  # the API key for JSON-2
        timeout_seconds=float(conn.timeout_seconds),
        protocol=conn.protocol,
    )


def odoo_client_for(entity: LegalEntity) -> OdooClient:
    """The entity's client; a connection that cannot be used as configured (its password file
    unreadable, a URL that is not http(s), an unknown protocol) is a configuration error of that entity's events."""
    try:
        return OdooClient(odoo_credentials_for(entity))
    except (OSError, ValueError) as exc:
        name = entity.connection.name if entity.connection is not None else "the default"
        raise OdooError(
            ErrorKind.CONFIG,
            "connection_config",
            f"The Odoo connection {name!r} of {entity.code} cannot be used as configured: {type(exc).__name__}: {exc}",
        ) from exc


@dataclass(frozen=True)
class ConnectionCheck:
    """What an entity's Odoo connection lets the console post, before anything posts."""

    entity: str
    url: str
    database: str
    login: str
    server_version: str = ""
    access: UserAccess | None = None
    error: OdooError | None = None

    @property
    def refusals(self) -> dict[str, OdooError]:
        if self.access is None:
            return {}
        return {kind: err for kind, err in self.access.report().items() if err is not None}

    @property
    def ok(self) -> bool:
        return self.error is None and not self.refusals


def odoo_connection_check(entity: LegalEntity) -> ConnectionCheck:
    """Sign in, read the server's version and the integration user's groups (a read: it
    changes nothing in Odoo or here)."""
    client = odoo_client_for(entity)
    creds = client.credentials
    check = ConnectionCheck(entity=entity.code, url=creds.url, database=creds.database, login=creds.login)
    try:
        version = str(client.version().get("server_version") or "")
        found = user_access_read(client)
    except OdooError as err:
        return replace(check, error=err)
    return replace(check, server_version=version, access=found)
