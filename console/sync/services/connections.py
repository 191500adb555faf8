"""The Odoo connection a legal entity posts through."""

from __future__ import annotations

from django.conf import settings

from console.env import env
from console.sync.models import LegalEntity
from integrations.odoo.client import OdooClient, OdooCredentials


def odoo_credentials_for(entity: LegalEntity) -> OdooCredentials:
    conn = entity.connection
    if conn is None:
        return OdooCredentials(
            url=settings.ODOO_URL,
            database=settings.ODOO_DB,
            login=settings.ODOO_LOGIN,
            password=settings.ODOO_PASSWORD,
            timeout_seconds=settings.ODOO_TIMEOUT_SECONDS,
        )
    return OdooCredentials(
        url=conn.url,
        database=conn.database,
        login=conn.login,
        password=env(conn.password_env) or "",
        timeout_seconds=float(conn.timeout_seconds),
    )


def odoo_client_for(entity: LegalEntity) -> OdooClient:
    return OdooClient(odoo_credentials_for(entity))
