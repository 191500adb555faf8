"""Whether each Odoo connection the entities post through answers, asked cheaply: one
`version` call (no sign-in) with a short timeout, remembered a few seconds per process."""

from __future__ import annotations

import threading
import time
from dataclasses import replace

from django.conf import settings

from console.sync.models import LegalEntity
from console.sync.services.connections import odoo_credentials_for
from integrations.odoo.client import OdooClient, OdooCredentials
from integrations.odoo.errors import OdooError

DEFAULT = "default"  # the connection of settings.ODOO_URL, used by entities that name none

_lock = threading.Lock()
# credentials' (url, database) -> (monotonic time the answer expires, reachable)
_answers: dict[tuple[str, str], tuple[float, bool]] = {}


def odoo_connections_used() -> dict[str, OdooCredentials]:
    """The connections some entity posts through, by key: 'default' or the connection's id."""
    used: dict[str, OdooCredentials] = {}
    for entity in LegalEntity.objects.select_related("connection").order_by("pk"):
        key = DEFAULT if entity.connection_id is None else str(entity.connection_id)
        if key not in used:
            try:
                used[key] = odoo_credentials_for(entity)
            except OSError:  # its password file unreadable: it cannot post either
                used[key] = OdooCredentials(url="", database="", login="", password="")
    return used


def _ask(credentials: OdooCredentials) -> bool:
    if not credentials.url:
        return False
    quick = replace(credentials, timeout_seconds=settings.HEALTH_ODOO_TIMEOUT_SECONDS)
    try:
        return bool(OdooClient(quick).version().get("server_version"))
    except (OdooError, OSError, ValueError):
        return False


def odoo_reachable(credentials: OdooCredentials) -> bool:
    key = (credentials.url, credentials.database)
    now = time.monotonic()
    with _lock:
        known = _answers.get(key)
    if known is not None and known[0] > now:
        return known[1]
    reachable = _ask(credentials)
    with _lock:
        _answers[key] = (time.monotonic() + settings.HEALTH_ODOO_CACHE_SECONDS, reachable)
    return reachable


def odoo_reach_forget() -> None:
    with _lock:
        _answers.clear()
