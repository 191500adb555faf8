"""The same cause ends as the same OdooError kind and reason over XML-RPC and over JSON-2:
the poster's handling of a failure does not depend on the transport that carried it."""

from __future__ import annotations

import socket
from collections.abc import Callable
from typing import Any

import pytest

from integrations.odoo.client import OdooClient, OdooCredentials
from integrations.odoo.errors import ErrorKind, OdooError
from tests.odoo_protocol import odoo_protocol, sandbox_credentials


@pytest.fixture(scope="module")
def odoo_version() -> str:
    """JSON-2 is served from Odoo 19 on: this module's sandbox answers as 19 whatever the pass."""
    return "19.0"


PROTOCOLS = ("xmlrpc", "json2")


def client_for(odoo: Any, protocol: str, *, secret: str | None = None, timeout: float = 5.0) -> OdooClient:
    key = odoo.PASSWORD if protocol == "xmlrpc" else odoo.API_KEY
    creds = OdooCredentials(odoo.server.url, odoo.DB, odoo.LOGIN, secret or key, timeout, protocol=protocol)
    return OdooClient(creds)


def failure(action: Callable[[], Any]) -> OdooError:
    with pytest.raises(OdooError) as raised:
        action()
    return raised.value


def _empty_invoice(odoo: Any, client: OdooClient) -> Any:
    empty = odoo.call("account.move", "create", {"move_type": "out_invoice", "partner_id": odoo.partner()})
    return client.call("account.move", "action_post", [empty])


def _xmlid_twice(odoo: Any, client: OdooClient) -> Any:
    vals = {"module": "finops", "name": "twice", "model": "res.partner", "res_id": 1}
    client.create_many("ir.model.data", [vals])
    return client.create_many("ir.model.data", [vals])


def _bank_line_without_the_group(odoo: Any, client: OdooClient) -> Any:
    odoo.server.control.set_full_accounting(False)
    values = {"journal_id": odoo.journal("BNK1"), "date": "2026-03-04", "payment_ref": "Wire", "amount": 250.0}
    return client.create_many("account.bank.statement.line", [values])


def _serialization(odoo: Any, client: OdooClient) -> Any:
    client.uid()
    odoo.server.control.fail_serialization(1)
    return client.create("res.partner", {"name": "Racy"})


def _outage(odoo: Any, client: OdooClient) -> Any:
    client.uid()
    odoo.server.control.outage(30)
    return client.search_read("res.partner", [], ["name"])


CAUSES: dict[str, tuple[Callable[[Any, OdooClient], Any], ErrorKind, str]] = {
    "validation": (_empty_invoice, ErrorKind.DATA, "validation"),
    "duplicate": (_xmlid_twice, ErrorKind.DATA, "duplicate"),
    "missing record": (
        lambda odoo, c: c.execute("res.partner", "write", [99999999], {"name": "x"}),
        ErrorKind.DATA,
        "missing_record",
    ),
    "unknown model": (lambda odoo, c: c.search_read("no.such.model", [], ["id"]), ErrorKind.DATA, "missing_record"),
    "unknown method": (lambda odoo, c: c.call("res.partner", "action_post", [1]), ErrorKind.DATA, "server_error"),
    "server error": (
        lambda odoo, c: c.create("account.move", {"move_type": "out_invoice", "no_such_field": 1}),
        ErrorKind.DATA,
        "server_error",
    ),
    "access rights": (_bank_line_without_the_group, ErrorKind.CONFIG, "access_rights"),
    "concurrency": (_serialization, ErrorKind.TRANSIENT, "concurrency"),
    "outage": (_outage, ErrorKind.TRANSIENT, "http_error"),
}


@pytest.mark.parametrize("protocol", PROTOCOLS)
@pytest.mark.parametrize("cause", sorted(CAUSES))
def test_the_same_cause_is_the_same_error(odoo: Any, protocol: str, cause: str) -> None:
    action, kind, reason = CAUSES[cause]
    client = client_for(odoo, protocol)
    try:
        err = failure(lambda: action(odoo, client))
    finally:
        odoo.server.control.set_full_accounting(True)
        odoo.server.control.outage_off()
    assert (err.kind, err.reason) == (kind, reason), err


@pytest.mark.parametrize("protocol", PROTOCOLS)
def test_a_refused_secret_is_a_configuration_error(odoo: Any, protocol: str) -> None:
    OdooClient._known_uids.clear()
    err = failure(lambda: client_for(odoo, protocol, secret="wrong").search_read("res.partner", [], ["name"]))
    # XML-RPC's authenticate answers False; JSON-2 has no login, its key is refused (401) at sign-in.
    assert (err.kind, err.reason) == (ErrorKind.CONFIG, "login_refused")


@pytest.mark.parametrize("protocol", PROTOCOLS)
def test_a_hang_is_a_timeout(odoo: Any, protocol: str) -> None:
    client = client_for(odoo, protocol, timeout=0.3)
    client.uid()
    odoo.server.control.hang_after_commit(1, 1.0)
    err = failure(lambda: client.create("res.partner", {"name": "Ghost Ltd"}))
    assert (err.kind, err.reason) == (ErrorKind.TRANSIENT, "timeout")


@pytest.mark.parametrize("protocol", PROTOCOLS)
def test_nobody_listening_is_a_connection_error(odoo: Any, protocol: str) -> None:
    with socket.socket() as free:
        free.bind(("127.0.0.1", 0))
        port = free.getsockname()[1]
    creds = OdooCredentials(f"http://127.0.0.1:{port}", odoo.DB, odoo.LOGIN, "x", 2.0, protocol=protocol)
    err = failure(lambda: OdooClient(creds).version())
    assert (err.kind, err.reason) == (ErrorKind.TRANSIENT, "connection")


@pytest.mark.parametrize("protocol", PROTOCOLS)
def test_version_and_uid(odoo: Any, protocol: str) -> None:
    client = client_for(odoo, protocol)
    assert client.version()["server_version"] == "19.0"
    assert client.uid() == 2
    assert client.protocol == protocol


def test_the_posting_suites_speak_the_protocol_chosen(odoo: Any) -> None:
    """pytest --odoo-protocol json2 (scripts/test.sh's second posting pass) really posts over JSON-2."""
    client = OdooClient(sandbox_credentials(odoo.server.url))
    assert client.protocol == odoo_protocol()
    assert client.transport.protocol == odoo_protocol()
    assert client.search_read("res.company", [["id", "=", 1]], ["name"]) == [{"id": 1, "name": "My Company"}]
