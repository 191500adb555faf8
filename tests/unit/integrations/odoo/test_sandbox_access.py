"""The integration user's groups and the access right bank statement lines need (Odoo 18)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

REFUSED = (
    "You are not allowed to create 'Bank Statement Line' (account.bank.statement.line) records.\n\n"
    "This operation is allowed for the following groups:\n\t- Technical/Basic\n\n"
    "Contact your administrator to request access if necessary."
)


@pytest.fixture
def fresh_admin(odoo: Any) -> Iterator[Any]:
    """The integration user as a fresh Community database's admin: no full accounting features."""
    odoo.server.control.set_full_accounting(False)
    yield odoo
    odoo.server.control.set_full_accounting(True)


def line_values(odoo: Any) -> dict[str, Any]:
    return {"journal_id": odoo.journal("BNK1"), "date": "2026-03-04", "payment_ref": "Wire", "amount": 250.0}


def user_groups(odoo: Any) -> set[str]:
    groups = odoo.version.user_groups  # groups_id up to 18, group_ids from 19
    [user] = odoo.call("res.users", "read", [odoo.uid], [groups])
    rows = odoo.call(
        "ir.model.data",
        "search_read",
        [("model", "=", "res.groups"), ("res_id", "in", user[groups])],
        fields=["module", "name"],
    )
    return {f"{r['module']}.{r['name']}" for r in rows}


def test_a_fresh_community_admin_cannot_create_bank_statement_lines(fresh_admin: Any) -> None:
    odoo = fresh_admin
    values = line_values(odoo)
    with odoo.unchanged():
        fault = odoo.fault("account.bank.statement.line", "create", values)
    assert (fault.faultCode, fault.faultString) == (4, REFUSED)
    # Billing users may still read them, and everything else posts as before.
    assert odoo.call("account.bank.statement.line", "search_read", [], fields=["id"]) == []
    assert odoo.call("account.move", "action_post", [odoo.invoice()]) is False


def test_groups_are_readable_as_odoo_exposes_them(fresh_admin: Any) -> None:
    odoo = fresh_admin
    held = user_groups(odoo)
    assert {"account.group_account_manager", "account.group_account_invoice", "base.group_user"} <= held
    assert not held & {"account.group_account_user", "account.group_account_basic"}
    assert odoo.call("res.users", "has_group", [odoo.uid], "account.group_account_invoice") is True
    assert odoo.call("res.users", "has_group", [odoo.uid], "account.group_account_basic") is False
    fault = odoo.fault("res.users", "has_group", [], "account.group_account_basic")
    assert odoo.last_line(fault) == "ValueError: Expected singleton: res.users()"
    basic = odoo.ref("ir.model.data", [("module", "=", "account"), ("name", "=", "group_account_basic")])
    res_id = odoo.read1("ir.model.data", basic, ["res_id"])["res_id"]
    assert odoo.read1("res.groups", res_id, ["full_name"])["full_name"] == "Technical / Basic"


def test_show_full_accounting_features_implies_basic_and_allows_bank_lines(fresh_admin: Any) -> None:
    odoo = fresh_admin
    odoo.server.control.set_full_accounting(True)
    assert {"account.group_account_user", "account.group_account_basic"} <= user_groups(odoo)
    line_id = odoo.call("account.bank.statement.line", "create", line_values(odoo))
    assert odoo.read1("account.bank.statement.line", line_id, ["state"])["state"] == "posted"


def test_the_switch_survives_a_reset(sandbox_srv: Any, odoo: Any) -> None:
    odoo.server.control.set_full_accounting(False)
    try:
        odoo.server.control.reset()
        # reset() restores what the server was started with (full accounting by default).
        assert "account.group_account_user" in user_groups(odoo)
    finally:
        odoo.server.control.set_full_accounting(True)
