from __future__ import annotations

import xmlrpc.client
from typing import Any

from console.mappings.models import ChangeRequest, MappingKind
from console.mappings.services.requests import RowInput, change_request_create, change_request_submit
from tests.unit.console.casework.conftest import (
    blocked_case,  # noqa: F401  (a fixture)
    person,
)


def odoo(sandbox: Any, model: str, method: str, *args: Any) -> Any:
    proxy = xmlrpc.client.ServerProxy(f"{sandbox.url}/xmlrpc/2/object", allow_none=True)
    return proxy.execute_kw("sandbox", 2, "admin", model, method, list(args), {})


def sale_tax(sandbox: Any, company_id: int = 1) -> int:
    ids = odoo(sandbox, "account.tax", "search", [["type_tax_use", "=", "sale"], ["company_id", "=", company_id]])
    return int(ids[0])


def proposed(sandbox: Any, code: str = "VAT20", *, submit: bool = True, **kwargs: Any) -> ChangeRequest:
    """Olivia (operator) asks for the tax code to map to Odoo's sale tax in US01."""
    olivia, actor = person("operator")
    request = change_request_create(
        user=olivia,
        actor=actor,
        entity_code="US01",
        title=f"Map {code} to the 15% sale tax",
        rows=[RowInput(MappingKind.TAX, code, sale_tax(sandbox))],
        **kwargs,
    )
    if submit:
        change_request_submit(user=olivia, actor=actor, request_id=request.pk)
    request.refresh_from_db()
    return request
