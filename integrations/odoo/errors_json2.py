"""JSON-2 error answers classified into the same kinds as the XML-RPC faults for the same causes.

Odoo 19 answers a failed /json/2/<model>/<method> with an HTTP status and a JSON body
{name, message, arguments, context, debug} (odoo/http.py, Json2Dispatcher.handle_error):
a UserError family exception takes its class's http_status (odoo/exceptions.py: UserError and
ValidationError 422, AccessError and AccessDenied 403, MissingError 404, LockError 409), a
werkzeug HTTPException its code (401 for a missing or invalid API key, from
ir.http._auth_method_bearer; 404 for an unknown model or method and 422 for arguments that do
not fit the method, from addons/rpc/controllers/json2.py), anything else 500 with the traceback
in `debug`. An answer that is not JSON comes from elsewhere: Odoo's HTML page for a request that
selects no database (404), a reverse proxy, an outage.
"""

from __future__ import annotations

import json
from typing import Any

from integrations.odoo.errors import (
    ErrorKind,
    Json2HttpError,
    OdooError,
    _last_line,
    concurrency_failure,
    user_error_reason,
)

_USER_ERRORS = frozenset(
    {
        "odoo.exceptions.UserError",
        "odoo.exceptions.ValidationError",
        "odoo.exceptions.MissingError",
        "odoo.exceptions.RedirectWarning",
    }
)


def _body(err: Json2HttpError) -> dict[str, Any] | None:
    if "json" not in err.content_type.lower():
        return None
    try:
        body = json.loads(err.body.decode("utf-8", "replace"))
    except ValueError:
        return None
    return body if isinstance(body, dict) and "name" in body else None


def _not_odoo(err: Json2HttpError) -> OdooError:
    status = err.status
    text = err.body.decode("utf-8", "replace")[:2000]
    if status >= 500 or status in (408, 429):
        return OdooError(
            ErrorKind.TRANSIENT, "http_error", f"Odoo answered HTTP {status}; it will be retried.", detail=text
        )
    if status == 404:
        return OdooError(
            ErrorKind.CONFIG,
            "http_error",
            "Odoo answered HTTP 404 without a JSON-2 error: check the connection URL and database "
            "(a server that hosts no such database, or one older than Odoo 19, answers so).",
            detail=text,
        )
    return OdooError(
        ErrorKind.CONFIG, "http_error", f"Odoo answered HTTP {status}: check the connection URL.", detail=text
    )


def classify_json2(err: Json2HttpError) -> OdooError:
    body = _body(err)
    if body is None:
        return _not_odoo(err)
    status = err.status
    name = str(body.get("name") or "")
    message = str(body.get("message") or "").strip()
    debug = str(body.get("debug") or "")
    detail = f"HTTP {status} {name}: {message}\n{debug}".strip()
    if status == 401 or name == "odoo.exceptions.AccessDenied":
        return OdooError(
            ErrorKind.CONFIG,
            "access_denied",
            f"Odoo refused the API key ({message or 'Access Denied'}).",
            detail=detail,
        )
    if name == "odoo.exceptions.AccessError" or status == 403:
        return OdooError(ErrorKind.CONFIG, "access_rights", message[:2000], detail=detail)
    if status == 409 or (status >= 500 and concurrency_failure(f"{name}\n{message}\n{debug}")):
        return OdooError(
            ErrorKind.TRANSIENT,
            "concurrency",
            "Odoo was busy with a concurrent update; it will be retried.",
            detail=detail,
        )
    if name in _USER_ERRORS or (name.startswith("odoo.exceptions.") and status in (404, 422)):
        return OdooError(ErrorKind.DATA, user_error_reason(message), message[:2000], detail=detail)
    if name == "werkzeug.exceptions.NotFound":
        # Over XML-RPC an unknown model is Fault 2 ("Object x doesn't exist") and an unknown
        # method Fault 1 (AttributeError): both are data errors of the call, kept apart by reason.
        reason = "missing_record" if message.lower().startswith("the model") else "server_error"
        return OdooError(ErrorKind.DATA, reason, f"Odoo: {message}"[:2000], detail=detail)
    if name in ("werkzeug.exceptions.UnprocessableEntity", "werkzeug.exceptions.BadRequest"):
        return OdooError(
            ErrorKind.DATA, "bad_arguments", f"Odoo refused the call's arguments: {message}"[:2000], detail=detail
        )
    if status >= 500:
        line = _last_line(debug) or f"{name}: {message}"
        return OdooError(
            ErrorKind.DATA, "server_error", f"Odoo raised an unexpected error: {line[:300]}", detail=detail
        )
    return OdooError(ErrorKind.DATA, "fault", f"Odoo answered HTTP {status} {name}: {message[:300]}", detail=detail)
