"""A small typed client for Odoo's XML-RPC external API (stdlib xmlrpc.client).

One client per unit of work and thread: xmlrpc.client.ServerProxy is not
thread-safe. Every failure leaves as an OdooError (see errors.py).
"""

from __future__ import annotations

import hashlib
import http.client
import xmlrpc.client
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, ClassVar

from integrations.odoo.errors import ErrorKind, OdooError, classify
from integrations.odoo.versions import OdooVersion, version_for

Domain = list[Any]

# The external APIs this client speaks: JSON-2 (Odoo 19+) is not written yet, so a connection
# set to it is refused when it is saved rather than failing at its first posting.
PROTOCOLS = frozenset({"xmlrpc"})


@dataclass(frozen=True)
class OdooCredentials:
    url: str
    database: str
    login: str
    password: str = field(repr=False)
    timeout_seconds: float = 60.0


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


class OdooClient:
    def __init__(self, credentials: OdooCredentials) -> None:
        self.credentials = credentials
        base = credentials.url.rstrip("/")
        self._common = _proxy(f"{base}/xmlrpc/2/common", credentials.timeout_seconds)
        self._object = _proxy(f"{base}/xmlrpc/2/object", credentials.timeout_seconds)
        self._uid: int | None = None
        self._fields: dict[str, frozenset[str]] = {}
        self.calls = 0

    def version(self) -> dict[str, Any]:
        try:
            result: dict[str, Any] = self._common.version()  # type: ignore[assignment]
        except Exception as exc:
            raise classify(exc) from exc
        return dict(result)

    # uids by credentials, for the whole process: Odoo hashes the password on every
    # authenticate, and the console makes a client per batch.
    _known_uids: ClassVar[dict[tuple[str, str, str, str], int]] = {}

    def identity_key(self) -> tuple[str, str, str, str]:
        """Which Odoo user on which server this client talks as (the password as a digest)."""
        creds = self.credentials
        digest = hashlib.sha256(creds.password.encode()).hexdigest()
        return (creds.url.rstrip("/"), creds.database, creds.login, digest)

    # Field names by connection, for the whole process: read once, like the uid.
    _known_versions: ClassVar[dict[tuple[str, str, str, str], OdooVersion]] = {}

    def odoo_version(self) -> OdooVersion:
        """The field names of the server's major version (common.version's server_version)."""
        key = self.identity_key()
        found = self._known_versions.get(key)
        if found is None:
            found = version_for(str(self.version().get("server_version") or ""))
            self._known_versions[key] = found
        return found

    def uid(self) -> int:
        if self._uid is None:
            self._uid = self._known_uids.get(self.identity_key())
        if self._uid is None:
            creds = self.credentials
            try:
                uid = self._common.authenticate(creds.database, creds.login, creds.password, {})
            except Exception as exc:
                raise classify(exc) from exc
            if not uid:
                # Odoo answers False, not a Fault, and may put the login on cooldown:
                # never retry a refused login automatically.
                raise OdooError(
                    ErrorKind.CONFIG,
                    "login_refused",
                    f"Odoo refused the login {creds.login!r} on database {creds.database!r}.",
                )
            self._uid = int(uid)  # type: ignore[arg-type]
            self._known_uids[self.identity_key()] = self._uid
        return self._uid

    def execute(self, model: str, method: str, *args: Any, context: dict[str, Any] | None = None, **kw: Any) -> Any:
        uid = self.uid()
        kwargs: dict[str, Any] = dict(kw)
        if context:
            kwargs["context"] = context
        self.calls += 1
        try:
            return self._object.execute_kw(
                self.credentials.database, uid, self.credentials.password, model, method, list(args), kwargs
            )
        except Exception as exc:
            error = classify(exc)
            if error.reason == "access_denied":
                # The credentials changed on the server: authenticate again next time.
                self._known_uids.pop(self.identity_key(), None)
                self._uid = None
            raise error from exc

    def search_read(
        self,
        model: str,
        domain: Domain,
        fields: Sequence[str],
        *,
        limit: int | None = None,
        order: str | None = None,
        context: dict[str, Any] | None = None,
    ) -> list[dict[str, Any]]:
        kw: dict[str, Any] = {"fields": list(fields)}
        if limit is not None:
            kw["limit"] = limit
        if order is not None:
            kw["order"] = order
        return list(self.execute(model, "search_read", domain, context=context, **kw))

    def has_field(self, model: str, field: str) -> bool:
        """Whether the server's model has a field (modules add fields: e.g. unique_import_id)."""
        if model not in self._fields:
            described = self.execute(model, "fields_get", attributes=["type"])
            self._fields[model] = frozenset(described)
        return field in self._fields[model]

    def read(self, model: str, ids: Sequence[int], fields: Sequence[str]) -> list[dict[str, Any]]:
        return list(self.execute(model, "read", list(ids), fields=list(fields)))

    def create_many(
        self, model: str, vals_list: Sequence[dict[str, Any]], *, context: dict[str, Any] | None = None
    ) -> list[int]:
        if not vals_list:
            return []
        result = self.execute(model, "create", list(vals_list), context=context)
        return [int(i) for i in result]

    def create(self, model: str, vals: dict[str, Any], *, context: dict[str, Any] | None = None) -> int:
        return int(self.execute(model, "create", vals, context=context))

    def call(self, model: str, method: str, ids: Sequence[int], *, context: dict[str, Any] | None = None) -> Any:
        return self.execute(model, method, list(ids), context=context)
