"""Reference data read from Odoo: the targets a mapping may point at."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from integrations.odoo.client import OdooClient


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


def reference_fetch(client: OdooClient, model: str) -> list[ReferenceRecord]:
    """Every record of a mapping target model, archived ones included (to refuse them by name)."""
    specs: dict[str, tuple[list[str], str]] = {
        "account.tax": (["name", "type_tax_use", "company_id", "active"], "{name} ({type_tax_use})"),
        "account.account": (["code", "name", "company_ids", "active"], "{code} {name}"),
        "account.journal": (["code", "name", "type", "company_id", "active"], "{code} {name} ({type})"),
        "res.currency": (["name", "active"], "{name}"),
        "res.company": (["name", "currency_id"], "{name}"),
    }
    fields, template = specs[model]
    domain: list[Any] = [["active", "in", [True, False]]] if "active" in fields else []
    rows = client.search_read(model, domain, ["id", *fields], order="id")
    return [
        ReferenceRecord(
            model=model,
            odoo_id=int(row["id"]),
            label=template.format(**{k: row.get(k, "") for k in fields}),
            company_ids=_companies(row),
            active=bool(row.get("active", True)),
        )
        for row in rows
    ]


def reference_find(client: OdooClient, model: str, domain: list[Any]) -> list[dict[str, Any]]:
    return client.search_read(model, domain, ["id", "display_name"], order="id")
