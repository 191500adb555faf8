"""The client authenticates once per credentials, not once per batch, and forgets a uid Odoo refuses."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from integrations.odoo.client import OdooClient, OdooCredentials
from integrations.odoo.errors import OdooError


@pytest.fixture
def creds(sandbox_server: Any) -> Iterator[OdooCredentials]:
    sandbox_server.control.reset()
    OdooClient._known_uids.clear()
    yield OdooCredentials(sandbox_server.url, "sandbox", "admin", "admin", 5.0)
    OdooClient._known_uids.clear()


def _no_authenticate() -> Any:
    raise AssertionError("authenticated again")


def test_a_second_client_reuses_the_uid(creds: OdooCredentials) -> None:
    first = OdooClient(creds)
    assert first.search_read("res.company", [], ["name"])
    second = OdooClient(creds)
    second.transport.authenticate = _no_authenticate  # type: ignore[method-assign]
    assert second.uid() == first.uid()
    assert second.search_read("res.company", [], ["name"])


def test_access_denied_forgets_the_uid(creds: OdooCredentials) -> None:
    OdooClient(creds).uid()
    stale = OdooClient(OdooCredentials(creds.url, creds.database, creds.login, creds.password, 5.0))
    stale._uid = 999  # a uid the server does not accept with this password
    with pytest.raises(OdooError) as raised:
        stale.execute("res.company", "search", [])
    assert raised.value.reason == "access_denied"
    assert OdooClient._known_uids == {}
