"""Generic ORM methods: create/read/write/search/unlink, domains, constraints."""

from __future__ import annotations

from typing import Any

import pytest


def test_create_single_and_batch(odoo: Any) -> None:
    single = odoo.call("res.partner", "create", {"name": "One"})
    batch = odoo.call("res.partner", "create", [{"name": "Two"}, {"name": "Three"}])
    assert isinstance(single, int)
    assert isinstance(batch, list) and len(batch) == 2
    rows = odoo.call("res.partner", "read", [single, *batch], ["name"])
    assert [r["name"] for r in rows] == ["One", "Two", "Three"]


def test_read_of_missing_ids_returns_only_existing(odoo: Any) -> None:
    partner = odoo.partner()
    assert odoo.call("res.partner", "read", [99999999], ["name"]) == []
    assert [r["id"] for r in odoo.call("res.partner", "read", [partner, 99999999], ["name"])] == [partner]


def test_write_or_unlink_of_missing_id_is_missing_error(odoo: Any) -> None:
    for method, args in (("write", ([99999999], {"name": "x"})), ("unlink", ([99999999],))):
        with odoo.unchanged():
            fault = odoo.fault("res.partner", method, *args)
        assert (fault.faultCode, fault.faultString) == (
            2,
            "Record does not exist or has been deleted.\n(Record: res.partner(99999999,), User: 2)",
        )


@pytest.mark.parametrize(
    ("method", "args", "kwargs"),
    [
        ("create", ({"name": "x", "no_such_field": 1},), {}),
        ("write", ([1], {"no_such_field": 1}), {}),
        ("read", ([1], ["no_such_field"]), {}),
        ("search_read", ([],), {"fields": ["no_such_field"]}),
    ],
)
def test_unknown_field_is_a_value_error_traceback(odoo: Any, method: str, args: tuple[Any, ...], kwargs: Any) -> None:
    with odoo.unchanged():
        fault = odoo.fault("res.partner", method, *args, **kwargs)
    assert fault.faultCode == 1
    assert fault.faultString.startswith("Traceback (most recent call last):")
    assert odoo.last_line(fault) == "ValueError: Invalid field 'no_such_field' on model 'res.partner'"


def test_unknown_field_in_domain_or_order(odoo: Any) -> None:
    fault = odoo.fault("res.partner", "search", [("nope", "=", 1)])
    assert odoo.last_line(fault) == "ValueError: Invalid field res.partner.nope in leaf ('nope', '=', 1)"
    fault = odoo.fault("res.partner", "search", [], order="nope desc")
    assert odoo.last_line(fault) == "ValueError: Invalid field 'nope' on model 'res.partner'"


def test_batch_with_one_bad_record_creates_nothing(odoo: Any) -> None:
    with odoo.unchanged():
        fault = odoo.fault("res.partner", "create", [{"name": "Good"}, {"name": False}])
    assert (fault.faultCode, fault.faultString) == (2, "The operation cannot be completed: Contacts require a name")
    assert odoo.call("res.partner", "search", [("name", "=", "Good")]) == []


def test_domains(odoo: Any) -> None:
    acme = odoo.partner("Acme Corp", email="billing@acme.test", ref="C-1")
    beta = odoo.partner("Beta Ltd", ref="C-2")
    gone = odoo.partner("Gone Inc", active=False)
    search = lambda domain, **kw: odoo.call("res.partner", "search", domain, **kw)  # noqa: E731
    assert search([("name", "ilike", "acme")]) == [acme]
    assert search([("name", "=like", "Acme%")]) == [acme]
    assert sorted(search(["|", ("ref", "=", "C-1"), ("ref", "=", "C-2")])) == sorted([acme, beta])
    assert search([("ref", "in", ["C-1", "C-2"]), "!", ("email", "=", False)]) == [acme]
    assert search([("name", "=", "Gone Inc")]) == []
    assert search([("name", "=", "Gone Inc"), ("active", "in", [True, False])]) == [gone]
    assert search([("name", "=", "Gone Inc")], context={"active_test": False}) == [gone]
    assert search([("id", "in", [acme, beta])], order="name desc") == [beta, acme]
    assert search([("id", "in", [acme, beta])], order="name asc", offset=1, limit=1) == [beta]
    assert odoo.call("res.partner", "search_count", [("ref", "!=", False)]) == 2


def test_many2one_reads_as_pair_and_compares_by_id(odoo: Any) -> None:
    move_id = odoo.invoice()
    row = odoo.read1("account.move", move_id, ["partner_id", "journal_id", "currency_id", "line_ids"])
    assert row["journal_id"][1] == "Customer Invoices"
    assert row["currency_id"] == [1, "USD"]
    assert all(isinstance(i, int) for i in row["line_ids"])
    partner_id = row["partner_id"][0]
    assert odoo.call("account.move", "search", [("partner_id", "=", partner_id)]) == [move_id]
    assert odoo.call("account.move", "search", [("partner_id.name", "ilike", "acme")]) == [move_id]
    found = odoo.call(
        "account.move.line",
        "search_read",
        [("move_id", "=", move_id), ("account_id.code", "=", "400000")],
        fields=["account_id"],
        load=None,
    )
    assert found == [{"id": found[0]["id"], "account_id": odoo.account("400000")}]


def test_responses_never_contain_none(odoo: Any) -> None:
    rows = odoo.call("res.partner", "read", [odoo.partner()], [])
    assert None not in rows[0].values()
    assert rows[0]["email"] is False and rows[0]["parent_id"] is False


def test_unlink_and_restrict(odoo: Any) -> None:
    lonely = odoo.partner("Lonely")
    assert odoo.call("res.partner", "unlink", [lonely]) is True
    assert odoo.call("res.partner", "read", [lonely], ["name"]) == []
    move_id = odoo.invoice()
    partner_id = odoo.read1("account.move", move_id, ["partner_id"])["partner_id"][0]
    with odoo.unchanged():
        fault = odoo.fault("res.partner", "unlink", [partner_id])
    assert fault.faultCode == 2
    assert fault.faultString.startswith("The operation cannot be completed: another model requires the record")
    assert "Constraint: account_move_partner_id_fkey" in fault.faultString


def test_external_ids(odoo: Any) -> None:
    partner = odoo.partner()
    xid = odoo.call(
        "ir.model.data", "create", {"module": "finops", "name": "partner_1", "model": "res.partner", "res_id": partner}
    )
    rows = odoo.call(
        "ir.model.data",
        "search_read",
        [("module", "=", "finops"), ("name", "=", "partner_1")],
        fields=["model", "res_id", "complete_name"],
    )
    assert rows == [{"id": xid, "model": "res.partner", "res_id": partner, "complete_name": "finops.partner_1"}]
    with odoo.unchanged():
        fault = odoo.fault(
            "ir.model.data",
            "create",
            {"module": "finops", "name": "partner_1", "model": "res.partner", "res_id": partner},
        )
        assert (fault.faultCode, fault.faultString) == (
            2,
            "The operation cannot be completed: duplicate key value violates unique constraint "
            '"ir_model_data_module_name_uniq_index"\nDETAIL:  Key (module, name)=(finops, partner_1) already exists.\n',
        )
        fault = odoo.fault("ir.model.data", "create", {"module": "finops", "name": "a b", "model": "res.partner"})
        assert fault.faultString == "The operation cannot be completed: External IDs cannot contain spaces"
        fault = odoo.fault("ir.model.data", "create", {"module": "finops", "model": "res.partner"})
    assert fault.faultString.startswith("The operation cannot be completed:\n- Create/update: a mandatory field")
    assert fault.faultString.endswith("Model: Model Data (ir.model.data)\nField: External Identifier (name)\n")


def test_reference_data_of_the_generic_chart(odoo: Any) -> None:
    company = odoo.read1("res.company", 1, ["name", "currency_id", "fiscalyear_lock_date", "chart_template"])
    assert company == {
        "id": 1,
        "name": "My Company",
        "currency_id": [1, "USD"],
        "fiscalyear_lock_date": False,
        "chart_template": "generic_coa",
    }
    assert odoo.call(
        "res.currency", "search_read", [("name", "in", ["USD", "EUR"])], fields=["name"], order="name"
    ) == [{"id": 125, "name": "EUR"}, {"id": 1, "name": "USD"}]
    sale = odoo.read1(
        "account.tax",
        odoo.tax("sale"),
        ["name", "amount", "amount_type", "type_tax_use", "price_include", "company_id", "active"],
    )
    assert sale["name"] == "15%" and sale["amount"] == 15.0 and sale["amount_type"] == "percent"
    assert sale["price_include"] is False and sale["company_id"] == [1, "My Company"] and sale["active"] is True
    bank = odoo.read1("account.journal", odoo.journal("BNK1"), ["type", "default_account_id", "suspense_account_id"])
    assert bank["type"] == "bank"
    assert bank["default_account_id"][1] == "101401 Bank"
    assert bank["suspense_account_id"][1] == "101402 Bank Suspense Account"
    # 18 and 19: company_ids (many2many); 17: a single company_id (many2one), read as [id, name].
    companies = odoo.version.account_companies
    accounts = odoo.call(
        "account.account",
        "search_read",
        [("code", "in", ["121000", "211000"])],
        fields=["code", "account_type", companies],
        order="code",
    )
    us, fr = ([1], [2]) if companies == "company_ids" else ([1, "My Company"], [2, "My Company (FR)"])
    assert [(a["code"], a["account_type"], a[companies]) for a in accounts] == [
        ("121000", "asset_receivable", us),
        ("121000", "asset_receivable", fr),
        ("211000", "liability_payable", us),
        ("211000", "liability_payable", fr),
    ]
    other = "company_id" if companies == "company_ids" else "company_ids"
    fault = odoo.fault("account.account", "read", [accounts[0]["id"]], [other])
    assert odoo.last_line(fault) == f"ValueError: Invalid field '{other}' on model 'account.account'"


def test_company_context_restricts_searches(odoo: Any) -> None:
    both = odoo.call("account.journal", "search_count", [("code", "=", "INV")])
    only_fr = odoo.call("account.journal", "search_count", [("code", "=", "INV")], context={"allowed_company_ids": [2]})
    assert (both, only_fr) == (2, 1)
    fault = odoo.fault("account.journal", "search", [], context={"allowed_company_ids": [3]})
    assert (fault.faultCode, fault.faultString) == (4, "Access to unauthorized or invalid companies.")


def test_name_search_and_fields_get(odoo: Any) -> None:
    partner = odoo.partner("Acme Corp")
    assert odoo.call("res.partner", "name_search", "acme") == [[partner, "Acme Corp"]]
    info = odoo.call("account.move", "fields_get", ["partner_id", "state"], attributes=["type", "relation"])
    assert info == {"partner_id": {"type": "many2one", "relation": "res.partner"}, "state": {"type": "selection"}}
