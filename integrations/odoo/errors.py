"""One error type for every failed call to Odoo, classified once.

transient: worth retrying later (network, timeouts, HTTP 5xx, concurrency
  failures Odoo could not resolve after its own retries);
data: Odoo refused this record (fault 2: validation, user error such as a
  lock date, missing record); retrying the same data cannot help;
config: credentials or access rights (fault 3, fault 4, login refused):
  someone must fix the connection, not the record;
internal: our own code failed on this record (not Odoo, not the network): it
  fails alone, with the exception's type, and the rest of its batch goes on.
"""

from __future__ import annotations

import http.client
import json
import socket
import traceback
import xmlrpc.client
from enum import StrEnum
from xml.parsers.expat import ExpatError


class ErrorKind(StrEnum):
    TRANSIENT = "transient"
    DATA = "data"
    CONFIG = "config"
    INTERNAL = "internal"


class OdooError(Exception):
    def __init__(
        self,
        kind: ErrorKind,
        reason: str,
        message: str,
        *,
        fault_code: int | None = None,
        detail: str = "",
    ) -> None:
        super().__init__(message)
        self.kind = kind
        self.reason = reason
        self.message = message
        self.fault_code = fault_code
        self.detail = detail

    @property
    def permanent(self) -> bool:
        return self.kind is not ErrorKind.TRANSIENT

    def __repr__(self) -> str:
        return f"OdooError({self.kind.value}, {self.reason!r}, {self.message!r}, fault_code={self.fault_code})"


class Json2HttpError(Exception):
    """A JSON-2 call Odoo answered with a status other than 200 (the transport raises it raw)."""

    def __init__(self, status: int, content_type: str, body: bytes) -> None:
        super().__init__(f"HTTP {status}")
        self.status = status
        self.content_type = content_type
        self.body = body


INTERNAL_ERROR = "internal_error"
NEGATIVE_TOTAL = "negative_total"


def internal_error(stage: str, exc: BaseException) -> OdooError:
    """A failure of our own code on one record: finance sees its stage and type, engineers the traceback."""
    return OdooError(
        ErrorKind.INTERNAL,
        INTERNAL_ERROR,
        f"internal error while {stage}: {type(exc).__name__}",
        detail="".join(traceback.format_exception(type(exc), exc, exc.__traceback__)),
    )


_CONCURRENCY_MARKERS = (
    "SerializationFailure",
    "could not serialize access",
    "DeadlockDetected",
    "deadlock detected",
    "LockNotAvailable",
    "could not obtain lock",
)


def _last_line(text: str) -> str:
    lines = [line for line in text.strip().splitlines() if line.strip()]
    return lines[-1].strip() if lines else ""


def concurrency_failure(text: str) -> bool:
    return any(marker in text for marker in _CONCURRENCY_MARKERS)


def user_error_reason(text: str) -> str:
    """Why Odoo refused a record with a UserError (its message is all either protocol gives)."""
    lowered = text.lower()
    if "lock date" in lowered:
        return "lock_date"
    if "negative total amount" in lowered:
        # AccountMove._post: an invoice or bill below zero is a credit note sent as an invoice.
        return NEGATIVE_TOTAL
    if "does not exist or has been deleted" in lowered or "doesn't exist" in lowered:
        return "missing_record"
    if "only once" in lowered or "already exists" in lowered or "unique" in lowered:
        return "duplicate"
    return "validation"


def _classify_fault(fault: xmlrpc.client.Fault) -> OdooError:
    code = fault.faultCode
    text = str(fault.faultString)
    if code == 1:
        if concurrency_failure(text):
            return OdooError(
                ErrorKind.TRANSIENT,
                "concurrency",
                "Odoo was busy with a concurrent update; it will be retried.",
                fault_code=1,
                detail=text,
            )
        # The traceback stays in `detail` for engineers; finance sees its last line only.
        return OdooError(
            ErrorKind.DATA,
            "server_error",
            f"Odoo raised an unexpected error: {_last_line(text)[:300]}",
            fault_code=1,
            detail=text,
        )
    if code == 2:
        return OdooError(ErrorKind.DATA, user_error_reason(text), text.strip()[:2000], fault_code=2, detail=text)
    if code == 3:
        return OdooError(
            ErrorKind.CONFIG, "access_denied", "Odoo refused the credentials (Access Denied).", fault_code=3
        )
    if code == 4:
        return OdooError(ErrorKind.CONFIG, "access_rights", text.strip()[:2000], fault_code=4, detail=text)
    return OdooError(
        ErrorKind.DATA, "fault", f"Odoo fault {code}: {_last_line(text)[:300]}", fault_code=code, detail=text
    )


def returned_none(err: OdooError) -> bool:
    """Odoo's answer to a method that returned None (account.payment.action_post,
    account.move.js_assign_outstanding_line): its XML-RPC marshaller refuses None after the
    work committed, and says so as Fault 1. Read the records back to know what was done."""
    return err.fault_code == 1 and "cannot marshal None" in err.detail


def classify(exc: BaseException) -> OdooError:
    """Turn anything a call to Odoo raised into an OdooError."""
    if isinstance(exc, OdooError):
        return exc
    if isinstance(exc, xmlrpc.client.Fault):
        return _classify_fault(exc)
    if isinstance(exc, Json2HttpError):
        # errors_json2 builds OdooErrors: imported here, not at the top, to avoid the cycle.
        from integrations.odoo.errors_json2 import classify_json2

        return classify_json2(exc)
    if isinstance(exc, json.JSONDecodeError):
        return OdooError(ErrorKind.TRANSIENT, "bad_response", "Odoo's answer was not valid JSON.", detail=str(exc))
    if isinstance(exc, xmlrpc.client.ProtocolError):
        status = exc.errcode
        if status >= 500 or status in (408, 429):
            return OdooError(ErrorKind.TRANSIENT, "http_error", f"Odoo answered HTTP {status}; it will be retried.")
        return OdooError(
            ErrorKind.CONFIG, "http_error", f"Odoo answered HTTP {status} {exc.errmsg}: check the connection URL."
        )
    if isinstance(exc, TimeoutError | socket.timeout):
        return OdooError(ErrorKind.TRANSIENT, "timeout", "Odoo did not answer in time; it will be retried.")
    if isinstance(exc, ConnectionError | http.client.HTTPException | socket.gaierror):
        return OdooError(
            ErrorKind.TRANSIENT, "connection", f"Could not reach Odoo ({type(exc).__name__}); it will be retried."
        )
    if isinstance(exc, ExpatError | xmlrpc.client.ResponseError):
        return OdooError(ErrorKind.TRANSIENT, "bad_response", "Odoo's answer was not valid XML-RPC.", detail=str(exc))
    if isinstance(exc, OSError):
        return OdooError(ErrorKind.TRANSIENT, "connection", f"Could not reach Odoo: {exc.strerror or exc}")
    raise exc
