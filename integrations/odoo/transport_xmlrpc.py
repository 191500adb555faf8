"""Odoo's XML-RPC external API (/xmlrpc/2/common and /xmlrpc/2/object), Odoo 17 and 18;
deprecated from 19 and scheduled for removal in 22.

xmlrpc.client.ServerProxy is not thread-safe: one transport per client, one client per unit of
work and thread. Failures leave raw (Fault, ProtocolError, OSError); the client classifies them.
"""

from __future__ import annotations

import http.client
import xmlrpc.client
from typing import Any

from integrations.odoo.credentials import OdooCredentials


class _TimeoutTransport(xmlrpc.client.Transport):
    def __init__(self, timeout: float) -> None:
        super().__init__()
        self._timeout = timeout

    def make_connection(self, host: Any) -> http.client.HTTPConnection:
        conn = super().make_connection(host)
        conn.timeout = self._timeout
        return conn


class _TimeoutSafeTransport(xmlrpc.client.SafeTransport):
    def __init__(self, timeout: float) -> None:
        super().__init__()
        self._timeout = timeout

    def make_connection(self, host: Any) -> http.client.HTTPSConnection:
        conn = super().make_connection(host)
        conn.timeout = self._timeout
        return conn


def _proxy(url: str, timeout: float) -> xmlrpc.client.ServerProxy:
    transport: xmlrpc.client.Transport = (
        _TimeoutSafeTransport(timeout) if url.startswith("https:") else _TimeoutTransport(timeout)
    )
    return xmlrpc.client.ServerProxy(url, transport=transport, allow_none=True, use_builtin_types=True)


class XmlRpcTransport:
    protocol = "xmlrpc"

    def __init__(self, credentials: OdooCredentials) -> None:
        self.credentials = credentials
        base = credentials.url.rstrip("/")
        self.common = _proxy(f"{base}/xmlrpc/2/common", credentials.timeout_seconds)
        self.object = _proxy(f"{base}/xmlrpc/2/object", credentials.timeout_seconds)

    def version(self) -> dict[str, Any]:
        result: dict[str, Any] = self.common.version()  # type: ignore[assignment]
        return dict(result)

    def authenticate(self) -> int | None:
        """The login's uid, or None when Odoo refuses it (it answers False, not a Fault)."""
        creds = self.credentials
        uid = self.common.authenticate(creds.database, creds.login, creds.password, {})
        return int(uid) if uid else None  # type: ignore[arg-type]

    def execute_kw(self, uid: int, model: str, method: str, args: list[Any], kwargs: dict[str, Any]) -> Any:
        creds = self.credentials
        return self.object.execute_kw(creds.database, uid, creds.password, model, method, args, kwargs)
