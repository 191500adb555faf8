"""Find or create the Odoo partners of a batch in two calls, not one per document.

A partner is the same when its ref matches; else its VAT; else its email
(ignoring case); else its exact name. More than one match is ambiguous and
refused: posting to a guessed customer is worse than waiting for a person.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from integrations.canonical import Partner
from integrations.odoo.builders import partner_vals
from integrations.odoo.client import OdooClient
from integrations.odoo.errors import ErrorKind, OdooError
from integrations.odoo.isolation import run_isolated

_FIELDS = ["id", "name", "email", "vat", "ref", "company_id"]


def _identity(partner: Partner) -> tuple[str, str]:
    if partner.ref:
        return "ref", partner.ref
    if partner.vat:
        return "vat", partner.vat
    if partner.email:
        return "email", partner.email.lower()
    return "name", partner.name


def _matches(row: dict[str, Any], field: str, value: str) -> bool:
    found = row.get(field) or ""
    return (found.lower() if field == "email" else found) == value


def _or(terms: list[list[Any]]) -> list[Any]:
    return ["|"] * (len(terms) - 1) + terms


def partners_resolve(
    client: OdooClient,
    *,
    company_id: int,
    partners: Iterable[Partner],
    before_write: Callable[[], None],
) -> dict[Partner, int | OdooError]:
    wanted = list(dict.fromkeys(partners))
    if not wanted:
        return {}
    by_field: dict[str, set[str]] = {}
    for partner in wanted:
        field, value = _identity(partner)
        by_field.setdefault(field, set()).add(partner.email if field == "email" else value)
    terms: list[list[Any]] = []
    for field, values in sorted(by_field.items()):
        if field == "email":
            terms.extend([["email", "=ilike", value] for value in sorted(values)])
        else:
            terms.append([field, "in", sorted(values)])
    domain = ["&", ["company_id", "in", [False, company_id]], *_or(terms)]
    rows = client.search_read("res.partner", domain, _FIELDS)

    resolved: dict[Partner, int | OdooError] = {}
    missing: list[Partner] = []
    for partner in wanted:
        field, value = _identity(partner)
        found = [row for row in rows if _matches(row, field, value)]
        if len(found) == 1:
            resolved[partner] = int(found[0]["id"])
        elif len(found) > 1:
            ids = ", ".join(str(row["id"]) for row in found[:5])
            resolved[partner] = OdooError(
                ErrorKind.DATA,
                "ambiguous_partner",
                f"{len(found)} Odoo partners match {field} {value!r} (ids {ids}); choose one or merge them.",
            )
        else:
            missing.append(partner)

    def reject(partner: Partner, err: OdooError) -> None:
        resolved[partner] = err

    def create(chunk: list[Partner]) -> list[int]:
        before_write()
        return client.create_many("res.partner", [partner_vals(p) for p in chunk])

    for chunk, new_ids in run_isolated(missing, create, reject):
        resolved.update(zip(chunk, new_ids, strict=True))
    return resolved
