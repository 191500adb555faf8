"""Reference data read from Odoo: the targets a mapping may point at."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from integrations.odoo.client import OdooClient
from integrations.odoo.versions import OdooVersion


@dataclass(frozen=True)
class ReferenceRecord:
    model: str
    odoo_id: int
    label: str
    company_ids: tuple[int, ...]
    active: bool


def _companies(row: dict[str, Any]) -> tuple[int, ...]:
    if row.get("company_ids"):
        return tuple(int(i) for i in row["company_ids"])
    company = row.get("company_id")
    if isinstance(company, list | tuple) and company:
        return (int(company[0]),)
    return ()


# model -> fields read, label, and the boolean that says the record may be used.
SPECS: dict[str, tuple[list[str], str, str | None]] = {
    "account.tax": (["name", "type_tax_use", "company_id", "active"], "{name} ({type_tax_use})", "active"),
    "account.journal": (["code", "name", "type", "company_id", "active"], "{code} {name} ({type})", "active"),
    "res.currency": (["name", "active"], "{name}", "active"),
    "res.company": (["name", "currency_id"], "{name}", None),
}


def spec(model: str, version: OdooVersion) -> tuple[list[str], str, str | None]:
    """account.account's company and in-use fields depend on the version: company_id (17) or
    company_ids (18+); deprecated (17, 18: no `active`) or active (19)."""
    if model == "account.account":
        usable = version.account_usable
        return (["code", "name", version.account_companies, usable], "{code} {name}", usable)
    return SPECS[model]


def reference_fetch(client: OdooClient, model: str) -> list[ReferenceRecord]:
    """Every record of a mapping target model, archived ones included (to refuse them by name)."""
    fields, template, usable = spec(model, client.odoo_version())
    # Without this leaf Odoo leaves archived records out; deprecated accounts are always read.
    domain: list[Any] = [["active", "in", [True, False]]] if usable == "active" else []
    rows = client.search_read(model, domain, ["id", *fields], order="id")
    return [
        ReferenceRecord(
            model=model,
            odoo_id=int(row["id"]),
            label=template.format(**{k: row.get(k, "") for k in fields}),
            company_ids=_companies(row),
            active=(not row.get("deprecated")) if usable == "deprecated" else bool(row.get("active", True)),
        )
        for row in rows
    ]


def reference_find(client: OdooClient, model: str, domain: list[Any]) -> list[dict[str, Any]]:
    return client.search_read(model, domain, ["id", "display_name"], order="id")
