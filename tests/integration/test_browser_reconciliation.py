"""A controller's day before the close, in a real browser: a day of Shopify orders run against
Odoo from the reconciliation page, its two differences (an invoice in Odoo no event explains, a
source total the console did not receive) followed to their cases and back, fixed in Odoo and at
the source, and the day re-run until it reconciles and its cases resolve by themselves."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.urls import reverse
from playwright.sync_api import Browser, expect

from console.casework.models import CaseState, ExceptionCase
from console.sync.services.drain import events_drain
from tests.integration.test_browser_casework import ConsoleWatch, browser, console_watch, sign_in
from tests.unit.console.reconciliation.conftest import OdooUser, control_total, ingest, odoo_user, order, today

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.e2e]
__all__ = ["browser", "console_watch", "odoo_user"]  # fixtures, imported to be found by pytest


def test_a_controller_runs_a_day_follows_each_difference_to_its_case_and_reconciles_it_after_the_fixes(
    token: str, odoo_user: OdooUser, live_server: Any, browser: Browser, console_watch: ConsoleWatch
) -> None:
    ingest(token, order("order-recon-1"))
    events_drain()
    ghost = odoo_user.invoice_with_marker("shopify/never-sent")
    assert control_total(token, count=2, amounts={"USD": "170.00"}).status_code == 201

    carl = sign_in(browser, console_watch, live_server.url, "controller")
    carl.goto(reverse("recon-run-list"))
    run_now = carl.get_by_role("region", name="Run a day now")
    run_now.get_by_label(re.compile(r"^Day \(UTC\) for US01, Shopify orders")).fill(today().isoformat())
    run_now.get_by_role("row").filter(has_text="Shopify orders").get_by_role("button", name="Run the day").click()

    heading = carl.get_by_role("heading", level=1)
    expect(heading).to_have_text(re.compile(rf"US01, {today():%Y-%m-%d} \(UTC\): Differences$"))
    differences = carl.get_by_role("region", name=re.compile(r"^Differences"))
    expect(differences.get_by_role("heading", level=2)).to_have_text("Differences (2)")
    unknown = differences.get_by_role("row").filter(has_text="In Odoo but unknown to us")
    expect(unknown).to_contain_text("shopify/never-sent")
    source_total = differences.get_by_role("row").filter(has_text="Source total disagrees")
    expect(source_total).to_contain_text("The source says 2 (170.00 USD)")

    unknown.get_by_role("link", name=re.compile(r"^#\d+$")).click()
    expect(carl.get_by_role("heading", level=1)).to_have_text(re.compile(r"^Case \d+: In Odoo but unknown to us"))
    expect(carl.get_by_role("main")).to_contain_text("Found by reconciliation")
    carl.get_by_role("link", name="its reconciliation run").click()
    expect(heading).to_have_text(re.compile(r": Differences$"))

    # The fixes are made where they belong: the stray invoice cancelled in Odoo, the source's
    # total corrected at the source. The console's part is to see that they are in.
    odoo_user.cancel(ghost)
    assert control_total(token, count=1, amounts={"USD": "100.00"}).status_code == 201
    carl.get_by_role("button", name="Re-run this day").click()
    expect(carl.get_by_role("status")).to_contain_text(f"{today()}: reconciled.")
    expect(heading).to_have_text(re.compile(r": Reconciled$"))
    expect(differences.get_by_role("cell", name="None: the day reconciles.")).to_be_visible()
    gone = carl.get_by_role("list").filter(has_text="shopify/never-sent")
    expect(gone).to_contain_text("Resolved")

    cases = ExceptionCase.objects.filter(event__isnull=True)
    assert cases.count() == 2 and set(cases.values_list("state", flat=True)) == {CaseState.RESOLVED}
    carl.goto(reverse("recon-run-list"))
    row = carl.get_by_role("row").filter(has_text="Shopify orders").filter(has_text=f"{today():%Y-%m-%d}")
    expect(row.locator(".badge")).to_have_text("Reconciled")
    carl.context.close()
