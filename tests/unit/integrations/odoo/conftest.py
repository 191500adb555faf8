"""Fixtures for the Odoo sandbox tests: a server per module and a plain XML-RPC client."""

from __future__ import annotations

import copy
import http.client
import xmlrpc.client
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import pytest

from integrations.odoo.sandbox.server import SandboxServer
from integrations.odoo.versions import OdooVersion, version_for

DB, LOGIN, PASSWORD, API_KEY = "sandbox", "admin", "admin", "sandbox-api-key"
TODAY = "2026-03-10"


class TimeoutTransport(xmlrpc.client.Transport):
    """xmlrpc.client has no timeout knob; a client of a hung server needs one."""

    def __init__(self, timeout: float) -> None:
        super().__init__()
        self._timeout = timeout

    def make_connection(self, host: Any) -> http.client.HTTPConnection:
        connection = super().make_connection(host)
        connection.timeout = self._timeout
        return connection


class Odoo:
    """Talks to the sandbox exactly as an Odoo client would."""

    DB, LOGIN, PASSWORD, API_KEY, TODAY = DB, LOGIN, PASSWORD, API_KEY, TODAY

    def __init__(self, server: SandboxServer, timeout: float | None = None) -> None:
        self.server = server
        transport = TimeoutTransport(timeout) if timeout else None
        self.common = xmlrpc.client.ServerProxy(f"{server.url}/xmlrpc/2/common", allow_none=True)
        self.models = xmlrpc.client.ServerProxy(f"{server.url}/xmlrpc/2/object", allow_none=True, transport=transport)
        self.uid = self.common.authenticate(DB, LOGIN, PASSWORD, {})
        # The field names of the version the server answers as (the connector's own table).
        self.version: OdooVersion = version_for(server.database.version.series)

    def call(self, model: str, method: str, *args: Any, **kwargs: Any) -> Any:
        return self.models.execute_kw(DB, self.uid, PASSWORD, model, method, list(args), kwargs)

    def fault(self, model: str, method: str, *args: Any, **kwargs: Any) -> xmlrpc.client.Fault:
        with pytest.raises(xmlrpc.client.Fault) as caught:
            self.call(model, method, *args, **kwargs)
        return caught.value

    def ref(self, model: str, domain: list[Any]) -> int:
        ids = self.call(model, "search", domain, limit=1)
        assert ids, (model, domain)
        return int(ids[0])

    def account(self, code: str, company: int = 1) -> int:
        return self.ref("account.account", [("code", "=", code), (self.version.account_companies, "in", [company])])

    def journal(self, code: str, company: int = 1) -> int:
        return self.ref("account.journal", [("code", "=", code), ("company_id", "=", company)])

    def tax(self, use: str, company: int = 1) -> int:
        return self.ref("account.tax", [("type_tax_use", "=", use), ("company_id", "=", company)])

    def partner(self, name: str = "Acme Corp", **extra: Any) -> int:
        return int(self.call("res.partner", "create", {"name": name, "is_company": True, **extra}))

    def invoice(self, move_type: str = "out_invoice", price: float = 100.0, **extra: Any) -> int:
        use = "sale" if move_type.startswith("out") else "purchase"
        values = {
            "move_type": move_type,
            "partner_id": extra.pop("partner_id") if "partner_id" in extra else self.partner(),
            "invoice_date": "2026-03-05",
            "invoice_line_ids": [
                (0, 0, {"name": "Consulting", "quantity": 1, "price_unit": price, "tax_ids": [(6, 0, [self.tax(use)])]})
            ],
            **extra,
        }
        return int(self.call("account.move", "create", values))

    def posted_invoice(self, move_type: str = "out_invoice", price: float = 100.0, **extra: Any) -> int:
        move_id = self.invoice(move_type, price, **extra)
        assert self.call("account.move", "action_post", [move_id]) is False
        return move_id

    def read1(self, model: str, rec_id: int, fields: list[str]) -> dict[str, Any]:
        rows = self.call(model, "read", [rec_id], fields)
        assert len(rows) == 1
        return dict(rows[0])

    def records(self) -> dict[str, dict[int, dict[str, Any]]]:
        """Every record of every model, as the sandbox holds them now (a copy)."""
        db = self.server.control.db
        with db.lock:
            return copy.deepcopy({model: dict(db.store.table(model)) for model in db.store.models()})

    @contextmanager
    def unchanged(self) -> Iterator[None]:
        """Fails unless the calls in the block leave every record as it was: a call Odoo refuses
        is rolled back whole, whatever it had written before it raised."""
        before = self.records()
        yield
        after = self.records()
        models = before.keys() | after.keys()
        changed = sorted(model for model in models if before.get(model, {}) != after.get(model, {}))
        assert not changed, f"a refused call changed records of {changed}"

    @staticmethod
    def last_line(fault: xmlrpc.client.Fault) -> str:
        """The exception line that ends a fault-1 traceback."""
        return str(fault.faultString).strip().splitlines()[-1]


@pytest.fixture(autouse=True)
def _fast_password_hashing() -> None:
    """Overrides the project-wide autouse fixture, which needs pytest-django's settings.

    These tests hash no passwords and run with ``-p no:django``.
    """


@pytest.fixture(scope="module")
def sandbox_srv(odoo_version: str) -> Iterator[SandboxServer]:
    server = SandboxServer(
        host="127.0.0.1",
        port=0,
        db=DB,
        login=LOGIN,
        password=PASSWORD,
        api_keys=(API_KEY,),
        odoo_version=odoo_version,
    )
    server.start()
    yield server
    server.stop()


@pytest.fixture
def odoo(sandbox_srv: SandboxServer) -> Odoo:
    """A fresh database on the module's server, with a fixed today."""
    sandbox_srv.control.reset()
    sandbox_srv.control.set_today(TODAY)
    return Odoo(sandbox_srv)


@pytest.fixture
def new_client(sandbox_srv: SandboxServer) -> Callable[..., Odoo]:
    """Another client (own connection), e.g. one per thread or with a socket timeout."""
    return lambda timeout=None: Odoo(sandbox_srv, timeout)
