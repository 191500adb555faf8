"""Odoo's JSON-2 external API (Odoo 19+): POST /json/2/<model>/<method>, the API key as bearer
token, the database in X-Odoo-Database, every argument named in a JSON object body.

JSON-2 has no positional arguments and no authenticate: the client's positional calls are
named here from Odoo's own signatures (odoo/orm/models.py and the account methods the
connector calls), the uid comes from res.users/context_get (which the current user answers,
as Odoo's migration notes say) and the version from GET /web/version. One transport per
client, one client per unit of work and thread: http.client connections are not thread-safe.
Failures leave raw (Json2HttpError, OSError); the client classifies them.
"""

from __future__ import annotations

import datetime as dt
import http.client
import json
import urllib.parse
from typing import Any

from integrations.odoo.credentials import OdooCredentials
from integrations.odoo.errors import Json2HttpError

# @api.model methods: no ids; their positional parameters, in order.
MODEL_METHODS: dict[str, tuple[str, ...]] = {
    "create": ("vals_list",),
    "search": ("domain", "offset", "limit", "order"),
    "search_count": ("domain", "limit"),
    "search_read": ("domain", "fields", "offset", "limit", "order"),
    "fields_get": ("allfields", "attributes"),
    "name_search": ("name", "domain", "operator", "limit"),
    "context_get": (),
    "default_get": ("fields",),
}
# Record methods: ids first, then these. Any other method takes ids only (action_post, unlink...).
RECORD_METHODS: dict[str, tuple[str, ...]] = {
    "read": ("fields", "load"),
    "write": ("vals",),
    "copy": ("default",),
    "has_group": ("group_ext_id",),
    "js_assign_outstanding_line": ("line_id",),
}
USER_AGENT = "finops-console (JSON-2)"


def named_arguments(method: str, args: list[Any], kwargs: dict[str, Any]) -> dict[str, Any]:
    """The JSON-2 body of an execute_kw-style call: ids, the method's parameters by name, context."""
    if method in MODEL_METHODS:
        names, values, body = MODEL_METHODS[method], list(args), {}
    else:
        names, values = RECORD_METHODS.get(method, ()), list(args[1:])
        body = {"ids": list(args[0]) if args else []}
    if len(values) > len(names):
        raise TypeError(f"{method}: {len(values)} positional arguments, JSON-2 names only {names}")
    for name, value in zip(names, values, strict=False):
        if name in kwargs:
            raise TypeError(f"{method}: {name!r} given both by position and by name")
        body[name] = value
    body.update(kwargs)
    return body


def _json_default(value: Any) -> Any:
    """As Odoo's json_default: datetimes and dates as Odoo's strings."""
    if isinstance(value, dt.datetime):
        return value.strftime("%Y-%m-%d %H:%M:%S")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, bytes):
        return value.decode()
    raise TypeError(f"{type(value).__name__} is not JSON serializable")


class Json2Transport:
    protocol = "json2"

    def __init__(self, credentials: OdooCredentials) -> None:
        self.credentials = credentials
        parts = urllib.parse.urlsplit(credentials.url.rstrip("/"))
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise ValueError(f"not an http(s) URL: {credentials.url!r}")
        self._https = parts.scheme == "https"
        self._host = parts.hostname
        self._port = parts.port
        self._base = parts.path
        self._conn: http.client.HTTPConnection | None = None

    def _connection(self) -> http.client.HTTPConnection:
        timeout = self.credentials.timeout_seconds
        if self._https:
            return http.client.HTTPSConnection(self._host, self._port, timeout=timeout)
        return http.client.HTTPConnection(self._host, self._port, timeout=timeout)

    def _close(self) -> None:
        if self._conn is not None:
            self._conn.close()
            self._conn = None

    def _headers(self, *, auth: bool) -> dict[str, str]:
        headers = {"User-Agent": USER_AGENT, "Accept": "application/json"}
        if self.credentials.database:
            headers["X-Odoo-Database"] = self.credentials.database
        if auth:
            headers["Authorization"] = f"bearer {self.credentials.password}"
            headers["Content-Type"] = "application/json; charset=utf-8"
        return headers

    def _request(self, verb: str, path: str, body: bytes | None, headers: dict[str, str]) -> Any:
        # A kept-alive connection the server closed while idle fails before the request
        # reaches Odoo: one retry on a fresh connection, as xmlrpc.client's Transport does.
        for attempt in (1, 2):
            reused = self._conn is not None
            conn = self._conn or self._connection()
            try:
                conn.request(verb, self._base + path, body=body, headers=headers)
                response = conn.getresponse()
                data = response.read()
            except (http.client.RemoteDisconnected, ConnectionResetError, BrokenPipeError):
                self._close()
                conn.close()
                if reused and attempt == 1:
                    continue
                raise
            except BaseException:
                self._close()
                conn.close()
                raise
            if response.will_close:
                conn.close()
                self._conn = None
            else:
                self._conn = conn
            if response.status != 200:
                raise Json2HttpError(response.status, response.getheader("Content-Type") or "", data)
            return json.loads(data.decode("utf-8")) if data else None
        raise AssertionError("unreachable")

    def version(self) -> dict[str, Any]:
        """GET /web/version ({version, version_info}), also under XML-RPC's names for callers."""
        found = self._request("GET", "/web/version", None, self._headers(auth=False))
        info = dict(found) if isinstance(found, dict) else {}
        info.setdefault("server_version", info.get("version", ""))
        info.setdefault("server_version_info", info.get("version_info", []))
        return info

    def authenticate(self) -> int | None:
        """The API key's user: res.users/context_get answers for the current user."""
        context = self.call("res.users", "context_get", {})
        uid = context.get("uid") if isinstance(context, dict) else None
        return int(uid) if uid else None

    def call(self, model: str, method: str, body: dict[str, Any]) -> Any:
        payload = json.dumps(body, default=_json_default).encode("utf-8")
        path = f"/json/2/{urllib.parse.quote(model)}/{urllib.parse.quote(method)}"
        return self._request("POST", path, payload, self._headers(auth=True))

    def execute_kw(self, uid: int, model: str, method: str, args: list[Any], kwargs: dict[str, Any]) -> Any:
        # The bearer key names the user; uid is XML-RPC's and unused here.
        return self.call(model, method, named_arguments(method, args, kwargs))
