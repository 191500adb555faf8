"""The statement file pages: who may open and change what, and a held statement released
from its page."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from console.sources.file_models import BankStatement
from console.sync.models import EventState, SyncEvent
from console.sync.services.drain import events_drain
from tests.conftest import login
from tests.tables import tables_unchanged
from tests.unit.console.sources.statement_pieces import entry, statement
from tests.unit.console.sources.test_statement_import import bring_in

pytestmark = pytest.mark.django_db


@pytest.fixture
def held(configured: dict[str, Any]) -> BankStatement:
    bring_in(statement(entry("250.00", ref="A1"), closing="815.84"))
    events_drain()
    return BankStatement.objects.get()


@pytest.mark.parametrize("role", ["auditor", "controller"])
def test_who_may_not_import_gets_403_on_upload_and_confirm(
    client: Client, configured: dict[str, Any], role: str
) -> None:
    login(client, role)
    with tables_unchanged():
        assert client.post("/files/upload/", {"entity": "US01", "source": "bankfeed"}).status_code == 403
        assert client.post("/files/confirm/", {"entity": "US01", "source": "bankfeed"}).status_code == 403


@pytest.mark.parametrize("role", ["auditor", "admin"])
def test_who_may_not_release_gets_403_and_the_lines_stay_held(client: Client, held: BankStatement, role: str) -> None:
    login(client, role)
    with tables_unchanged():
        response = client.post(f"/files/statements/{held.pk}/release/", {"reason": "looks fine"})
    assert response.status_code == 403
    assert SyncEvent.objects.get().state == EventState.BLOCKED


def test_an_operator_releases_a_held_statement_from_its_page(client: Client, held: BankStatement) -> None:
    login(client, "operator")
    page = client.get(f"/files/statements/{held.pk}/")
    assert page.status_code == 200
    assert b"does not balance: difference -434.16 USD" in page.content and b"Release the hold" in page.content
    response = client.post(f"/files/statements/{held.pk}/release/", {"reason": "bank fee booked by hand"})
    assert response.status_code == 302
    events_drain()
    assert SyncEvent.objects.get().state == EventState.POSTED
    page = client.get(f"/files/statements/{held.pk}/")
    assert b"bank fee booked by hand" in page.content and b'data-hold="released"' in page.content


def test_a_release_without_a_reason_changes_nothing(client: Client, held: BankStatement) -> None:
    login(client, "operator")
    with tables_unchanged():
        response = client.post(f"/files/statements/{held.pk}/release/", {"reason": ""}, follow=True)
    assert b"Say why you release it." in response.content


def test_the_file_log_counts_what_its_lists_hold(client: Client, held: BankStatement) -> None:
    login(client, "auditor")
    index = client.get("/files/")
    assert index.status_code == 200 and b"statement.xml" in index.content
    detail = client.get(f"/files/{held.file_id}/")
    assert b"1 new" in detail.content
    lines = client.get(f"/files/statements/{held.pk}/")
    assert lines.content.count(b'data-state="blocked"') == held.new_count == 1
    assert b"Release the hold" not in lines.content  # an auditor reads, never releases
