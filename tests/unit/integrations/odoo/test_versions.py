"""Which field names the connector uses for the server_version Odoo answers."""

from __future__ import annotations

import pytest

from integrations.odoo.client import OdooClient, OdooCredentials
from integrations.odoo.errors import ErrorKind, OdooError
from integrations.odoo.reference import reference_fetch
from integrations.odoo.sandbox.server import SandboxServer
from integrations.odoo.versions import ODOO_17, ODOO_18, ODOO_19, version_for


@pytest.mark.parametrize(
    ("server_version", "expected"),
    [
        ("17.0", ODOO_17),
        ("17.0+e", ODOO_17),
        ("saas~17.4", ODOO_17),
        ("18.0", ODOO_18),
        ("18.0+e", ODOO_18),
        ("saas~18.3", ODOO_18),
        ("19.0", ODOO_19),
        ("19.0+e-20251001", ODOO_19),
    ],
)
def test_each_supported_version_names_its_fields(server_version: str, expected: object) -> None:
    assert version_for(server_version) == expected


@pytest.mark.parametrize("server_version", ["16.0", "15.0+e", "saas~16.4", "20.0", "", "master", "18"])
def test_an_unknown_or_older_version_is_a_configuration_error(server_version: str) -> None:
    with pytest.raises(OdooError) as caught:
        version_for(server_version)
    assert (caught.value.kind, caught.value.reason) == (ErrorKind.CONFIG, "unsupported_version")
    assert caught.value.message.endswith("the connector knows the field names of Odoo 17.0, 18.0, 19.0.")


def test_the_names_that_differ() -> None:
    assert (ODOO_17.payment_memo, ODOO_18.payment_memo, ODOO_19.payment_memo) == ("ref", "memo", "memo")
    assert ODOO_17.payment_posted == {"posted"} and ODOO_18.payment_posted == {"in_process", "paid"}
    assert (ODOO_17.account_companies, ODOO_18.account_companies) == ("company_id", "company_ids")
    assert (ODOO_18.account_usable, ODOO_19.account_usable) == ("deprecated", "active")
    assert (ODOO_18.user_groups, ODOO_19.user_groups) == ("groups_id", "group_ids")


@pytest.mark.parametrize("series", ["17.0", "18.0", "19.0"])
def test_the_client_reads_the_version_once_and_the_reference_fetch_follows_it(series: str) -> None:
    with SandboxServer(port=0, odoo_version=series) as server:
        client = OdooClient(OdooCredentials(server.url, "sandbox", "admin", "admin"))
        OdooClient._known_versions.pop(client.identity_key(), None)
        assert client.odoo_version() == version_for(series)
        assert OdooClient._known_versions[client.identity_key()] == version_for(series)
        accounts = reference_fetch(client, "account.account")
        # Company and in-use flag read through the version's own fields, archived ones included.
        receivable = next(a for a in accounts if a.label == "121000 Account Receivable")
        assert (receivable.company_ids, receivable.active) == ((1,), True)
        OdooClient._known_versions.pop(client.identity_key(), None)


@pytest.mark.parametrize("series", ["17.0", "18.0", "19.0"])
def test_an_account_out_of_use_is_read_as_such_in_each_version(series: str) -> None:
    """Deprecated in 17 and 18, archived in 19: read either way, and refused by name later."""
    with SandboxServer(port=0, odoo_version=series) as server:
        client = OdooClient(OdooCredentials(server.url, "sandbox", "admin", "admin"))
        OdooClient._known_versions.pop(client.identity_key(), None)
        income, *_ = client.search_read("account.account", [["code", "=", "400000"]], ["id"], order="id")
        out_of_use = {"active": False} if series == "19.0" else {"deprecated": True}
        client.execute("account.account", "write", [income["id"]], out_of_use)
        [found] = [r for r in reference_fetch(client, "account.account") if r.odoo_id == income["id"]]
        assert found.active is False
        OdooClient._known_versions.pop(client.identity_key(), None)
