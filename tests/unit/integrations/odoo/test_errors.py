from __future__ import annotations

import xmlrpc.client

import pytest

from integrations.odoo.errors import ErrorKind, OdooError, classify

TRACEBACK = (
    "Traceback (most recent call last):\n  File \"x.py\", line 1\nValueError: Invalid field 'x' on model 'account.move'"
)
SERIALIZATION = (
    "Traceback...\npsycopg2.errors.SerializationFailure: could not serialize access due to concurrent update"
)


@pytest.mark.parametrize(
    ("exc", "kind", "reason"),
    [
        (xmlrpc.client.Fault(1, SERIALIZATION), ErrorKind.TRANSIENT, "concurrency"),
        (xmlrpc.client.Fault(1, TRACEBACK), ErrorKind.DATA, "server_error"),
        (
            xmlrpc.client.Fault(
                2, "You cannot add/modify entries prior to and inclusive of: Global Lock Date (03/31/2026)."
            ),
            ErrorKind.DATA,
            "lock_date",
        ),
        (
            xmlrpc.client.Fault(2, "Record does not exist or has been deleted.\n(Record: res.partner(9,), User: 2)"),
            ErrorKind.DATA,
            "missing_record",
        ),
        (xmlrpc.client.Fault(2, "You need to add a line before posting."), ErrorKind.DATA, "validation"),
        (
            xmlrpc.client.Fault(
                2,
                "You cannot validate an invoice with a negative total amount. You should create a credit note "
                "instead. Use the action menu to transform it into a credit note or refund.",
            ),
            ErrorKind.DATA,
            "negative_total",
        ),
        (xmlrpc.client.Fault(3, "Access Denied"), ErrorKind.CONFIG, "access_denied"),
        (xmlrpc.client.Fault(4, "You are not allowed to create 'Journal Entry'"), ErrorKind.CONFIG, "access_rights"),
        (xmlrpc.client.ProtocolError("odoo/xmlrpc", 503, "Service Unavailable", {}), ErrorKind.TRANSIENT, "http_error"),
        (xmlrpc.client.ProtocolError("odoo/xmlrpc", 404, "Not Found", {}), ErrorKind.CONFIG, "http_error"),
        (TimeoutError("timed out"), ErrorKind.TRANSIENT, "timeout"),
        (TimeoutError("timed out"), ErrorKind.TRANSIENT, "timeout"),
        (ConnectionRefusedError(111, "Connection refused"), ErrorKind.TRANSIENT, "connection"),
    ],
)
def test_classification(exc: BaseException, kind: ErrorKind, reason: str) -> None:
    err = classify(exc)
    assert (err.kind, err.reason) == (kind, reason)


def test_fault_1_keeps_the_traceback_out_of_the_message() -> None:
    err = classify(xmlrpc.client.Fault(1, TRACEBACK))
    assert "Traceback" not in err.message
    assert "Invalid field 'x'" in err.message
    assert err.detail == TRACEBACK


def test_programming_errors_are_not_swallowed() -> None:
    with pytest.raises(KeyError):
        classify(KeyError("bug"))


def test_odoo_error_passes_through() -> None:
    err = OdooError(ErrorKind.DATA, "x", "y")
    assert classify(err) is err
