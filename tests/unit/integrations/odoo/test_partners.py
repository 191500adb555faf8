"""Partners are found or created once, even when two workers meet a new customer together."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from integrations.canonical import Partner
from integrations.odoo.client import OdooClient
from integrations.odoo.errors import OdooError
from integrations.odoo.partners import partners_resolve
from tests.odoo_protocol import sandbox_credentials


@pytest.fixture
def client(sandbox_server: Any) -> Iterator[OdooClient]:
    sandbox_server.control.reset()
    yield OdooClient(sandbox_credentials(sandbox_server.url))


def partners_with_ref(client: OdooClient, ref: str) -> list[int]:
    return [row["id"] for row in client.search_read("res.partner", [["ref", "=", ref]], ["id"])]


def test_new_partner_is_created_once_and_found_again(client: OdooClient) -> None:
    customer = Partner(name="Blue Harbor Cafe", ref="CUST-001", email="ap@blueharbor.example")
    first = partners_resolve(client, company_id=1, partners=[customer, customer], before_write=lambda: None)
    again = partners_resolve(client, company_id=1, partners=[customer], before_write=lambda: None)
    assert first[customer] == again[customer]
    assert partners_with_ref(client, "CUST-001") == [first[customer]]


def test_a_worker_that_loses_the_race_drops_its_copy_and_uses_the_winner(client: OdooClient) -> None:
    customer = Partner(name="Blue Harbor Cafe", ref="CUST-001")
    winner: dict[Partner, int | OdooError] = {}
    raced = False

    def other_worker_finishes_first() -> None:
        # Runs just before this worker's first write: the other worker has searched,
        # created and claimed the same customer in the meantime.
        nonlocal raced
        if not raced:
            raced = True
            winner.update(partners_resolve(client, company_id=1, partners=[customer], before_write=lambda: None))

    loser = partners_resolve(client, company_id=1, partners=[customer], before_write=other_worker_finishes_first)
    assert raced
    assert loser[customer] == winner[customer]
    assert partners_with_ref(client, "CUST-001") == [winner[customer]]


def test_an_existing_unclaimed_partner_is_adopted(client: OdooClient) -> None:
    existing = client.create("res.partner", {"name": "Globex", "vat": "US123"})
    found = partners_resolve(
        client, company_id=1, partners=[Partner(name="Globex Corp", vat="US123")], before_write=lambda: None
    )
    assert list(found.values()) == [existing]


def test_two_unclaimed_matches_are_ambiguous(client: OdooClient) -> None:
    client.create_many("res.partner", [{"name": "Initech", "email": "ap@initech.example"}] * 2)
    found = partners_resolve(
        client, company_id=1, partners=[Partner(name="Initech", email="AP@initech.example")], before_write=lambda: None
    )
    [error] = found.values()
    assert isinstance(error, OdooError) and error.reason == "ambiguous_partner"
    assert "2 Odoo partners match email" in error.message
