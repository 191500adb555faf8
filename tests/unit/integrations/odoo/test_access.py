"""Reading the integration user's groups, and a bank line batch refused before any create."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from decimal import Decimal
from typing import Any

import pytest

from integrations.canonical import BankStatementLine
from integrations.odoo import access
from integrations.odoo.access import user_access_cached, user_access_read
from integrations.odoo.client import OdooClient, OdooCredentials
from integrations.odoo.errors import ErrorKind
from integrations.odoo.poster import OdooPoster
from integrations.odoo.requests import PostingRequest, Targets
from integrations.odoo.sandbox.server import SandboxServer

LACKS = (
    "The Odoo user 'admin' lacks 'Show Full Accounting Features' (account.group_account_user), "
    "needed for bank statement lines."
)


class RecordingClient(OdooClient):
    """A real client that also notes which methods it called on which models."""

    def __init__(self, credentials: OdooCredentials) -> None:
        super().__init__(credentials)
        self.made: list[tuple[str, str]] = []

    def execute(self, model: str, method: str, *args: Any, context: dict[str, Any] | None = None, **kw: Any) -> Any:
        self.made.append((model, method))
        return super().execute(model, method, *args, context=context, **kw)


@pytest.fixture(autouse=True)
def _forget_access() -> Iterator[None]:
    access.user_access_forget()
    yield
    access.user_access_forget()


@pytest.fixture
def fresh_admin(odoo: Any) -> Iterator[Any]:
    odoo.server.control.set_full_accounting(False)
    yield odoo
    odoo.server.control.set_full_accounting(True)


def client_for(odoo: Any) -> RecordingClient:
    return RecordingClient(OdooCredentials(odoo.server.url, odoo.DB, odoo.LOGIN, odoo.PASSWORD, timeout_seconds=5))


def bank_line_request(odoo: Any, external_id: str = "txn-1") -> PostingRequest:
    document = BankStatementLine(
        bank_account="operating",
        currency="USD",
        amount=Decimal("250.00"),
        date=dt.date(2026, 3, 4),
        description="CARD SETTLEMENT",
        partner=None,
        reference="",
    )
    return PostingRequest(
        key=external_id,
        source="bankfeed",
        kind="bank_statement_line",
        external_id=external_id,
        document=document,
        targets=Targets(company_id=1, journal_id=odoo.journal("BNK1"), currency_id=1),
    )


def test_the_report_names_the_missing_group_and_the_kinds_it_stops(fresh_admin: Any) -> None:
    found = user_access_read(client_for(fresh_admin))
    assert found.login == "admin" and "account.group_account_manager" in found.groups
    report = {kind: (err.message if err else None) for kind, err in found.report().items()}
    assert report == {
        "customer_invoice": None,
        "vendor_bill": None,
        "customer_credit_note": None,
        "vendor_credit_note": None,
        "journal_entry": None,
        "payment": None,
        "bank_statement_line": LACKS,
    }


def test_an_integration_user_with_full_accounting_may_post_every_kind(odoo: Any) -> None:
    found = user_access_read(client_for(odoo))
    assert {"account.group_account_user", "account.group_account_basic"} <= found.groups
    assert set(found.report().values()) == {None}


def test_a_bank_line_batch_fails_as_configuration_without_calling_create(fresh_admin: Any) -> None:
    client = client_for(fresh_admin)
    requests = [bank_line_request(fresh_admin, "txn-1"), bank_line_request(fresh_admin, "txn-2")]
    with fresh_admin.unchanged():  # no partner, external id or draft left behind either
        results = OdooPoster(client).post(requests)
    for result in results:
        assert result.error is not None
        assert (result.error.kind, result.error.reason, result.error.message) == (
            ErrorKind.CONFIG,
            "missing_group",
            LACKS,
        )
    assert ("account.bank.statement.line", "create") not in client.made
    assert fresh_admin.call("account.bank.statement.line", "search_count", []) == 0


def test_once_granted_the_batch_posts_after_the_cache_expires(fresh_admin: Any) -> None:
    request = bank_line_request(fresh_admin)
    now = 1000.0
    user_access_cached(client_for(fresh_admin), now=now)
    fresh_admin.server.control.set_full_accounting(True)
    within = client_for(fresh_admin)
    assert user_access_cached(within, now=now + 30).refusal("bank_statement_line") is not None
    assert within.made == []  # answered from the cache
    later = client_for(fresh_admin)
    assert user_access_cached(later, now=now + access.CACHE_SECONDS + 1).refusal("bank_statement_line") is None
    assert ("res.users", "read") in later.made
    [result] = OdooPoster(client_for(fresh_admin), access=lambda c: user_access_read(c)).post([request])
    assert result.ok, result.error


def test_a_sandbox_started_as_a_fresh_admin_stays_one_after_reset() -> None:
    with SandboxServer(port=0, full_accounting=False) as server:
        server.control.reset()
        credentials = OdooCredentials(server.url, "sandbox", "admin", "admin", timeout_seconds=5)
        assert user_access_read(OdooClient(credentials)).refusal("bank_statement_line") is not None
