"""Handshake, credentials and method resolution, as Odoo 18's XML-RPC answers them."""

from __future__ import annotations

import urllib.error
import urllib.request
import xmlrpc.client
from typing import Any

import pytest

from integrations.odoo.sandbox.server import SandboxServer

DB, PASSWORD, API_KEY = "sandbox", "admin", "sandbox-api-key"


def test_version_is_the_one_the_sandbox_was_started_as(odoo: Any, odoo_version: str) -> None:
    major = int(odoo_version.split(".")[0])
    assert odoo.common.version() == {
        "server_version": odoo_version,
        "server_version_info": [major, 0, 0, "final", 0, ""],
        "server_serie": odoo_version,
        "protocol_version": 1,
    }
    assert odoo.models.execute_kw is not None and odoo.common.about(True) == ["See http://openerp.com", odoo_version]


@pytest.mark.parametrize("version", ["17.0", "18.0", "19.0"])
def test_each_version_answers_as_itself(version: str) -> None:
    with SandboxServer(port=0, odoo_version=version) as server:
        common = xmlrpc.client.ServerProxy(f"{server.url}/xmlrpc/2/common")
        assert common.version()["server_version"] == version
        assert xmlrpc.client.ServerProxy(f"{server.url}/xmlrpc/2/db").server_version() == version


def test_an_unknown_version_is_refused() -> None:
    with pytest.raises(ValueError, match=r"odoo_version must be one of 17\.0, 18\.0, 19\.0"):
        SandboxServer(port=0, odoo_version="16.0")


def test_authenticate_with_password_or_api_key(odoo: Any) -> None:
    assert odoo.common.authenticate(DB, "admin", PASSWORD, {}) == 2
    assert odoo.common.authenticate(DB, "admin", API_KEY, {}) == 2
    assert odoo.common.login(DB, "admin", PASSWORD) == 2
    assert odoo.common.authenticate(DB, "admin", "wrong", {}) is False
    assert odoo.common.authenticate(DB, "nobody", PASSWORD, {}) is False


def test_authenticate_on_unknown_database_is_a_server_error(odoo: Any) -> None:
    with pytest.raises(xmlrpc.client.Fault) as caught:
        odoo.common.authenticate("nope", "admin", PASSWORD, {})
    assert caught.value.faultCode == 1
    assert odoo.last_line(caught.value).startswith("psycopg2.OperationalError: connection to server")
    assert 'database "nope" does not exist' in odoo.last_line(caught.value)


def test_login_cooldown_after_five_failures(odoo: Any) -> None:
    assert odoo.call("res.partner", "search_count", []) >= 1
    for _ in range(5):
        assert odoo.common.authenticate(DB, "admin", "wrong", {}) is False
    assert odoo.common.authenticate(DB, "admin", PASSWORD, {}) is False
    with pytest.raises(xmlrpc.client.Fault) as caught:
        odoo.models.execute_kw(DB, 2, API_KEY, "res.partner", "search", [[]], {})
    assert (caught.value.faultCode, caught.value.faultString) == (
        3,
        "Too many login failures, please wait a bit before trying again.",
    )
    # Credentials already checked before the failures are cached, as Odoo's ormcache does.
    assert odoo.call("res.partner", "search_count", []) >= 1
    odoo.server.control.set_login_cooldown(5, 0)
    assert odoo.common.authenticate(DB, "admin", PASSWORD, {}) == 2


def test_wrong_password_on_object_is_access_denied(odoo: Any) -> None:
    for uid, password in ((2, "wrong"), (99, PASSWORD), (2, "")):
        with pytest.raises(xmlrpc.client.Fault) as caught:
            odoo.models.execute_kw(DB, uid, password, "res.partner", "search", [[]], {})
        assert (caught.value.faultCode, caught.value.faultString) == (3, "Access Denied")


def test_unknown_model(odoo: Any) -> None:
    fault = odoo.fault("no.such.model", "search", [])
    assert (fault.faultCode, fault.faultString) == (2, "Object no.such.model doesn't exist")


def test_unknown_and_private_methods(odoo: Any) -> None:
    fault = odoo.fault("res.partner", "action_post", [1])
    assert fault.faultCode == 1
    assert odoo.last_line(fault) == "AttributeError: The method 'res.partner.action_post' does not exist"
    fault = odoo.fault("ir.model.data", "_xmlid_to_res_id", "base.main_company")
    assert (fault.faultCode, fault.faultString) == (
        4,
        "Private methods (such as 'ir.model.data._xmlid_to_res_id') cannot be called remotely.",
    )
    fault = odoo.fault("ir.model.data", "xmlid_to_res_id", "base.main_company")
    assert odoo.last_line(fault) == "AttributeError: The method 'ir.model.data.xmlid_to_res_id' does not exist"
    assert odoo.last_line(odoo.fault("res.partner", "_no_such_thing")).startswith("AttributeError")


def test_execute_and_legacy_routes(odoo: Any) -> None:
    assert odoo.models.execute(DB, 2, PASSWORD, "res.partner", "search_count", []) >= 1
    legacy = xmlrpc.client.ServerProxy(f"{odoo.server.url}/xmlrpc/object", allow_none=True)
    with pytest.raises(xmlrpc.client.Fault) as caught:
        legacy.execute_kw(DB, 2, PASSWORD, "res.partner", "write", [[99999999], {"name": "x"}], {})
    assert caught.value.faultCode == (
        "warning -- MissingError\n\n"
        "Record does not exist or has been deleted.\n(Record: res.partner(99999999,), User: 2)"
    )
    with pytest.raises(xmlrpc.client.Fault) as caught:
        legacy.execute_kw(DB, 2, "wrong", "res.partner", "search", [[]], {})
    assert (caught.value.faultCode, caught.value.faultString) == ("AccessDenied", "Access Denied")
    common = xmlrpc.client.ServerProxy(f"{odoo.server.url}/xmlrpc/common", allow_none=True)
    assert common.authenticate(DB, "admin", PASSWORD, {}) == 2


def test_unknown_service_and_method_names(odoo: Any) -> None:
    other = xmlrpc.client.ServerProxy(f"{odoo.server.url}/xmlrpc/2/report", allow_none=True)
    with pytest.raises(xmlrpc.client.Fault) as caught:
        other.render()
    assert odoo.last_line(caught.value) == "KeyError: 'report'"
    with pytest.raises(xmlrpc.client.Fault) as caught:
        odoo.common.nope()
    assert odoo.last_line(caught.value) == "Exception: Method not found: nope"


def test_get_is_not_allowed(sandbox_srv: SandboxServer) -> None:
    with pytest.raises(urllib.error.HTTPError) as caught:
        urllib.request.urlopen(f"{sandbox_srv.url}/xmlrpc/2/object", timeout=5)
    assert caught.value.code == 405


def test_none_results_cannot_be_marshalled_but_the_work_is_committed(odoo: Any) -> None:
    move_id = odoo.posted_invoice()
    fault = odoo.fault("account.move", "button_draft", [move_id])
    assert fault.faultCode == 1
    assert odoo.last_line(fault) == "TypeError: cannot marshal None unless allow_none is enabled"
    assert odoo.read1("account.move", move_id, ["state"])["state"] == "draft"
