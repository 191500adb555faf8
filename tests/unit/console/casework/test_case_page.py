"""The actions of a case's page by weight (console/casework/case_page.py): the destructive ones
(dismiss, mark as duplicate) apart, marked as such, and confirmed: the server refuses them
without their confirmation (400 naming it), and the roles lacking them are still refused (403)."""

from __future__ import annotations

import re

import pytest
from django.test import Client

from console.casework.models import CaseState, ExceptionCase
from console.sync.models import EventState, SyncEvent
from tests.conftest import login
from tests.tables import tables_unchanged

pytestmark = pytest.mark.django_db


def destructive_row(html: str) -> str:
    start = html.index('aria-label="Close without posting"')
    return html[start : html.index("</section>", start)]


def test_dismiss_and_mark_duplicate_are_apart_marked_and_carry_a_confirmation(
    blocked_case: ExceptionCase, client: Client
) -> None:
    html = login(client, "operator").get(f"/cases/{blocked_case.pk}/").content.decode()
    row = destructive_row(html)
    assert re.findall(r'action="/cases/\d+/(\w+)/"', row) == ["mark_duplicate", "dismiss"]
    assert '<summary class="button danger">Dismiss…</summary>' in row
    assert '<summary class="button danger">Mark as duplicate…</summary>' in row
    assert row.count('type="checkbox" name="confirm"') == 2 and row.count('class="danger"') == 2
    assert "I am sure: dismiss it, its event is never posted" in row
    # The other actions are in the secondary row, none of them a danger.
    secondary = html[html.index('<div class="action-row">') : html.index('aria-label="Close without posting"')]
    assert set(re.findall(r'action="/cases/\d+/(\w+)/"', secondary)) == {"assign", "comment", "retry"}
    assert (
        "danger" not in secondary
        and f'<a class="button secondary" href="/cases/{blocked_case.pk}/resubmit/">Edit and resubmit</a>' in secondary
    )


@pytest.mark.parametrize(
    ("action", "data", "named"),
    [
        ("dismiss", {"reason": "a test order"}, "tick the box to confirm the dismissal"),
        ("mark_duplicate", {"of": "order-vat20"}, "tick the box to confirm it is a duplicate"),
    ],
)
def test_a_destructive_action_without_its_confirmation_is_refused_naming_it(
    blocked_case: ExceptionCase, client: Client, action: str, data: dict[str, str], named: str
) -> None:
    login(client, "operator")
    with tables_unchanged():
        response = client.post(f"/cases/{blocked_case.pk}/{action}/", data)
        unticked = client.post(f"/cases/{blocked_case.pk}/{action}/", {**data, "confirm": "false"})
    assert response.status_code == 400 and unticked.status_code == 400
    html = response.content.decode()
    assert '<p class="error" role="alert">' in html and f"confirm: {named}" in html
    # The refused form comes back open, with what was typed.
    assert re.search(
        rf"<details class=\"action danger\" open>\s*<summary[^>]*>[^<]*</summary>\s*<form[^>]*/{action}/", html
    )
    assert ExceptionCase.objects.get(pk=blocked_case.pk).state == CaseState.OPEN
    assert SyncEvent.objects.get(pk=blocked_case.event_id).state == EventState.BLOCKED


def test_a_confirmed_dismissal_is_done(blocked_case: ExceptionCase, client: Client) -> None:
    login(client, "operator")
    data = {"reason": "a test order", "confirm": "on"}
    assert client.post(f"/cases/{blocked_case.pk}/dismiss/", data).status_code == 302
    assert ExceptionCase.objects.get(pk=blocked_case.pk).state == CaseState.DISMISSED
    assert SyncEvent.objects.get(pk=blocked_case.event_id).state == EventState.DISMISSED


@pytest.mark.parametrize("role", ["controller", "auditor", "admin"])
@pytest.mark.parametrize("confirm", [{}, {"confirm": "on"}])
@pytest.mark.parametrize(("action", "data"), [("dismiss", {"reason": "x"}), ("mark_duplicate", {"of": "order-1"})])
def test_roles_lacking_a_destructive_action_are_refused_confirmed_or_not(
    blocked_case: ExceptionCase, client: Client, role: str, confirm: dict[str, str], action: str, data: dict[str, str]
) -> None:
    login(client, role)
    with tables_unchanged():
        assert client.post(f"/cases/{blocked_case.pk}/{action}/", {**data, **confirm}).status_code == 403
