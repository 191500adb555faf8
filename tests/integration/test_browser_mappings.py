"""The mapping editor in a real browser (issue #5): an operator maps the tax code a blocked
invoice waits for, a controller approves it in another session, the worker posts the invoice
by itself, and an auditor follows the request through its timeline into the audit trail.

Headless Chromium (Debian's) against the live server, with real Celery workers posting into
the Odoo sandbox; every page must load without a CSP violation or a script error.
"""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.urls import reverse
from playwright.sync_api import Browser, Page, expect

from console.mappings.models import ChangeRequest, ChangeState, Mapping
from tests.integration import test_browser_casework as casework
from tests.integration.conftest import Workers
from tests.integration.test_browser_casework import (
    ConsoleWatch,
    assert_posted,
    fact,
    open_blocked_case,
    open_from_the_list,
    reload_until_resolved,
    sign_in,
)

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.e2e]

# The casework browser test's fixtures, in this module's namespace where pytest looks for them:
# Chromium started after the test database, and the watch that fails a test on a CSP violation
# or a script error.
browser = casework.browser
console_watch = casework.console_watch

SALE_TAX = "15% (sale)"


def open_tax_mappings(page: Page) -> None:
    """Mappings in the top bar, then US01's tax mappings in the table."""
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Mappings", exact=True).click()
    expect(page.get_by_role("heading", name="Mappings", level=1)).to_be_visible()
    page.get_by_role("link", name=re.compile(r"^\d+ tax mappings of US01$")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Tax code → Odoo tax: US01")
    expect(page.get_by_role("table", name="In force now")).to_contain_text("SALES15")


def propose(page: Page, code: str, title: str) -> int:
    """Fill the propose form with Odoo's 15% sale tax and write the draft; returns the request's id."""
    form = page.get_by_role("form", name="Propose a change")
    form.get_by_label("Source code").fill(code)
    target = form.get_by_label("Odoo record")
    option = target.locator("option").filter(has_text=SALE_TAX)
    expect(option).to_have_count(1)
    target.select_option(label=option.inner_text().strip())
    form.get_by_label("What and why").fill(title)
    form.get_by_role("button", name="Write the draft", exact=True).click()
    heading = page.get_by_role("heading", level=1)
    expect(heading).to_have_text(re.compile(rf"^Mapping change \d+: {re.escape(title)}$"))
    found = re.match(r"Mapping change (\d+):", heading.inner_text())
    assert found, heading.inner_text()
    change_id = int(found.group(1))
    expect(page.get_by_role("status")).to_contain_text(
        f"Draft mapping change {change_id} written: add rows if needed, then submit it."
    )
    expect(fact(page, "State")).to_have_text("Draft")
    return change_id


def expect_diff(page: Page, code: str) -> None:
    """The request's one row: the code was not mapped, and is to point at the 15% sale tax."""
    diff = page.get_by_role("table", name="Rows: before and after")
    row = diff.get_by_role("row").filter(has=page.get_by_role("rowheader", name="1", exact=True))
    cells = row.get_by_role("cell")  # change, code, before, after (and Remove, on the author's draft)
    expect(cells.nth(0)).to_have_text("Add")
    expect(cells.nth(1)).to_have_text(f"tax {code}")
    expect(cells.nth(2)).to_have_text("not mapped")
    expect(cells.nth(3)).to_contain_text(SALE_TAX)


def submit(page: Page, change_id: int) -> None:
    page.get_by_role("form", name="Submit for approval").get_by_role("button", name="Submit", exact=True).click()
    expect(page.get_by_role("status")).to_contain_text(
        f"Mapping change {change_id}: submitted: a controller of the entity decides it."
    )
    expect(fact(page, "State")).to_have_text("Waiting for a controller")
    expect(page.get_by_role("button", name="Submit", exact=True)).to_have_count(0)


def test_an_operator_maps_the_missing_tax_code_a_controller_approves_and_the_invoice_posts_by_itself(
    configured: dict[str, Any], live_server: Any, workers: Workers, browser: Browser, console_watch: ConsoleWatch
) -> None:
    workers.start()
    case = open_blocked_case(live_server, configured["token"], "web-map-vat20")

    # The operator sees why the invoice waits, and goes from the case to the editor for that code.
    olivia = sign_in(browser, console_watch, live_server.url, "operator")
    open_from_the_list(olivia, case, "web-map-vat20")
    olivia.get_by_role("link", name="Propose the tax mapping for VAT20 in US01", exact=True).click()
    expect(olivia.get_by_role("heading", level=1)).to_have_text("Tax code → Odoo tax: US01")
    expect(olivia.get_by_role("table", name="In force now")).to_contain_text("SALES15")
    expect(olivia.get_by_role("table", name="In force now")).not_to_contain_text("VAT20")
    expect(olivia.get_by_role("form", name="Propose a change").get_by_label("Source code")).to_have_value("VAT20")
    change_id = propose(olivia, "VAT20", "VAT20 is the code the shop uses for our 15% sale tax")
    expect_diff(olivia, "VAT20")
    expect(olivia.get_by_role("region", name="Impact")).to_contain_text("Unblocks 1 open case")
    expect(olivia.get_by_role("button", name="Approve", exact=True)).to_have_count(0)
    submit(olivia, change_id)
    expect(olivia.get_by_role("button", name="Approve", exact=True)).to_have_count(0)
    expect(olivia.get_by_role("button", name="Withdraw", exact=True)).to_be_visible()
    assert ChangeRequest.objects.get(pk=change_id).state == ChangeState.SUBMITTED
    assert not Mapping.objects.filter(source_value="VAT20").exists()

    # A controller, in a session of their own, finds it waiting for a decision.
    carl = sign_in(browser, console_watch, live_server.url, "controller")
    assert carl.context is not olivia.context
    carl.get_by_role("navigation", name="Main").get_by_role("link", name="Mappings", exact=True).click()
    waiting = carl.get_by_role("region", name="Waiting for your decision")
    expect(waiting).to_contain_text("asked by olivia")
    waiting.get_by_role("link", name=f"Mapping change {change_id}", exact=True).click()
    expect(carl.get_by_role("heading", level=1)).to_have_text(
        f"Mapping change {change_id}: VAT20 is the code the shop uses for our 15% sale tax"
    )
    expect(fact(carl, "Asked by")).to_contain_text("olivia")
    expect_diff(carl, "VAT20")
    impact = carl.get_by_role("region", name="Impact")
    expect(impact).to_contain_text("Unblocks 1 open case (1 waiting event), $100.00 at stake")
    expect(impact).to_contain_text("0 posted events used a version this request replaces")
    approve = carl.get_by_role("form", name="Approve")
    approve.get_by_label("Note").fill("checked against the tax register")
    approve.get_by_role("button", name="Approve", exact=True).click()
    expect(carl.get_by_role("status")).to_contain_text(
        f"Mapping change {change_id}: approved and applied; 1 waiting event queued for posting again."
    )
    expect(fact(carl, "State")).to_have_text("Applied")
    expect(fact(carl, "Decided by")).to_contain_text("carl")
    expect(fact(carl, "Decided by")).to_contain_text("checked against the tax register")
    expect(carl.get_by_role("table", name="Rows: before and after")).to_contain_text("written as version 1")
    expect(carl.get_by_role("region", name="Impact")).to_have_count(0)
    for button in ("Approve", "Reject", "Withdraw"):
        expect(carl.get_by_role("button", name=button, exact=True)).to_have_count(0)

    # Nobody retries: the worker posts the event and the case resolves itself.
    carl.goto(reverse("case-detail", args=[case.pk]))
    reload_until_resolved(carl)
    assert_posted(carl, configured["sandbox"], "web-map-vat20")
    expect(carl.get_by_role("link", name=re.compile(r"^Propose the tax mapping"))).to_have_count(0)
    timeline = carl.get_by_role("region", name="Timeline")
    expect(timeline).to_contain_text(f"mapping change {change_id}")
    olivia.goto(reverse("case-detail", args=[case.pk]))
    expect(fact(olivia, "State")).to_have_text(re.compile(r"^Resolved"))

    # An auditor reads who did what, and follows the request into the audit trail.
    ada = sign_in(browser, console_watch, live_server.url, "auditor")
    ada.get_by_role("navigation", name="Main").get_by_role("link", name="Mappings", exact=True).click()
    ada.get_by_role("link", name="All change requests", exact=True).click()
    row = ada.get_by_role("row").filter(has=ada.get_by_role("link", name=f"#{change_id}", exact=True))
    expect(row).to_contain_text("Applied")
    expect(row).to_contain_text("olivia")
    expect(row).to_contain_text("carl")
    row.get_by_role("link", name=f"#{change_id}", exact=True).click()
    expect(ada.get_by_role("heading", level=1)).to_contain_text(f"Mapping change {change_id}")
    for button in ("Approve", "Reject", "Withdraw", "Submit", "Add the comment"):
        expect(ada.get_by_role("button", name=button, exact=True)).to_have_count(0)
    steps = ada.get_by_role("region", name="Timeline").get_by_role("listitem")
    expect(steps).to_have_text(
        [
            re.compile(r"Created by olivia: 1 row$"),
            re.compile(r"Submitted by olivia: waiting for a controller of US01$"),
            re.compile(r"Approved by carl: checked against the tax register$"),
            re.compile(r"Applied by carl: 1 mapping version written; 1 waiting event queued for posting again$"),
        ]
    )
    expect(ada.get_by_role("region", name="Timeline")).to_contain_text("Events queued again when it was applied")
    ada.get_by_role("link", name="This request in the audit trail", exact=True).click()
    expect(ada.get_by_role("heading", name="Audit trail", level=1)).to_be_visible()
    expect(ada).to_have_url(re.compile(rf"[?&]correlation_id=mapping-change-{change_id}$"))
    trail = ada.locator("#audit-rows").get_by_role("table")
    for action, who in (
        ("mapping_change.created", "olivia"),
        ("mapping_change.submitted", "olivia"),
        ("mapping_change.approved", "carl"),
        ("mapping_change.applied", "carl"),
        ("mapping.version_added", "carl"),
    ):
        entry = trail.get_by_role("row").filter(has=ada.get_by_role("cell", name=action, exact=True))
        expect(entry).to_have_count(1)
        expect(entry).to_contain_text(who)
    expect(trail.get_by_role("row").filter(has_text="mapping.version_added")).to_contain_text("tax:US01:VAT20")
    for page in (olivia, carl, ada):
        page.context.close()


def test_a_controller_who_asked_for_a_change_cannot_approve_it(
    configured: dict[str, Any], live_server: Any, browser: Browser, console_watch: ConsoleWatch
) -> None:
    carl = sign_in(browser, console_watch, live_server.url, "controller")
    open_tax_mappings(carl)
    expect(carl.get_by_role("form", name="Propose a change").get_by_label("Source code")).to_have_value("")
    change_id = propose(carl, "VAT20", "Map VAT20 to the 15% sale tax")
    submit(carl, change_id)
    expect(carl.get_by_role("heading", level=2, name="Your request")).to_be_visible()
    expect(fact(carl, "Decided by")).to_have_text("not yet (a controller of US01 other than carl)")
    for button in ("Approve", "Reject"):
        expect(carl.get_by_role("button", name=button, exact=True)).to_have_count(0)
    expect(carl.get_by_role("form", name="Approve")).to_have_count(0)
    expect(carl.get_by_role("button", name="Withdraw", exact=True)).to_be_visible()

    # Their own request is theirs to follow, not theirs to decide.
    carl.get_by_role("navigation", name="Main").get_by_role("link", name="Mappings", exact=True).click()
    expect(carl.get_by_role("region", name="Your open requests")).to_contain_text(f"Mapping change {change_id}")
    expect(carl.get_by_role("region", name="Waiting for your decision")).to_have_count(0)
    request = ChangeRequest.objects.get(pk=change_id)
    assert request.state == ChangeState.SUBMITTED and request.decided_by is None
    assert request.requested_by.username == "carl"
    carl.context.close()
