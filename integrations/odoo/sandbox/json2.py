"""Odoo 19's JSON-2 front: POST /json/2/<model>/<method> and GET /web/version.

Into the same dispatch as the XML-RPC object service (dispatch.Services.run), answered as
Odoo 19 answers (addons/rpc/controllers/json2.py, odoo/http.py, base/models/ir_http.py):
- the database: the X-Odoo-Database header if given (a name the server does not serve selects
  none: Odoo's HTML 404 page), else the only database;
- bearer API key: none, 401 'User not authenticated, use the "Authorization" header'; a wrong
  one, 401 "Invalid apikey"; both with WWW-Authenticate: bearer;
- the body must be JSON (400); ids, context and the method's parameters by name;
- unknown model or method 404, private method 403, ids given to an @api.model method or
  arguments that do not fit the method's signature 422;
- exceptions: the UserError family with its http_status (UserError 422, AccessError 403,
  MissingError 404), anything else 500; the body {name, message, arguments, context, debug}.
Results are Odoo's JSON: dates and datetimes as Odoo's strings, None as null.
"""

from __future__ import annotations

import datetime as dt
import inspect
import json
import re
import traceback
from dataclasses import dataclass, field
from typing import Any

from .dispatch import Services, records_touched, resolve
from .faults import OdooError
from .orm import BaseModel, as_ids

NOT_FOUND_NODB = """\
<!DOCTYPE html>
<title>404 Not Found</title>
<h1>Not Found</h1>
<p>No database is selected and the requested URL was not found in the server-wide controllers.</p>
<p>Please verify the hostname, <a href=/web/login>login</a> and try again.</p>

<!-- Alternatively, use the X-Odoo-Database header. -->
"""
NOT_FOUND_ROUTE = """\
<!doctype html>
<html lang=en>
<title>404 Not Found</title>
<h1>Not Found</h1>
<p>The requested URL was not found on the server. If you entered the URL manually please check your spelling and \
try again.</p>
"""
JSON2_SINCE = 19  # the major version that added /json/2
_BEARER = re.compile(r"^bearer\s+(.+)$", re.IGNORECASE)
_REASONS = {400: "Bad Request", 401: "Unauthorized", 404: "Not Found", 422: "Unprocessable Entity"}


@dataclass
class Answer:
    status: int
    body: bytes
    content_type: str = "application/json; charset=utf-8"
    headers: dict[str, str] = field(default_factory=dict)


class HttpError(Exception):
    """A werkzeug.exceptions.HTTPException: Odoo answers its code and description."""

    def __init__(self, code: int, description: str, headers: dict[str, str] | None = None) -> None:
        super().__init__(description)
        self.code = code
        self.description = description
        self.headers = headers or {}

    @property
    def name(self) -> str:
        return "werkzeug.exceptions." + _REASONS[self.code].replace(" ", "")


def json_default(value: Any) -> Any:
    """odoo.tools.json_default: Datetime.to_string, Date.to_string, bytes decoded."""
    if isinstance(value, dt.datetime):
        return value.strftime("%Y-%m-%d %H:%M:%S")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, bytes):
        return value.decode()
    if isinstance(value, (set, frozenset, tuple)):
        return list(value)
    raise TypeError(f"{type(value).__name__} is not JSON serializable")


def _json(status: int, data: Any, headers: dict[str, str] | None = None) -> Answer:
    body = json.dumps(data, ensure_ascii=False, default=json_default).encode("utf-8")
    return Answer(status, body, headers=headers or {})


def _debug(exc: BaseException) -> str:
    return "".join(traceback.format_exception(type(exc), exc, exc.__traceback__))


def error_answer(exc: BaseException) -> Answer:
    """Json2Dispatcher.handle_error with serialize_exception's body."""
    if isinstance(exc, HttpError):
        body = {
            "name": exc.name,
            "message": exc.description,
            "arguments": [exc.description, exc.code],
            "context": {},
            "debug": _debug(exc).replace(
                f"{type(exc).__module__}.HttpError: {exc.description}",
                f"{exc.name}: {exc.code} {_REASONS[exc.code]}: {exc.description}",
            ),
        }
        return _json(exc.code, body, exc.headers)
    if isinstance(exc, OdooError):
        name, status = f"odoo.exceptions.{type(exc).__name__}", exc.http_status
    else:
        module = type(exc).__module__
        name, status = f"{module}.{type(exc).__qualname__}", 500
    body = {"name": name, "message": str(exc), "arguments": list(exc.args), "context": {}, "debug": _debug(exc)}
    return _json(status, body)


class Json2:
    def __init__(self, services: Services) -> None:
        self.services = services

    def version(self) -> Answer:
        """addons/rpc: GET /web/version (also /json/version), no database nor authentication."""
        answer = self.services.db.version.answer()
        return _json(200, {"version_info": answer["server_version_info"], "version": answer["server_version"]})

    def database_selected(self, headers: Any) -> bool:
        named = headers.get("X-Odoo-Database")
        return not named or named == self.services.db.name

    def answer(self, verb: str, path: str, headers: Any, data: bytes) -> Answer:
        if self.services.db.version.major < JSON2_SINCE:
            # Before 19 no route serves /json/2: werkzeug's plain not-found page.
            return Answer(404, NOT_FOUND_ROUTE.encode(), "text/html; charset=utf-8")
        if not self.database_selected(headers):
            return Answer(404, NOT_FOUND_NODB.encode(), "text/html; charset=utf-8")
        try:
            return _json(200, self._serve(verb, path, headers, data))
        except Exception as exc:  # noqa: BLE001 - every failure becomes an error answer, as Odoo's dispatcher
            return error_answer(exc)

    def _serve(self, verb: str, path: str, headers: Any, data: bytes) -> Any:
        parts = path.strip("/").split("/")
        if verb != "POST" or len(parts) != 4 or not parts[2] or not parts[3]:
            raise HttpError(404, "Did you mean POST /json/2/<model>/<method>?")
        model_name, method_name = parts[2], parts[3]
        uid = self._authenticate(headers)
        params = self._params(data)
        ids = params.pop("ids", None) or []
        context = params.pop("context", None) or {}
        return self._call(uid, model_name, method_name, ids, dict(context), params)

    def _authenticate(self, headers: Any) -> int:
        found = _BEARER.match(headers.get("Authorization") or "")
        challenge = {"WWW-Authenticate": "Bearer"}
        if not found:
            raise HttpError(401, 'User not authenticated, use the "Authorization" header', challenge)
        uid = self.services.auth.bearer_uid(found.group(1))
        if uid is None:
            raise HttpError(401, "Invalid apikey", challenge)
        return uid

    @staticmethod
    def _params(data: bytes) -> dict[str, Any]:
        if not data:
            return {}
        try:
            body = json.loads(data.decode("utf-8"))
        except ValueError as exc:
            raise HttpError(400, f"could not parse the body as json: {exc.args[0]}") from exc
        # Odoo merges the body into the route's parameters; a body that is not an object adds none.
        return dict(body) if isinstance(body, dict) else {}

    def _call(
        self, uid: int, model_name: str, name: str, ids: Any, context: dict[str, Any], kwargs: dict[str, Any]
    ) -> Any:
        services = self.services
        services.switches.count_call()
        model_cls = services.db.registry.get(model_name)
        if model_cls is None:
            raise HttpError(404, f"the model {model_name!r} does not exist")
        try:
            spec = resolve(model_cls, name)
        except AttributeError as exc:
            raise HttpError(404, str(exc.args[0])) from exc
        if spec.api == "model" and ids:
            raise HttpError(422, f"cannot call {model_name}.{name} with ids")
        record_ids = as_ids(ids)
        signature = inspect.signature(getattr(model_cls, name))
        try:
            if spec.api == "multi":
                signature.bind(None, record_ids, **kwargs)
            else:
                signature.bind(None, **kwargs)
        except TypeError as exc:
            raise HttpError(422, str(exc.args[0])) from exc

        def invoke(model: BaseModel) -> Any:
            method = getattr(model, name)
            return method(record_ids, **kwargs) if spec.api == "multi" else method(**kwargs)

        counted = [record_ids] if spec.api == "multi" else [kwargs.get("vals_list", [])]
        return services.run(uid, model_name, name, spec, records_touched(spec, counted), context, invoke)
