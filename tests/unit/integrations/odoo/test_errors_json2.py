"""JSON-2 answers (status, Odoo 19's JSON error body or a page from elsewhere) classified like the
XML-RPC faults of the same causes (test_errors.py)."""

from __future__ import annotations

import json

import pytest

from integrations.odoo.errors import ErrorKind, Json2HttpError, classify

JSON = "application/json; charset=utf-8"


def odoo_error(status: int, name: str, message: str, debug: str = "") -> Json2HttpError:
    body = {"name": name, "message": message, "arguments": [message], "context": {}, "debug": debug}
    return Json2HttpError(status, JSON, json.dumps(body).encode())


@pytest.mark.parametrize(
    ("exc", "kind", "reason"),
    [
        (
            odoo_error(
                422,
                "odoo.exceptions.UserError",
                "You cannot add/modify entries prior to and inclusive of: Global Lock Date (03/31/2026).",
            ),
            ErrorKind.DATA,
            "lock_date",
        ),
        (
            odoo_error(
                422,
                "odoo.exceptions.UserError",
                "You cannot validate an invoice with a negative total amount. You should create a credit note instead.",
            ),
            ErrorKind.DATA,
            "negative_total",
        ),
        (
            odoo_error(422, "odoo.exceptions.ValidationError", "Key (module, name)=(finops, x) already exists."),
            ErrorKind.DATA,
            "duplicate",
        ),
        (
            odoo_error(422, "odoo.exceptions.UserError", "You need to add a line before posting."),
            ErrorKind.DATA,
            "validation",
        ),
        (
            odoo_error(404, "odoo.exceptions.MissingError", "Record does not exist or has been deleted."),
            ErrorKind.DATA,
            "missing_record",
        ),
        (
            odoo_error(403, "odoo.exceptions.AccessError", "You are not allowed to create"),
            ErrorKind.CONFIG,
            "access_rights",
        ),
        (odoo_error(403, "odoo.exceptions.AccessDenied", "Access Denied"), ErrorKind.CONFIG, "access_denied"),
        (odoo_error(401, "werkzeug.exceptions.Unauthorized", "Invalid apikey"), ErrorKind.CONFIG, "access_denied"),
        (
            odoo_error(404, "werkzeug.exceptions.NotFound", "the model 'no.such' does not exist"),
            ErrorKind.DATA,
            "missing_record",
        ),
        (
            odoo_error(404, "werkzeug.exceptions.NotFound", "The method 'res.partner.x' does not exist"),
            ErrorKind.DATA,
            "server_error",
        ),
        (
            odoo_error(422, "werkzeug.exceptions.UnprocessableEntity", "cannot call res.partner.create with ids"),
            ErrorKind.DATA,
            "bad_arguments",
        ),
        (
            odoo_error(
                500,
                "psycopg2.errors.SerializationFailure",
                "could not serialize access due to concurrent update",
                "Traceback...\npsycopg2.errors.SerializationFailure: could not serialize access",
            ),
            ErrorKind.TRANSIENT,
            "concurrency",
        ),
        (odoo_error(409, "odoo.exceptions.LockError", "Cannot grab a lock"), ErrorKind.TRANSIENT, "concurrency"),
        (
            odoo_error(500, "builtins.ValueError", "Invalid field 'x'", "Traceback...\nValueError: Invalid field 'x'"),
            ErrorKind.DATA,
            "server_error",
        ),
        (Json2HttpError(503, "text/html", b"<h1>Service Unavailable</h1>"), ErrorKind.TRANSIENT, "http_error"),
        (Json2HttpError(502, "text/html", b"Bad Gateway"), ErrorKind.TRANSIENT, "http_error"),
        (Json2HttpError(500, JSON, b"not json"), ErrorKind.TRANSIENT, "http_error"),
        (Json2HttpError(404, "text/html", b"No database is selected"), ErrorKind.CONFIG, "http_error"),
        (Json2HttpError(405, "text/html", b"Method Not Allowed"), ErrorKind.CONFIG, "http_error"),
        (json.JSONDecodeError("Expecting value", "<html>", 0), ErrorKind.TRANSIENT, "bad_response"),
    ],
)
def test_classification(exc: BaseException, kind: ErrorKind, reason: str) -> None:
    err = classify(exc)
    assert (err.kind, err.reason) == (kind, reason)


def test_a_server_error_keeps_the_traceback_out_of_the_message() -> None:
    debug = "Traceback (most recent call last):\n  File \"x.py\", line 1\nValueError: Invalid field 'x' on model 'y'"
    err = classify(odoo_error(500, "builtins.ValueError", "Invalid field 'x' on model 'y'", debug))
    assert err.message == "Odoo raised an unexpected error: ValueError: Invalid field 'x' on model 'y'"
    assert "Traceback" not in err.message
    assert debug in err.detail


def test_a_user_error_message_is_odoos_message() -> None:
    err = classify(odoo_error(422, "odoo.exceptions.UserError", "You need to add a line before posting."))
    assert err.message == "You need to add a line before posting."
    assert err.fault_code is None
