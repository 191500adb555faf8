"""Turning a negative vendor bill's case into a credit note in a real browser (headless
Chromium, the live server, a Celery worker posting into the sandbox): the button, the
confirmation page, the dismissed case, and the credit note posted in Odoo."""

from __future__ import annotations

import re
import xmlrpc.client
from typing import Any

import pytest
from playwright.sync_api import Browser, expect

from console.casework.models import ExceptionCase
from console.sync.models import EventState, SyncEvent
from tests.factories import vendor_bill_event
from tests.integration.conftest import Workers, wait_until
from tests.integration.http import send
from tests.integration.test_browser_casework import ConsoleWatch, browser, console_watch, fact, sign_in

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.e2e]
__all__ = ["browser", "console_watch"]  # the fixtures, shared with the casework browser tests


def test_an_operator_turns_a_negative_bill_into_the_credit_note_that_posts(
    configured: dict[str, Any], live_server: Any, workers: Workers, browser: Browser, console_watch: ConsoleWatch
) -> None:
    workers.start()
    bill = vendor_bill_event("web-memo-1")
    bill["data"]["lines"][0]["unit_price"] = "-12.50"  # a supplier's credit memo keyed in as a bill
    status, body = send(live_server.url, configured["token"], bill)
    assert status == 201, body
    wait_until(
        lambda: ExceptionCase.objects.filter(event_id=body["event_id"], reason_code="negative_total").exists(),
        timeout=60,
        what="Odoo to refuse the negative bill and its case to open",
    )
    case = ExceptionCase.objects.get(event_id=body["event_id"])
    page = sign_in(browser, console_watch, live_server.url, "operator")

    page.goto(f"/cases/{case.pk}/")
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Case {case.pk}: Refused by Odoo")
    expect(page.get_by_role("region", name="What went wrong")).to_contain_text("negative total amount")
    page.get_by_role("link", name="Turn into a credit note…").click()

    expect(page.get_by_role("heading", level=1)).to_have_text(
        f"Case {case.pk}: turn vendor bill web-memo-1 into a credit note"
    )
    expect(fact(page, "Kind")).to_have_text("Vendor credit note (Odoo in_refund)")
    lines = page.get_by_role("table", name="Lines: the invoice's unit prices with their sign turned")
    expect(lines.get_by_role("row").nth(1).get_by_role("cell")).to_have_text(
        ["Paper", "10.00", "-12.50", "12.50", "125.00", "PURCH15", "6000"]
    )
    confirm = page.get_by_role("form", name="Confirm")
    confirm.get_by_label("Note").fill("Paper & Co's credit memo CM-12")
    confirm.get_by_role("button", name="Turn into a credit note", exact=True).click()

    expect(page.get_by_role("status")).to_contain_text(f"Case {case.pk}: turned into a credit note")
    note = SyncEvent.objects.get(derived_from_id=body["event_id"])
    expect(fact(page, "State")).to_have_text(f"Dismissed (turned into vendor credit note event {note.pk})")
    expect(page.get_by_role("link", name="Turn into a credit note…")).to_have_count(0)

    wait_until(
        lambda: SyncEvent.objects.filter(pk=note.pk, state=EventState.POSTED).exists(),
        timeout=60,
        what="the credit note to post",
    )
    page.goto(f"/events/{note.pk}/")
    expect(fact(page, "State")).to_have_text("Posted")
    expect(fact(page, "Made from")).to_have_text(f"event {body['event_id']}, in the workbench")
    expect(fact(page, "Odoo record")).to_contain_text(re.compile(r"RBILL/\d{4}/\d{2}/\d{4}"))
    proxy = xmlrpc.client.ServerProxy(f"{configured['sandbox'].url}/xmlrpc/2/object", allow_none=True)
    moves = proxy.execute_kw(
        "sandbox",
        2,
        "admin",
        "account.move",
        "search_read",
        [[["ref", "=", "coupa/web-memo-1"]]],
        {"fields": ["move_type", "state", "amount_total"], "order": "id"},
    )
    # The bill Odoo refused stays a draft; the credit note posted once.
    assert [(m["move_type"], m["state"], m["amount_total"]) for m in moves] == [
        ("in_invoice", "draft", -143.75),
        ("in_refund", "posted", 143.75),
    ]
    page.context.close()
