"""One typed client for Odoo's external APIs, over the transport its credentials name.

XML-RPC (transport_xmlrpc.py) for Odoo 17 and 18, JSON-2 (transport_json2.py) for Odoo 19+;
the poster, partners and reference code call the same methods over either. One client per unit
of work and thread: neither transport is thread-safe. Every failure leaves as an OdooError
(see errors.py), classified to the same kinds whichever transport carried it.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from typing import Any, ClassVar, Protocol

from integrations.odoo.credentials import PROTOCOLS, OdooCredentials
from integrations.odoo.errors import ErrorKind, OdooError, classify
from integrations.odoo.transport_json2 import Json2Transport
from integrations.odoo.transport_xmlrpc import XmlRpcTransport
from integrations.odoo.versions import OdooVersion, version_for

Domain = list[Any]
# url, database, login, digest of the password or API key, protocol
IdentityKey = tuple[str, str, str, str, str]
__all__ = ["PROTOCOLS", "Domain", "IdentityKey", "OdooClient", "OdooCredentials", "Transport"]


class Transport(Protocol):
    protocol: str

    def version(self) -> dict[str, Any]: ...

    def authenticate(self) -> int | None: ...

    def execute_kw(self, uid: int, model: str, method: str, args: list[Any], kwargs: dict[str, Any]) -> Any: ...


def transport_for(credentials: OdooCredentials) -> Transport:
    if credentials.protocol == "json2":
        return Json2Transport(credentials)
    return XmlRpcTransport(credentials)


class OdooClient:
    def __init__(self, credentials: OdooCredentials) -> None:
        self.credentials = credentials
        self.transport: Transport = transport_for(credentials)
        self._uid: int | None = None
        self._fields: dict[str, frozenset[str]] = {}
        self.calls = 0

    @property
    def protocol(self) -> str:
        return self.credentials.protocol

    def version(self) -> dict[str, Any]:
        """The server's version, with `server_version` ("18.0", "19.0") whichever the transport."""
        try:
            return self.transport.version()
        except Exception as exc:
            raise classify(exc) from exc

    # uids by credentials, for the whole process: Odoo hashes the password on every
    # authenticate, and the console makes a client per batch.
    _known_uids: ClassVar[dict[IdentityKey, int]] = {}

    def identity_key(self) -> IdentityKey:
        """Which Odoo user on which server this client talks as (the password as a digest)."""
        creds = self.credentials
        digest = hashlib.sha256(creds.password.encode()).hexdigest()
        return (creds.url.rstrip("/"), creds.database, creds.login, digest, creds.protocol)

    # Field names by connection, for the whole process: read once, like the uid.
    _known_versions: ClassVar[dict[IdentityKey, OdooVersion]] = {}

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
                uid = self.transport.authenticate()
            except Exception as exc:
                error = classify(exc)
                if error.reason == "access_denied":
                    # JSON-2 has no login: its API key refused at sign-in (401) is XML-RPC's refused login.
                    raise OdooError(
                        ErrorKind.CONFIG,
                        "login_refused",
                        f"Odoo refused the API key of {creds.login!r} on database {creds.database!r}: {error.message}",
                        detail=error.detail,
                    ) from exc
                raise error from exc
            if not uid:
                # Odoo answers False, not a Fault, and may put the login on cooldown:
                # never retry a refused login automatically.
                raise OdooError(
                    ErrorKind.CONFIG,
                    "login_refused",
                    f"Odoo refused the login {creds.login!r} on database {creds.database!r}.",
                )
            self._uid = uid
            self._known_uids[self.identity_key()] = self._uid
        return self._uid

    def execute(self, model: str, method: str, *args: Any, context: dict[str, Any] | None = None, **kw: Any) -> Any:
        uid = self.uid()
        kwargs: dict[str, Any] = dict(kw)
        if context:
            kwargs["context"] = context
        self.calls += 1
        try:
            return self.transport.execute_kw(uid, model, method, list(args), kwargs)
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
