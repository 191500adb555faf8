"""Find or create the Odoo partners of a batch in a few calls, not one per document,
and never twice, even when several workers meet the same new customer at once.

A partner is the same when its ref matches; else its VAT; else its email
(ignoring case); else its exact name. The partner found or created for an
identity claims an external id (ir.model.data is unique on module and name),
so a worker that lost the race to create it removes its own fresh copy and
uses the winner's, and later lookups go straight to the claimed partner. More
than one unclaimed match is ambiguous and refused: posting to a guessed
customer is worse than waiting for a person.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable
from typing import Any

from integrations.canonical import Partner
from integrations.odoo.builders import partner_vals
from integrations.odoo.client import OdooClient
from integrations.odoo.errors import ErrorKind, OdooError
from integrations.odoo.isolation import run_isolated
from integrations.odoo.requests import XMLID_MODULE

_FIELDS = ["id", "name", "email", "vat", "ref", "company_id"]


def _identity(partner: Partner) -> tuple[str, str]:
    if partner.ref:
        return "ref", partner.ref
    if partner.vat:
        return "vat", partner.vat
    if partner.email:
        return "email", partner.email.lower()
    return "name", partner.name


def partner_xmlid_name(company_id: int, partner: Partner) -> str:
    field, value = _identity(partner)
    return "partner_" + hashlib.sha256(f"{company_id}|{field}|{value}".encode()).hexdigest()[:40]


def _matches(row: dict[str, Any], field: str, value: str) -> bool:
    found = row.get(field) or ""
    return (found.lower() if field == "email" else found) == value


def _or(terms: list[list[Any]]) -> list[Any]:
    return ["|"] * (len(terms) - 1) + terms


class _Resolver:
    def __init__(self, client: OdooClient, company_id: int, before_write: Callable[[], None]) -> None:
        self.client = client
        self.company_id = company_id
        self.before_write = before_write
        self.resolved: dict[Partner, int | OdooError] = {}

    def claimed(self, partners: list[Partner]) -> dict[Partner, int]:
        names = {partner_xmlid_name(self.company_id, p): p for p in partners}
        rows = self.client.search_read(
            "ir.model.data",
            [["module", "=", XMLID_MODULE], ["name", "in", list(names)], ["model", "=", "res.partner"]],
            ["name", "res_id"],
        )
        return {names[row["name"]]: int(row["res_id"]) for row in rows}

    def search(self, partners: list[Partner]) -> dict[Partner, list[dict[str, Any]]]:
        by_field: dict[str, set[str]] = {}
        for partner in partners:
            field, value = _identity(partner)
            by_field.setdefault(field, set()).add(partner.email if field == "email" else value)
        terms: list[list[Any]] = []
        for field, values in sorted(by_field.items()):
            if field == "email":
                terms.extend([["email", "=ilike", value] for value in sorted(values)])
            else:
                terms.append([field, "in", sorted(values)])
        domain = ["&", ["company_id", "in", [False, self.company_id]], *_or(terms)]
        rows = self.client.search_read("res.partner", domain, _FIELDS, order="id")
        out: dict[Partner, list[dict[str, Any]]] = {}
        for partner in partners:
            field, value = _identity(partner)
            out[partner] = [row for row in rows if _matches(row, field, value)]
        return out

    def claim(self, pairs: list[tuple[Partner, int]]) -> list[Partner]:
        """Record each partner's external id; returns the partners whose claim another worker won."""
        lost: list[Partner] = []

        def create(chunk: list[tuple[Partner, int]]) -> list[int]:
            self.before_write()
            vals = [
                {
                    "module": XMLID_MODULE,
                    "name": partner_xmlid_name(self.company_id, p),
                    "model": "res.partner",
                    "res_id": i,
                }
                for p, i in chunk
            ]
            return self.client.create_many("ir.model.data", vals)

        def rejected(pair: tuple[Partner, int], err: OdooError) -> None:
            if err.reason == "duplicate":
                lost.append(pair[0])
            else:
                self.resolved[pair[0]] = err

        for chunk, _ in run_isolated(pairs, create, rejected):
            self.resolved.update(chunk)
        return lost

    def settle_lost(self, lost: list[Partner], mine: dict[Partner, int], created: set[Partner]) -> None:
        """Another worker claimed these identities first: use its partner, drop a copy we just made."""
        winners = self.claimed(lost)
        for partner in lost:
            winner = winners.get(partner)
            if winner is None:
                self.resolved[partner] = OdooError(
                    ErrorKind.TRANSIENT, "concurrency", f"Partner {partner.name!r} was being created elsewhere."
                )
                continue
            own = mine[partner]
            if partner in created and own != winner:
                self.before_write()
                self.client.execute("res.partner", "unlink", [own])
            self.resolved[partner] = winner


def partners_resolve(
    client: OdooClient,
    *,
    company_id: int,
    partners: Iterable[Partner],
    before_write: Callable[[], None],
    claimed: dict[Partner, int] | None = None,
) -> dict[Partner, int | OdooError]:
    """`claimed`: when the caller already looked up the partners' external ids (in the same
    call as its own), the ones it found; a partner it does not name has none."""
    wanted = list(dict.fromkeys(partners))
    if not wanted:
        return {}
    resolver = _Resolver(client, company_id, before_write)
    claimed = dict(claimed) if claimed is not None else resolver.claimed(wanted)
    resolver.resolved.update(claimed)
    unclaimed = [p for p in wanted if p not in claimed]
    if not unclaimed:
        return resolver.resolved

    found: dict[Partner, int] = {}
    missing: list[Partner] = []
    for partner, rows in resolver.search(unclaimed).items():
        if len(rows) == 1:
            found[partner] = int(rows[0]["id"])
        elif len(rows) > 1:
            field, value = _identity(partner)
            ids = ", ".join(str(row["id"]) for row in rows[:5])
            resolver.resolved[partner] = OdooError(
                ErrorKind.DATA,
                "ambiguous_partner",
                f"{len(rows)} Odoo partners match {field} {value!r} (ids {ids}); choose one or merge them.",
            )
        else:
            missing.append(partner)

    def create(chunk: list[Partner]) -> list[int]:
        before_write()
        return client.create_many("res.partner", [partner_vals(p) for p in chunk])

    def reject(partner: Partner, err: OdooError) -> None:
        resolver.resolved[partner] = err

    created: set[Partner] = set()
    for chunk, new_ids in run_isolated(missing, create, reject):
        found.update(zip(chunk, new_ids, strict=True))
        created.update(chunk)
    lost = resolver.claim(list(found.items()))
    if lost:
        resolver.settle_lost(lost, found, created)
    return resolver.resolved
