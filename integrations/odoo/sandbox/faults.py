"""Odoo-shaped exceptions and their conversion to XML-RPC faults.

Odoo answers business errors (UserError and its subclasses) with a plain
message and an integer fault code, and anything else with the full Python
traceback under code 1 (odoo/addons/base/controllers/rpc.py). The legacy
``/xmlrpc/<service>`` routes use string fault codes instead. JSON-2 answers the
same exceptions with their http_status (json2.py).
"""

from __future__ import annotations

import traceback
import xmlrpc.client
from typing import ClassVar, cast


class OdooError(Exception):
    """An error Odoo reports with its plain message (UserError family)."""

    code: ClassVar[int] = 2
    legacy_kind: ClassVar[str] = "UserError"
    # Odoo 19's UserError.http_status and its subclasses' (odoo/exceptions.py), for JSON-2.
    http_status: ClassVar[int] = 422

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message

    def __str__(self) -> str:
        return self.message


class UserError(OdooError):
    """odoo.exceptions.UserError: fault code 2."""


class ValidationError(UserError):
    """odoo.exceptions.ValidationError, also what IntegrityErrors become."""


class MissingError(UserError):
    """odoo.exceptions.MissingError: a record that does not exist."""

    legacy_kind = "MissingError"
    http_status = 404


class AccessError(UserError):
    """odoo.exceptions.AccessError: fault code 4."""

    code = 4
    legacy_kind = "AccessError"
    http_status = 403


class AccessDenied(UserError):
    """odoo.exceptions.AccessDenied: bad credentials, fault code 3."""

    code = 3
    http_status = 403

    def __init__(self, message: str = "Access Denied") -> None:
        super().__init__(message)


class OperationalError(Exception):
    """Stands in for psycopg2.OperationalError so tracebacks read like Odoo's."""

    __module__ = "psycopg2"


class SerializationFailure(OperationalError):
    """Stands in for psycopg2.errors.SerializationFailure."""

    __module__ = "psycopg2.errors"


def missing_error(model: str, ids: list[int], uid: int) -> MissingError:
    """The message ORM write/browse raise for ids that are gone."""
    shown = tuple(ids[:6])
    return MissingError(f"Record does not exist or has been deleted.\n(Record: {model}{shown!r}, User: {uid})")


def format_traceback(exc: BaseException) -> str:
    return "".join(traceback.format_exception(type(exc), exc, exc.__traceback__))


def fault_for(exc: BaseException, *, legacy: bool = False) -> xmlrpc.client.Fault:
    """Build the fault Odoo's XML-RPC controller would send for ``exc``."""
    if isinstance(exc, OdooError):
        if not legacy:
            return xmlrpc.client.Fault(exc.code, str(exc))
        if isinstance(exc, AccessDenied):
            return _legacy("AccessDenied", str(exc))
        return _legacy(f"warning -- {exc.legacy_kind}\n\n{exc}", "")
    formatted = format_traceback(exc)
    if legacy:
        return _legacy("\n".join(str(arg) for arg in exc.args) if exc.args else str(exc), formatted)
    return xmlrpc.client.Fault(1, formatted)


def _legacy(code: str, text: str) -> xmlrpc.client.Fault:
    # The legacy routes really send a string faultCode; typeshed only knows ints.
    return xmlrpc.client.Fault(cast(int, code), text)
